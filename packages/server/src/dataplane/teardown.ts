import path from 'node:path';
import pino from 'pino';
import type { Config } from '../config.js';
import { openDatabase } from '../store/database.js';
import { findEnrollment } from '../store/repositories/enrollment.js';
import { createDriver, defaultDataplanePrefix } from './drivers.js';

/**
 * The prefix a deployment's kernel objects carry: the configured one, else the one derived from
 * the enrollment id in its database (as `peerlink serve` derives it).
 */
export async function dataplanePrefixOf(config: Config): Promise<string> {
  if (config.dataplanePrefix) return config.dataplanePrefix;
  const db = await openDatabase(config);
  try {
    const enrollment = await findEnrollment(db);
    if (!enrollment)
      throw new Error(
        `the data directory ${config.dataDir} holds no enrollment yet; give the prefix with --dataplane-prefix`,
      );
    return defaultDataplanePrefix(enrollment.id);
  } finally {
    await db.destroy();
  }
}

/**
 * Removes every namespace, bridge, veth and file of this deployment's prefix from this host (the
 * linux driver's teardown); the database is not changed, so the next `serve` builds it all again.
 */
export async function teardownDataplane(config: Config): Promise<{ prefix: string }> {
  const prefix = await dataplanePrefixOf(config);
  const driver = await createDriver('linux', {
    prefix,
    stateDir: path.join(config.dataDir, 'dataplane'),
    log: pino({ level: 'silent' }),
  });
  await driver.check();
  await driver.teardown();
  return { prefix };
}
