import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { peerConnWire } from '../../wire.js';

/** GET /v1/peerconn/{id}?role= → the PeerConn object, not wrapped. */
export const getPeerConn: RouteRegistration = (app, { application }) => {
  app.get<{ Params: { peerConnId: string } }>('/v1/peerconn/:peerConnId', async (request) => {
    const role = (request.query as Record<string, string>).role;
    return peerConnWire(await application.peerConns.get(callerOf(request), request.params.peerConnId, role));
  });
};
