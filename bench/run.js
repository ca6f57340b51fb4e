// `npm run bench`: measures Peerlink side by side with its ceilings in one run and prints one table.
// Absolute figures on a shared machine are noise; the ratios between rows of the same run are the
// point. Loopback only, bounded in time (about a minute and a half) and in request count.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { VpcClient } from '@peerlink/sdk';
import { hmacRate, signRate, sqliteCommitRate } from './micro.js';
import {
  createPeerConns,
  createVpcs,
  crossPairs,
  crossPeerConnBody,
  peerConnBody,
  startBare,
  startPeerlink,
  vpcPairs,
} from './servers.js';
import { measureStartup } from './startup.js';
import { printTable } from './table.js';

const CONNECTIONS = 10;
const SECONDS = 5;
/** VPCs with distinct /24 blocks: 400 give 79,800 distinct pairs to connect. */
const VPC_COUNT = 400;
/** Connections created before the load; same account, so each shows two ends in the list. */
const LISTED_CONNS = 100;
/** VPCs of each side of the cross-account scenario (initiator in bj, acceptor in gz): n² pairs. */
const CROSS_VPCS = 100;
/** An accept refused because the connection is not consulting yet is sent again, this often at most. */
const ACCEPT_RETRY = { max: 100, pauseMs: 5 };

const LOAD = fileURLToPath(new URL('./load.js', import.meta.url));
const PAIRS = fileURLToPath(new URL('./pairs.js', import.meta.url));
const progress = (message) => process.stderr.write(`bench: ${message}\n`);

/** One scenario in a child process: JSON in on stdin, one JSON result out on stdout. */
async function runChild(script, figure, input) {
  progress(`${figure}: ${CONNECTIONS} connections, ${SECONDS} s`);
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify({ connections: CONNECTIONS, seconds: SECONDS, ...input }));
  const output = await text(child.stdout);
  if (!output) throw new Error(`load generator failed on ${figure}`);
  return { figure, ...JSON.parse(output) };
}

/** One autocannon scenario (see load.js). */
function runLoad(figure, { url, credentials }, requests) {
  return runChild(LOAD, figure, { url, credentials, requests });
}

const get = (p) => [{ method: 'GET', path: p }];

/** Distinct creates, one clientToken each, so none is answered from the idempotency record. */
const creates = (kind, bodies) =>
  bodies.map((body, i) => ({ method: 'POST', path: `/v1/${kind}?clientToken=bench-${kind}-${i}`, body }));

