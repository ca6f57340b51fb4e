import { Type } from '@sinclair/typebox';
import type { JobView } from '../../../app/replication.js';
import type { ItemView } from '../../../app/space-data.js';
import type { TypeMapping } from '../../../domain/data/mapping.js';
import { checkTypeName, type ObjectType } from '../../../domain/data/object-types.js';
import { badRequest } from '../../../domain/errors.js';
import { idPattern } from '../../../domain/ids.js';
import { type Page, parsePageRequest } from '../../../domain/pagination.js';
import type { Conflict } from '../../../store/repositories/conflicts.js';
import type { Marking } from '../../../store/repositories/space-data.js';
import { bodySchema, parseBody } from '../../bce/input.js';
import { callerOf } from '../../request-context.js';
import type { RouteRegistration } from '../../route-registration.js';
import { iso } from './network.js';

const Markings = Type.Array(Type.String(), { maxItems: 256 });
const Properties = Type.Record(Type.String(), Type.Unknown());

const CreateObjectType = bodySchema(
  Type.Object({
    name: Type.String(),
    primaryKey: Type.Optional(Type.String()),
    properties: Type.Record(Type.String(), Type.String()),
  }),
);
const CreateObject = bodySchema(
  Type.Object({
    type: Type.String(),
    properties: Properties,
    classification: Type.Optional(Type.String()),
    markings: Type.Optional(Markings),
  }),
);
const UpdateObject = bodySchema(
  Type.Object({
    properties: Type.Optional(Properties),
    classification: Type.Optional(Type.String()),
    markings: Type.Optional(Markings),
  }),
);
const PutFile = bodySchema(
  Type.Object({
    path: Type.String(),
    content: Type.String(),
    classification: Type.Optional(Type.String()),
    markings: Type.Optional(Markings),
  }),
);
const CreateMarking = bodySchema(
  Type.Object({ name: Type.String(), description: Type.Optional(Type.String()) }),
);
const MarkingMembers = bodySchema(
  Type.Object({ members: Type.Array(Type.String({ maxLength: 256 }), { maxItems: 1000 }) }),
);
const ResolveConflict = bodySchema(Type.Object({ choose: Type.String() }));
const SetTypeMapping = bodySchema(
  Type.Object({ remoteType: Type.String(), properties: Type.Record(Type.String(), Type.String()) }),
);

/** Files hold up to 8 MiB, which travel base64-encoded (a third more) inside a JSON body. */
const FILE_BODY_LIMIT = 12 * 1024 * 1024;
/**
 * Standard base64 with padding (with the length a multiple of 4), which `Buffer.from(text, 'base64')`
 * would otherwise read leniently. No groups: a repeated group backtracks through megabytes of text
 * until the stack overflows.
 */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const OBJECT_ID = idPattern('obj');
const FILE_ID = idPattern('fil');
const CONFLICT_ID = idPattern('cfl');

type SpaceParams = { Params: { spaceId: string } };
type TypeParams = { Params: { spaceId: string; name: string } };
type ObjectParams = { Params: { spaceId: string; objectId: string } };
type FileParams = { Params: { spaceId: string; fileId: string } };
type ConflictParams = { Params: { spaceId: string; conflictId: string } };
type MarkingParams = { Params: { name: string } };
type ConnectionParams = { Params: { connectionId: string } };
type MappingParams = { Params: { connectionId: string; localType: string } };

const typeJson = (type: ObjectType) => ({
  spaceId: type.spaceId,
  name: type.name,
  primaryKey: type.primaryKey,
  properties: type.properties,
  createdAt: iso(type.createdAt),
});

const labelsAndVersion = (view: ItemView) => ({
  classification: view.content.classification,
  markings: view.content.markings,
  version: view.version,
  peers: view.peers,
  createdAt: iso(view.createdAt),
  updatedAt: iso(view.updatedAt),
});

const objectJson = (view: ItemView) => ({
  objectId: view.id,
  spaceId: view.spaceId,
  type: view.typeName,
  key: view.key,
  properties: view.content.properties,
  ...labelsAndVersion(view),
});

const fileJson = (view: ItemView) => ({
  fileId: view.id,
  spaceId: view.spaceId,
  path: view.key,
  size: view.content.blob?.size ?? 0,
  sha256: view.content.blob?.hash ?? null,
  ...labelsAndVersion(view),
});

const itemJson = (view: ItemView) => (view.kind === 'object' ? objectJson(view) : fileJson(view));

const markingJson = (marking: Marking) => ({
  name: marking.name,
  description: marking.description,
  origin: marking.origin,
  members: marking.members,
  createdAt: iso(marking.createdAt),
});

