import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { idempotencyOf } from '../../input.js';

/** DELETE /v1/route/rule/{routeRuleId}?clientToken= */
export const deleteRouteRule: RouteRegistration = (app, { application }) => {
  app.delete<{ Params: { routeRuleId: string } }>('/v1/route/rule/:routeRuleId', async (request) =>
    application.routes.deleteRule(callerOf(request), request.params.routeRuleId, idempotencyOf(request)),
  );
};
