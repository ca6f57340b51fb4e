import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ApplyReport, DataplaneDriver, DesiredState, ItemStatus } from './model.js';

/** The configured driver cannot work on this host; `peerlink serve` prints the message and exits 1. */
export class DataplaneUnavailableError extends Error {
  override name = 'DataplaneUnavailableError';
}

export type DataplaneKind = DataplaneDriver['name'];

/** A deployment's prefix: what every kernel object it creates is named with. */
export const DATAPLANE_PREFIX = /^[a-z0-9]{2,12}$/;

/** `pl` and 6 hex digits of the enrollment id's SHA-256: two deployments on one host never collide. */
export function defaultDataplanePrefix(enrollmentId: string): string {
  return `pl${createHash('sha256').update(enrollmentId).digest('hex').slice(0, 6)}`;
}

export interface DriverOptions {
  prefix: string;
  /** `<dataDir>/dataplane`: where the linux driver keeps its files (resolver configs, DNS zones). */
  stateDir: string;
  log: FastifyBaseLogger;
}

/** The constructors dataplane/linux/index.ts and dataplane/none.ts export (loaded only when chosen). */
type DriverModule = Record<string, (new (options: DriverOptions) => DataplaneDriver) | undefined>;

async function loadModule(specifier: string): Promise<DriverModule | undefined> {
  try {
    // A computed specifier: the drivers are loaded only when configured (the linux one needs iproute2).
    return (await import(specifier)) as DriverModule;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

/** Builds the configured driver; the linux driver's module is imported only when it is chosen. */
export async function createDriver(kind: DataplaneKind, options: DriverOptions): Promise<DataplaneDriver> {
  if (kind === 'linux') {
    const mod = await loadModule('./linux/index.js');
    const LinuxDriver = mod?.LinuxDriver;
    if (!LinuxDriver) throw new Error('the linux dataplane driver is not part of this build');
    return new LinuxDriver(options);
  }
  const NoneDriver = (await loadModule('./none.js'))?.NoneDriver;
  return NoneDriver ? new NoneDriver(options) : placeholderNoneDriver(options.prefix);
}

/**
 * Stands in for dataplane/none.ts while that file is absent (the kernel driver is written on
 * another branch): programs nothing and reports every item programmed.
 */
export function placeholderNoneDriver(prefix: string): DataplaneDriver {
  return {
    name: 'none',
    check: async () => {},
    endpointNetns: (id) => `${prefix}-${id}`,
    vpcNetns: (id) => `${prefix}-${id}`,
    teardown: async () => {},
    apply: async (desired: DesiredState): Promise<ApplyReport> => {
      const at = Date.now();
      const items: ItemStatus[] = [
        ...desired.vpcs.map((v) => ({
          kind: 'vpc' as const,
          id: v.vpcId,
          state: 'programmed' as const,
          netns: `${prefix}-${v.vpcId}`,
          programmedAt: at,
        })),
        ...desired.endpoints.map((e) => ({
          kind: 'endpoint' as const,
          id: e.endpointId,
          state: 'programmed' as const,
          netns: `${prefix}-${e.endpointId}`,
          programmedAt: at,
        })),
        ...desired.links.map((l) => ({
          kind: 'link' as const,
          id: l.peerConnId,
          state: 'programmed' as const,
          programmedAt: at,
        })),
      ];
      return { items, created: 0, changed: 0, removed: 0 };
    },
  };
}
