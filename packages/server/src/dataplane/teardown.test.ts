import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config.js';
import { testDatabaseOverrides } from '../testing/database.js';
import { startTestServer, tempDataDir } from '../testing/harness.js';
import { defaultDataplanePrefix } from './drivers.js';
import { dataplanePrefixOf } from './teardown.js';

describe('the prefix teardown removes', () => {
  it('is the configured one, else the one serve derived from the enrollment in the database', async () => {
    const dataDir = tempDataDir();
    const t = await startTestServer({ dataDir });
    const { enrollmentId } = await t
      .clients({ ak: t.admin.accessKeyId, sk: t.admin.secretAccessKey })
      .peerlink.getEnrollment();
    await t.close();
    const config = resolveConfig({ flags: { dataDir, ...testDatabaseOverrides(dataDir) } });
    expect(await dataplanePrefixOf(config)).toBe(defaultDataplanePrefix(enrollmentId));
    expect(await dataplanePrefixOf({ ...config, dataplanePrefix: 'mine01' })).toBe('mine01');
  });

  it('cannot be derived from a data directory that never served', async () => {
    const dataDir = tempDataDir();
    const config = resolveConfig({ flags: { dataDir, ...testDatabaseOverrides(dataDir) } });
    await expect(dataplanePrefixOf(config)).rejects.toThrow(/holds no enrollment yet; give the prefix/);
  });
});
