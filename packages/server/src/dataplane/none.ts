import type { ApplyReport, DataplaneDriver, DesiredState, ItemStatus } from './model.js';

const REASON = 'dataplane driver is none';

/** The driver that programs nothing: every item stays pending, so the API still reports its state. */
export class NoneDriver implements DataplaneDriver {
  readonly name = 'none' as const;
  private readonly prefix: string;

  /** Takes the same options as the linux driver; only the prefix matters (for the names it reports). */
  constructor(options: { prefix?: string } = {}) {
    this.prefix = options.prefix ?? 'none';
  }

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
    return `${this.prefix}-e-${endpointId}`;
  }

  vpcNetns(vpcId: string): string {
    return `${this.prefix}-v-${vpcId}`;
  }

  async teardown(): Promise<void> {}
}
