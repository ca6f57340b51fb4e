import { createServer, type RequestListener, type Server } from 'node:http';
import type { Config } from '../config.js';

/** What a listener allows slow, silent and too many clients (docs/configuration.md). */
export type ListenerLimits = Pick<
  Config,
  'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'idleTimeoutMs' | 'maxConnections'
>;

/**
 * A node:http server with Peerlink's connection limits; every listener (Fastify's main one through
 * its serverFactory, and each further region's) is made here, so none is left without them.
 */
export function createListener(limits: ListenerLimits, handler: RequestListener): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node enforces the two timeouts above only when it sweeps its connections (every 30 s by
      // default), so a timeout would be up to 30 s late: sweep at a tenth of the shorter one.
      connectionsCheckingInterval: Math.max(
        10,
        Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 10)),
      ),
    },
    handler,
  );
  // A socket with no bytes either way (a client that stopped sending, or stopped reading the answer).
  server.setTimeout(limits.idleTimeoutMs, (socket) => socket.destroy());
  server.maxConnections = limits.maxConnections;
  return server;
}
