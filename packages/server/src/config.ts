import { readFileSync } from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DEFAULT_QUOTAS, type Quotas } from './app/quotas.js';
import { isRegion, type Region } from './domain/regions.js';

/** Everything a Peerlink server is started with. */
export interface Config {
  dataDir: string;
  /** PostgreSQL instead of the embedded SQLite: every replica given the same URL shares one state. */
  databaseUrl?: string;
  /** The PostgreSQL schema to use (created if missing); `public` by default. */
  databaseSchema?: string;
  host: string;
  /** The listener of `region`. */
  port: number;
  region: Region;
  /** Further listeners, one per region. */
  regionPorts: Partial<Record<Region, number>>;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Base64 of 32 bytes; when unset the key is kept in the data directory. */
  masterKey?: string;
  adminAccessKeyId?: string;
  adminSecretAccessKey?: string;
  /** Password of the `admin` user created on first start (when no user exists); generated when unset. */
  adminPassword?: string;
  quotas: Quotas;
  bodyLimitBytes: number;
  /** How far a signature's timestamp may lie in the future, or a request's date from the server's. */
  clockSkewSeconds: number;
  /**
   * The longest validity a bce-auth-v1 signature is honoured for after its timestamp; a longer
   * declared `expirationPeriodInSeconds` is clamped to it. 1800 s is what every Baidu SDK declares.
   */
  maxSignatureExpirationSeconds: number;
  /** Duration of each asynchronous peer connection step (creating, starting, updating, deleting, DNS). */
  peerConnStepMs: number;
  /** How long a deleted peer connection stays readable (status `deleted`) before it is purged. */
  peerConnRetentionMs: number;
  /** How often the reconciler looks for due work. */
  reconcileIntervalMs: number;
  /** The longest pause between two attempts to deliver a message to another enrollment. */
  federationRetryMaxMs: number;
  /**
   * The base URL other enrollments reach this one at (written into MPX invite codes); the main
   * listener's address by default.
   */
  publicUrl?: string;
  /** Serve /api/v1/_test/clock and /api/v1/_test/reset, with business time that can be moved. */
  testClock: boolean;
  /** How long a client may take to send a request's headers (a silent new connection too): 408. */
  headersTimeoutMs: number;
  /** How long a client may take to send a whole request, headers and body: 408. */
  requestTimeoutMs: number;
  /** How long a connection may wait idle between requests (Node adds 1 s to it). */
  keepAliveTimeoutMs: number;
  /** How long a connection may pass no bytes either way before it is dropped. */
  idleTimeoutMs: number;
  /** Connections each listener holds at once; more are closed as they arrive. */
  maxConnections: number;
  /** The dataplane driver: `none` programs nothing, `linux` builds namespaces, bridges and veths. */
  dataplane: 'none' | 'linux';
  /**
   * What every kernel object of this deployment is named with (`^[a-z0-9]{2,12}$`); by default `pl`
   * and 6 hex digits of the SHA-256 of the enrollment id, so two deployments on one host never collide.
   */
  dataplanePrefix?: string;
  /** How often the dataplane re-applies the desired state with nothing changed (repairs drift). */
  dataplaneRepairIntervalMs: number;
}

export const DEFAULT_CONFIG: Config = {
  dataDir: './peerlink-data',
  host: '127.0.0.1',
  port: 8080,
  region: 'bj',
  regionPorts: {},
  logLevel: 'info',
  quotas: DEFAULT_QUOTAS,
  bodyLimitBytes: 1024 * 1024,
  clockSkewSeconds: 900,
  maxSignatureExpirationSeconds: 1800,
  peerConnStepMs: 500,
  peerConnRetentionMs: 60 * 60 * 1000,
  reconcileIntervalMs: 250,
  federationRetryMaxMs: 5 * 60 * 1000,
  testClock: false,
  headersTimeoutMs: 10_000,
  // The largest uploads are a 12 MiB space file and a 32 MiB federation push (whose sender gives
  // up after 10 s): a minute is 12 MiB at under 2 Mbit/s.
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
  maxConnections: 1000,
  dataplane: 'none',
  dataplaneRepairIntervalMs: 10_000,
};

