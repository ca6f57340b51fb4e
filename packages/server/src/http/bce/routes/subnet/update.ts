import { Type } from '@sinclair/typebox';
import { HttpError } from '../../../errors.js';
import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { bodySchema, hasFlag, idempotencyOf, parseBody } from '../../input.js';

const Body = bodySchema(
  Type.Object({ name: Type.Optional(Type.String()), description: Type.Optional(Type.String()) }),
);

/** PUT /v1/subnet/{subnetId}?modifyAttribute&clientToken= */
export const updateSubnet: RouteRegistration = (app, { application }) => {
  app.put<{ Params: { subnetId: string } }>('/v1/subnet/:subnetId', async (request) => {
    if (!hasFlag(request.query as Record<string, string>, 'modifyAttribute')) {
      throw new HttpError(400, 'InvalidURI', 'PUT /v1/subnet/{subnetId} needs the modifyAttribute flag');
    }
    const body = parseBody(Body, request.body);
    return application.subnets.update(
      callerOf(request),
      request.params.subnetId,
      body,
      idempotencyOf(request),
    );
  });
};
