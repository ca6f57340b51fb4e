import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ItemContent, type Reconciled, reconcileIncoming, type VersionedContent } from './items.js';
import {
  compareVectors,
  mergeVectors,
  nextLocalVersion,
  type Version,
  type VersionVector,
} from './versions.js';

/**
 * Property tests of data peering convergence (R41–R45). A small simulation of two or three
 * enrollments ("sides") that peer one object type: every side keeps its items by primary key, a
 * change log that keeps each item's latest change with its origin connection, an export job per
 * connection (epoch and watermark) and an import job per connection, like app/replication.ts. The
 * simulation calls the real rules (nextLocalVersion for local edits, reconcileIncoming for
 * incoming versions, compareVectors/mergeVectors where it compares versions); fast-check generates
 * a program of local edits (with skewed clocks that may go back), exports, deliveries in any
 * order, duplicates, losses, partitions and export restarts. Afterwards the network heals and
 * settles, and the properties below must hold.
 *
 * Two transports are simulated:
 * - `items`: every item of a delivered chunk goes straight to reconcileIncoming, whatever its epoch
 *   or range (stronger than the real importer, which only ever leaves chunks out);
 * - `protocol`: the importer follows onChunk: older epochs are ignored, ranges already applied are
 *   duplicates, and a gap asks the exporter to send again (onResend). A chunk starts where the last
 *   chunk sent ended (`sentSeq`), not at the watermark, which also moves past changes not sent back
 *   to their origin (starting at the watermark, a run of such changes longer than a chunk makes
 *   every later chunk a gap, and the resend repeats it forever).
 */

const KEYS = ['k0', 'k1', 'k2'] as const;
const MARKINGS = ['m1', 'm2'] as const;

// ---- the simulation

interface WireItem {
  key: string;
  content: ItemContent;
  version: Version;
}

type Message =
  | {
      kind: 'chunk';
      from: number;
      to: number;
      epoch: number;
      fromSeq: number;
      toSeq: number;
      items: WireItem[];
    }
  | { kind: 'resend'; from: number; to: number; epoch: number; fromSeq: number };

interface ImportJob {
  epoch: number;
  /** The last change applied. */
  watermark: number;
}

interface ExportJob extends ImportJob {
  /** The last change examined (sent, or not sent back to its origin). */
  watermark: number;
  /** Where the last chunk sent ended: the next chunk starts there. */
  sentSeq: number;
}

interface Side {
  id: string;
  clock: number;
  items: Map<string, VersionedContent>;
  /** The latest change of each key: its logical time and the peer whose connection sent exactly it. */
  log: Map<string, { seq: number; origin: number | null }>;
  head: number;
  conflicts: { key: string; local: VersionedContent; remote: VersionedContent }[];
}

/** A local edit, as written: the oracle of the properties. */
interface Write {
  side: number;
  key: string;
  content: ItemContent;
  version: Version;
}

interface Reconciliation {
  side: number;
  key: string;
  local: VersionedContent | undefined;
  incoming: VersionedContent;
  result: Reconciled;
}

type Step =
  | { t: 'write'; side: number; key: number; n: number; markings: string[]; dt: number }
  | { t: 'delete'; side: number; key: number; dt: number }
  | { t: 'resolve'; side: number; pick: number; choose: 'local' | 'remote'; dt: number }
  | { t: 'export'; from: number; to: number }
  | { t: 'deliver'; pick: number }
  | { t: 'duplicate'; pick: number }
  | { t: 'lose'; pick: number }
  | { t: 'partition'; a: number; b: number }
  | { t: 'restart'; from: number; to: number };

interface Scenario {
  sides: number;
  /** `line`: a–b and b–c only, so what c needs from a must be forwarded by b. */
  topology: 'mesh' | 'line';
  transport: 'items' | 'protocol';
  /** Changes per chunk (CHUNK_ITEMS, scaled down). */
  chunkItems: number;
  /** Each side's clock at the start. */
  clocks: number[];
  steps: Step[];
}

