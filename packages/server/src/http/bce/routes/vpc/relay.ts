import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { idempotencyOf } from '../../input.js';

/** PUT /v1/vpc/openRelay/{vpcId} and PUT /v1/vpc/shutdownRelay/{vpcId} (SDK-only endpoints). */
export const switchVpcRelay: RouteRegistration = (app, { application }) => {
  for (const [action, relay] of [
    ['openRelay', true],
    ['shutdownRelay', false],
  ] as const) {
    app.put<{ Params: { vpcId: string } }>(`/v1/vpc/${action}/:vpcId`, async (request) =>
      application.vpcs.setRelay(callerOf(request), request.params.vpcId, relay, idempotencyOf(request)),
    );
  }
};
