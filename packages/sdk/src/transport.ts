import { bceTimestamp, type Credentials, signRequest } from './auth/bce-signer.js';
import { BceServiceError, NetworkError, PeerlinkApiError } from './errors.js';
import {
  backoffMs,
  RETRYABLE_CODES,
  RETRYABLE_STATUSES,
  type RetryOptions,
  resolveRetry,
  sleep,
} from './retry.js';

export interface ClientConfig {
  /** Base URL of a region's endpoint, e.g. `http://127.0.0.1:8080` or `http://bcc.bj.baidubce.com`. */
  endpoint: string;
  /** AK/SK: every request is signed with bce-auth-v1 (the BCE API needs it). */
  credentials?: Credentials;
  /**
   * A user's bearer token (`plk_…`, Peerlink API only): sent as `Authorization: Bearer …` instead
   * of a signature. Wins over `credentials` when both are given.
   */
  token?: string;
  /** Per-attempt timeout; 30 s by default. */
  timeoutMs?: number;
  /** A fetch implementation; the global one by default. */
  fetch?: typeof fetch;
  /** Retries of network errors, HTTP 500/502/503 and `RequestExpired`, with bounded backoff. */
  retry?: RetryOptions;
}

/** Query values: a string or number, `true` for a valueless flag (`?accept`), undefined to omit. */
export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
}

/** The console session cookie (Peerlink API). */
const SESSION_COOKIE = 'peerlink_session';

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

/** Signs, sends and decodes one request, retrying what the Baidu SDKs retry; non-2xx answers become typed errors. */
export class SignedTransport {
  private readonly retry: Required<RetryOptions>;
  /**
   * The console session this transport logged in with (`POST /api/v1/sessions` sets the cookie),
   * sent on later requests until a logout clears it; a token in the config still wins.
   */
  private session: string | undefined;

  constructor(private readonly config: ClientConfig) {
    this.retry = resolveRetry(config.retry);
  }

  /**
   * Every attempt is signed afresh (a new timestamp), with the same query, so a generated
   * `clientToken` makes a retried mutation happen once.
   */
  send<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>(method, path, options, false);
  }

  /** As `send`, answering the body of a 2xx answer as raw bytes instead of decoding JSON. */
  sendForBytes(method: string, path: string, options: RequestOptions = {}): Promise<Uint8Array> {
    return this.request<Uint8Array>(method, path, options, true);
  }

  private async request<T>(method: string, path: string, options: RequestOptions, raw: boolean): Promise<T> {
    const url = buildUrl(this.config.endpoint, path, options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const deadline = Date.now() + this.retry.totalTimeoutMs;
    const repeatable = method === 'GET' || method === 'HEAD' || options.query?.clientToken !== undefined;
    for (let attempt = 1; ; attempt++) {
      let failure: unknown;
      try {
        return await this.attempt<T>(method, url, path, body, deadline, raw);
      } catch (error) {
        failure = error;
      }
      const answer =
        failure instanceof BceServiceError || failure instanceof PeerlinkApiError ? failure : undefined;
      // A refused signature (RequestExpired) did nothing and can always be sent again; otherwise only
      // a request that cannot act twice is repeated: a read, or a call carrying a clientToken.
      const retryable =
        (answer !== undefined && RETRYABLE_CODES.has(answer.code)) ||
        (repeatable && (answer === undefined || RETRYABLE_STATUSES.has(answer.statusCode)));
      const wait = backoffMs(attempt, this.retry);
      if (!retryable || attempt > this.retry.maxRetries || Date.now() + wait >= deadline) {
        if (failure instanceof BceServiceError || failure instanceof PeerlinkApiError) throw failure;
        throw new NetworkError(`${method} ${url.origin}${path} failed: ${describe(failure)}`, attempt, {
          cause: failure,
        });
      }
      await sleep(wait);
    }
  }

  private async attempt<T>(
    method: string,
    url: URL,
    path: string,
    body: string | undefined,
    deadline: number,
    raw = false,
  ): Promise<T> {
    const headers: Record<string, string> = {
      'content-type': 'application/json;charset=utf-8',
      'x-bce-date': bceTimestamp(new Date()),
    };
    if (body !== undefined) headers['content-length'] = String(new TextEncoder().encode(body).length);
    if (this.config.token !== undefined) headers.authorization = `Bearer ${this.config.token}`;
    else if (this.session !== undefined) {
      headers.cookie = `${SESSION_COOKIE}=${this.session}`;
      headers['x-peerlink-console'] = '1';
    } else if (this.config.credentials)
      headers.authorization = await signRequest({
        method,
        url,
        headers,
        credentials: this.config.credentials,
      });
    const response = await (this.config.fetch ?? fetch)(url, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      // No attempt outlives the budget of the whole call (`retry.totalTimeoutMs`).
      signal: AbortSignal.timeout(
        Math.max(1, Math.min(this.config.timeoutMs ?? 30_000, deadline - Date.now())),
      ),
    });
    this.keepSession(response.headers);
    if (raw && response.ok) return new Uint8Array(await response.arrayBuffer()) as T;
    const text = await response.text();
    const json = text === '' ? {} : safeJson(text);
    if (response.ok) return json as T;
    const requestId = response.headers.get('x-bce-request-id') ?? '';
    // A JSON body that is not an object (`null`, a string) carries no fields.
    const error = (json !== null && typeof json === 'object' ? json : {}) as {
      code?: string;
      message?: string;
      detail?: string;
      reason?: string;
      requestId?: string;
    };
    const ErrorType = path.startsWith('/api/') ? PeerlinkApiError : BceServiceError;
    throw new ErrorType(
      error.code ?? `Http${response.status}`,
      error.detail ?? error.message ?? text,
      response.status,
      error.requestId ?? requestId,
      error.reason,
    );
  }

  /** Follows the session cookie: set by a login, cleared (empty, `Max-Age=0`) by a logout. */
  private keepSession(headers: Headers): void {
    const cookies = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [];
    for (const cookie of cookies) {
      const [pair = '', ...attributes] = cookie.split(';');
      const at = pair.indexOf('=');
      if (pair.slice(0, at).trim() !== SESSION_COOKIE) continue;
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      this.session = value === '' || expired ? undefined : value;
    }
  }
}

/** fetch hides the network reason (ECONNREFUSED, a timeout…) in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
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
