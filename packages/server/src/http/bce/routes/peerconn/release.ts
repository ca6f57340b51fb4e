import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { idempotencyOf } from '../../input.js';

/** DELETE /v1/peerconn/{id}?clientToken= → deleting, then deleted. */
export const releasePeerConn: RouteRegistration = (app, { application }) => {
  app.delete<{ Params: { peerConnId: string } }>('/v1/peerconn/:peerConnId', async (request) =>
    application.peerConns.release(callerOf(request), request.params.peerConnId, idempotencyOf(request)),
  );
};
