// Load generator, run as its own process so that autocannon and the server under test do not share
// a JavaScript thread. Reads one scenario as JSON on stdin, prints one result as JSON on stdout:
//   in:  { url, connections, seconds, credentials?, requests: [{ method, path, body? }] }
//   out: { rate, p50, p99, ok, non2xx, errors, statusCodes, seconds }
import { text } from 'node:stream/consumers';
import { bceTimestamp, signRequest } from '@peerlink/sdk';
import autocannon from 'autocannon';

const spec = JSON.parse(await text(process.stdin));

/**
 * One ready-to-send autocannon request. Signing happens here, before the clock starts: a
 * bce-auth-v1 signature stays valid for 1800 s and the server does not refuse replays, so every
 * distinct request is signed once and may be sent any number of times.
 */
async function prepare({ method, path, body }) {
  const url = new URL(path, spec.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const request = {
    method,
    path,
    headers: { host: url.host },
    ...(payload === undefined ? {} : { body: payload }),
  };
  if (!spec.credentials) return request;
  const headers = {
    ...request.headers,
    'content-type': 'application/json;charset=utf-8',
    'x-bce-date': bceTimestamp(new Date()),
  };
  // autocannon writes its own Content-Length (the same byte count): signed, but not added here.
  const signed =
    payload === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(payload)) };
  const authorization = await signRequest({ method, url, headers: signed, credentials: spec.credentials });
  return { ...request, headers: { ...headers, authorization } };
}

// Signed a hundred at a time: WebCrypto works off the main thread, so batches sign faster.
const pool = [];
for (let i = 0; i < spec.requests.length; i += 100) {
  pool.push(...(await Promise.all(spec.requests.slice(i, i + 100).map(prepare))));
}

// One request (the reads) is sent over and over, after a one-second warm-up. A pool of distinct
// requests (creates, one clientToken each) is handed out in order across all connections, and the
// run is capped at the pool size, so no create is ever sent twice and answered from the idempotency
// record instead of doing the work. Creates get no warm-up (it would spend the pool); the fixtures
// already ran their routes hundreds of times.
let next = 0;
const shape =
  pool.length === 1
    ? { requests: pool, warmup: { duration: 1 } }
    : {
        requests: [{ setupRequest: (request) => ({ ...request, ...pool[next++ % pool.length] }) }],
        maxOverallRequests: pool.length - 2 * spec.connections,
      };

// autocannon's own histogram has 1 ms resolution; loopback latencies need finer, so keep every
// successful response time of the measured run (a few hundred thousand numbers at most).
const times = [];
const run = autocannon({ url: spec.url, connections: spec.connections, duration: spec.seconds, ...shape });
run.on('response', (_client, statusCode, _bytes, responseTime) => {
  if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
});
const result = await run;

times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.NaN;
const summary = {
  rate: result['2xx'] / result.duration,
  p50: at(0.5),
  p99: at(0.99),
  ok: result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors,
  statusCodes: Object.keys(result.statusCodeStats),
  seconds: result.duration,
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
