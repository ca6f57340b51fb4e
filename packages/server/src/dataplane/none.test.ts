import { describe, expect, it } from 'vitest';
import { NoneDriver } from './none.js';

describe('none dataplane driver', () => {
  it('reports every item pending and programs nothing', async () => {
    const d = new NoneDriver();
    await d.check();
    const r = await d.apply({
      vpcs: [{ vpcId: 'v', cidr: '10.0.0.0/16', subnets: [], routes: [], dns: {}, dnsZone: 'z' }],
      endpoints: [
        { endpointId: 'e', vpcId: 'v', subnetId: 's', address: '10.0.0.5/24', gateway: '10.0.0.1' },
      ],
      links: [{ peerConnId: 'p', vpcIds: ['v', 'w'], bandwidthMbps: 10 }],
    });
    expect(r).toMatchObject({ created: 0, changed: 0, removed: 0 });
    expect(r.items.map((i) => [i.kind, i.state, i.reason])).toEqual([
      ['vpc', 'pending', 'dataplane driver is none'],
      ['endpoint', 'pending', 'dataplane driver is none'],
      ['link', 'pending', 'dataplane driver is none'],
    ]);
    await d.teardown();
    const named = new NoneDriver({ prefix: 'plabc123' });
    expect(named.endpointNetns('ep1')).toBe('plabc123-e-ep1');
    expect(named.vpcNetns('vpc1')).toBe('plabc123-v-vpc1');
  });
});
