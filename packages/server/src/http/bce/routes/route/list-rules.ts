import { idPattern } from '../../../../domain/ids.js';
import { parsePageRequest } from '../../../../domain/pagination.js';
import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { pageWire, routeRuleWire } from '../../wire.js';
import { routeTableRef } from './table-ref.js';

const RULE_ID = idPattern('rr');

/** GET /v1/route/rule?routeTableId=|vpcId=&marker=&maxKeys= */
export const listRouteRules: RouteRegistration = (app, { application }) => {
  app.get('/v1/route/rule', async (request) => {
    const query = request.query as Record<string, string>;
    const page = parsePageRequest(query.marker, query.maxKeys, RULE_ID);
    const result = await application.routes.listRules(callerOf(request), routeTableRef(query), page);
    return pageWire(result, 'routeRules', routeRuleWire);
  });
};
