// `npm run bench:scale`: how Peerlink behaves with many stored peer connections. Generates 10k, then
// 1M connections straight into SQLite and, at each size, measures list pages over HTTP, the
// reconciler's due query and a full reconcile pass, start-up and memory. Prints one table, progress
// on stderr. About 2 minutes on the 2-core machine of the README; the temp dir is deleted at the end.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bceTimestamp, PeerlinkClient, signRequest, VpcClient } from '@peerlink/sdk';
import { resolveConfig, startServer } from '@peerlink/server';
import {
  countDue,
  countEnds,
  databaseMiB,
  deepMarker,
  distinctPairs,
  generateConns,
  LIST_MARKER_SQL,
  LIST_SQL,
  markDue,
  openData,
  queryPlan,
  timeDueQuery,
  timeQuery,
} from './scale-data.js';
import { cidrOf } from './servers.js';
import { vmRssMiB } from './startup.js';
import { printTable } from './table.js';

/** Stored connection counts, measured in this order; `BENCH_SCALE_SIZES=10000,100000` for a quick try. */
const SIZES = (process.env.BENCH_SCALE_SIZES ?? '10000,1000000').split(',').map(Number);
/** Rows made due before each reconcile measurement (all of them when fewer are stored). */
const DUE = 10_000;
/** The account's VPCs, the same number in each region: 1,500 give 1,123,500 distinct pairs. */
const REGIONS = ['bj', 'gz', 'su'];
const VPCS_PER_REGION = 500;
/** Sequential list requests per series, after a few uncounted ones, and a time cap per series. */
const REQUESTS = 200;
const WARMUP = 10;
const SERIES_CAP_MS = 60_000;
const PAGE = 100;
/** The deep page starts this many of the account's ends before the last one. */
const DEEP_TAIL = 150;
/** Spawns per start-up figure (medians are shown, with the range). */
const STARTS = 3;

const ADMIN = { ak: 'benchScaleAdmin', sk: 'benchScaleAdminSecret' };
const CLI = fileURLToPath(new URL('../packages/cli/bin/peerlink.js', import.meta.url));
const progress = (message) => process.stderr.write(`bench:scale: ${message}\n`);
const label = (n) =>
  n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : `${n}`;
const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (a, b) => (a / b).toFixed(2);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Spawned `peerlink serve` processes, stopped in `finally` whatever happens. */
const children = new Set();

/** The environment without the caller's own PEERLINK_* settings, plus `extra`. */
function serveEnv(extra) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PEERLINK_')));
  return { ...env, ...extra };
}

/** One GET over a keep-alive agent (or a fresh connection); answers status, body and wall ms. */
function httpGet(url, { headers = {}, agent } = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const request = http.get(url, { headers, agent }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode,
          body: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - start,
        }),
      );
    });
    request.on('error', reject);
  });
}

/**
 * bce-auth-v1 headers for a GET, signed once with the SDK: the signature stays valid for 1800 s and
 * the server does not refuse replays, so a series sends the same signed request every time.
 */
async function signedHeaders(url, credentials) {
  const target = new URL(url);
  const headers = {
    host: target.host,
    'content-type': 'application/json;charset=utf-8',
    'x-bce-date': bceTimestamp(new Date()),
  };
  return {
    ...headers,
    authorization: await signRequest({ method: 'GET', url: target, headers, credentials }),
  };
}

/**
 * Spawns `peerlink serve --port 0` as a user runs it (logs silent), and times it from spawn: to its
 * `Serving region … at` lines (which name the ephemeral ports), then to the first answer of
 * /healthz; VmRSS right then.
 */
