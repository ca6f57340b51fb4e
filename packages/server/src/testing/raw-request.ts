import { request } from 'node:http';
import { type Credentials, signRequest } from '@peerlink/sdk';

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
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: input.port,
        path: input.path,
        method: 'GET',
        headers: { ...headers, authorization },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
