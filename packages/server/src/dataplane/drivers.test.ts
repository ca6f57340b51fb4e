import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createDriver, DATAPLANE_PREFIX, defaultDataplanePrefix } from './drivers.js';

describe('dataplane drivers', () => {
  it('derive the default prefix from the enrollment id: pl and 6 hex digits, distinct per enrollment', () => {
    const a = defaultDataplanePrefix('enr-0000000000a1');
    const b = defaultDataplanePrefix('enr-0000000000b2');
    expect(a).toMatch(/^pl[0-9a-f]{6}$/);
    expect(a).toMatch(DATAPLANE_PREFIX);
    expect(a).toBe(defaultDataplanePrefix('enr-0000000000a1'));
    expect(a).not.toBe(b);
  });

  it('build the none driver, whose names carry the prefix', async () => {
    const driver = await createDriver('none', {
      prefix: 'plabc123',
      stateDir: '/nonexistent',
      log: pino({ level: 'silent' }),
    });
    expect(driver.name).toBe('none');
    await driver.check();
    expect(driver.endpointNetns('ep-000000000001')).toContain('plabc123');
    const report = await driver.apply({ vpcs: [], endpoints: [], links: [] });
    expect(report.items).toEqual([]);
  });
});
