import type {
  ApplyOptions,
  ApplyReport,
  DataplaneDriver,
  DesiredState,
  ItemKind,
  ItemStatus,
} from '../dataplane/model.js';

/**
 * A driver double that records every desired state it is given and reports each item programmed,
 * except those told to fail; `throwing` makes `apply` throw (a driver bug), as a real one never should.
 */
export class RecordingDriver implements DataplaneDriver {
  readonly name = 'none' as const;
  readonly applied: DesiredState[] = [];
  /** Whether each pass was a repair pass (`repair`, default true), in order. */
  readonly repairs: boolean[] = [];
  /** kind:id → the error reason to report. */
  readonly failing = new Map<string, string>();
  throwing: Error | undefined;
  /** Resolves the next `apply` only when released (to hold a pass open); undefined: answer at once. */
  gate: Promise<void> | undefined;

  async check(): Promise<void> {}
  async teardown(): Promise<void> {}
  endpointNetns(endpointId: string): string {
    return `tst-${endpointId}`;
  }
  vpcNetns(vpcId: string): string {
    return `tst-${vpcId}`;
  }

  fail(kind: ItemKind, id: string, reason: string): void {
    this.failing.set(`${kind}:${id}`, reason);
  }

  get last(): DesiredState | undefined {
    return this.applied.at(-1);
  }

  async apply(desired: DesiredState, options: ApplyOptions = {}): Promise<ApplyReport> {
    this.applied.push(structuredClone(desired));
    this.repairs.push(options.repair ?? true);
    if (this.gate) await this.gate;
    if (this.throwing) throw this.throwing;
    const at = Date.now();
    const item = (kind: ItemKind, id: string, netns?: string): ItemStatus => {
      const reason = this.failing.get(`${kind}:${id}`);
      return {
        kind,
        id,
        ...(netns ? { netns } : {}),
        ...(reason
          ? { state: 'error' as const, reason }
          : { state: 'programmed' as const, programmedAt: at }),
      };
    };
    return {
      items: [
        ...desired.vpcs.map((v) => item('vpc', v.vpcId, this.vpcNetns(v.vpcId))),
        ...desired.endpoints.map((e) => item('endpoint', e.endpointId, this.endpointNetns(e.endpointId))),
        ...desired.links.map((l) => item('link', l.peerConnId)),
      ],
      created: 0,
      changed: 0,
      removed: 0,
    };
  }
}
