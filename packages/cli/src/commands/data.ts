import { readFileSync, writeFileSync } from 'node:fs';
import {
  type Conflict,
  type Marking,
  type ObjectTypeView,
  type ReplicationJob,
  SpaceDataClient,
  type SpaceFile,
  type SpaceObject,
  type TypeMapping,
} from '@peerlink/sdk';
import type { Command } from 'commander';
import { type ClientFlags, clientConfig } from '../client-options.js';
import { apiCommand, required } from '../command-kit.js';
import { UsageError } from '../errors.js';
import { print, printRecord } from '../output.js';
import { allPages } from '../pages.js';

const client = (flags: ClientFlags) => new SpaceDataClient(clientConfig(flags));

/** Details for a person, on standard error, so that standard output keeps only what a script captures. */
const note = (line: string) => process.stderr.write(`${line}\n`);

type Properties = SpaceObject['properties'];
type PropertyValue = Properties[string];

const CLASSIFICATIONS = ['UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET'] as const;
type Classification = (typeof CLASSIFICATIONS)[number];

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface LabelFlags {
  classification?: string;
  marking?: string[];
}

function withLabelOptions(command: Command): Command {
  return command
    .option('--classification <level>', `the item's classification: ${CLASSIFICATIONS.join(', ')}`)
    .option('--marking <marking>', 'a marking the item carries (repeatable; it must exist)', collect);
}

function classification(text: string | undefined): Classification | undefined {
  if (text === undefined) return undefined;
  const value = text.toUpperCase().replace(/[_-]/g, ' ');
  if (!(CLASSIFICATIONS as readonly string[]).includes(value))
    throw new UsageError(`--classification must be one of ${CLASSIFICATIONS.join(', ')}`);
  return value as Classification;
}

/** `--classification` and `--marking` as API labels; only what is given. */
function labelsOf(flags: LabelFlags): { classification?: Classification; markings?: string[] } {
  const level = classification(flags.classification);
  return {
    ...(level !== undefined ? { classification: level } : {}),
    ...(flags.marking !== undefined ? { markings: flags.marking } : {}),
  };
}

/** `left:right` pairs of a repeatable option, such as `--property id:string`. */
function pairs(option: string, texts: string[] | undefined, shape: string): Record<string, string> {
  const result = new Map<string, string>();
  for (const text of texts ?? []) {
    const colon = text.indexOf(':');
    if (colon <= 0 || colon === text.length - 1)
      throw new UsageError(`${option} expects ${shape}, not "${text}"`);
    const name = text.slice(0, colon);
    if (result.has(name)) throw new UsageError(`${option} names ${name} twice`);
    result.set(name, text.slice(colon + 1));
  }
  return Object.fromEntries(result);
}

const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * A `--set` value read by the property's type: numbers for integer and double, true/false for
 * boolean, text otherwise. A value that does not read as its type (or a property the type lacks)
 * goes to the server as text, which refuses it and says why.
 */
function typedValue(type: string | undefined, text: string): PropertyValue {
  switch (type) {
    case 'integer':
      return INTEGER.test(text) ? Number(text) : text;
    case 'double': {
      // 1e999 would be Infinity, which JSON sends as null: the server is shown the text instead.
      const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
      return Number.isFinite(value) ? value : text;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : text;
    }
    default:
      return text;
  }
}

/** `--set name=value …` as properties typed by the object type. */
function propertiesOf(type: ObjectTypeView, sets: string[] | undefined): Properties {
  // Entries, so that any name (even __proto__) becomes a property the server can judge.
  const entries = (sets ?? []).map((text): [string, PropertyValue] => {
    const equals = text.indexOf('=');
    if (equals <= 0) throw new UsageError(`--set expects property=value, not "${text}"`);
    const name = text.slice(0, equals);
    const propertyType = Object.hasOwn(type.properties, name) ? type.properties[name] : undefined;
    return [name, typedValue(propertyType, text.slice(equals + 1))];
  });
  return Object.fromEntries(entries);
}