/** The wire is JSON. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

class Network {
  readonly sides: Side[];
  readonly writes: Write[] = [];
  readonly reconciliations: Reconciliation[] = [];
  /** Messages sent and not delivered yet. */
  bag: Message[] = [];
  /** Every message ever sent, for replays. */
  readonly history: Message[] = [];
  private readonly exports = new Map<string, ExportJob>();
  private readonly imports = new Map<string, ImportJob>();
  private readonly partitioned = new Set<string>();
  /** Export jobs (`from>to`) that lost a message: the heal sends them again from the start. */
  private readonly lossy = new Set<string>();

  constructor(readonly scenario: Scenario) {
    this.sides = scenario.clocks.slice(0, scenario.sides).map((clock, i) => ({
      id: `enr-${'abc'[i]}`,
      clock,
      items: new Map(),
      log: new Map(),
      head: 0,
      conflicts: [],
    }));
    for (const [from, to] of this.links()) {
      this.exports.set(`${from}>${to}`, { epoch: 0, watermark: 0, sentSeq: 0 });
      this.imports.set(`${from}>${to}`, { epoch: 0, watermark: 0 });
    }
  }

  peers(side: number): number[] {
    const all = this.sides.map((_, i) => i).filter((i) => i !== side);
    return this.scenario.topology === 'line' ? all.filter((i) => Math.abs(i - side) === 1) : all;
  }

  /** Every directed connection. */
  links(): [number, number][] {
    return this.sides.flatMap((_, from) => this.peers(from).map((to): [number, number] => [from, to]));
  }

  run(step: Step): void {
    const n = this.sides.length;
    switch (step.t) {
      case 'write':
      case 'delete':
      case 'resolve':
        this.edit(step, step.side % n);
        return;
      case 'export': {
        const from = step.from % n;
        const peers = this.peers(from);
        this.exportChunk(from, peers[step.to % peers.length]!);
        return;
      }
      case 'deliver': {
        const deliverable = this.bag.filter((m) => !this.partitioned.has(edge(m.from, m.to)));
        if (deliverable.length === 0) return;
        const message = deliverable[step.pick % deliverable.length]!;
        this.bag.splice(this.bag.indexOf(message), 1);
        this.receive(message);
        return;
      }
      case 'duplicate': {
        if (this.bag.length === 0) return;
        this.bag.push(copy(this.bag[step.pick % this.bag.length]!));
        return;
      }
      case 'lose': {
        if (this.bag.length === 0) return;
        const [lost] = this.bag.splice(step.pick % this.bag.length, 1);
        this.lossy.add(lost!.kind === 'chunk' ? `${lost!.from}>${lost!.to}` : `${lost!.to}>${lost!.from}`);
        return;
      }
      case 'partition': {
        const a = step.a % n;
        const peers = this.peers(a);
        const link = edge(a, peers[step.b % peers.length]!);
        if (!this.partitioned.delete(link)) this.partitioned.add(link);
        return;
      }
      case 'restart': {
        const from = step.from % n;
        const peers = this.peers(from);
        this.restartExport(from, peers[step.to % peers.length]!);
        return;
      }
    }
  }

  /** A user's create, update, delete or conflict resolution (app/space-data.ts `write`). */
  private edit(step: Extract<Step, { t: 'write' | 'delete' | 'resolve' }>, index: number): void {
    const side = this.sides[index]!;
    let key: string;
    let content: ItemContent;
    if (step.t === 'resolve') {
      if (side.conflicts.length === 0) return;
      const conflict = side.conflicts[step.pick % side.conflicts.length]!;
      key = conflict.key;
      content = conflict[step.choose].content;
    } else {
      key = KEYS[step.key % KEYS.length]!;
      const existing = side.items.get(key);
      if (step.t === 'delete') {
        // Only a live item can be deleted; a tombstone keeps the properties it had.
        if (!existing || existing.content.deleted) return;
        content = { ...existing.content, deleted: true };
      } else {
        // A create (over nothing or a tombstone) or an update: either way on top of what is stored.
        content = {
          properties: { n: step.n },
          blob: null,
          classification: 'UNCLASSIFIED',
          markings: step.markings,
          deleted: false,
        };
      }
    }
    side.clock += step.dt;
    const existing = side.items.get(key);
    const version = nextLocalVersion(existing?.version, side.id, side.clock);
    side.items.set(key, { content, version });
    this.appendChange(side, key, null);
    this.writes.push({ side: index, key, content, version });
  }

  private appendChange(side: Side, key: string, origin: number | null): void {
    side.head++;
    side.log.set(key, { seq: side.head, origin });
  }

  /** One chunk of an export job (exportChunk): answers whether the watermark moved. */
  exportChunk(from: number, to: number): boolean {
    const job = this.exports.get(`${from}>${to}`)!;
    const side = this.sides[from]!;
    const rows = [...side.log]
      .filter(([, row]) => row.seq > job.watermark)
      .sort(([, a], [, b]) => a.seq - b.seq)
      .slice(0, this.scenario.chunkItems);
    if (rows.length === 0) return false;
    const toSeq = rows[rows.length - 1]![1].seq;
    // What is exactly what this connection sent is not sent back to it.
    const items = rows
      .filter(([, row]) => row.origin !== to)
      .map(([key]) => copy({ key, ...side.items.get(key)! }));
    if (items.length > 0) {
      this.send({ kind: 'chunk', from, to, epoch: job.epoch, fromSeq: job.sentSeq, toSeq, items });
      job.sentSeq = toSeq;
    }
    job.watermark = toSeq;
    return true;
  }

  private restartExport(from: number, to: number): void {
    const job = this.exports.get(`${from}>${to}`)!;
    job.epoch++;
    job.watermark = 0;
    job.sentSeq = 0;
  }

  private send(message: Message): void {
    this.bag.push(message);
    this.history.push(copy(message));
  }

  receive(message: Message): void {
    if (message.kind === 'resend') {
      // onResend, on the exporter (`to`) of the connection to `from`.
      const job = this.exports.get(`${message.to}>${message.from}`)!;
      if (job.epoch === message.epoch && message.fromSeq < job.sentSeq) {
        job.watermark = message.fromSeq;
        job.sentSeq = message.fromSeq;
      } else if (job.epoch !== message.epoch) this.restartExport(message.to, message.from);
      return;
    }
    if (this.scenario.transport === 'protocol') {
      // onChunk, on the importer (`to`) of the connection from `from`.
      const job = this.imports.get(`${message.from}>${message.to}`)!;
      if (message.epoch < job.epoch) return;
      const expectedFrom = message.epoch === job.epoch ? job.watermark : 0;
      if (message.epoch === job.epoch && message.toSeq <= job.watermark) return;
      if (message.fromSeq > expectedFrom) {
        this.send({
          kind: 'resend',
          from: message.to,
          to: message.from,
          epoch: message.epoch,
          fromSeq: expectedFrom,
        });
        return;
      }
      job.epoch = message.epoch;
      job.watermark = message.toSeq;
    }
    for (const item of message.items) this.apply(message.to, message.from, item);
  }

  /** applyItem: the incoming version against the local one. */
  apply(to: number, from: number, wire: WireItem): Reconciled {
    const side = this.sides[to]!;
    const local = side.items.get(wire.key);
    const incoming: VersionedContent = {
      content: {
        // An incoming tombstone keeps the local properties.
        properties: wire.content.deleted ? (local?.content.properties ?? null) : wire.content.properties,
        blob: wire.content.blob,
        classification: wire.content.classification,
        markings: [...wire.content.markings].sort(),
        deleted: wire.content.deleted,
      },
      version: wire.version,
    };
    const result = reconcileIncoming(local, incoming);
    this.reconciliations.push({ side: to, key: wire.key, local, incoming, result });
    if (result.next) {
      side.items.set(wire.key, result.next);
      // Not sent back over the connection it came from only when it is exactly what that sent.
      this.appendChange(side, wire.key, result.adopted ? from : null);
    }
    if (result.conflict && local) side.conflicts.push({ key: wire.key, local, remote: incoming });
    return result;
  }

  /** Ends partitions, sends again what was lost, and runs until nothing moves. */
  heal(): boolean {
    this.partitioned.clear();
    for (const link of this.lossy) {
      const [from, to] = link.split('>').map(Number);
      this.restartExport(from!, to!);
    }
    this.lossy.clear();
    return this.settle();
  }

  /** Every export job sends everything again (a new epoch), until nothing moves. */
  resendEverything(): boolean {
    for (const [from, to] of this.links()) this.restartExport(from, to);
    return this.settle();
  }

  /** Delivers and exports until quiescent; false when still busy after many rounds. */
  settle(): boolean {
    for (let round = 0; round < 100; round++) {
      let busy = false;
      for (let i = 0; this.bag.length > 0; i++) {
        if (i > 10_000) return false;
        busy = true;
        this.receive(this.bag.shift()!);
      }
      for (const [from, to] of this.links()) {
        while (this.exportChunk(from, to)) busy = true;
      }
      if (!busy) return true;
    }
    return false;
  }

  /** Everything the sides store, comparable with toEqual. */
  snapshot(): unknown {
    return this.sides.map((side) => ({
      items: [...side.items].sort(([a], [b]) => (a < b ? -1 : 1)),
      log: [...side.log].sort(([a], [b]) => (a < b ? -1 : 1)),
      conflicts: side.conflicts.length,
    }));
  }
}

