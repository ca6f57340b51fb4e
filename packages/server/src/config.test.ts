import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, resolveConfig } from './config.js';

function configFile(content: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'peerlink-config-')), 'peerlink.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('resolveConfig', () => {
  it('starts from the embedded defaults', () => {
    expect(resolveConfig({})).toEqual(DEFAULT_CONFIG);
  });

  it('layers flags over environment over file over defaults', () => {
    const file = configFile({
      port: 1,
      host: '0.0.0.0',
      dataDir: '/from-file',
      quotas: { vpcsPerRegion: 3 },
    });
    const config = resolveConfig({
      file,
      env: { PEERLINK_PORT: '2', PEERLINK_DATA_DIR: '/from-env' },
      flags: { port: 3 },
    });
    expect(config.port).toBe(3);
    expect(config.dataDir).toBe('/from-env');
    expect(config.host).toBe('0.0.0.0');
    expect(config.quotas).toEqual({ ...DEFAULT_CONFIG.quotas, vpcsPerRegion: 3 });
  });

  it('reads region listeners and admin credentials from the environment', () => {
    const config = resolveConfig({
      env: {
        PEERLINK_REGION_PORTS: 'gz=8081,su=8082',
        PEERLINK_ADMIN_AK: 'ak12345678',
        PEERLINK_ADMIN_SK: 'sk12345678',
      },
    });
    expect(config.regionPorts).toEqual({ gz: 8081, su: 8082 });
    expect(config.adminAccessKeyId).toBe('ak12345678');
    expect(config.adminSecretAccessKey).toBe('sk12345678');
  });

  it('caps signature validity at 1800 s unless maxSignatureExpirationSeconds says otherwise', () => {
    expect(resolveConfig({}).maxSignatureExpirationSeconds).toBe(1800);
    expect(
      resolveConfig({ env: { PEERLINK_MAX_SIGNATURE_EXPIRATION_SECONDS: '300' } })
        .maxSignatureExpirationSeconds,
    ).toBe(300);
    expect(
      resolveConfig({ file: configFile({ maxSignatureExpirationSeconds: 600 }) })
        .maxSignatureExpirationSeconds,
    ).toBe(600);
    expect(() => resolveConfig({ flags: { maxSignatureExpirationSeconds: 0 } })).toThrow(ConfigError);
    expect(() => resolveConfig({ env: { PEERLINK_MAX_SIGNATURE_EXPIRATION_SECONDS: 'long' } })).toThrow(
      /PEERLINK_MAX_SIGNATURE_EXPIRATION_SECONDS/,
    );
  });

  it('refuses unknown fields, bad types and unknown regions with the source named', () => {
    expect(() => resolveConfig({ file: configFile({ prot: 1 }) })).toThrow(/config file .*prot/);
    expect(() => resolveConfig({ env: { PEERLINK_PORT: 'eighty' } })).toThrow(/PEERLINK_PORT/);
    expect(() => resolveConfig({ flags: { region: 'mars' } })).toThrow(ConfigError);
    expect(() => resolveConfig({ env: { PEERLINK_REGION_PORTS: 'gz' } })).toThrow(/region=port/);
  });

  it('reads the listener timeouts and connection cap from the environment', () => {
    const config = resolveConfig({
      env: {
        PEERLINK_HEADERS_TIMEOUT_MS: '2000',
        PEERLINK_REQUEST_TIMEOUT_MS: '30000',
        PEERLINK_KEEP_ALIVE_TIMEOUT_MS: '4000',
        PEERLINK_IDLE_TIMEOUT_MS: '20000',
        PEERLINK_MAX_CONNECTIONS: '50',
      },
    });
    expect(config).toMatchObject({
      headersTimeoutMs: 2000,
      requestTimeoutMs: 30000,
      keepAliveTimeoutMs: 4000,
      idleTimeoutMs: 20000,
      maxConnections: 50,
    });
    expect(() => resolveConfig({ env: { PEERLINK_MAX_CONNECTIONS: '0' } })).toThrow(/maxConnections/);
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    expect(() => resolveConfig({ flags: { headersTimeoutMs: 5000, requestTimeoutMs: 1000 } })).toThrow(
      /headersTimeoutMs/,
    );
  });
});

describe('dataplane configuration', () => {
  it('defaults to no dataplane, repaired every 10 s, the prefix derived later from the enrollment', () => {
    const config = resolveConfig({});
    expect([config.dataplane, config.dataplaneRepairIntervalMs, config.dataplanePrefix]).toEqual([
      'none',
      10_000,
      undefined,
    ]);
  });

  it('layers flags over PEERLINK_DATAPLANE* over the file', () => {
    const file = configFile({
      dataplane: 'linux',
      dataplanePrefix: 'fromfile',
      dataplaneRepairIntervalMs: 5,
    });
    expect(resolveConfig({ file })).toMatchObject({
      dataplane: 'linux',
      dataplanePrefix: 'fromfile',
      dataplaneRepairIntervalMs: 5,
    });
    const env = {
      PEERLINK_DATAPLANE: 'none',
      PEERLINK_DATAPLANE_PREFIX: 'fromenv',
      PEERLINK_DATAPLANE_REPAIR_INTERVAL_MS: '7',
    };
    expect(resolveConfig({ file, env })).toMatchObject({
      dataplane: 'none',
      dataplanePrefix: 'fromenv',
      dataplaneRepairIntervalMs: 7,
    });
    expect(resolveConfig({ file, env, flags: { dataplane: 'linux' } }).dataplane).toBe('linux');
  });

  it('refuses an unknown driver and a prefix that is not 2-12 lower-case letters or digits', () => {
    expect(() => resolveConfig({ env: { PEERLINK_DATAPLANE: 'ebpf' } })).toThrow(/environment: \/dataplane/);
    for (const prefix of ['p', 'Pl1234', 'pl-1', 'a'.repeat(13)])
      expect(() => resolveConfig({ flags: { dataplanePrefix: prefix } }), prefix).toThrow(/dataplanePrefix/);
    expect(resolveConfig({ flags: { dataplanePrefix: 'pl' } }).dataplanePrefix).toBe('pl');
  });
});