const joined = (values: string[]) => values.join(',');
const describeProperties = (properties: Properties) =>
  Object.entries(properties)
    .map(([name, value]) => `${name}=${value === null ? 'null' : String(value)}`)
    .join(' ');

const typeRow = (t: ObjectTypeView) => ({
  name: t.name,
  primaryKey: t.primaryKey,
  properties: Object.entries(t.properties)
    .map(([name, type]) => `${name}:${type}`)
    .join(','),
  created: t.createdAt,
});

const objectRow = (o: SpaceObject) => ({
  objectId: o.objectId,
  type: o.type,
  key: o.key,
  classification: o.classification,
  markings: joined(o.markings),
  updated: o.updatedAt,
  properties: describeProperties(o.properties),
});

const fileRow = (f: SpaceFile) => ({
  fileId: f.fileId,
  path: f.path,
  size: f.size,
  classification: f.classification,
  markings: joined(f.markings),
  updated: f.updatedAt,
  sha256: f.sha256,
});

const markingRow = (m: Marking) => ({
  name: m.name,
  origin: m.origin,
  members: joined(m.members),
  created: m.createdAt,
  description: m.description,
});

const describeResolution = (c: Conflict) =>
  c.resolution ? `chose ${c.resolution.chose} (${c.resolution.by}, ${c.resolution.at})` : 'open';

const conflictRow = (c: Conflict) => ({
  conflictId: c.conflictId,
  itemId: c.itemId,
  connectionId: c.connectionId,
  winner: c.winner,
  detected: c.detectedAt,
  resolution: describeResolution(c),
  reason: c.reason,
});

const acked = (job: ReplicationJob) =>
  job.acknowledged === undefined ? '' : job.acknowledged === null ? '-' : job.acknowledged.seq;

const jobRow = (j: ReplicationJob) => ({
  dataType: j.dataType,
  direction: j.direction,
  health: j.health,
  watermark: j.watermark,
  acked: acked(j),
  pending: j.pendingChanges,
  lagMs: j.lagMs,
  items: j.itemsTotal,
  withheld: j.withheld,
  reason: j.healthReason,
});

const mappingRow = (m: TypeMapping) => ({
  localType: m.localType,
  remoteType: m.remoteType,
  properties: Object.entries(m.properties)
    .map(([local, remote]) => `${local}:${remote}`)
    .join(','),
  created: m.createdAt,
});

const describePeers = (peers: SpaceObject['peers']) =>
  peers.map((p) => `${p.remoteId} (${p.connectionId})`).join(', ');

function showType(flags: ClientFlags, t: ObjectTypeView) {
  if (flags.output === 'json') return print('json', t, []);
  printRecord(flags.output, { spaceId: t.spaceId, ...typeRow(t) });
}

function showObject(flags: ClientFlags, o: SpaceObject) {
  if (flags.output === 'json') return print('json', o, []);
  printRecord(flags.output, {
    objectId: o.objectId,
    spaceId: o.spaceId,
    type: o.type,
    key: o.key,
    ...Object.fromEntries(Object.entries(o.properties).map(([name, value]) => [`properties.${name}`, value])),
    classification: o.classification,
    markings: joined(o.markings),
    version: o.version,
    peers: describePeers(o.peers),
    created: o.createdAt,
    updated: o.updatedAt,
  });
}

function showFile(flags: ClientFlags, f: SpaceFile) {
  if (flags.output === 'json') return print('json', f, []);
  printRecord(flags.output, {
    fileId: f.fileId,
    spaceId: f.spaceId,
    path: f.path,
    size: f.size,
    sha256: f.sha256,
    classification: f.classification,
    markings: joined(f.markings),
    version: f.version,
    peers: describePeers(f.peers),
    created: f.createdAt,
    updated: f.updatedAt,
  });
}

function showMarking(flags: ClientFlags, m: Marking) {
  if (flags.output === 'json') return print('json', m, []);
  printRecord(flags.output, { ...markingRow(m) });
}

function showMapping(flags: ClientFlags, m: TypeMapping) {
  if (flags.output === 'json') return print('json', m, []);
  printRecord(flags.output, { ...mappingRow(m) });
}

