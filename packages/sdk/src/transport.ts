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
  /**
   * Base URL of a region's endpoint, e.g. `http://127.0.0.1:8080` or `http://bcc.bj.baidubce.com`.
   * Required, except with `browserSession`, where it defaults to the page's origin.
   */
  endpoint?: string;
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
  /**
   * For code running in a page served by Peerlink (the web console): requests go to the page's
   * own origin (or `endpoint`) with `credentials: 'same-origin'` and always carry
   * `X-Peerlink-Console: 1`. The browser holds the `peerlink_session` cookie that `login` sets and
   * `logout` clears (it is HttpOnly), so the SDK never sends a Cookie header nor reads Set-Cookie,
   * and signs nothing: `credentials` and `token` cannot be combined with it.
   */
  browserSession?: boolean;
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

  private readonly endpoint: string;

  constructor(private readonly config: ClientConfig) {
    this.retry = resolveRetry(config.retry);
    if (config.browserSession && (config.credentials !== undefined || config.token !== undefined))
      throw new TypeError(
        "browserSession authenticates with the browser's session cookie; do not give credentials or a token with it",
      );
    const endpoint = config.endpoint ?? (config.browserSession ? globalThis.location?.origin : undefined);
    if (endpoint === undefined)
      throw new TypeError('endpoint is required (a base URL such as http://127.0.0.1:8080)');
    this.endpoint = endpoint;
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
    const url = buildUrl(this.endpoint, path, options.query);
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
    const browser = this.config.browserSession === true;
    // Browsers set Content-Length themselves (and refuse to be told it).
    if (body !== undefined && !browser)
      headers['content-length'] = String(new TextEncoder().encode(body).length);
    if (browser) headers['x-peerlink-console'] = '1';
    else if (this.config.token !== undefined) headers.authorization = `Bearer ${this.config.token}`;
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
      // The session cookie goes along to the page's own origin only.
      ...(browser ? { credentials: 'same-origin' as const } : {}),
      // No attempt outlives the budget of the whole call (`retry.totalTimeoutMs`).
      signal: AbortSignal.timeout(
        Math.max(1, Math.min(this.config.timeoutMs ?? 30_000, deadline - Date.now())),
      ),
    });
    if (!browser) this.keepSession(response.headers);
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
      retryAfterSeconds(response.headers.get('retry-after')),
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

/** `Retry-After` as seconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
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

/**
 * A fresh idempotency token, reused by the caller on retries of the same call: a random UUID.
 * Browsers offer `crypto.randomUUID` only in secure contexts (HTTPS, localhost), and a console may
 * be served over plain HTTP, so the UUID is built from `getRandomValues` where it is missing.
 */
export function newClientToken(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
