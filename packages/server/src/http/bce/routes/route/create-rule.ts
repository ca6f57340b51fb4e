import { Type } from '@sinclair/typebox';
import { HttpError } from '../../../errors.js';
import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { bodySchema, idempotencyOf, parseBody } from '../../input.js';

const Body = bodySchema(
  Type.Object({
    routeTableId: Type.String(),
    sourceAddress: Type.String(),
    destinationAddress: Type.String(),
    nexthopId: Type.Optional(Type.String()),
    nexthopType: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    // Java sends a number, Go a string.
    ipVersion: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
    nextHopList: Type.Optional(Type.Array(Type.Unknown())),
  }),
);

/** POST /v1/route/rule?clientToken= → {"routeRuleId": "rr-…"} */
export const createRouteRule: RouteRegistration = (app, { application }) => {
  app.post('/v1/route/rule', async (request) => {
    const body = parseBody(Body, request.body);
    if (body.ipVersion !== undefined && String(body.ipVersion) !== '4') {
      throw new HttpError(400, 'BadRequest', 'only IPv4 route rules (ipVersion 4) are supported');
    }
    if (body.nextHopList && body.nextHopList.length > 0) {
      throw new HttpError(
        400,
        'BadRequest',
        'multi-path route rules (nextHopList) are not supported; give nexthopId',
      );
    }
    if (body.nexthopId === undefined || body.nexthopType === undefined) {
      throw new HttpError(400, 'InappropriateJSON', 'nexthopId and nexthopType are required');
    }
    return application.routes.createRule(
      callerOf(request),
      {
        routeTableId: body.routeTableId,
        sourceAddress: body.sourceAddress,
        destinationAddress: body.destinationAddress,
        nexthopId: body.nexthopId,
        nexthopType: body.nexthopType,
        description: body.description,
      },
      idempotencyOf(request),
    );
  });
};
