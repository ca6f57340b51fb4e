/** When and how long to retry (the Baidu SDKs' policy: network errors, 500/502/503, RequestExpired). */
export interface RetryOptions {
  /** Retries after the first attempt; 3 by default (as Baidu's Go SDK). 0 disables retries. */
  maxRetries?: number;
  /** Backoff base: the n-th retry waits about base·2ⁿ⁻¹ (with jitter); 300 ms by default. */
  baseDelayMs?: number;
  /** Longest single wait; 20 s by default. */
  maxDelayMs?: number;
  /** Upper bound on all attempts and waits together; 60 s by default. */
  totalTimeoutMs?: number;
}

export const RETRYABLE_STATUSES = new Set([500, 502, 503]);
export const RETRYABLE_CODES = new Set(['RequestExpired']);

export function resolveRetry(options: RetryOptions | undefined): Required<RetryOptions> {
  return {
    maxRetries: options?.maxRetries ?? 3,
    baseDelayMs: options?.baseDelayMs ?? 300,
    maxDelayMs: options?.maxDelayMs ?? 20_000,
    totalTimeoutMs: options?.totalTimeoutMs ?? 60_000,
  };
}

/** Full jitter: a random wait up to the exponential bound, so retrying clients spread out. */
export function backoffMs(
  retry: number,
  options: Required<RetryOptions>,
  random: () => number = Math.random,
): number {
  const bound = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.round(bound / 2 + (random() * bound) / 2);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
