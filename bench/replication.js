// `npm run bench:replication`: space data replication between two enrollments, each a spawned
// `peerlink serve`, over an active Peer Manager connection on MPX (objects exported from A to B).
// Measures the importer's own write rate, the replication throughput after a backlog, and the lag
// of a steady stream; prints one table, progress on stderr. About 1 minute on the 2-core machine
// of the README; the temp dir is deleted at the end. Options (flag or environment):
//   --n=N           BENCH_REPLICATION_N            objects per bulk step (a, b), default 8000
//   --concurrency=C BENCH_REPLICATION_CONCURRENCY  SDK clients writing at once in a, b, default 8
//   --rate=R        BENCH_REPLICATION_RATE         objects/s of the stream (c), default 200
//   --seconds=S     BENCH_REPLICATION_SECONDS      length of the stream (c), default 20
//   --cpu-prof[=D]  BENCH_REPLICATION_CPU_PROF=D   run both servers with `node --cpu-prof`, print
//                                                  their busiest functions per step, keep the
//                                                  .cpuprofiles in D (else they are deleted)
//   --dump=F        BENCH_REPLICATION_DUMP=F       write the stream's objects to F (JSON: key,
//                                                  sent, create latency, lag), for a timeline
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PeerlinkClient, PeerManagerClient, SpaceDataClient } from '@peerlink/sdk';
import { printTable } from './table.js';

const option = (name, envName, fallback) => {
  const flag = process.argv.slice(2).find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (flag) return flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : '';
  return process.env[envName] ?? fallback;
};
const N = Number(option('n', 'BENCH_REPLICATION_N', '8000'));
const CONCURRENCY = Number(option('concurrency', 'BENCH_REPLICATION_CONCURRENCY', '8'));
const RATE = Number(option('rate', 'BENCH_REPLICATION_RATE', '200'));
const SECONDS = Number(option('seconds', 'BENCH_REPLICATION_SECONDS', '20'));
const CPU_PROF = option('cpu-prof', 'BENCH_REPLICATION_CPU_PROF', undefined);
const DUMP = option('dump', 'BENCH_REPLICATION_DUMP', undefined);

/**
 * The servers' JSON config: the reconciler's periodic tick every 50 ms instead of 250 ms (a local
 * change, a queued message and an applied chunk already poke it at once; the tick is the fallback),
 * and retries of a failed delivery capped at 1 s instead of 5 min, as in the e2e tests.
 */
const SERVE_CONFIG = { reconcileIntervalMs: 50, federationRetryMaxMs: 1000 };
/** Uncounted creates on each side before the measured ones. */
const WARMUP = 200;
/** The stream's creates in flight at most (it is open-loop: one is sent every 1000/RATE ms). */
const STREAM_IN_FLIGHT = 64;
/** Pause between two polls of B (job or tail of the object list). */
const POLL_MS = 10;
/** How long the lag poller runs alone before the stream, to measure what a poll costs B. */
const CALIBRATE_MS = 2000;
/** Longest wait for replication to finish after a step. */
const DRAIN_CAP_MS = 120_000;