const conflictJson = (conflict: Conflict) => ({
  conflictId: conflict.id,
  spaceId: conflict.spaceId,
  itemId: conflict.itemId,
  connectionId: conflict.connectionId,
  local: conflict.local,
  remote: conflict.remote,
  winner: conflict.winner,
  reason: conflict.reason,
  detectedAt: iso(conflict.detectedAt),
  resolution: conflict.resolution && { ...conflict.resolution, at: iso(conflict.resolution.at) },
});

const jobJson = ({ lastTransferAt, acknowledged, ...job }: JobView) => ({
  ...job,
  ...(acknowledged !== undefined
    ? { acknowledged: acknowledged && { seq: acknowledged.seq, at: iso(acknowledged.at) } }
    : {}),
  lastTransferAt: iso(lastTransferAt),
});

const mappingJson = (mapping: TypeMapping) => ({
  localType: mapping.localType,
  remoteType: mapping.remoteType,
  properties: mapping.properties,
  createdAt: iso(mapping.createdAt),
});

/** A page as the Peerlink API lists them: the items under `key`, then the paging fields. */
function pageJson<T, J>(key: string, page: Page<T>, toJson: (item: T) => J) {
  return {
    [key]: page.items.map(toJson),
    isTruncated: page.isTruncated,
    ...(page.nextMarker ? { nextMarker: page.nextMarker } : {}),
  };
}

function decodeContent(text: string): Buffer {
  if (text.length % 4 !== 0 || !BASE64.test(text))
    throw badRequest('InvalidContent', 'content must be the file bytes in standard base64 (with padding)');
  return Buffer.from(text, 'base64');
}

function parseOpen(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw badRequest('InvalidOpen', 'open must be true or false');
}

/**
 * Space data (/api/v1/spaces/:spaceId/object-types, objects, files, conflicts), markings
 * (/api/v1/markings) and replication (/api/v1/peer-connections/:connectionId/jobs and
 * type-mappings). A space's data is for its managers; markings are created and granted by
 * enrollment administrators.
 */
