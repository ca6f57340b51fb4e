import { connect, type Socket } from 'node:net';

/**
 * A TCP connection to a loopback port that the test writes byte by byte, for what node:http and
 * fetch cannot do: send only part of a request, send it slowly, or send nothing at all.
 */
export interface RawConnection {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves when the server has closed the connection (or it failed). */
  closed: Promise<void>;
  /** Whether the server has closed the connection. */
  isClosed(): boolean;
  /** Resolves once the server sent a whole response head, or rejects after `timeoutMs`. */
  responseHead(timeoutMs: number): Promise<{ status: number; head: string }>;
}

export function openConnection(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let closed = false;
    const closedPromise = new Promise<void>((done) => socket.once('close', () => done()));
    void closedPromise.then(() => {
      closed = true;
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset from the server counts as closing; the test looks at what was received before.
    socket.on('error', () => {});
    const received = () => Buffer.concat(chunks).toString('latin1');
    socket.once('connect', () =>
      resolve({
        socket,
        received,
        closed: closedPromise,
        isClosed: () => closed,
        responseHead: (timeoutMs) =>
          new Promise((done, fail) => {
            const check = () => {
              const text = received();
              const end = text.indexOf('\r\n\r\n');
              if (end < 0) return false;
              clearTimeout(timer);
              socket.off('data', check);
              const head = text.slice(0, end);
              done({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head });
              return true;
            };
            const timer = setTimeout(() => {
              socket.off('data', check);
              fail(
                new Error(`no response head within ${timeoutMs} ms; received ${JSON.stringify(received())}`),
              );
            }, timeoutMs);
            if (!check()) socket.on('data', check);
          }),
      }),
    );
    socket.once('error', reject);
  });
}

/** Resolves true when `connection` is closed by the server within `timeoutMs`, false otherwise. */
export async function closesWithin(connection: RawConnection, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([connection.closed.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
