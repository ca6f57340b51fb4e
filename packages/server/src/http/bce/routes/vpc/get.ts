import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { showVpcWire } from '../../wire.js';

/** GET /v1/vpc/{vpcId} → {"vpc": ShowVpcModel} (wrapped, unlike the peer connection detail). */
export const getVpc: RouteRegistration = (app, { application }) => {
  app.get<{ Params: { vpcId: string } }>('/v1/vpc/:vpcId', async (request) => {
    const { vpc, subnets } = await application.vpcs.get(callerOf(request), request.params.vpcId);
    return { vpc: showVpcWire(vpc, subnets) };
  });
};