const edge = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);

// ---- oracles, independent of the code under test

/** What a version says, as users see it: properties and blob only while live, markings as a set. */
function meaning(content: ItemContent): string {
  return JSON.stringify([
    content.deleted,
    content.deleted ? null : content.properties,
    content.deleted ? null : content.blob,
    content.classification,
    [...content.markings].sort(),
  ]);
}

/** The n-th write of its writer is included in `vv` (it happened before, or is, what vv describes). */
const includes = (vv: VersionVector, write: Write) => (vv[write.version.writer] ?? 0) >= count(write);
const count = (write: Write) => write.version.vv[write.version.writer]!;
/** `a` happened before `b`: b was written on a side whose version already included a. */
const before = (a: Write, b: Write) => a !== b && includes(b.version.vv, a);
/** The (hlc, writer) order that resolves concurrent versions. */
const later = (a: Version, b: Version) => (a.hlc !== b.hlc ? a.hlc > b.hlc : a.writer > b.writer);

/** The write a stored version shows: the one of its writer at its hybrid time. */
function writeOf(net: Network, key: string, version: Version): Write[] {
  return net.writes.filter(
    (w) => w.key === key && w.version.writer === version.writer && w.version.hlc === version.hlc,
  );
}

function writtenKeys(net: Network): string[] {
  return [...new Set(net.writes.map((w) => w.key))].sort();
}

