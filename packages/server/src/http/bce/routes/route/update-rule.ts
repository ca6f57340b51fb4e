import { Type } from '@sinclair/typebox';
import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { bodySchema, idempotencyOf, parseBody } from '../../input.js';

const Body = bodySchema(
  Type.Object({
    sourceAddress: Type.Optional(Type.String()),
    destinationAddress: Type.Optional(Type.String()),
    nexthopId: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
  }),
);

/** PUT /v1/route/rule/{routeRuleId}?clientToken= (Go also sends routeRuleId in the body; ignored). */
export const updateRouteRule: RouteRegistration = (app, { application }) => {
  app.put<{ Params: { routeRuleId: string } }>('/v1/route/rule/:routeRuleId', async (request) => {
    const body = parseBody(Body, request.body);
    return application.routes.updateRule(
      callerOf(request),
      request.params.routeRuleId,
      body,
      idempotencyOf(request),
    );
  });
};