async function serve(dataDir, { args = [], env = {}, regions = ['bj'] } = {}) {
  const start = performance.now();
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--data-dir', dataDir, '--port', '0', '--log-level', 'silent', ...args],
    { stdio: ['ignore', 'ignore', 'pipe'], env: serveEnv(env) },
  );
  children.add(child);
  const endpoints = {};
  let stderr = '';
  const servingMs = await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      for (const [, region, url] of stderr.matchAll(/Serving region (\S+) at (\S+)\n/g))
        endpoints[region] = url;
      if (regions.every((region) => endpoints[region])) resolve(performance.now() - start);
    });
    child.once('exit', (code) =>
      reject(new Error(`peerlink serve exited (${code}) before serving:\n${stderr}`)),
    );
  });
  const health = await httpGet(`${endpoints.bj}/healthz`);
  if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
  const healthzMs = performance.now() - start;
  return {
    child,
    start,
    endpoints,
    servingMs,
    healthzMs,
    rssStartMiB: vmRssMiB(child.pid),
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

const listUrl = (base, marker) =>
  `${base}/v1/peerconn?maxKeys=${PAGE}${marker ? `&marker=${encodeURIComponent(marker)}` : ''}`;

/** Milliseconds from spawn until the first signed list page has been answered. */
async function firstList(server, credentials) {
  const url = listUrl(server.endpoints.bj);
  const answer = await httpGet(url, { headers: await signedHeaders(url, credentials) });
  if (answer.status !== 200) throw new Error(`first list answered ${answer.status}: ${answer.body}`);
  return performance.now() - server.start;
}

/**
 * `REQUESTS` sequential signed GETs of one list page over one keep-alive connection, after
 * `WARMUP` uncounted ones; stops early at `SERIES_CAP_MS`. Checks that the page is full.
 */
async function listSeries(url, credentials) {
  const headers = await signedHeaders(url, credentials);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < WARMUP; i++) {
      const answer = await httpGet(url, { headers, agent });
      if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}: ${answer.body}`);
      const page = JSON.parse(answer.body);
      if (page.peerConns.length !== PAGE || page.peerConns.some((conn) => conn.status !== 'active')) {
        throw new Error(`${url}: expected ${PAGE} active connections, got ${page.peerConns.length}`);
      }
    }
    const times = [];
    let errors = 0;
    const start = performance.now();
    while (times.length + errors < REQUESTS && performance.now() - start < SERIES_CAP_MS) {
      const answer = await httpGet(url, { headers, agent });
      if (answer.status === 200) times.push(answer.ms);
      else errors++;
    }
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    return { p50: at(0.5), p99: at(0.99), count: times.length, errors };
  } finally {
    agent.destroy();
  }
}

/**
 * `STARTS` spawns of `peerlink serve` on the same data directory, each timed to /healthz and to
 * its first signed list page; every one but the last is stopped again (the caller stops that one).
 */
async function restarts(dataDir, credentials) {
  const samples = [];
  for (let i = 0; i < STARTS; i++) {
    const server = await serve(dataDir);
    samples.push({ ...server, listMs: await firstList(server, credentials) });
    if (i < STARTS - 1) await server.stop();
  }
  return samples;
}

/** Median and range of each start-up figure over the samples. */
function summarize(state, samples) {
  const figure = (key) => {
    const values = samples.map((sample) => sample[key]);
    return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
  };
  return {
    state,
    healthzMs: figure('healthzMs'),
    listMs: figure('listMs'),
    rssStartMiB: figure('rssStartMiB'),
  };
}

/**
 * One full pass of the reconciler over the due rows: Peerlink in this process (its periodic tick
 * pushed an hour out, so only this pass runs), `reconcile()` timed until nothing is due.
 */
async function reconcilePass(dataDir) {
  const config = resolveConfig({
    flags: { dataDir, host: '127.0.0.1', port: 0, logLevel: 'silent', reconcileIntervalMs: 3_600_000 },
  });
  const server = await startServer(config);
  try {
    const start = performance.now();
    const handled = await server.reconcile();
    return { handled, ms: performance.now() - start };
  } finally {
    await server.close();
  }
}

/** The account's VPCs, `VPCS_PER_REGION` in each region, distinct `10.x.y.0/24` blocks, 10 in flight. */
async function createVpcs(endpoints, credentials) {
  const vpcs = [];
  for (const [r, region] of REGIONS.entries()) {
    const client = new VpcClient({ endpoint: endpoints[region], credentials });
    for (let i = 0; i < VPCS_PER_REGION; i += 10) {
      const batch = [];
      for (let j = i; j < Math.min(VPCS_PER_REGION, i + 10); j++) {
        const cidr = cidrOf(r * VPCS_PER_REGION + j);
        batch.push(
          client
            .createVpc({ name: `scale-${region}-${j}`, cidr })
            .then(({ vpcId }) => ({ id: vpcId, region })),
        );
      }
      vpcs.push(...(await Promise.all(batch)));
    }
  }
  return vpcs;
}

async function main() {
  const began = performance.now();
  const largest = Math.max(...SIZES);
  if (largest > distinctPairs(REGIONS.length * VPCS_PER_REGION))
    throw new Error(`too many connections: ${largest}`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'peerlink-bench-scale-'));
  const dataDir = path.join(tmp, 'data');
  const configFile = path.join(tmp, 'config.json');
  writeFileSync(configFile, JSON.stringify({ quotas: { vpcsPerRegion: VPCS_PER_REGION } }));
  let db;
  try {
    progress('empty data dir: first start, administrator from PEERLINK_ADMIN_AK/SK');
    const regionPorts = REGIONS.slice(1).flatMap((region) => ['--region-port', `${region}=0`]);
    const setupOptions = {
      args: ['--config', configFile, ...regionPorts],
      env: { PEERLINK_ADMIN_AK: ADMIN.ak, PEERLINK_ADMIN_SK: ADMIN.sk },
      regions: REGIONS,
    };
    const setup = await serve(dataDir, setupOptions);
    const firstStarts = [{ ...setup, listMs: await firstList(setup, ADMIN) }];
    progress(`one tenant account, ${REGIONS.length} × ${VPCS_PER_REGION} VPCs through the API`);
    const admin = new PeerlinkClient({ endpoint: setup.endpoints.bj, credentials: ADMIN });
    const tenant = await admin.createAccount({ name: 'scale' });
    const credentials = { ak: tenant.accessKeyId, sk: tenant.secretAccessKey };
    const vpcs = await createVpcs(setup.endpoints, credentials);
    await setup.stop();
    // More first starts for the median, each in a fresh data directory of its own.
    for (let i = 1; i < STARTS; i++) {
      const emptyDir = path.join(tmp, `empty-${i}`);
      const server = await serve(emptyDir, setupOptions);
      firstStarts.push({ ...server, listMs: await firstList(server, ADMIN) });
      await server.stop();
      rmSync(emptyDir, { recursive: true, force: true });
    }
    const startups = [summarize('empty data dir (first start)', firstStarts)];

    progress('restarts with the account and its VPCs, no peer connections');
    const zero = await restarts(dataDir, credentials);
    await zero.at(-1).stop();
    startups.push(summarize('0 conns (account, VPCs)', zero));

    db = openData(dataDir);
    const baseMs = Date.now() - 2 * largest;
    const results = [];
    let stored = 0;
    for (const size of SIZES) {
      progress(`generating connections ${label(stored)} → ${label(size)}`);
      const start = performance.now();
      generateConns(db, {
        from: stored,
        to: size,
        accountId: tenant.accountId,
        vpcs,
        baseMs,
        now: Date.now(),
      });
      const generate = {
        from: stored,
        seconds: (performance.now() - start) / 1000,
        mib: databaseMiB(dataDir),
      };
      stored = size;
      const scope = { accountId: tenant.accountId, region: 'bj' };
      const ends = countEnds(db, scope);
      const marker = deepMarker(db, { ...scope, tail: DEEP_TAIL });
      const [markerId, role] = marker.split('/');
      const plans = {
        list: queryPlan(db, LIST_SQL, [scope.accountId, scope.region, PAGE + 1]),
        deep: queryPlan(db, LIST_MARKER_SQL, [
          scope.accountId,
          scope.region,
          markerId,
          markerId,
          role ? 1 : 0,
          PAGE + 1,
        ]),
      };

      const listParams = [scope.accountId, scope.region];
      const sql = {
        first: timeQuery(db, LIST_SQL, [...listParams, PAGE + 1]),
        deep: timeQuery(db, LIST_MARKER_SQL, [...listParams, markerId, markerId, role ? 1 : 0, PAGE + 1]),
      };

      progress(`${label(size)}: ${STARTS} start-ups, ${REQUESTS} first pages, ${REQUESTS} deep pages, VmRSS`);
      const samples = await restarts(dataDir, credentials);
      startups.push(summarize(`${label(size)} conns`, samples));
      const server = samples.at(-1);
      const first = await listSeries(listUrl(server.endpoints.bj), credentials);
      const deep = await listSeries(listUrl(server.endpoints.bj, marker), credentials);
      const rssAfterMiB = vmRssMiB(server.child.pid);
      await server.stop();

      const due = Math.min(DUE, size);
      progress(`${label(size)}: ${fmt(due)} rows due, the reconciler's query, then one reconcile() pass`);
      const now = Date.now();
      markDue(db, { count: due, total: size, dueAt: now - 60_000 });
      const find = timeDueQuery(db, { now, limit: DUE });
      if (find.found !== due) throw new Error(`due query found ${find.found} of ${due} rows`);
      const pass = await reconcilePass(dataDir);
      const left = countDue(db, Date.now());
      if (left !== 0) throw new Error(`${left} rows still due after reconcile()`);
      results.push({ size, ends, generate, sql, first, deep, rssAfterMiB, due, find, pass, plans });
    }
    db.close();
    db = undefined;

    const [base, top] = [results[0], results.at(-1)];
    const versus = ` × ${label(base.size)}`;
    const rows = [];
    for (const r of results) {
      rows.push({
        figure: `generate ${label(r.generate.from)} → ${label(r.size)} conns (better-sqlite3)`,
        value: `${r.generate.seconds.toFixed(1)} s, DB ${fmt(r.generate.mib)} MiB`,
      });
    }
    for (const kind of ['first', 'deep']) {
      for (const r of results) {
        const s = r[kind];
        rows.push({
          figure: `list ${kind === 'first' ? 'first' : 'deep'} page, ${label(r.size)} conns (${fmt(r.ends)} ends in bj)`,
          p50: s.p50,
          p99: s.p99,
          errors: s.errors,
          value: `${s.count} requests`,
          ratio:
            r === base
              ? ''
              : `p50 ${ratio(s.p50, base[kind].p50)}, p99 ${ratio(s.p99, base[kind].p99)}${versus}`,
        });
      }
    }
    for (const kind of ['first', 'deep']) {
      for (const r of results) {
        const q = r.sql[kind];
        rows.push({
          figure: `list ${kind} page, its ends query alone (SQL), ${label(r.size)} conns`,
          value: `${q.medianMs.toFixed(3)} ms`,
          ratio: r === base ? '' : `${ratio(q.medianMs, base.sql[kind].medianMs)}${versus}`,
        });
      }
    }
    for (const r of results) {
      rows.push({
        figure: `due query (SQL, LIMIT ${fmt(DUE)}), ${fmt(r.due)} due of ${label(r.size)}`,
        rate: (r.due * 1000) / r.find.medianMs,
        value: `${r.find.medianMs.toFixed(2)} ms (first ${r.find.firstMs.toFixed(2)})`,
        ratio: r === base ? '' : `${ratio(r.find.medianMs, base.find.medianMs)}${versus}`,
      });
    }
    for (const r of results) {
      rows.push({
        figure: `reconcile() pass, ${fmt(r.due)} due of ${label(r.size)}`,
        rate: (r.pass.handled * 1000) / r.pass.ms,
        value: `${(r.pass.ms / 1000).toFixed(1)} s, ${fmt(r.pass.handled)} rows`,
        ratio: r === base ? '' : `${ratio(r.pass.ms, base.pass.ms)}${versus}`,
      });
    }
    const empty = startups[0];
    for (const [key, what] of [
      ['healthzMs', '/healthz answers'],
      ['listMs', 'signed list answers'],
    ]) {
      for (const s of startups) {
        rows.push({
          figure: `start-up → ${what}, ${s.state}`,
          value: `${fmt(s[key].median)} ms (${fmt(s[key].min)}–${fmt(s[key].max)})`,
          ratio: s === empty ? '' : `${ratio(s[key].median, empty[key].median)} × empty`,
        });
      }
    }
    for (const s of startups) {
      rows.push({
        figure: `VmRSS after start, ${s.state}`,
        value: `${fmt(s.rssStartMiB.median)} MiB (${fmt(s.rssStartMiB.min)}–${fmt(s.rssStartMiB.max)})`,
      });
    }
    for (const r of results) {
      rows.push({
        figure: `VmRSS after the list requests, ${label(r.size)} conns`,
        value: `${fmt(r.rssAfterMiB)} MiB`,
        ratio: r === base ? '' : `${ratio(r.rssAfterMiB, base.rssAfterMiB)}${versus}`,
      });
    }
    printTable(rows);
    console.log('');
    console.log(
      `Query plans at ${label(top.size)} (EXPLAIN QUERY PLAN, no ANALYZE statistics, as the server runs):`,
    );
    console.log(`- due query:       ${top.find.plan}`);
    console.log(`- list first page: ${top.plans.list}`);
    console.log(`- list deep page:  ${top.plans.deep}`);
    if (!top.find.plan.includes('peer_conns_due'))
      console.log('WARNING: the due query does not use peer_conns_due');
    for (const r of results) {
      const errors = r.first.errors + r.deep.errors;
      if (errors > 0 || r.first.count < REQUESTS || r.deep.count < REQUESTS) {
        console.log(
          `${label(r.size)}: ${errors} failed list requests, series cut at ${SERIES_CAP_MS / 1000} s`,
        );
      }
    }
    progress(`done in ${((performance.now() - began) / 1000).toFixed(0)} s`);
  } finally {
    db?.close();
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
