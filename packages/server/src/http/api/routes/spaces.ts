import { Type } from '@sinclair/typebox';
import { parsePageRequest } from '../../../domain/pagination.js';
import { SPACE_ID, type Space } from '../../../domain/space.js';
import { bodySchema, parseBody } from '../../bce/input.js';
import { callerOf } from '../../request-context.js';
import type { RouteRegistration } from '../../route-registration.js';

const CreateSpace = bodySchema(
  Type.Object({
    name: Type.String(),
    description: Type.Optional(Type.String()),
    managers: Type.Optional(Type.Array(Type.String())),
  }),
);
const UpdateSpace = bodySchema(
  Type.Object({ name: Type.Optional(Type.String()), description: Type.Optional(Type.String()) }),
);

type SpaceParams = { Params: { spaceId: string } };
type ManagerParams = { Params: { spaceId: string; principalId: string } };

const spaceJson = (space: Space) => ({
  spaceId: space.id,
  name: space.name,
  description: space.description,
  managers: space.managers,
  createdAt: new Date(space.createdAt).toISOString(),
});

/**
 * /api/v1/spaces: administrators create and delete spaces; a space's managers (and administrators)
 * read and edit it and its managers. Others see only the spaces they manage.
 */
export const spaceRoutes: RouteRegistration = (app, { application }) => {
  const spaces = application.spaces;

  app.post('/api/v1/spaces', async (request, reply) => {
    const body = parseBody(CreateSpace, request.body);
    return reply.status(201).send(spaceJson(await spaces.create(callerOf(request), body)));
  });

  app.get('/api/v1/spaces', async (request) => {
    const query = request.query as Record<string, string>;
    const page = await spaces.list(
      callerOf(request),
      parsePageRequest(query.marker, query.maxKeys, SPACE_ID),
    );
    return {
      spaces: page.items.map(spaceJson),
      isTruncated: page.isTruncated,
      ...(page.nextMarker ? { nextMarker: page.nextMarker } : {}),
    };
  });

  app.get<SpaceParams>('/api/v1/spaces/:spaceId', async (request) =>
    spaceJson(await spaces.get(callerOf(request), request.params.spaceId)),
  );

  app.patch<SpaceParams>('/api/v1/spaces/:spaceId', async (request) => {
    const body = parseBody(UpdateSpace, request.body);
    return spaceJson(await spaces.update(callerOf(request), request.params.spaceId, body));
  });

  app.delete<SpaceParams>('/api/v1/spaces/:spaceId', async (request, reply) => {
    await spaces.delete(callerOf(request), request.params.spaceId);
    return reply.status(204).send();
  });

  app.put<ManagerParams>('/api/v1/spaces/:spaceId/managers/:principalId', async (request) => {
    const { spaceId, principalId } = request.params;
    return spaceJson(await spaces.addManager(callerOf(request), spaceId, principalId));
  });

  app.delete<ManagerParams>('/api/v1/spaces/:spaceId/managers/:principalId', async (request) => {
    const { spaceId, principalId } = request.params;
    return spaceJson(await spaces.removeManager(callerOf(request), spaceId, principalId));
  });
};