const TYPE = { primaryKey: 'id', properties: { id: 'string', n: 'integer', label: 'string' } };
const NO_RETRY = { maxRetries: 0 };
const CLI = fileURLToPath(new URL('../packages/cli/bin/peerlink.js', import.meta.url));
const progress = (message) => process.stderr.write(`bench:replication: ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const CLOCK_TICKS = 100; // USER_HZ on Linux: /proc/<pid>/stat counts CPU time in 1/100 s

/** Spawned `peerlink serve` processes, stopped in `finally` whatever happens. */
const children = new Set();

/** User + system CPU seconds of a process so far (Linux /proc). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
/** Busy CPU seconds of the whole machine so far, all cores (Linux /proc/stat: all but idle and iowait). */
function machineCpuSeconds() {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}
const benchCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** The environment without the caller's own PEERLINK_* settings, plus `extra`. */
function serveEnv(extra) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PEERLINK_')));
  return { ...env, ...extra };
}

/**
 * `peerlink serve --port 0` on a fresh data directory with the bench's config file and known
 * administrator credentials; answers once it prints where it serves. `nodeArgs` go before the CLI
 * (e.g. `--cpu-prof`).
 */
async function serve(name, tmp, configFile, nodeArgs = []) {
  const dataDir = path.join(tmp, `${name}-data`);
  const credentials = {
    ak: `bench${name}${randomBytes(6).toString('hex')}`,
    sk: randomBytes(18).toString('hex'),
  };
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      CLI,
      'serve',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--log-level',
      'silent',
      '--config',
      configFile,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: serveEnv({ PEERLINK_ADMIN_AK: credentials.ak, PEERLINK_ADMIN_SK: credentials.sk }),
    },
  );
  children.add(child);
  let stderr = '';
  const endpoint = await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = /Serving region bj at (\S+)\n/.exec(stderr);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`peerlink serve exited (${code}) before serving:\n${stderr}`)),
    );
  });
  const config = { endpoint, credentials };
  return {
    name,
    child,
    pid: child.pid,
    endpoint,
    credentials,
    peerlink: new PeerlinkClient(config),
    pm: new PeerManagerClient(config),
    data: new SpaceDataClient(config),
    /** `count` clients of their own, without retries, for the measured writes. */
    writers: (count) =>
      Array.from({ length: count }, () => new SpaceDataClient({ ...config, retry: NO_RETRY })),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      children.delete(child);
    },
  };
}

/** Polls `read` until `done` holds for its answer. */
async function eventually(read, done, what, timeoutMs = 30_000, intervalMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not reached in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await sleep(intervalMs);
  }
}

/** Title, space, both object types; then the four policies, MPX both ways, and the peer request. */
async function setUp(a, b) {
  for (const side of [a, b]) {
    const { enrollmentId } = await side.peerlink.setPlatformTitle(`bench ${side.name}`);
    const { spaceId } = await side.peerlink.createSpace({ name: `bench ${side.name} space` });
    side.enrollmentId = enrollmentId;
    side.spaceId = spaceId;
    await side.data.createObjectType(spaceId, { name: 'Item', ...TYPE });
  }
  // B's own writes in step a go to a type of their own, in the same space (B only imports).
  await b.data.createObjectType(b.spaceId, { name: 'Local', ...TYPE });
  for (const [side, other] of [
    [a, b],
    [b, a],
  ]) {
    await side.peerlink.addEgressRule({ enrollmentId: other.enrollmentId });
    await side.peerlink.addIngressRule({ enrollmentId: other.enrollmentId });
  }
  const [inviteA, inviteB] = await Promise.all([
    a.pm.createMpxInvite({ direction: 'bidirectional' }),
    b.pm.createMpxInvite({ direction: 'bidirectional' }),
  ]);
  await a.pm.enterMpxInvite({ code: inviteB.code, name: 'to B' });
  await b.pm.enterMpxInvite({ code: inviteA.code, name: 'to A' });
  for (const side of [a, b]) {
    await eventually(
      async () => (await side.pm.listMpxConnections()).connections[0]?.status,
      (status) => status === 'established',
      `MPX on ${side.name}`,
    );
  }
  const request = await a.pm.createPeerRequest({
    spaceId: a.spaceId,
    remoteEnrollmentId: b.enrollmentId,
    dataTypes: { objects: 'export' },
  });
  const accepted = await b.pm.approvePeerRequest({ inviteCode: request.inviteCode, spaceId: b.spaceId });
  await eventually(
    () => a.pm.getPeerConnection(request.connectionId),
    (connection) => connection.status === 'approved',
    'approval on A',
  );
  await a.pm.activate(request.connectionId);
  await eventually(
    () => b.pm.getPeerConnection(accepted.connectionId),
    (connection) => connection.status === 'active',
    'activation on B',
  );
  a.connectionId = request.connectionId;
  b.connectionId = accepted.connectionId;
}

const job = async (side, direction) =>
  (await side.data.listJobs(side.connectionId)).find(
    (j) => j.dataType === 'objects' && j.direction === direction,
  );

/**
 * `count` creates of `type` in the side's space, `concurrency` clients each sending its next one
 * as soon as the previous answers. Answers the wall time, every latency, and failures.
 */
async function createMany(side, type, prefix, count, concurrency) {
  const clients = side.writers(concurrency);
  const latencies = [];
  let errors = 0;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      for (let i = next++; i < count; i = next++) {
        const sent = performance.now();
        try {
          await client.createObject(side.spaceId, {
            type,
            properties: { id: `${prefix}-${i}`, n: i, label: `${prefix} object ${i}` },
          });
          latencies.push(performance.now() - sent);
        } catch (error) {
          if (errors++ === 0) progress(`first failed create: ${error.message}`);
        }
      }
    }),
  );
  const ms = performance.now() - start;
  latencies.sort((x, y) => x - y);
  return { ms, rate: (latencies.length * 1000) / ms, latencies, errors, count: latencies.length };
}

/**
 * CPU seconds of A, B, the bench process and everything else on the machine (other sessions) from
 * now until the answered function is called, and the wall time.
 */
function cpuMeter(a, b) {
  const read = () => ({
    a: cpuSeconds(a.pid),
    b: cpuSeconds(b.pid),
    bench: benchCpuSeconds(),
    machine: machineCpuSeconds(),
    at: performance.now(),
  });
  const begin = read();
  return () => {
    const end = read();
    const used = { a: end.a - begin.a, b: end.b - begin.b, bench: end.bench - begin.bench };
    const others = Math.max(0, end.machine - begin.machine - used.a - used.b - used.bench);
    return { ...used, others, ms: end.at - begin.at };
  };
}
const cpuValue = (cpu) =>
  `A ${fmt(cpu.a, 2)}, B ${fmt(cpu.b, 2)}, bench ${fmt(cpu.bench, 2)}, others ${fmt(cpu.others, 2)} s in ${fmt(cpu.ms / 1000, 1)} s`;

/** Monotonic µs, the clock of V8's CPU profiles, to cut the importer's profile into steps. */
const monoMicros = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Step b: with the connection disabled on A, `N` creates on A; then enable, and time until B's
 * import job has applied everything A's change log held (its watermark reaches A's head).
 */
async function backlog(a, b) {
  await a.pm.disable(a.connectionId);
  await eventually(
    () => job(a, 'export'),
    (j) => j?.health === 'paused',
    'export job paused',
  );
  const meter = cpuMeter(a, b);
  const created = await createMany(a, 'Item', 'bulk', N, CONCURRENCY);
  const createCpu = meter();
  const exported = await job(a, 'export');
  const before = await job(b, 'import');
  progress(
    `step b: ${fmt(created.count)} objects on A at ${fmt(created.rate)}/s; enabling (A head ${exported.head})`,
  );
  const replicateMeter = cpuMeter(a, b);
  const profileFrom = monoMicros();
  const start = performance.now();
  await a.pm.enable(a.connectionId);
  let firstMs;
  let firstItems;
  let last;
  const deadline = start + DRAIN_CAP_MS;
  const pollMs = [];
  for (;;) {
    const sent = performance.now();
    last = await job(b, 'import');
    pollMs.push(performance.now() - sent);
    if (firstMs === undefined && last.itemsTotal > before.itemsTotal) {
      firstMs = performance.now() - start;
      firstItems = last.itemsTotal - before.itemsTotal;
    }
    if (last.watermark >= exported.head && last.itemsTotal - before.itemsTotal >= created.count) break;
    if (performance.now() > deadline) throw new Error(`step b: B did not catch up: ${JSON.stringify(last)}`);
    await sleep(POLL_MS);
  }
  const ms = performance.now() - start;
  const cpu = replicateMeter();
  const profileTo = monoMicros();
  const onB = await b.data.listAllObjects(b.spaceId, { type: 'Item' });
  return {
    created,
    createCpu,
    ms,
    firstMs,
    firstItems,
    pollMs: pollMs.sort((x, y) => x - y),
    cpu,
    items: last.itemsTotal - before.itemsTotal,
    chunks: last.chunksTotal - before.chunksTotal,
    onB: onB.length,
    lastId: onB.at(-1)?.objectId,
    profileWindow: [profileFrom, profileTo],
  };
}

/**
 * Follows the tail of B's list of Item objects from `lastId` (ids are assigned in time order, so
 * new objects come after the last one seen), noting in `seenAt` when each key first shows; `stop()`
 * answers how many list requests it made.
 */
function follow(b, lastId, seenAt) {
  let following = true;
  let polls = 0;
  const done = (async () => {
    let marker = lastId;
    while (following) {
      const page = await b.data.listObjects(b.spaceId, {
        type: 'Item',
        maxKeys: 1000,
        ...(marker ? { marker } : {}),
      });
      const at = performance.now();
      polls++;
      for (const object of page.objects) if (!seenAt.has(object.key)) seenAt.set(object.key, at);
      marker = page.objects.at(-1)?.objectId ?? marker;
      if (!page.isTruncated) await sleep(POLL_MS);
    }
  })();
  return {
    async stop() {
      following = false;
      await done;
      return polls;
    },
  };
}

/**
 * Step c: creates on A at `RATE`/s for `SECONDS` s (open-loop), while a poller follows the tail of
 * B's list of Item objects (ids are assigned in time order, so new objects come after the last one
 * seen) and notes when each key first shows. Lag = first seen on B − A's create answered.
 */
async function stream(a, b, lastId) {
  const total = Math.round(RATE * SECONDS);
  const answeredAt = new Map();
  const sentAt = new Map();
  const seenAt = new Map();
  const latencies = [];
  let errors = 0;
  // What the polls alone cost B, to take their share out of B's CPU during the stream.
  const idleMeter = cpuMeter(a, b);
  const idle = follow(b, lastId, new Map());
  await sleep(CALIBRATE_MS);
  const idlePolls = await idle.stop();
  const idleCpu = idleMeter();
  const before = await job(b, 'import');
  const follower = follow(b, lastId, seenAt);
  const clients = a.writers(CONCURRENCY);
  const inFlight = new Set();
  const meter = cpuMeter(a, b);
  const profileFrom = monoMicros();
  const start = performance.now();
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * RATE) / 1000) + 1);
    while (sent < due && inFlight.size < STREAM_IN_FLIGHT) {
      const i = sent++;
      const key = `stream-${i}`;
      const t = performance.now();
      const request = clients[i % clients.length]
        .createObject(a.spaceId, { type: 'Item', properties: { id: key, n: i, label: `stream object ${i}` } })
        .then(
          () => {
            const now = performance.now();
            answeredAt.set(key, now);
            latencies.push(now - t);
            sentAt.set(key, t - start);
          },
          (error) => {
            if (errors++ === 0) progress(`first failed stream create: ${error.message}`);
          },
        )
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    if (inFlight.size >= STREAM_IN_FLIGHT) await Promise.race(inFlight);
    else await sleep(1);
  }
  await Promise.all(inFlight);
  const sendMs = performance.now() - start;
  const deadline = performance.now() + DRAIN_CAP_MS;
  while ([...answeredAt.keys()].some((key) => !seenAt.has(key))) {
    if (performance.now() > deadline) throw new Error('step c: objects never showed on B');
    await sleep(POLL_MS);
  }
  const drainMs = performance.now() - start - sendMs;
  const polls = await follower.stop();
  const cpu = meter();
  const profileTo = monoMicros();
  const after = await job(b, 'import');
  if (DUMP) {
    const timeline = [...answeredAt].map(([key, at]) => ({
      key,
      sentMs: sentAt.get(key),
      createMs: at - start - sentAt.get(key),
      lagMs: seenAt.get(key) - at,
    }));
    writeFileSync(DUMP, JSON.stringify(timeline));
  }
  const lags = [...answeredAt].map(([key, at]) => seenAt.get(key) - at).sort((x, y) => x - y);
  latencies.sort((x, y) => x - y);
  return {
    total,
    created: answeredAt.size,
    errors,
    rate: (answeredAt.size * 1000) / sendMs,
    latencies,
    lags,
    sendMs,
    drainMs,
    polls,
    cpu,
    pollCpuMs: (idleCpu.b * 1000) / idlePolls,
    chunks: after.chunksTotal - before.chunksTotal,
    items: after.itemsTotal - before.itemsTotal,
    profileWindow: [profileFrom, profileTo],
  };
}

/**
 * The importer's CPU profile between two monotonic instants: sampled ms, the share of idle, and
 * the functions with the most self time (`function file:line`), plus self time by where the code
 * lives (a node_modules package, a file of the server, node internals).
 */
function profileSummary(profile, [from, to], top = 12) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map();
  const byPlace = new Map();
  let total = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < from || t > to) continue;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const { callFrame } = nodes.get(profile.samples[i]);
    total += dt;
    const url = callFrame.url;
    const file = url ? url.replace(/^file:\/\//, '') : '';
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    const place =
      callFrame.functionName.startsWith('(') && !url
        ? callFrame.functionName
        : pkg
          ? pkg
          : file.includes('/packages/')
            ? file.slice(file.indexOf('/packages/') + 1).replace(/\/dist\//, '/')
            : file.startsWith('node:')
              ? 'node internals'
              : '(native or V8)';
    const name = `${callFrame.functionName || '(anonymous)'} ${file ? `${path.basename(file)}:${callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + dt);
    byPlace.set(place, (byPlace.get(place) ?? 0) + dt);
  }
  const rank = (map) => [...map].sort((x, y) => y[1] - x[1]).slice(0, top);
  const idle = byPlace.get('(idle)') ?? 0;
  return { total, idle, functions: rank(byFunction), places: rank(byPlace) };
}

function printProfile(title, summary) {
  const busy = summary.total - summary.idle;
  console.log('');
  console.log(`${title}: ${fmt(summary.total)} ms sampled, ${fmt(busy)} ms busy (not idle)`);
  console.log('  self time by place:');
  for (const [place, ms] of summary.places) {
    if (place === '(idle)') continue;
    console.log(`    ${fmt(ms).padStart(7)} ms  ${fmt((100 * ms) / busy, 1).padStart(5)} %  ${place}`);
  }
  console.log('  self time by function:');
  for (const [name, ms] of summary.functions) {
    if (name.startsWith('(idle)')) continue;
    console.log(`    ${fmt(ms).padStart(7)} ms  ${fmt((100 * ms) / busy, 1).padStart(5)} %  ${name}`);
  }
}

function machine() {
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  const [load1] = os.loadavg();
  return `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}, ${os.platform()} ${os.release()}, load average ${load1.toFixed(1)} at the end${commit ? `, commit ${commit}` : ''}`;
}

async function main() {
  const began = performance.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'peerlink-bench-replication-'));
  const configFile = path.join(tmp, 'serve.json');
  writeFileSync(configFile, JSON.stringify(SERVE_CONFIG));
  const profileDir = CPU_PROF === undefined ? undefined : path.resolve(CPU_PROF || path.join(tmp, 'profile'));
  try {
    progress(
      `N ${N}, concurrency ${CONCURRENCY}, stream ${RATE}/s for ${SECONDS} s; config ${JSON.stringify(SERVE_CONFIG)}`,
    );
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const profileArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    const [a, b] = await Promise.all([
      serve('A', tmp, configFile, profileArgs),
      serve('B', tmp, configFile, profileArgs),
    ]);
    await setUp(a, b);
    progress(
      `set up in ${fmt((performance.now() - began) / 1000, 1)} s: connection ${a.connectionId} active`,
    );

    // Warm-up, not counted: both servers' first creates (JIT, statement caches), and A's replicated.
    await Promise.all([
      createMany(a, 'Item', 'warm', WARMUP, CONCURRENCY),
      createMany(b, 'Local', 'warm', WARMUP, CONCURRENCY),
    ]);
    const warmHead = (await job(a, 'export')).head;
    await eventually(
      () => job(b, 'import'),
      (j) => j.watermark >= warmHead,
      'warm-up replicated',
    );

    // a. The importer alone: its own writes, nothing arriving.
    const localMeter = cpuMeter(a, b);
    const localFrom = monoMicros();
    const local = await createMany(b, 'Local', 'local', N, CONCURRENCY);
    const localCpu = localMeter();
    const localWindow = [localFrom, monoMicros()];
    progress(`step a: ${fmt(local.count)} objects on B at ${fmt(local.rate)}/s`);

    // b. A backlog of N objects, replicated once the connection is enabled again.
    const bulk = await backlog(a, b);
    progress(
      `step b: replicated ${fmt(bulk.items)} objects in ${fmt(bulk.ms)} ms (${bulk.chunks} chunks), ${fmt(bulk.onB)} Item objects on B`,
    );

    // c. A steady stream and its lag.
    const flow = await stream(a, b, bulk.lastId);
    progress(
      `step c: ${fmt(flow.created)} objects at ${fmt(flow.rate)}/s, all on B ${fmt(flow.drainMs)} ms after the last`,
    );

    const replicationRate = (bulk.items * 1000) / bulk.ms;
    // From the first poll that saw items applied to the end: the chunks after the first ones.
    const steadyRate =
      bulk.items > bulk.firstItems
        ? ((bulk.items - bulk.firstItems) * 1000) / (bulk.ms - bulk.firstMs)
        : Number.NaN;
    const perObject = (seconds, count) => `${fmt((seconds * 1000) / count, 2)} ms`;
    const bLocalCpu = (localCpu.b * 1000) / local.count;
    const bReplCpu = (bulk.cpu.b * 1000) / bulk.items;
    const bChunkCpu = (flow.cpu.b * 1000 - flow.polls * flow.pollCpuMs) / Math.max(1, flow.chunks);
    const rows = [
      {
        figure: `a. create on B (importer alone), ${CONCURRENCY} clients`,
        rate: local.rate,
        p50: quantile(local.latencies, 0.5),
        p99: quantile(local.latencies, 0.99),
        errors: local.errors,
        value: `${fmt(local.count)} in ${fmt(local.ms / 1000, 2)} s`,
        ratio: '1.00 × B local',
      },
      {
        figure: `b. create on A, connection disabled, ${CONCURRENCY} clients`,
        rate: bulk.created.rate,
        p50: quantile(bulk.created.latencies, 0.5),
        p99: quantile(bulk.created.latencies, 0.99),
        errors: bulk.created.errors,
        value: `${fmt(bulk.created.count)} in ${fmt(bulk.created.ms / 1000, 2)} s`,
        ratio: `${(bulk.created.rate / local.rate).toFixed(2)} × B local`,
      },
      {
        figure: 'b. replicated A → B, enable → B applied all',
        rate: replicationRate,
        value: `${fmt(bulk.items)} in ${fmt(bulk.ms / 1000, 2)} s, ${bulk.chunks} chunks`,
        ratio: `${(replicationRate / local.rate).toFixed(2)} × B local`,
      },
      {
        figure: 'b. B answering its import job meanwhile (GET …/jobs)',
        p50: quantile(bulk.pollMs, 0.5),
        p99: quantile(bulk.pollMs, 0.99),
        value: `${bulk.pollMs.length} polls, max ${fmt(bulk.pollMs.at(-1))} ms`,
      },
      {
        figure: 'b. of which: enable → first chunk applied on B',
        value: `${fmt(bulk.firstMs)} ms, ${fmt(bulk.firstItems)} items`,
      },
      // Only when polls saw the chunks land in more than one step (B answers no request while it
      // applies one push, and one push may carry all the chunks).
      ...(Number.isNaN(steadyRate)
        ? []
        : [
            {
              figure: 'b. replicated, after the first chunk(s) seen',
              rate: steadyRate,
              value: `${fmt(bulk.items - bulk.firstItems)} in ${fmt((bulk.ms - bulk.firstMs) / 1000, 2)} s`,
              ratio: `${(steadyRate / local.rate).toFixed(2)} × B local`,
            },
          ]),
      {
        figure: `c. create on A, open-loop at ${RATE}/s for ${SECONDS} s`,
        rate: flow.rate,
        p50: quantile(flow.latencies, 0.5),
        p99: quantile(flow.latencies, 0.99),
        errors: flow.errors,
        value: `${fmt(flow.created)} of ${fmt(flow.total)}`,
        ratio: `${(flow.rate / RATE).toFixed(2)} × target`,
      },
      {
        figure: 'c. lag: A create answered → seen on B',
        p50: quantile(flow.lags, 0.5),
        p99: quantile(flow.lags, 0.99),
        value: `p95 ${fmt(quantile(flow.lags, 0.95))} ms, max ${fmt(flow.lags.at(-1))} ms`,
        ratio: `${flow.chunks} chunks, ${fmt(flow.items / Math.max(1, flow.chunks), 1)} items/chunk`,
      },
      {
        figure: 'c. B CPU per chunk applied, lag polls taken out',
        value: `${fmt(bChunkCpu, 2)} ms (a poll ${fmt(flow.pollCpuMs, 2)} ms, ${fmt(flow.polls)} polls)`,
        ratio: `${(bChunkCpu / bLocalCpu).toFixed(2)} × a local create on B`,
      },
      {
        figure: 'CPU, a (B writes locally)',
        value: cpuValue(localCpu),
        ratio: `B ${perObject(localCpu.b, local.count)}/object`,
      },
      {
        figure: 'CPU, b (A writes, connection disabled)',
        value: cpuValue(bulk.createCpu),
        ratio: `A ${perObject(bulk.createCpu.a, bulk.created.count)}/object`,
      },
      {
        figure: 'CPU, b (replication after enable)',
        value: cpuValue(bulk.cpu),
        ratio: `A ${perObject(bulk.cpu.a, bulk.items)}, B ${perObject(bulk.cpu.b, bulk.items)}/object; B ${(bReplCpu / bLocalCpu).toFixed(2)} × local`,
      },
      {
        figure: 'CPU, c (stream, until all seen on B)',
        value: cpuValue(flow.cpu),
        ratio: `A ${perObject(flow.cpu.a, flow.created)}, B ${perObject(flow.cpu.b, flow.created)}/object`,
      },
    ];
    console.log('');
    printTable(rows);
    console.log('');
    console.log(
      `replication throughput / importer's local write rate: ${(replicationRate / local.rate).toFixed(2)} (enable → all applied)${Number.isNaN(steadyRate) ? '' : `, ${(steadyRate / local.rate).toFixed(2)} (after the first chunks)`}`,
    );
    console.log(
      `N ${fmt(N)} objects in a and b, ${CONCURRENCY} concurrent SDK clients; stream ${RATE}/s for ${SECONDS} s, at most ${STREAM_IN_FLIGHT} in flight; B polled every ${POLL_MS} ms (${fmt(flow.polls)} list polls in c); serve config ${JSON.stringify(SERVE_CONFIG)}`,
    );
    console.log(`machine: ${machine()}`);
    if (bulk.onB < N)
      console.log(`WARNING: B lists ${bulk.onB} Item objects after step b, expected at least ${N}`);

    await Promise.all([a.stop(), b.stop()]);
    if (profileDir) {
      // V8 names each file CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile.
      const fileOf = (side) =>
        readdirSync(profileDir)
          .filter((name) => name.endsWith('.cpuprofile') && name.split('.')[3] === String(side.pid))
          .map((name) => path.join(profileDir, name))[0];
      const [fileA, fileB] = [fileOf(a), fileOf(b)];
      if (!fileA || !fileB) console.log('a CPU profile was not written');
      else {
        const profileA = JSON.parse(readFileSync(fileA, 'utf8'));
        const profileB = JSON.parse(readFileSync(fileB, 'utf8'));
        printProfile('Importer B, a. local creates', profileSummary(profileB, localWindow));
        printProfile('Importer B, b. replication after enable', profileSummary(profileB, bulk.profileWindow));
        printProfile('Exporter A, b. replication after enable', profileSummary(profileA, bulk.profileWindow));
        printProfile('Importer B, c. stream (lag polls on B)', profileSummary(profileB, flow.profileWindow));
        printProfile('Exporter A, c. stream (creates on A)', profileSummary(profileA, flow.profileWindow));
        if (CPU_PROF) console.log(`\nprofiles: A ${fileA}, B ${fileB}`);
      }
    }
    progress(`done in ${fmt((performance.now() - began) / 1000)} s`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      [...children].map((child) =>
        child.exitCode === null && child.signalCode === null ? once(child, 'exit') : null,
      ),
    );
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
