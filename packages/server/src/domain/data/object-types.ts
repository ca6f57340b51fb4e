import { badRequest } from '../errors.js';

/**
 * Object types and their typed properties (reference §3.3). An object type lives in a space; its
 * primary key property identifies an object across enrollments (with the per-connection id
 * translation of R37 alongside).
 */
export const PROPERTY_TYPES = ['string', 'integer', 'double', 'boolean', 'timestamp'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];
export type PropertyValue = string | number | boolean | null;
export type Properties = Record<string, PropertyValue>;

export interface ObjectTypeSchema {
  primaryKey: string;
  properties: Record<string, PropertyType>;
}

export interface ObjectType extends ObjectTypeSchema {
  spaceId: string;
  name: string;
  createdAt: number;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const MAX_PROPERTIES = 200;
const MAX_STRING = 64 * 1024;
/** Primary key values are what a person types or an upstream system assigns: short and printable. */
const MAX_KEY = 256;

export function checkTypeName(text: string): string {
  if (!NAME.test(text))
    throw badRequest(
      'InvalidObjectTypeName',
      `"${text}" is not an object type name: a letter, then up to 63 letters, digits or underscores`,
    );
  return text;
}

export function checkObjectTypeSchema(input: {
  primaryKey?: string;
  properties?: Record<string, string>;
}): ObjectTypeSchema {
  const properties: Record<string, PropertyType> = {};
  const entries = Object.entries(input.properties ?? {});
  if (entries.length === 0 || entries.length > MAX_PROPERTIES)
    throw badRequest('InvalidObjectType', `an object type has 1-${MAX_PROPERTIES} properties`);
  for (const [name, type] of entries) {
    if (!NAME.test(name))
      throw badRequest(
        'InvalidObjectType',
        `"${name}" is not a property name: a letter, then up to 63 letters, digits or underscores`,
      );
    if (!(PROPERTY_TYPES as readonly string[]).includes(type))
      throw badRequest(
        'InvalidObjectType',
        `property ${name} has type "${type}"; use ${PROPERTY_TYPES.join(', ')}`,
      );
    properties[name] = type as PropertyType;
  }
  const primaryKey = input.primaryKey ?? '';
  const keyType = properties[primaryKey];
  if (!keyType)
    throw badRequest('InvalidObjectType', `the primary key "${primaryKey}" must be one of the properties`);
  if (keyType !== 'string' && keyType !== 'integer')
    throw badRequest('InvalidObjectType', `the primary key ${primaryKey} must be a string or an integer`);
  return { primaryKey, properties };
}

function checkValue(name: string, type: PropertyType, value: unknown): PropertyValue {
  if (value === null) return null;
  const wrong = () =>
    badRequest('InvalidProperties', `property ${name} must be ${type === 'integer' ? 'an' : 'a'} ${type}`);
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw wrong();
      if (value.length > MAX_STRING)
        throw badRequest('InvalidProperties', `property ${name} is longer than ${MAX_STRING} characters`);
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw wrong();
      return value;
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong();
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong();
      return value;
    case 'timestamp': {
      // ISO 8601 only: Date.parse takes "1" or "March 7" too, read in the server's time zone.
      if (typeof value !== 'string' || !ISO_TIME.test(value) || Number.isNaN(Date.parse(value)))
        throw badRequest(
          'InvalidProperties',
          `property ${name} must be an ISO 8601 time, such as 2026-11-29T08:30:00Z or 2026-11-29`,
        );
      return new Date(Date.parse(value)).toISOString();
    }
  }
}

/**
 * Checks values against the type: known properties only, each of its type (or null); the primary
 * key present. Properties left out are absent (an update replaces the whole set).
 */
export function checkProperties(type: ObjectTypeSchema & { name?: string }, values: unknown): Properties {
  if (typeof values !== 'object' || values === null || Array.isArray(values))
    throw badRequest('InvalidProperties', 'properties must be an object of property name to value');
  const result: Properties = {};
  for (const [name, value] of Object.entries(values)) {
    const propertyType = type.properties[name];
    if (!propertyType)
      throw badRequest(
        'InvalidProperties',
        `${type.name ?? 'the object type'} has no property ${name} (it has ${Object.keys(type.properties).join(', ')})`,
      );
    result[name] = checkValue(name, propertyType, value);
  }
  keyOf(type, result);
  return sortedProperties(result);
}

/** The primary key value as text: the object's identity in its space. */
export function keyOf(type: ObjectTypeSchema, properties: Properties): string {
  const value = properties[type.primaryKey];
  if (value === undefined || value === null)
    throw badRequest('InvalidProperties', `the primary key ${type.primaryKey} must have a value`);
  const key = String(value);
  if (key.length === 0 || key.length > MAX_KEY || /\p{Cc}/u.test(key))
    throw badRequest(
      'InvalidProperties',
      `the primary key ${type.primaryKey} must be 1-${MAX_KEY} printable characters`,
    );
  return key;
}

export function sortedProperties(properties: Properties): Properties {
  return Object.fromEntries(Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