const deleted = (flags: ClientFlags, id: string) => print(flags.output, { deleted: id }, [{ deleted: id }]);

/** A local file's bytes, or standard input's for `-`. */
async function readLocal(file: string): Promise<Uint8Array> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks);
  }
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

function writeStdout(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(bytes, (error) => (error ? reject(error) : resolve())),
  );
}

/**
 * `peerlink data types|objects|files|markings|conflicts|mappings …` and `peerlink data jobs`: a
 * space's object types, objects and files, markings, conflicts, and the replication of a peer
 * connection.
 */
export function registerDataCommands(program: Command): void {
  const data = program
    .command('data')
    .description("a space's objects and files, markings, conflicts, and replication of peer connections");
  registerTypeCommands(data);
  registerObjectCommands(data);
  registerFileCommands(data);
  registerMarkingCommands(data);
  registerConflictCommands(data);
  registerReplicationCommands(data);
}

function registerTypeCommands(data: Command): void {
  const types = data.command('types').description("a space's object types and their typed properties");

  apiCommand(
    types,
    'create <spaceId> <name>',
    'create an object type (property types: string, integer, double, boolean, timestamp)',
    [
      'peerlink data types create spc-0lx2k7a90001 Person --primary-key id --property id:string --property name:string --property age:integer --property active:boolean',
    ],
  )
    .option('--primary-key <property>', 'the property that identifies an object (a string or integer)')
    .option('--property <name:type>', 'a property and its type (repeatable)', collect)
    .action(
      async (
        spaceId: string,
        name: string,
        flags: ClientFlags & { primaryKey?: string; property?: string[] },
      ) => {
        const properties = pairs('--property', flags.property, 'name:type');
        if (Object.keys(properties).length === 0)
          throw new UsageError('give at least one --property name:type');
        const created = await client(flags).createObjectType(spaceId, {
          name,
          primaryKey: required('--primary-key', flags.primaryKey),
          properties,
        });
        showType(flags, created);
      },
    );

  apiCommand(types, 'list <spaceId>', "list a space's object types", [
    'peerlink data types list spc-0lx2k7a90001',
  ]).action(async (spaceId: string, flags: ClientFlags) => {
    const { objectTypes } = await client(flags).listObjectTypes(spaceId);
    print(flags.output, objectTypes, objectTypes.map(typeRow));
  });

  apiCommand(types, 'show <spaceId> <name>', 'show an object type', [
    'peerlink data types show spc-0lx2k7a90001 Person',
  ]).action(async (spaceId: string, name: string, flags: ClientFlags) => {
    showType(flags, await client(flags).getObjectType(spaceId, name));
  });

  apiCommand(types, 'delete <spaceId> <name>', 'delete an object type that has no objects left', [
    'peerlink data types delete spc-0lx2k7a90001 Person',
  ]).action(async (spaceId: string, name: string, flags: ClientFlags) => {
    await client(flags).deleteObjectType(spaceId, name);
    deleted(flags, name);
  });
}

interface SetFlags {
  set?: string[];
}