async function main() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'peerlink-bench-'));
  const dir = (name) => path.join(tmp, name);
  const closers = [];
  try {
    progress('start-up of `peerlink serve`: first start, then restart');
    const firstStart = await measureStartup(dir('cli'));
    const restart = await measureStartup(dir('cli'));

    progress('signRequest and node:crypto HMAC, 2 s each');
    const signing = await signRate(2000);
    const hmac = await hmacRate(2000);

    progress(`fixtures: ${VPC_COUNT} VPCs, ${LISTED_CONNS} peer connections`);
    const peerlink = await startPeerlink(dir('server'));
    closers.push(() => peerlink.server.close());
    const vpcIds = await createVpcs(peerlink, VPC_COUNT);
    const pairs = vpcPairs(vpcIds);
    const [connId] = await createPeerConns(peerlink, pairs.slice(0, LISTED_CONNS));
    const { url, credentials } = peerlink;
    const vpc = await new VpcClient({ endpoint: url, credentials }).getVpc(vpcIds[0]);
    const bare = await startBare({ vpc });
    closers.push(() => bare.app.close());
    const logged = await startPeerlink(dir('logged'), { logs: true });
    closers.push(() => logged.server.close()); // closing twice is harmless
    const [loggedVpcId] = await createVpcs(logged, 1);
    // Cross-account pairs: a third instance with a gz listener and instant steps (peerConnStepMs 0),
    // so a new request is `consulting` as soon as the reconciler (poked after the create) or the
    // accept itself brings it up to date, instead of 0.5 s later.
    progress(`fixtures: ${CROSS_VPCS} VPCs in bj of account A, ${CROSS_VPCS} in gz of account B`);
    const cross = await startPeerlink(dir('cross'), {
      tenants: 2,
      regionPorts: { gz: 0 },
      peerConnStepMs: 0,
    });
    closers.push(() => cross.server.close());
    const [initiator, acceptor] = cross.accounts;
    const gzUrl = cross.endpoints.gz;
    const initiatorVpcs = await createVpcs(
      { url: cross.url, credentials: initiator.credentials },
      CROSS_VPCS,
    );
    const acceptorVpcs = await createVpcs(
      { url: gzUrl, credentials: acceptor.credentials },
      CROSS_VPCS,
      CROSS_VPCS,
    );
    const crossPool = crossPairs(initiatorVpcs, acceptorVpcs);

    const reads = [
      await runLoad('bare Fastify GET /bare (ceiling), first', bare, get('/bare')),
      await runLoad('GET /v1/vpc/{id}', peerlink, get(`/v1/vpc/${vpcIds[0]}`)),
      await runLoad('GET /v1/vpc/{id}, info logs on', logged, get(`/v1/vpc/${loggedVpcId}`)),
      await runLoad('GET /v1/peerconn/{id}', peerlink, get(`/v1/peerconn/${connId}`)),
      await runLoad(
        `GET /v1/peerconn?maxKeys=100 of ${2 * LISTED_CONNS} ends`,
        peerlink,
        get('/v1/peerconn?maxKeys=100'),
      ),
    ];
    await logged.server.close();

    // Right before the creates, with the server idle, so disk contention from other tenants of the
    // machine drifts as little as possible between the ceiling and the creates it bounds.
    progress('SQLite commit ceiling, 3 s');
    const commits = await sqliteCommitRate(tmp, 3000);
    // No create can outrun a commit, so 1.5 × the ceiling is enough distinct requests for 5 s.
    const poolSize = Math.min(20_000, Math.ceil(commits.rate * SECONDS * 1.5) + 4 * CONNECTIONS);
    const vpcBody = { name: 'bench', cidr: '192.168.0.0/16' };
    const writes = [
      await runLoad('POST /v1/vpc', peerlink, creates('vpc', Array(poolSize).fill(vpcBody))),
      await runLoad(
        'POST /v1/peerconn',
        peerlink,
        creates('peerconn', pairs.slice(LISTED_CONNS, LISTED_CONNS + poolSize).map(peerConnBody)),
      ),
    ];
    // At least two commits per pair (the create and the accept), so half the create pool.
    const pairPool = crossPool
      .slice(0, Math.ceil(poolSize / 2))
      .map((pair) => crossPeerConnBody(pair, acceptor.accountId));
    const crossFigure = 'cross-account create+accept (pairs)';
    const crossRun = await runChild(PAIRS, crossFigure, {
      createUrl: cross.url,
      acceptUrl: gzUrl,
      initiator: initiator.credentials,
      acceptor: acceptor.credentials,
      creates: creates('peerconn', pairPool),
      retry: ACCEPT_RETRY,
    });
    // In-process: includes the bench harness and the bare server beside the two Peerlink instances.
    const rssAfterLoad = process.memoryUsage().rss / 2 ** 20;
    // Stopped before the last bare run: the main instance's reconciler is still activating the new
    // connections, on this same thread.
    await peerlink.server.close();
    await cross.server.close();
    const lastBare = await runLoad('bare Fastify GET /bare (ceiling), last', bare, get('/bare'));

    // Ratios use the mean of the two bare runs; their spread shows how much the machine drifted.
    const ceiling = (reads[0].rate + lastBare.rate) / 2;
    const ofBare = (rate) => `${(rate / ceiling).toFixed(2)} × bare`;
    const ofSqlite = (rate) => `${(rate / commits.rate).toFixed(2)} × SQLite`;
    const loadRow = (r, ratio) => ({ ...r, errors: r.non2xx + r.errors, ratio });
    printTable([
      ...reads.map((r) => loadRow(r, ofBare(r.rate))),
      ...writes.map((r) => loadRow(r, `${ofBare(r.rate)}, ${ofSqlite(r.rate)}`)),
      {
        ...loadRow(crossRun, `${ofBare(crossRun.rate)}, ${ofSqlite(crossRun.rate)}`),
        value: `${crossRun.retries} accept retries`,
      },
      loadRow(lastBare, ofBare(lastBare.rate)),
      {
        figure: 'SQLite 1-row commit, WAL + FULL (in-process)',
        rate: commits.rate,
        value: `${commits.microsPerCall.toFixed(0)} µs/commit`,
        ratio: '1.00 × SQLite',
      },
      {
        figure: 'SDK signRequest (in-process, sequential)',
        rate: signing.rate,
        value: `${signing.microsPerCall.toFixed(1)} µs/call`,
        ratio: `${(signing.rate / hmac.rate).toFixed(2)} × HMAC`,
      },
      {
        figure: 'its 2 × HMAC-SHA256 alone, node:crypto',
        rate: hmac.rate,
        value: `${hmac.microsPerCall.toFixed(1)} µs/call`,
        ratio: '1.00 × HMAC',
      },
      { figure: 'start-up, empty data dir (spawn → Serving)', value: `${firstStart.ms.toFixed(0)} ms` },
      { figure: 'start-up, restart (spawn → Serving)', value: `${restart.ms.toFixed(0)} ms` },
      { figure: 'RSS of spawned server, idle after start', value: `${restart.rssMiB.toFixed(0)} MiB` },
      { figure: 'RSS after load, in-process (memoryUsage)', value: `${rssAfterLoad.toFixed(0)} MiB` },
    ]);
    const split = (name, { p50, p99 }) => `${name} p50 ${p50.toFixed(2)} / p99 ${p99.toFixed(2)} ms`;
    console.log(
      `\n${crossFigure}: ${crossRun.ok} pairs of ${crossRun.started} started (pool ${crossRun.pool}) ` +
        `in ${crossRun.seconds.toFixed(2)} s; ${split('create', crossRun.create)}, ` +
        `${split('accept signing in the load process', crossRun.sign)}, ` +
        `${split('accept (with its retries)', crossRun.accept)}; ` +
        `${crossRun.retries} accept retries in ${crossRun.retriedPairs} pairs (at most ${crossRun.maxRetriesOfAPair} for one pair)`,
    );
    for (const r of [...reads, ...writes, crossRun, lastBare].filter((r) => r.non2xx + r.errors > 0)) {
      console.log(`${r.figure}: status codes ${r.statusCodes.join(', ')}`);
    }
    if (Object.keys(crossRun.failures).length > 0) {
      console.log(`${crossFigure}, failures: ${JSON.stringify(crossRun.failures)}`);
    }
  } finally {
    for (const close of closers.reverse()) await close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
