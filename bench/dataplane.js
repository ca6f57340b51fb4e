// `npm run bench:dataplane`: the linux dataplane on this host, measured in one run (needs root):
// 1. accept → first packet across, through a real in-process server and the SDK;
// 2. cold start of 1,000 links through the LinuxDriver (synthetic ring), from 100 up;
// 3. delivered TCP throughput ÷ bandwidthInMbps at 10, 100, 1,000 Mbps;
// 4. CPU at rest with 1,000 links programmed, at the default repair interval.
// Bounded (about 4 minutes); every namespace it made is removed, also on failure or Ctrl-C.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DataplaneClient, PeerConnClient, RouteClient, SubnetClient, VpcClient } from '@peerlink/sdk';
import { DEFAULT_CONFIG } from '@peerlink/server';
import { run } from '../packages/server/dist/dataplane/linux/exec.js';
import { LinuxDriver } from '../packages/server/dist/dataplane/linux/index.js';
import { startPeerlink } from './servers.js';
import { printTable } from './table.js';

const progress = (message) => process.stderr.write(`bench: ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();

/** Part 1: pairs of VPCs (one endpoint each, so one DNS responder each) and rounds per pair. */
const PAIRS = 5;
const ROUNDS = 20;
/** Part 2: ring sizes (N VPCs, N links, no endpoints: no DNS responder). */
const SIZES = [100, 250, 500, 1000];
/** Part 3 */
const RATES = [10, 100, 1000];
const MEASURE_S = 3;
/** Part 4: the service's repair passes at rest (no change, so no change-driven pass) */
const REST_S = 40;
const REPAIR_MS = DEFAULT_CONFIG.dataplaneRepairIntervalMs;
const WATCHDOG_MS = 7 * 60_000;

function netAdmin() {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m !== null && (BigInt(`0x${m[1]}`) & (1n << 12n)) !== 0n;
  } catch {
    return false;
  }
}

// ---- cleanup: every prefix this run used, whatever happens
const tmp = mkdtempSync(path.join(os.tmpdir(), 'peerlink-bench-dp-'));
const owned = new Map(); // prefix → stateDir
const children = new Set();
let cleaning;

function newPrefix() {
  const prefix = `bd${randomBytes(3).toString('hex')}`;
  owned.set(prefix, path.join(tmp, prefix));
  return prefix;
}

async function removeNamespaces(prefix) {
  const listed = await run('ip', ['-json', 'netns', 'list']);
  const names = (listed.stdout.trim() ? JSON.parse(listed.stdout) : [])
    .map((n) => n.name)
    .filter((n) => n.startsWith(`${prefix}-`));
  if (names.length)
    await run('ip', ['-force', '-batch', '-'], { input: names.map((n) => `netns del ${n}\n`).join('') });
}

function cleanup() {
  cleaning ??= (async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const [prefix, stateDir] of owned) {
      await new LinuxDriver({ prefix, stateDir }).teardown().catch(() => {});
      await removeNamespaces(prefix).catch(() => {});
    }
    rmSync(tmp, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    progress(`${signal}: removing the namespaces of this run`);
    cleanup().finally(() => process.exit(130));
  });
}

/** A node script in a namespace, kept until the end (or killed by cleanup). */
function startIn(ns, script) {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.add(child);
  child.on('close', () => children.delete(child));
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  child.on('close', () => {
    for (const w of waiting.splice(0)) w('closed');
  });
  return {
    child,
    next: () => new Promise((resolve) => waiting.push(resolve)),
    send: (line) => child.stdin.write(`${line}\n`),
  };
}

/**
 * The kernel removes deleted namespaces asynchronously (and holds the rtnl lock meanwhile): wait
 * until creating one is quick again, so one part's teardown does not bill the next part.
 */
async function settle() {
  const started = Date.now();
  const probe = `${[...owned.keys()][0] ?? newPrefix()}-v-settle`;
  let quick = 0;
  while (Date.now() - started < 60_000 && quick < 2) {
    const t = now();
    await run('ip', ['netns', 'add', probe], { timeoutMs: 30_000 });
    await run('ip', ['netns', 'del', probe], { timeoutMs: 30_000 });
    quick = now() - t < 50 ? quick + 1 : 0;
    await sleep(500);
  }
  return Date.now() - started;
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** CPU seconds of this process and of its waited-for children (`ip`, `tc`, `nsenter` …). */
function cpuSeconds() {
  const u = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').split(')').pop().trim().split(' ');
  // after the comm field: [0] is field 3 (state); cutime and cstime are fields 16 and 17
  const ticks = Number(fields[13]) + Number(fields[14]);
  return { self: (u.user + u.system) / 1e6, children: ticks / 100 };
}

// ---- synthetic desired states for the driver

/** N VPCs in a ring, VPC i linked to i+1 with routes both ways; one subnet each, no endpoints. */
function ring(n, mbps = 100) {
  const cidr = (i) => `10.${i >> 8}.${i & 255}.0/24`;
  const vpcs = Array.from({ length: n }, (_, i) => ({
    vpcId: `v${i}`,
    cidr: cidr(i),
    subnets: [{ subnetId: `v${i}-sn`, cidr: cidr(i), gateway: `10.${i >> 8}.${i & 255}.1` }],
    routes: [],
    dns: {},
    dnsZone: `v${i}.internal`,
  }));
  const links = [];
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    links.push({ peerConnId: `pc${i}`, vpcIds: [`v${i}`, `v${j}`], bandwidthMbps: mbps });
    vpcs[i].routes.push({ destination: cidr(j), peerConnId: `pc${i}` });
    vpcs[j].routes.push({ destination: cidr(i), peerConnId: `pc${i}` });
  }
  return { vpcs, endpoints: [], links };
}

/** Two VPCs with one endpoint each (10.1.0.5, 10.2.0.5), linked at `mbps`. */
function twoEndpoints(mbps) {
  const vpc = (id, octet, peer) => ({
    vpcId: id,
    cidr: `10.${octet}.0.0/16`,
    subnets: [{ subnetId: `${id}-sn`, cidr: `10.${octet}.0.0/24`, gateway: `10.${octet}.0.1` }],
    routes: [{ destination: `10.${peer}.0.0/16`, peerConnId: 'pc' }],
    dns: {},
    dnsZone: `${id}.internal`,
  });
  const ep = (id, vpcId, octet) => ({
    endpointId: id,
    vpcId,
    subnetId: `${vpcId}-sn`,
    address: `10.${octet}.0.5/24`,
    gateway: `10.${octet}.0.1`,
  });
  return {
    vpcs: [vpc('a', 1, 2), vpc('b', 2, 1)],
    endpoints: [ep('ea', 'a', 1), ep('eb', 'b', 2)],
    links: [{ peerConnId: 'pc', vpcIds: ['a', 'b'], bandwidthMbps: mbps }],
  };
}

function driverFor(prefix, passes) {
  const log = { info: (o) => passes?.push(o), debug: (o) => passes?.push(o), warn() {}, error() {} };
  return new LinuxDriver({ prefix, stateDir: owned.get(prefix), log });
}

const notProgrammed = (report) => report.items.filter((i) => i.state !== 'programmed').length;

// ---- part 1: accept → first packet, through the API

const PROBER = `const s=require('dgram').createSocket('udp4');let mode=null,timer=null,last=0,since=0;
const t=()=>performance.timeOrigin+performance.now();
s.on('message',()=>{last=t();if(mode==='up'){mode=null;clearInterval(timer);console.log('up '+last)}});
s.on('error',()=>{});s.bind(0,()=>console.log('ready'));
require('readline').createInterface({input:process.stdin}).on('line',l=>{const [m,ip]=l.split(' ');clearInterval(timer);
const ping=()=>s.send('x',7200,ip,()=>{});
if(m==='up'){mode='up';ping();timer=setInterval(ping,2)}
else if(m==='down'){mode='down';since=t();last=0;timer=setInterval(()=>{ping();const n=t();
if(n-Math.max(last,since)>300){clearInterval(timer);mode=null;console.log('down '+n)}},10)}});
process.stdin.on('end',()=>process.exit(0));`;
const ECHO = `const s=require('dgram').createSocket('udp4');s.on('message',(m,r)=>s.send(m,r.port,r.address));s.bind(7200,()=>console.log('ready'))`;
const NOT_YET = new Set(['PeerConnBusy', 'InvalidPeerConnStatus']);

async function firstPacket() {
  const prefix = newPrefix();
  const dataDir = path.join(tmp, 'server');
  progress(
    `part 1: server with --dataplane linux (prefix ${prefix}), ${PAIRS} VPC pairs with an endpoint each`,
  );
  const peerlink = await startPeerlink(dataDir, {
    tenants: 2,
    regionPorts: { gz: 0 },
    peerConnStepMs: 0,
    dataplane: { prefix },
  });
  owned.set(prefix, path.join(dataDir, 'dataplane'));
  try {
    const [A, B] = peerlink.accounts;
    const side = (url, account, region, block) => ({
      account,
      vpcs: new VpcClient({ endpoint: url, credentials: account.credentials }),
      subnets: new SubnetClient({ endpoint: url, credentials: account.credentials }),
      routes: new RouteClient({ endpoint: url, credentials: account.credentials }),
      conns: new PeerConnClient({ endpoint: url, credentials: account.credentials }),
      dataplane: new DataplaneClient({ endpoint: url, credentials: account.credentials }),
      region,
      block,
    });
    const sides = [side(peerlink.url, A, 'bj', 200), side(peerlink.endpoints.gz, B, 'gz', 201)];
    const pairs = [];
    for (let i = 0; i < PAIRS; i++) {
      const ends = [];
      for (const s of sides) {
        const cidr = `10.${s.block}.${i}.0/24`;
        const { vpcId } = await s.vpcs.createVpc({ name: `dp-${i}`, cidr });
        const { subnetId } = await s.subnets.createSubnet({
          name: `dp-${i}`,
          zoneName: `cn-${s.region}-a`,
          cidr,
          vpcId,
        });
        const ep = await s.dataplane.createEndpoint({ subnetId, name: `ep${i}` });
        const { routeTableId } = await s.routes.getRouteTable({ vpcId });
        ends.push({ side: s, vpcId, cidr, ip: ep.ip, netns: ep.netns, routeTableId });
      }
      pairs.push(ends);
    }
    for (const s of sides) {
      for (let i = 0; ; i++) {
        const st = await s.dataplane.status();
        if (st.endpoints.length === PAIRS && st.endpoints.every((e) => e.state === 'programmed')) break;
        if (i > 300) throw new Error(`endpoints not programmed: ${JSON.stringify(st.endpoints)}`);
        await sleep(100);
      }
    }
    for (const [, b] of pairs) {
      const echo = startIn(b.netns, ECHO);
      if ((await echo.next()) !== 'ready') throw new Error('echo server did not start');
    }
    const responderPid = (vpcId) =>
      Number(readFileSync(path.join(dataDir, 'dataplane', `linux-${prefix}`, 'dns', `${vpcId}.pid`), 'utf8'));
    // /proc/net/route: destination as 8 hex digits, little-endian
    const hexOf = (cidr) =>
      cidr
        .split('/')[0]
        .split('.')
        .map((n) => Number(n).toString(16).padStart(2, '0').toUpperCase())
        .reverse()
        .join('');
    const routesInKernel = async (ends) => {
      const started = now();
      while (now() - started < 10_000) {
        const ok = ends.every(([from, to]) =>
          readFileSync(`/proc/${responderPid(from.vpcId)}/net/route`, 'utf8').includes(
            `\t${hexOf(to.cidr)}\t`,
          ),
        );
        if (ok) return now();
        await sleep(2);
      }
      return Number.NaN;
    };
    const samples = [];
    const failures = [];
    const deadline = Date.now() + 150_000;
    const loop = async ([a, b]) => {
      const prober = startIn(a.netns, PROBER);
      if ((await prober.next()) !== 'ready') throw new Error('prober did not start');
      for (let round = 0; round < ROUNDS && Date.now() < deadline; round++) {
        try {
          const { peerConnId } = await a.side.conns.createPeerConn({
            localVpcId: a.vpcId,
            peerVpcId: b.vpcId,
            peerRegion: 'gz',
            peerAccountId: b.side.account.accountId,
            bandwidthInMbps: 100,
            billing: { paymentTiming: 'Postpaid' },
          });
          // the previous round's link is gone: nothing answers before the accept
          prober.send(`down ${b.ip}`);
          await prober.next();
          const t0 = now();
          prober.send(`up ${b.ip}`);
          const up = prober.next();
          for (let tries = 0; ; tries++) {
            try {
              await b.side.conns.accept(peerConnId);
              break;
            } catch (err) {
              if (!NOT_YET.has(err.code) || tries > 200) throw err;
              await sleep(5);
            }
          }
          const accepted = now();
          const ifIds = [];
          for (const end of [a, b]) {
            for (;;) {
              const conn = await end.side.conns.getPeerConn(peerConnId);
              if (conn.status === 'active') {
                ifIds.push(conn.localIfId);
                break;
              }
              if (now() - t0 > 10_000) throw new Error(`still ${conn.status} after 10 s`);
              await sleep(5);
            }
          }
          const active = now();
          const rules = await Promise.all(
            [
              [a, b, ifIds[0]],
              [b, a, ifIds[1]],
            ].map(([from, to, nexthopId]) =>
              from.side.routes.createRouteRule({
                routeTableId: from.routeTableId,
                sourceAddress: '0.0.0.0/0',
                destinationAddress: to.cidr,
                nexthopId,
                nexthopType: 'peerConn',
              }),
            ),
          );
          const routed = now();
          // both routes in the kernel: each router's main table, read through its DNS responder's /proc
          const kernel = await routesInKernel([
            [a, b],
            [b, a],
          ]);
          const timeout = sleep(10_000).then(() => 'up timeout');
          const line = await Promise.race([up, timeout]);
          if (!line.startsWith('up ')) throw new Error('no echo within 10 s');
          const t = Number(line.slice(3));
          samples.push({
            total: t - t0,
            accept: accepted - t0,
            active: active - t0,
            routes: routed - t0,
            kernel: kernel - t0,
          });
          await a.side.routes.deleteRouteRule(rules[0].routeRuleId);
          await b.side.routes.deleteRouteRule(rules[1].routeRuleId);
          await a.side.conns.release(peerConnId);
        } catch (err) {
          failures.push(err.message);
          prober.send('stop');
        }
      }
      prober.child.stdin.end();
    };
    await Promise.all(pairs.map(loop));
    return { samples, failures };
  } finally {
    await peerlink.server.close();
  }
}

// ---- part 3: throughput at the receiver

const RECEIVER = `require('net').createServer(c=>{let b=0,t0=0,b0=0;c.on('data',d=>{b+=d.length;if(!t0){t0=1;
setTimeout(()=>{b0=b;const s=performance.now();setTimeout(()=>{console.log(JSON.stringify({bytes:b-b0,ms:performance.now()-s}));process.exit(0)},${MEASURE_S * 1000})},500)}})})
.listen(7100,()=>console.log('ready'));setTimeout(()=>process.exit(1),${(MEASURE_S + 5) * 1000})`;
const SENDER = `const b=Buffer.alloc(65536);const s=require('net').connect(7100,'10.2.0.5',()=>{const w=()=>{while(s.write(b)){}};s.on('drain',w);w()});
s.on('error',()=>process.exit(0));setTimeout(()=>process.exit(0),${(MEASURE_S + 3) * 1000})`;

async function throughput() {
  const prefix = newPrefix();
  const driver = driverFor(prefix);
  await driver.check();
  const results = [];
  for (const mbps of RATES) {
    progress(`part 3: bulk TCP at ${mbps} Mbps, ${MEASURE_S} s measured after 0.5 s`);
    const report = await driver.apply(twoEndpoints(mbps));
    if (notProgrammed(report)) throw new Error(`not programmed: ${JSON.stringify(report.items)}`);
    const receiver = startIn(driver.endpointNetns('eb'), RECEIVER);
    if ((await receiver.next()) !== 'ready') throw new Error('receiver did not start');
    const sender = startIn(driver.endpointNetns('ea'), SENDER);
    const line = await receiver.next();
    sender.child.kill('SIGKILL');
    const { bytes, ms } = JSON.parse(line);
    results.push({ mbps, measured: (bytes * 8) / (ms / 1000) / 1e6 });
  }
  await driver.teardown();
  return results;
}

// ---- parts 2 and 4: cold start from 100 to 1,000 links, then at rest

async function coldStarts() {
  const rows = [];
  let kept;
  for (const n of SIZES) {
    const waited = await settle();
    const prefix = newPrefix();
    const passes = [];
    const driver = driverFor(prefix, passes);
    await driver.check();
    const desired = ring(n);
    progress(`part 2: cold start of ${n} links (${n} VPCs in a ring), after ${waited} ms settling`);
    const t = now();
    const report = await driver.apply(desired);
    const cold = now() - t;
    const t2 = now();
    const again = await driver.apply(desired);
    const warm = now() - t2;
    rows.push({
      n,
      cold,
      warm,
      bad: notProgrammed(report),
      again: [again.created, again.changed, again.removed].join('/'),
      phases: passes[0]?.phases,
    });
    if (n === SIZES.at(-1)) kept = { driver, desired, passes };
    else await driver.teardown();
  }
  return { rows, kept };
}

async function atRest({ driver, desired, passes }) {
  progress(
    `part 4: ${desired.links.length} links at rest, a repair pass every ${REPAIR_MS} ms for ${REST_S} s`,
  );
  passes.length = 0;
  const times = [];
  const c0 = cpuSeconds();
  const t0 = now();
  while (now() - t0 < REST_S * 1000) {
    const t = now();
    const r = await driver.apply(desired);
    times.push(now() - t);
    if (r.created + r.changed + r.removed)
      progress(`at rest, a pass changed ${r.created}/${r.changed}/${r.removed}`);
    await sleep(Math.max(0, REPAIR_MS - (now() - t)));
  }
  const wall = (now() - t0) / 1000;
  const c1 = cpuSeconds();
  const self = c1.self - c0.self;
  const kids = c1.children - c0.children;
  return {
    wall,
    passes: times.length,
    self,
    kids,
    passMs: percentile(times, 50),
    readBack: percentile(
      passes.map((p) => p.readBack),
      50,
    ),
  };
}

async function main() {
  if (!netAdmin()) {
    console.log('bench:dataplane needs root (CAP_NET_ADMIN) to build namespaces; skipped.');
    return;
  }
  const watchdog = setTimeout(() => {
    progress(`over ${WATCHDOG_MS / 60_000} minutes: stopping`);
    cleanup().finally(() => process.exit(1));
  }, WATCHDOG_MS);
  watchdog.unref();
  const started = Date.now();
  try {
    const first = await firstPacket();
    await settle();
    const rates = await throughput();
    const cold = await coldStarts();
    const rest = await atRest(cold.kept);
    progress('teardown');
    await cold.kept.driver.teardown();

    const s = first.samples;
    const pct = (key) => ({
      p50: percentile(
        s.map((x) => x[key]),
        50,
      ),
      p99: percentile(
        s.map((x) => x[key]),
        99,
      ),
    });
    const base = cold.rows[0].cold / cold.rows[0].n;
    printTable([
      {
        figure: `accept → first UDP echo across (${s.length} conns, ${PAIRS} at a time)`,
        ...pct('total'),
        errors: first.failures.length,
        value: 'accept + active + 2 route rules + pass',
      },
      { figure: '  of which: accept answered', ...pct('accept') },
      { figure: '  of which: both ends seen active', ...pct('active') },
      { figure: '  of which: both route rules created', ...pct('routes') },
      { figure: '  of which: both routes in the kernel', ...pct('kernel') },
      ...cold.rows.map((r) => ({
        figure: `cold start, ${r.n} links (${r.n} VPC routers, ring)`,
        errors: r.bad,
        value: `${(r.cold / 1000).toFixed(2)} s, ${(r.cold / r.n).toFixed(1)} ms/link`,
        ratio: `${(r.cold / r.n / base).toFixed(2)} × per-link at 100`,
      })),
      ...cold.rows.map((r) => ({
        figure: `  next pass, ${r.n} links (nothing changed)`,
        value: `${r.warm.toFixed(0)} ms, ${r.again}`,
      })),
      ...rates.map((r) => ({
        figure: `bulk TCP at ${r.mbps} Mbps, at the receiver`,
        value: `${r.measured.toFixed(1)} Mbit/s`,
        ratio: `${(r.measured / r.mbps).toFixed(3)} × bandwidth`,
      })),
      {
        figure: `at rest, ${cold.kept.desired.links.length} links, ${rest.passes} passes in ${rest.wall.toFixed(1)} s`,
        value: `${((rest.self + rest.kids) / rest.wall).toFixed(3)} CPU s/s (node ${(rest.self / rest.wall).toFixed(3)}, children ${(rest.kids / rest.wall).toFixed(3)})`,
        ratio: `${(((rest.self + rest.kids) / rest.passes) * 1000).toFixed(0)} ms CPU/pass`,
      },
      {
        figure: '  one repair pass at rest (wall, p50)',
        value: `${rest.passMs.toFixed(0)} ms, ${rest.readBack} namespaces read back`,
      },
    ]);
    for (const r of cold.rows) console.log(`cold start ${r.n}: phases (ms) ${JSON.stringify(r.phases)}`);
    if (first.failures.length) console.log(`part 1 failures: ${[...new Set(first.failures)].join('; ')}`);
    console.log(`\nwhole run: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await cleanup();
  }
}

await main();
