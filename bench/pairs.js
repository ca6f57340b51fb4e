// Load generator for the cross-account scenario, run as its own process like load.js. Each of
// `connections` loops sends a create (account A, on the bj endpoint) and, once it answers, the
// acceptor's accept of that connection (account B, on the gz endpoint): one pair. autocannon cannot
// chain two requests whose second needs the first's answer and an asynchronous signature, so this
// is a plain node:http loop over keep-alive sockets (at most `connections` per endpoint).
//   in:  { createUrl, acceptUrl, connections, seconds, initiator, acceptor,
//          creates: [{ path, body }], retry: { max, pauseMs } }
//   out: { rate, p50, p99, ok, non2xx, errors, statusCodes, seconds, retries, retriedPairs,
//          maxRetriesOfAPair, failures, create: { p50, p99 }, accept: { p50, p99 }, sign: { p50, p99 } }
import http from 'node:http';
import { text } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { bceTimestamp, signRequest } from '@peerlink/sdk';

const spec = JSON.parse(await text(process.stdin));

/** Refusals that mean "not consulting yet": the accept is sent again after a pause. */
const NOT_YET = new Set(['PeerConnBusy', 'InvalidPeerConnStatus']);

/** A signed request, ready to send as many times as needed (a signature stays valid for 1800 s). */
async function sign(base, credentials, { method, path, body }) {
  const url = new URL(path, base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = {
    host: url.host,
    'content-type': 'application/json;charset=utf-8',
    'x-bce-date': bceTimestamp(new Date()),
    ...(payload === undefined ? {} : { 'content-length': String(Buffer.byteLength(payload)) }),
  };
  const authorization = await signRequest({ method, url, headers, credentials });
  return { url, method, headers: { ...headers, authorization }, payload };
}

const agents = new Map();
function agentOf(url) {
  let agent = agents.get(url.host);
  if (!agent) {
    agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
    agents.set(url.host, agent);
  }
  return agent;
}

/** Sends one signed request; resolves with its status and body, rejects on socket errors and timeouts. */
function send({ url, method, headers, payload }) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent: agentOf(url),
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers,
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }),
        );
        response.on('error', reject);
      },
    );
    request.setTimeout(10_000, () => request.destroy(new Error('timeout')));
    request.on('error', reject);
    request.end(payload);
  });
}

const reasonOf = (answer) => {
  try {
    return JSON.parse(answer.body).reason ?? JSON.parse(answer.body).code;
  } catch {
    return undefined;
  }
};

// Every create is signed before the clock starts, a hundred at a time (see load.js); each has its
// own clientToken, so none is answered from the idempotency record.
const creates = [];
for (let i = 0; i < spec.creates.length; i += 100) {
  const batch = spec.creates.slice(i, i + 100);
  creates.push(
    ...(await Promise.all(batch.map((r) => sign(spec.createUrl, spec.initiator, { method: 'POST', ...r })))),
  );
}

const pairTimes = [];
const createTimes = [];
const acceptTimes = [];
const signTimes = [];
const statusCodes = new Set();
const failures = new Map();
let non2xx = 0;
let errors = 0;
let retries = 0;
let retriedPairs = 0;
let maxRetriesOfAPair = 0;
let next = 0;

const fail = (what) => failures.set(what, (failures.get(what) ?? 0) + 1);

/** Sends and records the status; a socket error or timeout counts as an error and answers undefined. */
async function attempt(request) {
  try {
    const answer = await send(request);
    statusCodes.add(answer.status);
    return answer;
  } catch (error) {
    errors++;
    fail(`socket: ${error.code ?? error.message}`);
    return undefined;
  }
}

/** One pair: the create, then the accept, repeated while the connection is not consulting yet. */
async function pair(i, create) {
  const start = performance.now();
  const created = await attempt(create);
  if (!created) return;
  if (created.status < 200 || created.status >= 300) {
    non2xx++;
    fail(`create ${created.status} ${reasonOf(created)}`);
    return;
  }
  const createdAt = performance.now();
  createTimes.push(createdAt - start);
  const { peerConnId } = JSON.parse(created.body);
  // The accept's URL needs the new id, so it can only be signed here, inside the pair's time.
  const accept = await sign(spec.acceptUrl, spec.acceptor, {
    method: 'PUT',
    path: `/v1/peerconn/${peerConnId}?accept&clientToken=bench-accept-${i}`,
  });
  const signedAt = performance.now();
  signTimes.push(signedAt - createdAt);
  for (let tries = 0; ; tries++) {
    const answer = await attempt(accept);
    if (!answer) return;
    if (answer.status >= 200 && answer.status < 300) {
      const end = performance.now();
      acceptTimes.push(end - signedAt);
      pairTimes.push(end - start);
      if (tries > 0) retriedPairs++;
      maxRetriesOfAPair = Math.max(maxRetriesOfAPair, tries);
      return;
    }
    const reason = reasonOf(answer);
    if (answer.status === 409 && NOT_YET.has(reason) && tries < spec.retry.max) {
      retries++;
      await sleep(spec.retry.pauseMs);
      continue;
    }
    non2xx++;
    fail(`accept ${answer.status} ${reason}${tries > 0 ? ` after ${tries} retries` : ''}`);
    return;
  }
}

// New pairs start until the time is up or the pool of distinct creates is spent; pairs in flight
// then finish, and the rate divides by the whole elapsed time.
const started = performance.now();
const deadline = started + spec.seconds * 1000;
async function loop() {
  while (performance.now() < deadline && next < creates.length) {
    const i = next++;
    await pair(i, creates[i]);
  }
}
await Promise.all(Array.from({ length: spec.connections }, loop));
const seconds = (performance.now() - started) / 1000;
for (const agent of agents.values()) agent.destroy();

const percentiles = (times) => {
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
};
const summary = {
  rate: pairTimes.length / seconds,
  ...percentiles(pairTimes),
  ok: pairTimes.length,
  non2xx,
  errors,
  statusCodes: [...statusCodes].map(String),
  seconds,
  pool: creates.length,
  started: next,
  retries,
  retriedPairs,
  maxRetriesOfAPair,
  failures: Object.fromEntries(failures),
  create: percentiles(createTimes),
  accept: percentiles(acceptTimes),
  sign: percentiles(signTimes),
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
