import type { ApplyReport, DataplaneDriver, DesiredState, ItemStatus } from './model.js';

const REASON = 'dataplane driver is none';

/** The driver that programs nothing: every item stays pending, so the API still reports its state. */
export class NoneDriver implements DataplaneDriver {
  readonly name = 'none' as const;

  async check(): Promise<void> {}

  async apply(desired: DesiredState): Promise<ApplyReport> {
    const items: ItemStatus[] = [
      ...desired.vpcs.map(
        (v): ItemStatus => ({ kind: 'vpc', id: v.vpcId, state: 'pending', reason: REASON }),
      ),
      ...desired.endpoints.map(
        (e): ItemStatus => ({ kind: 'endpoint', id: e.endpointId, state: 'pending', reason: REASON }),
      ),
      ...desired.links.map(
        (l): ItemStatus => ({ kind: 'link', id: l.peerConnId, state: 'pending', reason: REASON }),
      ),
    ];
    return { items, created: 0, changed: 0, removed: 0 };
  }

  endpointNetns(endpointId: string): string {
    return `none-e-${endpointId}`;
  }

  vpcNetns(vpcId: string): string {
    return `none-v-${vpcId}`;
  }

  async teardown(): Promise<void> {}
}
