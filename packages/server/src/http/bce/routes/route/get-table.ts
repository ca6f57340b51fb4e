import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { routeTableWire } from '../../wire.js';
import { routeTableRef } from './table-ref.js';

/** GET /v1/route?routeTableId= | ?vpcId= → {routeTableId, name, vpcId, routeRules} */
export const getRouteTable: RouteRegistration = (app, { application }) => {
  app.get('/v1/route', async (request) => {
    const ref = routeTableRef(request.query as Record<string, string>);
    const { table, rules } = await application.routes.getTable(callerOf(request), ref);
    return routeTableWire(table, rules);
  });
};