const LogLevel = Type.Union(
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
);
const Port = Type.Integer({ minimum: 0, maximum: 65535 });
const Positive = Type.Integer({ minimum: 1 });

/** A config file or overrides: every field optional, unknown fields refused (typos should not pass). */
const PartialConfig = Type.Object(
  {
    dataDir: Type.String({ minLength: 1 }),
    databaseUrl: Type.String({ pattern: '^postgres(ql)?://' }),
    databaseSchema: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
    host: Type.String({ minLength: 1 }),
    port: Port,
    region: Type.String(),
    regionPorts: Type.Record(Type.String(), Port),
    logLevel: LogLevel,
    masterKey: Type.String(),
    adminAccessKeyId: Type.String(),
    adminSecretAccessKey: Type.String(),
    adminPassword: Type.String(),
    quotas: Type.Partial(
      Type.Object(
        {
          vpcsPerRegion: Positive,
          subnetsPerVpc: Positive,
          routeRulesPerTable: Positive,
          peerConnsPerVpc: Positive,
          peerConnsPerAccount: Positive,
        },
        { additionalProperties: false },
      ),
    ),
    bodyLimitBytes: Positive,
    clockSkewSeconds: Positive,
    maxSignatureExpirationSeconds: Positive,
    peerConnStepMs: Type.Integer({ minimum: 0 }),
    peerConnRetentionMs: Type.Integer({ minimum: 0 }),
    reconcileIntervalMs: Positive,
    testClock: Type.Boolean(),
    publicUrl: Type.String({ pattern: '^https?://' }),
    federationRetryMaxMs: Positive,
    headersTimeoutMs: Positive,
    requestTimeoutMs: Positive,
    keepAliveTimeoutMs: Positive,
    idleTimeoutMs: Positive,
    maxConnections: Positive,
    dataplane: Type.Union([Type.Literal('none'), Type.Literal('linux')]),
    dataplanePrefix: Type.String({ pattern: '^[a-z0-9]{2,12}$' }),
    dataplaneRepairIntervalMs: Positive,
  },
  { additionalProperties: false },
);
export type ConfigOverrides = Partial<Static<typeof PartialConfig>>;
const ConfigOverrides = Type.Partial(PartialConfig, { additionalProperties: false });

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function checkOverrides(source: string, value: unknown): ConfigOverrides {
  const first = Value.Errors(ConfigOverrides, value).First();
  if (first) throw new ConfigError(`${source}: ${first.path || '/'} ${first.message}`);
  return value as ConfigOverrides;
}

function parseInteger(source: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new ConfigError(`${source}: "${text}" is not a whole number`);
  return Number(text);
}

/** `gz=8081,su=8082` */
export function parseRegionPorts(source: string, text: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const item of text.split(',').filter(Boolean)) {
    const [region, port] = item.split('=');
    if (!region || port === undefined) throw new ConfigError(`${source}: "${item}" is not region=port`);
    result[region.trim()] = parseInteger(source, port.trim());
  }
  return result;
}

