import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Application } from '../../../../app/application.js';
import { HttpError } from '../../../errors.js';
import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { bodySchema, hasFlag, idempotencyOf, parseBody } from '../../input.js';
import { BillingSchema, normalizeBilling } from './schemas.js';

type Handler = (
  request: FastifyRequest<{ Params: { peerConnId: string } }>,
  application: Application,
) => Promise<object>;

const UpdateBody = bodySchema(
  Type.Object({
    localIfId: Type.String(),
    localIfName: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
  }),
);
const ResizeBody = bodySchema(Type.Object({ newBandwidthInMbps: Type.Integer() }));
const RenewBody = bodySchema(Type.Object({ billing: Type.Optional(BillingSchema) }));

const role = (request: FastifyRequest) => (request.query as Record<string, string>).role;

/** Bodies of accept, reject, refund and DNS switches are ignored (Java sends `{}`, Go `{"role":…}`). */
const ACTIONS: Record<string, Handler> = {
  accept: (r, a) => a.peerConns.accept(callerOf(r), r.params.peerConnId, idempotencyOf(r)),
  reject: (r, a) => a.peerConns.reject(callerOf(r), r.params.peerConnId, idempotencyOf(r)),
  resize: (r, a) =>
    a.peerConns.resize(
      callerOf(r),
      r.params.peerConnId,
      parseBody(ResizeBody, r.body).newBandwidthInMbps,
      idempotencyOf(r),
    ),
  purchaseReserved: (r, a) =>
    a.peerConns.renew(
      callerOf(r),
      r.params.peerConnId,
      normalizeBilling(parseBody(RenewBody, r.body).billing),
      idempotencyOf(r),
    ),
  open: (r, a) => a.peerConns.switchDns(callerOf(r), r.params.peerConnId, role(r), true, idempotencyOf(r)),
  close: (r, a) => a.peerConns.switchDns(callerOf(r), r.params.peerConnId, role(r), false, idempotencyOf(r)),
  refund: (r, a) => a.peerConns.refund(callerOf(r), r.params.peerConnId, idempotencyOf(r)),
};

const update: Handler = (r, a) => {
  const body = parseBody(UpdateBody, r.body);
  return a.peerConns.update(callerOf(r), r.params.peerConnId, body, idempotencyOf(r));
};

/**
 * PUT /v1/peerconn/{id}: the action is the query flag present (`?accept` or `?accept=`), and with
 * none it is the update of the caller's own side (reference §1.0 dispatch rule).
 */
export const peerConnActions: RouteRegistration = (app, { application }) => {
  app.put<{ Params: { peerConnId: string } }>('/v1/peerconn/:peerConnId', async (request) => {
    const query = request.query as Record<string, string>;
    const flags = Object.keys(ACTIONS).filter((flag) => hasFlag(query, flag));
    if (flags.length > 1)
      throw new HttpError(400, 'BadRequest', `give one action, not ${flags.join(' and ')}`);
    const handler = flags[0] ? ACTIONS[flags[0]]! : update;
    return handler(request, application);
  });
};
