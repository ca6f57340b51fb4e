import { badRequest } from '../../../../domain/errors.js';
import { idPattern } from '../../../../domain/ids.js';
import { parsePageRequest } from '../../../../domain/pagination.js';
import { callerOf } from '../../../request-context.js';
import type { RouteRegistration } from '../../../route-registration.js';
import { pageWire, vpcWire } from '../../wire.js';

const VPC_ID = idPattern('vpc');

function parseIsDefault(text: string | undefined): boolean | undefined {
  if (text === undefined || text === '') return undefined;
  if (text === 'true' || text === 'false') return text === 'true';
  throw badRequest('InvalidIsDefault', 'isDefault must be true or false');
}

/** GET /v1/vpc?marker=&maxKeys=&isDefault=&vpcIds=a,b */
export const listVpcs: RouteRegistration = (app, { application }) => {
  app.get('/v1/vpc', async (request) => {
    const query = request.query as Record<string, string>;
    const page = parsePageRequest(query.marker, query.maxKeys, VPC_ID);
    const vpcIds = query.vpcIds?.split(',').filter((id) => id !== '');
    const result = await application.vpcs.list(
      callerOf(request),
      { isDefault: parseIsDefault(query.isDefault), ...(vpcIds && vpcIds.length > 0 ? { vpcIds } : {}) },
      page,
    );
    return pageWire(result, 'vpcs', vpcWire);
  });
};