// ---- programs

const side = fc.nat({ max: 2 });
const dt = fc.integer({ min: -4, max: 3 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('write' as const),
      side,
      key: fc.nat({ max: KEYS.length - 1 }),
      n: fc.nat({ max: 2 }),
      markings: fc.shuffledSubarray([...MARKINGS]),
      dt,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('delete' as const),
      side,
      key: fc.nat({ max: KEYS.length - 1 }),
      dt,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('resolve' as const),
      side,
      pick: fc.nat(),
      choose: fc.constantFrom('local' as const, 'remote' as const),
      dt,
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({ t: fc.constant('export' as const), from: side, to: fc.nat({ max: 1 }) }),
  },
  { weight: 10, arbitrary: fc.record({ t: fc.constant('deliver' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('duplicate' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('lose' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('partition' as const), a: side, b: fc.nat({ max: 1 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('restart' as const), from: side, to: fc.nat({ max: 1 }) }),
  },
);

const scenario = (transport: Scenario['transport']): fc.Arbitrary<Scenario> =>
  fc.record({
    sides: fc.constantFrom(2, 3),
    topology: fc.constantFrom('mesh' as const, 'line' as const),
    transport: fc.constant(transport),
    // Fewer changes per chunk than the log holds, so that ranges of changes not sent back to their
    // origin span whole chunks (with CHUNK_ITEMS, more than 500 of them in a row).
    chunkItems: fc.integer({ min: 1, max: KEYS.length + 1 }),
    clocks: fc.array(fc.integer({ min: 1000, max: 1010 }), { minLength: 3, maxLength: 3 }),
    steps: fc.array(step, { minLength: 5, maxLength: 80, size: 'max' }),
  });

const scenarios = fc.oneof(scenario('items'), scenario('protocol'));

/** Runs the program, then heals the network; fails when it does not settle. */
function simulate(s: Scenario): Network {
  const net = new Network(s);
  for (const st of s.steps) net.run(st);
  expect(net.heal(), 'the network settles once healed').toBe(true);
  return net;
}

function expectConverged(net: Network): void {
  const [first, ...others] = net.sides;
  for (const key of new Set(net.sides.flatMap((s) => [...s.items.keys()]))) {
    const reference = first!.items.get(key);
    for (const other of others) {
      const value = other.items.get(key);
      expect(value, `${other.id} holds ${key}`).toBeDefined();
      expect(reference, `${first!.id} holds ${key}`).toBeDefined();
      expect(meaning(value!.content), `${key} on ${other.id} and ${first!.id}`).toBe(
        meaning(reference!.content),
      );
      expect(value!.version, `version of ${key} on ${other.id} and ${first!.id}`).toEqual(reference!.version);
    }
  }
}

const RUNS = 1000;

describe('data peering convergence (property)', () => {
  it('converges once the network heals, and sending everything again then changes nothing', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const net = simulate(s);
        expectConverged(net);
        const settled = net.snapshot();
        expect(net.resendEverything(), 'settles after a full resend').toBe(true);
        expect(net.snapshot()).toEqual(settled);
      }),
      { numRuns: RUNS },
    );
  });

  it('loses no write: every key is on every side, as a write some side made, including every write', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const net = simulate(s);
        for (const key of writtenKeys(net)) {
          const writes = net.writes.filter((w) => w.key === key);
          for (const sd of net.sides) {
            const value = sd.items.get(key);
            expect(value, `${key} on ${sd.id}`).toBeDefined();
            const [origin, ...more] = writeOf(net, key, value!.version);
            expect(origin, `${key} on ${sd.id} is a value some side wrote`).toBeDefined();
            expect(more).toEqual([]);
            expect(meaning(value!.content)).toBe(meaning(origin!.content));
            // It includes every write of the key.
            expect(value!.version.vv).toEqual(writes.map((w) => w.version.vv).reduce(mergeVectors, {}));
            for (const w of writes) expect(includes(value!.version.vv, w)).toBe(true);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('respects causality: a value some write was made on top of never wins, and later writes win', () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const net = simulate(s);
        for (const a of net.writes) {
          for (const b of net.writes) {
            if (a.key !== b.key || !before(a, b)) continue;
            // compareVectors agrees with the counters, and a write made after another is later.
            expect(compareVectors(a.version.vv, b.version.vv)).toBe('older');
            expect(later(b.version, a.version), 'a write made on top of another is later').toBe(true);
          }
        }
        for (const key of writtenKeys(net)) {
          const value = net.sides[0]!.items.get(key)!;
          const [winner] = writeOf(net, key, value.version);
          expect(winner, `${key} is a value some side wrote`).toBeDefined();
          const writes = net.writes.filter((w) => w.key === key);
          const superseded = writes.filter((w) => writes.some((b) => before(w, b)));
          expect(superseded, 'the value is no write that another was made on top of').not.toContain(winner);
          // The latest write in (hybrid time, writer) order wins.
          for (const w of writes) if (w !== winner) expect(later(winner!.version, w.version)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('is idempotent: delivering any old message again after convergence changes nothing', () => {
    fc.assert(
      fc.property(scenarios, fc.nat(), (s, shift) => {
        const net = simulate(s);
        const settled = net.snapshot();
        const old = net.history.filter((m) => m.kind === 'chunk');
        // Each item straight to every other side, whatever its range and epoch…
        for (const message of old) {
          for (const item of message.items) {
            for (let to = 0; to < net.sides.length; to++) {
              if (to === message.from) continue;
              const result = net.apply(to, message.from, copy(item));
              expect(result.next).toBeUndefined();
              expect(result.conflict).toBeUndefined();
            }
          }
        }
        expect(net.snapshot()).toEqual(settled);
        // …and whole messages again through the transport, in some other order, then settle.
        const rotated = [...old.slice(shift % (old.length || 1)), ...old.slice(0, shift % (old.length || 1))];
        net.bag.push(...rotated.map(copy));
        expect(net.settle()).toBe(true);
        expect(net.snapshot()).toEqual(settled);
      }),
      { numRuns: RUNS },
    );
  });

  it('reports a conflict exactly when concurrent versions say different things', () => {
    const seen = { runs: 0, conflicts: 0, withConflicts: 0, concurrentAlike: 0 };
    fc.assert(
      fc.property(scenarios, (s) => {
        const net = simulate(s);
        const conflicts = net.sides.reduce((sum, sd) => sum + sd.conflicts.length, 0);
        seen.runs++;
        seen.conflicts += conflicts;
        if (conflicts > 0) seen.withConflicts++;
        for (const { key, local, incoming, result } of net.reconciliations) {
          const concurrent =
            !!local && compareVectors(incoming.version.vv, local.version.vv) === 'concurrent';
          const differ = !!local && meaning(local.content) !== meaning(incoming.content);
          if (concurrent && !differ) seen.concurrentAlike++;
          expect(!!result.conflict, 'conflict reported').toBe(concurrent && differ);
          if (result.conflict && local) {
            // The stored value is the reported winner.
            const winner = result.conflict.winner === 'remote' ? incoming : local;
            expect(result.next?.content).toEqual(winner.content);
            // Two writes of the key really were concurrent and said different things.
            const writes = net.writes.filter((w) => w.key === key);
            const pair = writes.some((a) =>
              writes.some(
                (b) => !before(a, b) && !before(b, a) && a !== b && meaning(a.content) !== meaning(b.content),
              ),
            );
            expect(pair, 'two concurrent writes with different content').toBe(true);
          }
        }
      }),
      { numRuns: RUNS },
    );
    // The programs do make conflicts, and concurrent versions that agree.
    expect(seen.withConflicts).toBeGreaterThan(seen.runs / 10);
    expect(seen.concurrentAlike).toBeGreaterThan(0);
  });
});
