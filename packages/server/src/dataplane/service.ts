import type { FastifyBaseLogger } from 'fastify';
import { Counter, Histogram, type Metric } from 'prom-client';
import type { Clock } from '../clock.js';
import type { PeerConnTimings } from '../domain/peerconn/model.js';
import { ROLES } from '../domain/peerconn/model.js';
import type { Db } from '../store/database.js';
import type { DataplaneRows } from '../store/repositories/dataplane.js';
import { computeDesiredState } from './desired.js';
import type { ApplyReport, DataplaneDriver, DesiredState, ItemKind, ItemState, ItemStatus } from './model.js';

export interface DataplaneOptions {
  /**
   * How often a repair pass runs, to find drift made outside Peerlink (someone deleted a veth): it
   * asks the driver to re-read a slice of the steady items. Passes after a change run at once and
   * re-read only what changed, so this only bounds how soon drift is repaired.
   */
  repairIntervalMs: number;
  /** First pause before retrying items in error; doubles per failed pass, up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** Who may see an item in the status: the owners of a VPC or endpoint, both ends of a link. */
interface Owner {
  accountId: string;
  region: string;
}

export interface StatusItem {
  kind: ItemKind;
  id: string;
  state: ItemState;
  reason?: string;
  netns?: string;
  programmedAt?: string;
  /** Consecutive failed passes of an item in error, and when it is tried again. */
  attempts?: number;
  nextAttemptAt?: string;
}

export interface DataplaneStatus {
  driver: string;
  lastPassAt: string | null;
  vpcs: StatusItem[];
  endpoints: StatusItem[];
  connections: StatusItem[];
}

const key = (kind: ItemKind, id: string) => `${kind}:${id}`;

/** Each item's part of the desired state, to tell whether the last pass programmed this version of it. */
function specs(desired: DesiredState): Map<string, string> {
  const map = new Map<string, string>();
  for (const vpc of desired.vpcs) map.set(key('vpc', vpc.vpcId), JSON.stringify(vpc));
  for (const ep of desired.endpoints) map.set(key('endpoint', ep.endpointId), JSON.stringify(ep));
  for (const link of desired.links) map.set(key('link', link.peerConnId), JSON.stringify(link));
  return map;
}

/**
 * Keeps the kernel converged to the database, level-triggered: each pass computes the whole
 * desired state and hands it to the driver, after every change (`poke`: the driver touches only
 * what changed), every `repairIntervalMs` (a repair pass: the driver also looks for drift), and,
 * while items are in error, on an exponential backoff. One pass at a time; a poke during a pass
 * asks for exactly one more. Nothing here ever throws into an API call: failures are logged,
 * counted and reported per item.
 */
export class DataplaneService {
  readonly metrics: Metric[];
  private readonly passSeconds: Histogram;
  private readonly latencySeconds: Histogram;
  private readonly errors: Counter;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  private running: Promise<void> | undefined;
  private again = false;
  /** The next pass is a repair pass (the repair timer fired, or the first pass after start). */
  private repairDue = false;
  /** When the oldest change not yet covered by a pass was asked for (programming latency). */
  private pendingSince: number | undefined;
  private repairTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;

  private report = new Map<string, ItemStatus>();
  private applied = new Map<string, string>();
  private failures = new Map<string, number>();
  private retryAt: number | undefined;
  /** Consecutive passes that could not even read the desired state (the database away). */
  private readFailures = 0;
  private lastPassAt: number | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly timings: PeerConnTimings,
    readonly driver: DataplaneDriver,
    private readonly log: FastifyBaseLogger,
    private readonly options: DataplaneOptions,
  ) {
    this.retryBaseMs = options.retryBaseMs ?? 250;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.passSeconds = new Histogram({
      name: 'peerlink_dataplane_pass_seconds',
      help: 'Time of one dataplane pass: computing the desired state and applying it',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [],
    });
    this.latencySeconds = new Histogram({
      name: 'peerlink_dataplane_programming_latency_seconds',
      help: 'Time from a change (API write, reconciler step) to the end of the pass that programmed it',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [],
    });
    this.errors = new Counter({
      name: 'peerlink_dataplane_errors_total',
      help: 'Dataplane failures: items a pass left in error (by kind), and passes that failed as a whole (kind "pass")',
      labelNames: ['kind'],
      registers: [],
    });
    this.metrics = [this.passSeconds, this.latencySeconds, this.errors];
  }

