import { type IncomingHttpHeaders, request } from 'node:http';
import { type Credentials, signRequest } from '@peerlink/sdk';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP/1.1 request to a loopback port over node:http, with exactly the path (sent byte for byte,
 * query included) and headers given — fetch would derive Host from the URL and normalise the rest.
 * Node adds only `Connection` (and `Host` when none is given); set `content-length` yourself when a
 * body is sent and the length is signed.
 */
export function rawRequest(input: {
  port: number;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The client's source address (any of 127.0.0.0/8 on Linux): to act as another machine. */
  localAddress?: string;
}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      {
        host: '127.0.0.1',
        port: input.port,
        path: input.path,
        method: input.method ?? 'GET',
        headers: input.headers ?? {},
        // A fresh connection per request, closed afterwards: nothing lingers when the server stops.
        agent: false,
        ...(input.localAddress ? { localAddress: input.localAddress } : {}),
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    // The server may answer (a 413, say) and close before the whole body is written; the answer counts.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.end(input.body);
  });
}

/**
 * A signed GET with a Host header of the test's choosing (fetch always derives Host from the URL),
 * sent to a loopback port.
 */
export async function rawSignedGet(input: {
  port: number;
  host: string;
  path: string;
  credentials: Credentials;
}): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = {
    host: input.host,
    'x-bce-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  const authorization = await signRequest({
    method: 'GET',
    url: new URL(`http://${input.host}${input.path}`),
    headers,
    credentials: input.credentials,
  });
  const { status, body } = await rawRequest({
    port: input.port,
    path: input.path,
    headers: { ...headers, authorization },
  });
  return { status, body };
}
