import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Application } from '../../../app/application.js';
import type { DataplaneService } from '../../../dataplane/service.js';
import { ENDPOINT_ID, type Endpoint } from '../../../domain/dataplane/endpoint.js';
import { badRequest } from '../../../domain/errors.js';
import { parsePageRequest } from '../../../domain/pagination.js';
import { bodySchema, parseBody } from '../../bce/input.js';
import { callerOf } from '../../request-context.js';
import { iso } from './network.js';

const CreateEndpoint = bodySchema(
  Type.Object({ subnetId: Type.String({ maxLength: 64 }), name: Type.String({ maxLength: 256 }) }),
);

type EndpointParams = { Params: { endpointId: string } };

/**
 * /api/v1/dataplane: endpoints (stand-ins for instances, one address in a subnet each) and the
 * dataplane's programming status. Endpoints belong to the account that owns the subnet, signed
 * with its key (bce-auth-v1) like /v1.
 */
export function dataplaneRoutes(
  app: FastifyInstance,
  { application, dataplane }: { application: Application; dataplane: DataplaneService },
): void {
  const endpoints = application.endpoints;
  const endpointJson = (ep: Endpoint) => ({
    endpointId: ep.id,
    subnetId: ep.subnetId,
    vpcId: ep.vpcId,
    name: ep.name,
    ip: ep.ip,
    netns: dataplane.driver.endpointNetns(ep.id),
    createdAt: iso(ep.createdAt),
  });

  app.post('/api/v1/dataplane/endpoints', async (request, reply) => {
    const body = parseBody(CreateEndpoint, request.body);
    return reply.status(201).send(endpointJson(await endpoints.create(callerOf(request), body)));
  });

  app.get('/api/v1/dataplane/endpoints', async (request) => {
    const query = request.query as Record<string, string>;
    if (query.vpcId && query.subnetId) throw badRequest('InvalidFilter', 'give vpcId or subnetId, not both');
    const page = await endpoints.list(
      callerOf(request),
      {
        ...(query.vpcId ? { vpcId: query.vpcId } : {}),
        ...(query.subnetId ? { subnetId: query.subnetId } : {}),
      },
      parsePageRequest(query.marker, query.maxKeys, ENDPOINT_ID),
    );
    return {
      endpoints: page.items.map(endpointJson),
      isTruncated: page.isTruncated,
      ...(page.nextMarker ? { nextMarker: page.nextMarker } : {}),
    };
  });

  app.get<EndpointParams>('/api/v1/dataplane/endpoints/:endpointId', async (request) =>
    endpointJson(await endpoints.get(callerOf(request), request.params.endpointId)),
  );

  app.delete<EndpointParams>('/api/v1/dataplane/endpoints/:endpointId', async (request, reply) => {
    await endpoints.delete(callerOf(request), request.params.endpointId);
    return reply.status(204).send();
  });

  app.get('/api/v1/dataplane/status', async (request) => dataplane.status(callerOf(request)));
}