  /** Starts the repair loop and runs a first pass (what changed while the server was down). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.repairTimer = setInterval(() => {
      // Marked even while a pass runs or items wait out their backoff: the next pass repairs.
      this.repairDue = true;
      if (this.retryAt === undefined) this.schedulePass(false);
    }, this.options.repairIntervalMs);
    this.repairTimer.unref();
    this.repairDue = true;
    this.poke();
  }

  /** Something changed: converge soon. Never throws, never waits. */
  poke(): void {
    this.pendingSince ??= Date.now();
    this.schedulePass(true);
  }

  /** Runs a repair pass now (after the one under way) and answers when it is over; for tests and tools. */
  async converge(): Promise<void> {
    while (this.running) await this.running;
    this.pendingSince ??= Date.now();
    this.repairDue = true;
    this.running = this.pass().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  /** Stops the loops and waits for the pass under way; the network is left as it is. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.repairTimer);
    clearTimeout(this.retryTimer);
    while (this.running) await this.running;
  }

  /** The items the caller may see (an administrator sees all), as of the current desired state. */
  async status(caller: Owner & { isAdmin: boolean }): Promise<DataplaneStatus> {
    const { rows, desired } = await computeDesiredState(this.db, this.clock.now(), this.timings);
    const owners = ownersOf(rows);
    const visible = (kind: ItemKind, id: string) =>
      caller.isAdmin ||
      (owners.get(key(kind, id)) ?? []).some(
        (o) => o.accountId === caller.accountId && o.region === caller.region,
      );
    const current = specs(desired);
    const item = (kind: ItemKind, id: string, netns: string): StatusItem => {
      const k = key(kind, id);
      const last = this.report.get(k);
      const attempts = this.failures.get(k);
      const base = {
        kind,
        id,
        netns: last?.netns ?? netns,
        ...(last?.programmedAt !== undefined
          ? { programmedAt: new Date(last.programmedAt).toISOString() }
          : {}),
      };
      if (!last || this.applied.get(k) !== current.get(k)) {
        return { ...base, state: 'pending', reason: 'waiting for the next dataplane pass' };
      }
      return {
        ...base,
        state: last.state,
        ...(last.reason !== undefined ? { reason: last.reason } : {}),
        ...(last.state === 'error' && attempts !== undefined ? { attempts } : {}),
        ...(last.state === 'error' && this.retryAt !== undefined
          ? { nextAttemptAt: new Date(this.retryAt).toISOString() }
          : {}),
      };
    };
    return {
      driver: this.driver.name,
      lastPassAt: this.lastPassAt === null ? null : new Date(this.lastPassAt).toISOString(),
      vpcs: desired.vpcs
        .filter((v) => visible('vpc', v.vpcId))
        .map((v) => item('vpc', v.vpcId, this.driver.vpcNetns(v.vpcId))),
      endpoints: desired.endpoints
        .filter((e) => visible('endpoint', e.endpointId))
        .map((e) => item('endpoint', e.endpointId, this.driver.endpointNetns(e.endpointId))),
      connections: desired.links
        .filter((l) => visible('link', l.peerConnId))
        .map((l) => {
          const { netns: _none, ...rest } = item('link', l.peerConnId, '');
          return rest;
        }),
    };
  }

  private schedulePass(changed: boolean): void {
    if (this.stopped) return;
    if (this.running) {
      if (changed) this.again = true;
      return;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        setImmediate(() => this.schedulePass(true));
      }
    });
  }

  private async pass(): Promise<void> {
    const since = this.pendingSince;
    this.pendingSince = undefined;
    const repair = this.repairDue;
    this.repairDue = false;
    const started = Date.now();
    let desired: DesiredState | undefined;
    try {
      desired = (await computeDesiredState(this.db, this.clock.now(), this.timings)).desired;
      this.readFailures = 0;
      const report = await this.driver.apply(desired, { repair });
      this.record(desired, report);
    } catch (error) {
      // A driver must not throw (it reports errors per item), and the database may be away: either
      // way every item is in error until a pass succeeds.
      this.errors.inc({ kind: 'pass' });
      this.log.error({ err: error }, 'dataplane pass failed');
      if (desired) this.recordFailure(desired, error instanceof Error ? error.message : String(error));
      else this.scheduleRetry(++this.readFailures);
      this.repairDue ||= repair;
    } finally {
      const ended = Date.now();
      this.lastPassAt = ended;
      this.passSeconds.observe((ended - started) / 1000);
      if (since !== undefined) this.latencySeconds.observe((ended - since) / 1000);
    }
  }

  private record(desired: DesiredState, report: ApplyReport): void {
    this.applied = specs(desired);
    const next = new Map<string, ItemStatus>();
    for (const status of report.items) next.set(key(status.kind, status.id), status);
    // An item the driver did not mention is not programmed yet.
    for (const k of this.applied.keys()) {
      if (!next.has(k)) {
        const [kind, id] = k.split(/:(.*)/s) as [ItemKind, string];
        next.set(k, { kind, id, state: 'pending', reason: 'the driver did not report this item' });
      }
    }
    this.report = next;
    this.updateFailures();
  }

  private recordFailure(desired: DesiredState, reason: string): void {
    this.applied = specs(desired);
    const next = new Map<string, ItemStatus>();
    for (const k of this.applied.keys()) {
      const [kind, id] = k.split(/:(.*)/s) as [ItemKind, string];
      const before = this.report.get(k);
      next.set(k, {
        kind,
        id,
        state: 'error',
        reason,
        ...(before?.netns !== undefined ? { netns: before.netns } : {}),
        ...(before?.programmedAt !== undefined ? { programmedAt: before.programmedAt } : {}),
      });
    }
    this.report = next;
    this.updateFailures();
  }

  /** Counts consecutive failures per item and arms the retry timer for the soonest one due. */
  private updateFailures(): void {
    const failures = new Map<string, number>();
    for (const [k, status] of this.report) {
      if (status.state !== 'error') continue;
      failures.set(k, (this.failures.get(k) ?? 0) + 1);
      this.errors.inc({ kind: status.kind });
    }
    this.failures = failures;
    if (failures.size === 0) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.retryAt = undefined;
      return;
    }
    this.scheduleRetry(Math.min(...failures.values()));
  }

  private scheduleRetry(attempts: number): void {
    if (this.stopped) return;
    const delay = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (attempts - 1));
    clearTimeout(this.retryTimer);
    this.retryAt = Date.now() + delay;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.retryAt = undefined;
      this.schedulePass(false);
    }, delay);
    this.retryTimer.unref();
  }

  /** The current backoff, for tests: when the next retry is due, and each item's failed passes. */
  backoff(): { retryAt: number | undefined; failures: Record<string, number> } {
    return { retryAt: this.retryAt, failures: Object.fromEntries(this.failures) };
  }
}

function ownersOf(rows: DataplaneRows): Map<string, Owner[]> {
  const owners = new Map<string, Owner[]>();
  for (const vpc of rows.vpcs) owners.set(key('vpc', vpc.id), [vpc]);
  for (const ep of rows.endpoints) owners.set(key('endpoint', ep.id), [ep]);
  for (const conn of rows.peerConns)
    owners.set(
      key('link', conn.id),
      ROLES.map((role) => conn[role]),
    );
  return owners;
}