function registerObjectCommands(data: Command): void {
  const objects = data.command('objects').description("a space's objects");
  const setHelp = 'property=value, read by the property type: 36, 1.5, true/false (repeatable)';

  withLabelOptions(
    apiCommand(objects, 'create <spaceId> <type>', 'create an object of a type', [
      'peerlink data objects create spc-0lx2k7a90001 Person --set id=p1 --set name="Ada Lovelace" --set age=36 --set active=true',
      'peerlink data objects create spc-0lx2k7a90001 Person --set id=p2 --classification secret --marking PII',
    ]).option('--set <property=value>', setHelp, collect),
  ).action(async (spaceId: string, typeName: string, flags: ClientFlags & SetFlags & LabelFlags) => {
    if (!flags.set?.length) throw new UsageError('give the properties with --set property=value');
    const labels = labelsOf(flags);
    const peerlink = client(flags);
    const type = await peerlink.getObjectType(spaceId, typeName);
    const created = await peerlink.createObject(spaceId, {
      type: typeName,
      properties: propertiesOf(type, flags.set),
      ...labels,
    });
    showObject(flags, created);
  });

  apiCommand(objects, 'list <spaceId>', "list a space's objects (of one type with --type)", [
    'peerlink data objects list spc-0lx2k7a90001 --type Person',
  ])
    .option('--type <type>', 'only objects of this type')
    .action(async (spaceId: string, flags: ClientFlags & { type?: string }) => {
      const all = await client(flags).listAllObjects(spaceId, flags.type ? { type: flags.type } : {});
      print(flags.output, all, all.map(objectRow));
    });

  apiCommand(objects, 'show <spaceId> <objectId>', 'show an object, its labels, version and peers', [
    'peerlink data objects show spc-0lx2k7a90001 obj-0lx2k7a90001',
  ]).action(async (spaceId: string, objectId: string, flags: ClientFlags) => {
    showObject(flags, await client(flags).getObject(spaceId, objectId));
  });

  withLabelOptions(
    apiCommand(
      objects,
      'update <spaceId> <objectId>',
      'change some properties (the others keep their values) or the labels; the primary key stays',
      [
        'peerlink data objects update spc-0lx2k7a90001 obj-0lx2k7a90001 --set age=37 --unset nickname',
        'peerlink data objects update spc-0lx2k7a90001 obj-0lx2k7a90001 --classification confidential --clear-markings',
      ],
    )
      .option('--set <property=value>', setHelp, collect)
      .option('--unset <property>', 'remove a property from the object (repeatable)', collect)
      .option('--clear-markings', 'remove every marking'),
  ).action(
    async (
      spaceId: string,
      objectId: string,
      flags: ClientFlags & SetFlags & LabelFlags & { unset?: string[]; clearMarkings?: boolean },
    ) => {
      if (flags.clearMarkings && flags.marking)
        throw new UsageError('give either --marking or --clear-markings, not both');
      const labels = { ...labelsOf(flags), ...(flags.clearMarkings ? { markings: [] } : {}) };
      const changesProperties = Boolean(flags.set?.length || flags.unset?.length);
      if (!changesProperties && Object.keys(labels).length === 0)
        throw new UsageError(
          'nothing to change: give --set, --unset, --classification, --marking or --clear-markings',
        );
      const peerlink = client(flags);
      let properties: Properties | undefined;
      if (changesProperties) {
        // The API replaces the whole set; the command merges the changes over what is stored.
        const current = await peerlink.getObject(spaceId, objectId);
        const type = await peerlink.getObjectType(spaceId, current.type);
        properties = { ...current.properties, ...propertiesOf(type, flags.set) };
        for (const name of flags.unset ?? []) delete properties[name];
      }
      const updated = await peerlink.updateObject(spaceId, objectId, {
        ...(properties ? { properties } : {}),
        ...labels,
      });
      showObject(flags, updated);
    },
  );

  apiCommand(objects, 'delete <spaceId> <objectId>', 'delete an object (peers see the delete)', [
    'peerlink data objects delete spc-0lx2k7a90001 obj-0lx2k7a90001',
  ]).action(async (spaceId: string, objectId: string, flags: ClientFlags) => {
    await client(flags).deleteObject(spaceId, objectId);
    deleted(flags, objectId);
  });
}

