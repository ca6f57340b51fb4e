import { idPattern } from '../../../../domain/ids.js';
import { parsePageRequest } from '../../../../domain/pagination.js';
import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { pageWire, subnetWire } from '../../wire.js';

const SUBNET_ID = idPattern('sbn');

/** GET /v1/subnet?marker=&maxKeys=&vpcId=&zoneName=&subnetType= */
export const listSubnets: RouteRegistration = (app, { application }) => {
  app.get('/v1/subnet', async (request) => {
    const query = request.query as Record<string, string>;
    const page = parsePageRequest(query.marker, query.maxKeys, SUBNET_ID);
    const filter = { vpcId: query.vpcId, zoneName: query.zoneName, subnetType: query.subnetType };
    return pageWire(await application.subnets.list(callerOf(request), filter, page), 'subnets', subnetWire);
  });
};
