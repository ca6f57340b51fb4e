import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { idempotencyOf } from '../../input.js';

/** DELETE /v1/subnet/{subnetId}?clientToken= */
export const deleteSubnet: RouteRegistration = (app, { application }) => {
  app.delete<{ Params: { subnetId: string } }>('/v1/subnet/:subnetId', async (request) =>
    application.subnets.delete(callerOf(request), request.params.subnetId, idempotencyOf(request)),
  );
};
