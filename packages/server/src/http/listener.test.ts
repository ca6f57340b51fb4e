import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Region } from '../domain/regions.js';
import { startTestServer, type TestServer } from '../testing/harness.js';
import { closesWithin, openConnection, type RawConnection } from '../testing/raw-socket.js';

/** Timeouts and the connection cap of every listener, with small configured values. */

const LIMITS = {
  headersTimeoutMs: 300,
  requestTimeoutMs: 1200,
  keepAliveTimeoutMs: 200,
  idleTimeoutMs: 600,
  maxConnections: 4,
};
/** Sweeps, timers and a loaded machine: how much later than its timeout a connection may close. */
const SLACK_MS = 700;
/** Node keeps an idle keep-alive connection 1 s longer than its keepAliveTimeout. */
const NODE_KEEP_ALIVE_BUFFER_MS = 1000;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ overrides: LIMITS });
});
afterAll(() => t.close());

const REGIONS: Region[] = ['bj', 'gz'];
const portOf = (region: Region) => Number(new URL(t.endpoint(region)).port);

/** Writes `pieces` one every `everyMs` until the connection closes or they run out; answers the closing time. */
async function trickle(connection: RawConnection, pieces: string[], everyMs: number): Promise<void> {
  for (const piece of pieces) {
    if (connection.isClosed()) return;
    connection.socket.write(piece);
    await sleep(everyMs);
  }
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  const value = await run();
  return { value, ms: Date.now() - start };
}

describe.each(REGIONS)('the %s listener', (region) => {
  it('answers 408 and closes a client sending its headers a line at a time', async () => {
    const connection = await openConnection(portOf(region));
    const lines = [
      'GET /healthz HTTP/1.1\r\n',
      ...Array.from({ length: 30 }, (_, i) => `x-slow-${i}: 1\r\n`),
    ];
    const { value: closed, ms } = await timed(async () => {
      void trickle(connection, lines, 100);
      return closesWithin(connection, LIMITS.headersTimeoutMs + SLACK_MS);
    });
    expect({ closed, received: connection.received().slice(0, 12) }).toEqual({
      closed: true,
      received: 'HTTP/1.1 408',
    });
    expect(ms).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - 50);
  });

  it('answers 408 and closes a connection that sends nothing', async () => {
    const connection = await openConnection(portOf(region));
    expect(await closesWithin(connection, LIMITS.headersTimeoutMs + SLACK_MS)).toBe(true);
    expect(connection.received().slice(0, 12)).toBe('HTTP/1.1 408');
  });

  it('answers 408 and closes a client sending its body a byte at a time, by the request timeout', async () => {
    const connection = await openConnection(portOf(region));
    const length = 100;
    connection.socket.write(
      `POST /api/v1/sessions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`,
    );
    // One byte every 100 ms: never idle for idleTimeoutMs, but the whole request takes 10 s.
    const { value: closed, ms } = await timed(async () => {
      void trickle(
        connection,
        Array.from({ length }, () => ' '),
        100,
      );
      return closesWithin(connection, LIMITS.requestTimeoutMs + SLACK_MS);
    });
    expect({ closed, received: connection.received().slice(0, 12) }).toEqual({
      closed: true,
      received: 'HTTP/1.1 408',
    });
    expect(ms).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - LIMITS.headersTimeoutMs);
  });

  it('drops a connection that goes silent in the middle of a body, by the idle timeout', async () => {
    const connection = await openConnection(portOf(region));
    connection.socket.write(
      'POST /api/v1/sessions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{',
    );
    const { value: closed, ms } = await timed(() =>
      closesWithin(connection, LIMITS.idleTimeoutMs + SLACK_MS),
    );
    expect(closed).toBe(true);
    // Before the request timeout would have answered 408.
    expect(ms).toBeLessThan(LIMITS.requestTimeoutMs);
  });

  it('closes a keep-alive connection left idle after an answer', async () => {
    const connection = await openConnection(portOf(region));
    connection.socket.write('GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    expect((await connection.responseHead(2000)).status).toBe(200);
    expect(
      await closesWithin(connection, LIMITS.keepAliveTimeoutMs + NODE_KEEP_ALIVE_BUFFER_MS + SLACK_MS),
    ).toBe(true);
  });

  it(`holds at most ${LIMITS.maxConnections} connections, and takes new ones once they close`, async () => {
    const held = await Promise.all(
      Array.from({ length: LIMITS.maxConnections }, () => openConnection(portOf(region))),
    );
    try {
      // Node closes a connection over the cap as soon as it accepts it.
      const extra = await openConnection(portOf(region));
      expect(await closesWithin(extra, 200)).toBe(true);
      expect(extra.received()).toBe('');
      expect(held.some((connection) => connection.isClosed())).toBe(false);
    } finally {
      for (const connection of held) connection.socket.destroy();
    }
    await Promise.all(held.map((connection) => connection.closed));
    // The server learns of the closes a moment later.
    await sleep(50);
    const again = await openConnection(portOf(region));
    again.socket.write('GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n');
    expect((await again.responseHead(2000)).status).toBe(200);
    again.socket.destroy();
  });
});
