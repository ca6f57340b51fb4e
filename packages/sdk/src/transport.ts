import { bceTimestamp, type Credentials, signRequest } from './auth/bce-signer.js';
import { BceServiceError, PeerlinkApiError } from './errors.js';

export interface ClientConfig {
  /** Base URL of a region's endpoint, e.g. `http://127.0.0.1:8080` or `http://bcc.bj.baidubce.com`. */
  endpoint: string;
  credentials: Credentials;
  /** Per-request timeout; 30 s by default. */
  timeoutMs?: number;
  /** A fetch implementation; the global one by default. */
  fetch?: typeof fetch;
}

/** Query values: a string or number, `true` for a valueless flag (`?accept`), undefined to omit. */
export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
}

function buildUrl(endpoint: string, path: string, query: Record<string, QueryValue> = {}): URL {
  const url = new URL(path, endpoint.endsWith('/') ? endpoint : `${endpoint}/`);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === false) continue;
    parts.push(
      value === true
        ? encodeURIComponent(key)
        : `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`,
    );
  }
  url.search = parts.join('&');
  return url;
}

/** Signs, sends and decodes one request; non-2xx answers become typed errors. */
export class SignedTransport {
  constructor(private readonly config: ClientConfig) {}

  async send<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = buildUrl(this.config.endpoint, path, options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      'content-type': 'application/json;charset=utf-8',
      'x-bce-date': bceTimestamp(new Date()),
    };
    if (body !== undefined) headers['content-length'] = String(new TextEncoder().encode(body).length);
    const authorization = await signRequest({ method, url, headers, credentials: this.config.credentials });
    const response = await (this.config.fetch ?? fetch)(url, {
      method,
      headers: { ...headers, authorization },
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(this.config.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    const json = text === '' ? {} : safeJson(text);
    if (response.ok) return json as T;
    const requestId = response.headers.get('x-bce-request-id') ?? '';
    const error = json as {
      code?: string;
      message?: string;
      detail?: string;
      reason?: string;
      requestId?: string;
    };
    if (path.startsWith('/api/') || path.startsWith('api/')) {
      throw new PeerlinkApiError(
        error.code ?? `Http${response.status}`,
        error.detail ?? text,
        response.status,
        error.requestId ?? requestId,
        error.reason,
      );
    }
    throw new BceServiceError(
      error.code ?? `Http${response.status}`,
      error.message ?? text,
      response.status,
      error.requestId ?? requestId,
      error.reason,
    );
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

/** A fresh idempotency token, reused by the caller on retries of the same call. */
export function newClientToken(): string {
  return globalThis.crypto.randomUUID();
}
