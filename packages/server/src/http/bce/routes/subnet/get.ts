import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { subnetWire } from '../../wire.js';

/** GET /v1/subnet/{subnetId} → {"subnet": Subnet} */
export const getSubnet: RouteRegistration = (app, { application }) => {
  app.get<{ Params: { subnetId: string } }>('/v1/subnet/:subnetId', async (request) => ({
    subnet: subnetWire(await application.subnets.get(callerOf(request), request.params.subnetId)),
  }));
};