function registerFileCommands(data: Command): void {
  const files = data.command('files').description("a space's files (at most 8 MiB each)");

  withLabelOptions(
    apiCommand(
      files,
      'put <spaceId> <path> <localFile>',
      'create the file at a path in the space, or replace its content; - reads standard input',
      [
        'peerlink data files put spc-0lx2k7a90001 reports/2024/q1.pdf ./q1.pdf --marking PII',
        'tar cz logs | peerlink data files put spc-0lx2k7a90001 archive/logs.tgz -',
      ],
    ),
  ).action(async (spaceId: string, path: string, localFile: string, flags: ClientFlags & LabelFlags) => {
    const labels = labelsOf(flags);
    const content = await readLocal(localFile);
    showFile(flags, await client(flags).putFile(spaceId, { path, content, ...labels }));
  });

  apiCommand(files, 'list <spaceId>', "list a space's files", [
    'peerlink data files list spc-0lx2k7a90001',
  ]).action(async (spaceId: string, flags: ClientFlags) => {
    const all = await client(flags).listAllFiles(spaceId);
    print(flags.output, all, all.map(fileRow));
  });

  apiCommand(files, 'show <spaceId> <fileId>', "show a file's path, size, hash, labels and version", [
    'peerlink data files show spc-0lx2k7a90001 fil-0lx2k7a90001',
  ]).action(async (spaceId: string, fileId: string, flags: ClientFlags) => {
    showFile(flags, await client(flags).getFile(spaceId, fileId));
  });

  apiCommand(
    files,
    'get <spaceId> <fileId>',
    "write a file's content, byte for byte, to standard output or --out",
    [
      'peerlink data files get spc-0lx2k7a90001 fil-0lx2k7a90001 --out q1.pdf',
      'peerlink data files get spc-0lx2k7a90001 fil-0lx2k7a90001 | tar tz',
    ],
  )
    .option('--out <file>', 'write the content to this file instead of standard output')
    .action(async (spaceId: string, fileId: string, flags: ClientFlags & { out?: string }) => {
      const content = await client(flags).readFile(spaceId, fileId);
      if (flags.out === undefined || flags.out === '-') {
        await writeStdout(content);
        return;
      }
      try {
        writeFileSync(flags.out, content);
      } catch (error) {
        throw new UsageError(`cannot write ${flags.out}: ${(error as Error).message}`);
      }
      note(`wrote ${content.length} bytes to ${flags.out}`);
    });

  apiCommand(files, 'delete <spaceId> <fileId>', 'delete a file (peers see the delete)', [
    'peerlink data files delete spc-0lx2k7a90001 fil-0lx2k7a90001',
  ]).action(async (spaceId: string, fileId: string, flags: ClientFlags) => {
    await client(flags).deleteFile(spaceId, fileId);
    deleted(flags, fileId);
  });
}

function registerMarkingCommands(data: Command): void {
  const markings = data
    .command('markings')
    .description('markings objects and files carry (administrators create and grant them)');

  apiCommand(markings, 'list', "list the enrollment's markings and their members").action(
    async (flags: ClientFlags) => {
      const { markings: all } = await client(flags).listMarkings();
      print(flags.output, all, all.map(markingRow));
    },
  );

  apiCommand(markings, 'create <name>', 'create a marking (administrators)', [
    'peerlink data markings create PII --description "personal data"',
  ])
    .option('--description <text>', 'what the marking means')
    .action(async (name: string, flags: ClientFlags & { description?: string }) => {
      showMarking(
        flags,
        await client(flags).createMarking({
          name,
          ...(flags.description !== undefined ? { description: flags.description } : {}),
        }),
      );
    });

  apiCommand(
    markings,
    'members <name> [principal...]',
    "set a marking's members: account or user ids, replacing the previous list (administrators)",
    [
      'peerlink data markings members PII usr-0lx2k7a90001 4f1c2a9e0b7d4c3a8e6f5d2b1a0c9e8f',
      'peerlink data markings members PII --none',
    ],
  )
    .option('--none', 'remove every member')
    .action(async (name: string, principals: string[], flags: ClientFlags & { none?: boolean }) => {
      if (flags.none && principals.length > 0) throw new UsageError('give principals or --none, not both');
      if (!flags.none && principals.length === 0)
        throw new UsageError('name the members (account or user ids), or give --none to remove them all');
      showMarking(flags, await client(flags).setMarkingMembers(name, principals));
    });
}

