import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { idempotencyOf } from '../../input.js';

/** DELETE /v1/vpc/{vpcId}?clientToken= ; 409 ResourceNeedRelease while anything still uses it. */
export const deleteVpc: RouteRegistration = (app, { application }) => {
  app.delete<{ Params: { vpcId: string } }>('/v1/vpc/:vpcId', async (request) =>
    application.vpcs.delete(callerOf(request), request.params.vpcId, idempotencyOf(request)),
  );
};
