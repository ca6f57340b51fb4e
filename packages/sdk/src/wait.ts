import { WaiterError } from './errors.js';
import { sleep } from './retry.js';

export interface WaitOptions {
  /** Give up after this long; 5 minutes by default. */
  timeoutMs?: number;
  /** First pause between polls; 200 ms by default, doubling up to `maxDelayMs`. */
  minDelayMs?: number;
  /** Longest pause between polls; 5 s by default. */
  maxDelayMs?: number;
  /** Called with each status seen, e.g. to show progress. */
  onStatus?: (status: string) => void;
}

/**
 * Polls until `statusOf` is one of `targets`, with a bounded backoff; a status in `terminal` (one
 * the resource will not leave) or the timeout ends the wait with a WaiterError.
 */
export async function waitForStatus<T>(
  poll: () => Promise<T>,
  statusOf: (value: T) => string,
  targets: readonly string[],
  terminal: readonly string[],
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 5 * 60_000);
  let delay = options.minDelayMs ?? 200;
  let last: string | undefined;
  for (;;) {
    const value = await poll();
    const status = statusOf(value);
    if (status !== last) options.onStatus?.(status);
    last = status;
    if (targets.includes(status)) return value;
    if (terminal.includes(status)) {
      throw new WaiterError(
        `status is ${status}, which will not become ${targets.join(' or ')}`,
        'terminal',
        status,
      );
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new WaiterError(
        `timed out waiting for ${targets.join(' or ')}; last status ${status}`,
        'timeout',
        status,
      );
    }
    await sleep(Math.min(delay, remaining));
    delay = Math.min(delay * 2, options.maxDelayMs ?? 5_000);
  }
}
