import { badRequest } from '../errors.js';
import type { ObjectType, ObjectTypeSchema, Properties } from './object-types.js';

/**
 * An object type mapping on one peer connection (reference §3.3, R28–R30): a local type and the
 * remote type it corresponds to, with the properties that travel (local name → remote name).
 * Either side may create it; both store it (mirrored), and each exporter translates what it sends
 * into the other side's names, sending only mapped properties. Without a mapping a type goes to
 * the remote type of the same name with every property under its own name.
 */
export interface TypeMapping {
  connectionId: string;
  localType: string;
  remoteType: string;
  /** Local property name → remote property name; includes the primary key. */
  properties: Record<string, string>;
  createdAt: number;
}

/** R28: a subset of the local type's properties, the primary key among them, each mapped once. */
export function checkMappingProperties(local: ObjectType, properties: Record<string, string>): void {
  const entries = Object.entries(properties);
  if (entries.length === 0) throw badRequest('InvalidTypeMapping', 'map at least the primary key property');
  for (const [localName, remoteName] of entries) {
    if (!local.properties[localName])
      throw badRequest('InvalidTypeMapping', `${local.name} has no property ${localName}`);
    if (typeof remoteName !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(remoteName))
      throw badRequest('InvalidTypeMapping', `"${remoteName}" is not a property name`);
  }
  if (!properties[local.primaryKey])
    throw badRequest('InvalidTypeMapping', `the primary key ${local.primaryKey} must be mapped`);
  const remotes = entries.map(([, remote]) => remote);
  if (new Set(remotes).size !== remotes.length)
    throw badRequest('InvalidTypeMapping', 'two local properties are mapped to the same remote property');
}

/** Local property name → remote name for what is exported of `type`. */
export function exportNames(type: ObjectType, mapping: TypeMapping | undefined): Record<string, string> {
  return mapping?.properties ?? Object.fromEntries(Object.keys(type.properties).map((name) => [name, name]));
}

/** The schema an exporter announces for `type` under `mapping`: remote names, local base types. */
export function exportedSchema(type: ObjectType, mapping: TypeMapping | undefined): ObjectTypeSchema {
  const names = exportNames(type, mapping);
  return {
    primaryKey: names[type.primaryKey]!,
    properties: Object.fromEntries(
      Object.entries(names).map(([local, remote]) => [remote, type.properties[local]!]),
    ),
  };
}

export function exportProperties(
  type: ObjectType,
  mapping: TypeMapping | undefined,
  properties: Properties,
): Properties {
  const out: Properties = {};
  for (const [local, remote] of Object.entries(exportNames(type, mapping)))
    if (properties[local] !== undefined) out[remote] = properties[local]!;
  return out;
}

/**
 * How incoming objects become local ones (R29, R30). The exporter already renamed them through the
 * connection's mapping (both sides hold it), so an incoming type and its properties carry this
 * side's names; each must exist here with the same base type and the same primary key. The
 * sender's schema travels with every chunk, so drift on either side shows on the next chunk.
 */
export function importProblem(
  remoteSchema: ObjectTypeSchema,
  local: ObjectType | undefined,
  typeName: string,
): string | undefined {
  if (!local) return `there is no object type ${typeName} here (create it, or map a local type to it)`;
  for (const [name, remoteType] of Object.entries(remoteSchema.properties)) {
    const localType = local.properties[name];
    if (!localType) return `${typeName} has no property ${name} here`;
    if (remoteType !== localType)
      return `property ${name} of ${typeName} is ${localType} here but ${remoteType} on the remote side`;
  }
  if (remoteSchema.primaryKey !== local.primaryKey)
    return `the remote primary key of ${typeName} is ${remoteSchema.primaryKey}, here it is ${local.primaryKey}`;
  return undefined;
}

/** The mapping as the other side stores it: its local type is our remote one. */
export function mirrorMapping(mapping: Pick<TypeMapping, 'localType' | 'remoteType' | 'properties'>) {
  return {
    localType: mapping.remoteType,
    remoteType: mapping.localType,
    properties: Object.fromEntries(Object.entries(mapping.properties).map(([l, r]) => [r, l])),
  };
}