function registerConflictCommands(data: Command): void {
  const conflicts = data
    .command('conflicts')
    .description('concurrent edits of the same item from peers, and which version won');

  apiCommand(conflicts, 'list <spaceId>', "list a space's conflicts, newest last", [
    'peerlink data conflicts list spc-0lx2k7a90001 --open --connection pmc-0lx2k7a90001',
  ])
    .option('--open', 'only conflicts nobody has resolved')
    .option('--resolved', 'only resolved conflicts')
    .option('--connection <connectionId>', 'only conflicts with versions from this peer connection')
    .option('--item <itemId>', 'only conflicts of this object or file')
    .action(
      async (
        spaceId: string,
        flags: ClientFlags & { open?: boolean; resolved?: boolean; connection?: string; item?: string },
      ) => {
        if (flags.open && flags.resolved) throw new UsageError('give --open or --resolved, not both');
        const filter = {
          ...(flags.connection ? { connectionId: flags.connection } : {}),
          ...(flags.item ? { itemId: flags.item } : {}),
          ...(flags.open ? { open: true } : flags.resolved ? { open: false } : {}),
        };
        const peerlink = client(flags);
        const all = await allPages(
          (args) => peerlink.listConflicts(spaceId, { ...filter, ...args }),
          (page) => page.conflicts,
        );
        print(flags.output, all, all.map(conflictRow));
      },
    );

  apiCommand(
    conflicts,
    'resolve <spaceId> <conflictId>',
    'settle a conflict with one of its two versions, which becomes a new edit everywhere',
    ['peerlink data conflicts resolve spc-0lx2k7a90001 cfl-0lx2k7a90001 --choose local'],
  )
    .option('--choose <side>', 'local or remote')
    .action(async (spaceId: string, conflictId: string, flags: ClientFlags & { choose?: string }) => {
      const choose = required('--choose', flags.choose).toLowerCase();
      if (choose !== 'local' && choose !== 'remote') throw new UsageError('--choose must be local or remote');
      const result = await client(flags).resolveConflict(spaceId, conflictId, choose);
      if (flags.output === 'json') return print('json', result, []);
      const { conflict, item } = result;
      printRecord(flags.output, {
        ...conflictRow(conflict),
        item:
          'objectId' in item
            ? `${item.type} ${item.key} (${item.objectId})`
            : `${item.path} (${item.fileId})`,
        version: item.version,
      });
    });
}

function registerReplicationCommands(data: Command): void {
  apiCommand(
    data,
    'jobs <connectionId>',
    "a peer connection's replication jobs: one per data type and direction, with health and progress",
    ['peerlink data jobs pmc-0lx2k7a90001', 'peerlink data jobs pmc-0lx2k7a90001 --output json'],
  ).action(async (connectionId: string, flags: ClientFlags) => {
    const jobs = await client(flags).listJobs(connectionId);
    print(flags.output, jobs, jobs.map(jobRow));
  });

  const mappings = data
    .command('mappings')
    .description("a peer connection's object type mappings: local type and properties to remote ones");

  apiCommand(mappings, 'list <connectionId>', "list a peer connection's type mappings", [
    'peerlink data mappings list pmc-0lx2k7a90001',
  ]).action(async (connectionId: string, flags: ClientFlags) => {
    const { mappings: all } = await client(flags).listTypeMappings(connectionId);
    print(flags.output, all, all.map(mappingRow));
  });

  apiCommand(
    mappings,
    'set <connectionId> <localType> <remoteType>',
    'map a local type to a remote one; only mapped properties travel, the primary key among them',
    [
      'peerlink data mappings set pmc-0lx2k7a90001 Person Employee --property id:employeeId --property name:fullName',
    ],
  )
    .option(
      '--property <local:remote>',
      'a local property and the remote property it maps to (repeatable)',
      collect,
    )
    .action(
      async (
        connectionId: string,
        localType: string,
        remoteType: string,
        flags: ClientFlags & { property?: string[] },
      ) => {
        const properties = pairs('--property', flags.property, 'local:remote');
        if (Object.keys(properties).length === 0)
          throw new UsageError('give at least --property <primary key>:<remote property>');
        showMapping(
          flags,
          await client(flags).setTypeMapping(connectionId, localType, { remoteType, properties }),
        );
      },
    );

  apiCommand(mappings, 'delete <connectionId> <localType>', 'remove the mapping of a local type', [
    'peerlink data mappings delete pmc-0lx2k7a90001 Person',
  ]).action(async (connectionId: string, localType: string, flags: ClientFlags) => {
    await client(flags).deleteTypeMapping(connectionId, localType);
    deleted(flags, localType);
  });
}