export const spaceDataRoutes: RouteRegistration = (app, { application }) => {
  const data = application.spaceData;
  const replication = application.replication;

  // ---- object types

  app.post<SpaceParams>('/api/v1/spaces/:spaceId/object-types', async (request, reply) => {
    const body = parseBody(CreateObjectType, request.body);
    const type = await data.createObjectType(callerOf(request), request.params.spaceId, body);
    return reply.status(201).send(typeJson(type));
  });

  app.get<SpaceParams>('/api/v1/spaces/:spaceId/object-types', async (request) => ({
    objectTypes: (await data.listObjectTypes(callerOf(request), request.params.spaceId)).map(typeJson),
  }));

  app.get<TypeParams>('/api/v1/spaces/:spaceId/object-types/:name', async (request) => {
    const { spaceId, name } = request.params;
    return typeJson(await data.getObjectType(callerOf(request), spaceId, name));
  });

  app.delete<TypeParams>('/api/v1/spaces/:spaceId/object-types/:name', async (request, reply) => {
    const { spaceId, name } = request.params;
    await data.deleteObjectType(callerOf(request), spaceId, name);
    return reply.status(204).send();
  });

  // ---- objects

  app.post<SpaceParams>('/api/v1/spaces/:spaceId/objects', async (request, reply) => {
    const { type, ...input } = parseBody(CreateObject, request.body);
    const view = await data.createObject(callerOf(request), request.params.spaceId, type, input);
    return reply.status(201).send(objectJson(view));
  });

  app.get<SpaceParams>('/api/v1/spaces/:spaceId/objects', async (request) => {
    const query = request.query as Record<string, string>;
    const page = parsePageRequest(query.marker, query.maxKeys, OBJECT_ID);
    const typeName = query.type ? checkTypeName(query.type) : undefined;
    return pageJson(
      'objects',
      await data.listItems(callerOf(request), request.params.spaceId, 'object', page, typeName),
      objectJson,
    );
  });

  app.get<ObjectParams>('/api/v1/spaces/:spaceId/objects/:objectId', async (request) => {
    const { spaceId, objectId } = request.params;
    return objectJson(await data.getItem(callerOf(request), spaceId, objectId, 'object'));
  });

  app.put<ObjectParams>('/api/v1/spaces/:spaceId/objects/:objectId', async (request) => {
    const body = parseBody(UpdateObject, request.body);
    const { spaceId, objectId } = request.params;
    return objectJson(await data.updateObject(callerOf(request), spaceId, objectId, body));
  });

  app.delete<ObjectParams>('/api/v1/spaces/:spaceId/objects/:objectId', async (request, reply) => {
    const { spaceId, objectId } = request.params;
    await data.deleteObject(callerOf(request), spaceId, objectId);
    return reply.status(204).send();
  });

  // ---- files

  app.post<SpaceParams>('/api/v1/spaces/:spaceId/files', { bodyLimit: FILE_BODY_LIMIT }, async (request) => {
    const { path, content, ...labels } = parseBody(PutFile, request.body);
    const bytes = decodeContent(content);
    return fileJson(await data.putFile(callerOf(request), request.params.spaceId, path, bytes, labels));
  });

  app.get<SpaceParams>('/api/v1/spaces/:spaceId/files', async (request) => {
    const query = request.query as Record<string, string>;
    const page = parsePageRequest(query.marker, query.maxKeys, FILE_ID);
    return pageJson(
      'files',
      await data.listItems(callerOf(request), request.params.spaceId, 'file', page),
      fileJson,
    );
  });

  app.get<FileParams>('/api/v1/spaces/:spaceId/files/:fileId', async (request) => {
    const { spaceId, fileId } = request.params;
    return fileJson(await data.getItem(callerOf(request), spaceId, fileId, 'file'));
  });

  app.get<FileParams>('/api/v1/spaces/:spaceId/files/:fileId/content', async (request, reply) => {
    const { spaceId, fileId } = request.params;
    const { content } = await data.readFile(callerOf(request), spaceId, fileId);
    return reply.type('application/octet-stream').send(content);
  });

  app.delete<FileParams>('/api/v1/spaces/:spaceId/files/:fileId', async (request, reply) => {
    const { spaceId, fileId } = request.params;
    await data.deleteFile(callerOf(request), spaceId, fileId);
    return reply.status(204).send();
  });

  // ---- markings

  app.get('/api/v1/markings', async (request) => ({
    markings: (await data.listMarkings(callerOf(request))).map(markingJson),
  }));

  app.post('/api/v1/markings', async (request, reply) => {
    const body = parseBody(CreateMarking, request.body);
    return reply.status(201).send(markingJson(await data.createMarking(callerOf(request), body)));
  });

  app.put<MarkingParams>('/api/v1/markings/:name/members', async (request) => {
    const { members } = parseBody(MarkingMembers, request.body);
    return markingJson(await data.setMarkingMembers(callerOf(request), request.params.name, members));
  });

  // ---- conflicts

  app.get<SpaceParams>('/api/v1/spaces/:spaceId/conflicts', async (request) => {
    const query = request.query as Record<string, string>;
    const page = parsePageRequest(query.marker, query.maxKeys, CONFLICT_ID);
    const open = parseOpen(query.open);
    const filter = {
      ...(query.connectionId ? { connectionId: query.connectionId } : {}),
      ...(query.itemId ? { itemId: query.itemId } : {}),
      ...(open !== undefined ? { open } : {}),
    };
    return pageJson(
      'conflicts',
      await data.listConflicts(callerOf(request), request.params.spaceId, filter, page),
      conflictJson,
    );
  });

  app.post<ConflictParams>('/api/v1/spaces/:spaceId/conflicts/:conflictId/resolve', async (request) => {
    const { choose } = parseBody(ResolveConflict, request.body);
    const { spaceId, conflictId } = request.params;
    const { conflict, item } = await data.resolveConflict(
      callerOf(request),
      spaceId,
      conflictId,
      choose as 'local' | 'remote',
    );
    return { conflict: conflictJson(conflict), item: itemJson(item) };
  });

  // ---- replication

  app.get<ConnectionParams>('/api/v1/peer-connections/:connectionId/jobs', async (request) => ({
    jobs: (await replication.jobs(callerOf(request), request.params.connectionId)).map(jobJson),
  }));

  app.get<ConnectionParams>('/api/v1/peer-connections/:connectionId/type-mappings', async (request) => ({
    mappings: (await replication.listMappings(callerOf(request), request.params.connectionId)).map(
      mappingJson,
    ),
  }));

  app.put<MappingParams>(
    '/api/v1/peer-connections/:connectionId/type-mappings/:localType',
    async (request) => {
      const body = parseBody(SetTypeMapping, request.body);
      const { connectionId, localType } = request.params;
      return mappingJson(
        await replication.setMapping(callerOf(request), connectionId, { localType, ...body }),
      );
    },
  );

  app.delete<MappingParams>(
    '/api/v1/peer-connections/:connectionId/type-mappings/:localType',
    async (request, reply) => {
      const { connectionId, localType } = request.params;
      await replication.deleteMapping(callerOf(request), connectionId, localType);
      return reply.status(204).send();
    },
  );
};
