import type { RouteTableRef } from '../../../../app/routes.js';
import { HttpError } from '../../../errors.js';

/** `routeTableId` or `vpcId`: one of them names the table. */
export function routeTableRef(query: Record<string, string>): RouteTableRef {
  if (query.routeTableId) return { routeTableId: query.routeTableId };
  if (query.vpcId) return { vpcId: query.vpcId };
  throw new HttpError(400, 'BadRequest', 'give routeTableId or vpcId');
}
