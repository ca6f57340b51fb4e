import { END_MARKER, parseEndMarker } from '../../../../app/peer-conns.js';
import { parsePageRequest } from '../../../../domain/pagination.js';
import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { pageWire, peerConnWire } from '../../wire.js';

/**
 * GET /v1/peerconn?vpcId=&marker=&maxKeys= : one item per end the caller owns in this region (a
 * same-account, same-region connection lists twice, once per role); `vpcId` keeps the ends in
 * that VPC.
 */
export const listPeerConns: RouteRegistration = (app, { application }) => {
  app.get('/v1/peerconn', async (request) => {
    const query = request.query as Record<string, string>;
    const page = parsePageRequest(query.marker, query.maxKeys, END_MARKER);
    const endMarker = parseEndMarker(query.marker);
    const result = await application.peerConns.list(callerOf(request), query.vpcId || undefined, {
      ...page,
      ...(endMarker ? { endMarker } : {}),
    });
    return pageWire(result, 'peerConns', peerConnWire);
  });
};
