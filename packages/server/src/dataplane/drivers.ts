import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { DataplaneDriver } from './model.js';
import { NoneDriver } from './none.js';

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

/** Builds the configured driver; the linux driver's module is imported only when it is chosen. */
export async function createDriver(kind: DataplaneKind, options: DriverOptions): Promise<DataplaneDriver> {
  if (kind === 'linux') {
    // Loaded on demand: a deployment without a dataplane never loads the kernel-facing code.
    const { LinuxDriver } = await import('./linux/index.js');
    return new LinuxDriver(options);
  }
  return new NoneDriver(options);
}