/** Environment variables `PEERLINK_*`. */
export function overridesFromEnv(env: NodeJS.ProcessEnv): ConfigOverrides {
  const o: Record<string, unknown> = {};
  const text = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const set = (key: string, value: unknown) => {
    if (value !== undefined) o[key] = value;
  };
  set('dataDir', text('PEERLINK_DATA_DIR'));
  set('databaseUrl', text('PEERLINK_DATABASE_URL'));
  set('databaseSchema', text('PEERLINK_DATABASE_SCHEMA'));
  set('host', text('PEERLINK_HOST'));
  const port = text('PEERLINK_PORT');
  set('port', port && parseInteger('PEERLINK_PORT', port));
  set('region', text('PEERLINK_REGION'));
  const regionPorts = text('PEERLINK_REGION_PORTS');
  set('regionPorts', regionPorts && parseRegionPorts('PEERLINK_REGION_PORTS', regionPorts));
  set('logLevel', text('PEERLINK_LOG_LEVEL'));
  set('masterKey', text('PEERLINK_MASTER_KEY'));
  set('adminAccessKeyId', text('PEERLINK_ADMIN_AK'));
  set('adminSecretAccessKey', text('PEERLINK_ADMIN_SK'));
  set('adminPassword', text('PEERLINK_ADMIN_PASSWORD'));
  set('publicUrl', text('PEERLINK_PUBLIC_URL'));
  const testClock = text('PEERLINK_TEST_CLOCK');
  set('testClock', testClock && ['1', 'true', 'yes', 'on'].includes(testClock.toLowerCase()));
  const maxExpiration = text('PEERLINK_MAX_SIGNATURE_EXPIRATION_SECONDS');
  set(
    'maxSignatureExpirationSeconds',
    maxExpiration && parseInteger('PEERLINK_MAX_SIGNATURE_EXPIRATION_SECONDS', maxExpiration),
  );
  set('dataplane', text('PEERLINK_DATAPLANE'));
  set('dataplanePrefix', text('PEERLINK_DATAPLANE_PREFIX'));
  const repairMs = text('PEERLINK_DATAPLANE_REPAIR_INTERVAL_MS');
  set(
    'dataplaneRepairIntervalMs',
    repairMs && parseInteger('PEERLINK_DATAPLANE_REPAIR_INTERVAL_MS', repairMs),
  );
  const stepMs = text('PEERLINK_PEERCONN_STEP_MS');
  set('peerConnStepMs', stepMs && parseInteger('PEERLINK_PEERCONN_STEP_MS', stepMs));
  const integers: Array<[string, string]> = [
    ['headersTimeoutMs', 'PEERLINK_HEADERS_TIMEOUT_MS'],
    ['requestTimeoutMs', 'PEERLINK_REQUEST_TIMEOUT_MS'],
    ['keepAliveTimeoutMs', 'PEERLINK_KEEP_ALIVE_TIMEOUT_MS'],
    ['idleTimeoutMs', 'PEERLINK_IDLE_TIMEOUT_MS'],
    ['maxConnections', 'PEERLINK_MAX_CONNECTIONS'],
  ];
  for (const [key, name] of integers) {
    const value = text(name);
    set(key, value && parseInteger(name, value));
  }
  return checkOverrides('environment', o);
}

export function overridesFromFile(file: string): ConfigOverrides {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`config file ${file}: ${(error as Error).message}`);
  }
  return checkOverrides(`config file ${file}`, parsed);
}

/** Flags > environment > file > defaults. */
export function resolveConfig(layers: {
  flags?: ConfigOverrides;
  env?: NodeJS.ProcessEnv;
  file?: string;
}): Config {
  const ordered = [
    layers.file ? overridesFromFile(layers.file) : {},
    layers.env ? overridesFromEnv(layers.env) : {},
    checkOverrides('flags', layers.flags ?? {}),
  ];
  const merged: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const layer of ordered) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      merged[key] = key === 'quotas' ? { ...(merged.quotas as Quotas), ...(value as object) } : value;
    }
  }
  const config = merged as unknown as Config;
  if (config.databaseUrl && !config.masterKey) {
    throw new ConfigError(
      'with a database URL, give the master key (PEERLINK_MASTER_KEY, base64 of 32 bytes) so that every replica can read the stored secrets',
    );
  }
  // Node refuses a listener whose headers may take longer than the whole request.
  if (config.headersTimeoutMs > config.requestTimeoutMs)
    throw new ConfigError(
      `headersTimeoutMs (${config.headersTimeoutMs}) must not exceed requestTimeoutMs (${config.requestTimeoutMs})`,
    );
  for (const region of [config.region, ...Object.keys(config.regionPorts)]) {
    if (!isRegion(region)) throw new ConfigError(`unknown region "${region}"`);
  }
  return config;
}
