import { useCallback, useEffect, useRef, useState } from 'react';

/** Every item of an SDK paginator (`paginateVpcs()`, `paginatePeerConns()`, …), all pages. */
export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** How often a screen re-reads while something is in flight (steps take ~0.5 s on the server). */
export const POLL_MS = 2000;
/**
 * How often a screen that `watches` re-reads when nothing is in flight: the other account may
 * act at any time (a new request, an acceptance), and that must show without a reload.
 */
export const WATCH_MS = 4000;

export interface Live<T> {
  data: T | undefined;
  error: unknown;
  /** True until the first answer (or after `reload`): later polls refresh silently. */
  loading: boolean;
  /** Loads again, showing the loading state. */
  reload: () => void;
  /** Loads again in the background, keeping what is shown until the answer arrives. */
  refresh: () => void;
}

/**
 * Loads `load()` (stable: module level or useCallback), and while `shouldPoll(data)` is true
 * re-reads it every POLL_MS without a loading flash, so `creating → active` shows by itself; with
 * `watch`, it also re-reads every WATCH_MS otherwise, so what the other side does shows too. No
 * re-reading while the tab is hidden (the next look comes when it is shown again). A failed poll
 * keeps the last data and shows the error beside it.
 */
export function useLive<T>(
  load: () => Promise<T>,
  shouldPoll: (data: T) => boolean = () => false,
  options: { watch?: boolean } = {},
): Live<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [attempt, setAttempt] = useState({ n: 0, silent: false });
  const poll = useRef(shouldPoll);
  poll.current = shouldPoll;

  const watch = options.watch === true;
  useEffect(() => {
    let current = true;
    let timer: number | undefined;
    const next = () => {
      if (document.hidden) {
        document.addEventListener('visibilitychange', next, { once: true });
        return;
      }
      if (current) setAttempt((a) => ({ n: a.n + 1, silent: true }));
    };
    if (!attempt.silent) setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => {
        if (!current) return;
        setState({ data, error: undefined, loading: false });
        // The next look: soon while something is in flight, later when only watching.
        const delay = poll.current(data) ? POLL_MS : watch ? WATCH_MS : undefined;
        if (delay !== undefined) timer = window.setTimeout(next, delay);
      },
      (error: unknown) => current && setState((previous) => ({ data: previous.data, error, loading: false })),
    );
    return () => {
      current = false;
      window.clearTimeout(timer);
      document.removeEventListener('visibilitychange', next);
    };
  }, [load, attempt, watch]);

  const reload = useCallback(() => setAttempt((a) => ({ n: a.n + 1, silent: false })), []);
  const refresh = useCallback(() => setAttempt((a) => ({ n: a.n + 1, silent: true })), []);
  return { ...state, reload, refresh };
}
