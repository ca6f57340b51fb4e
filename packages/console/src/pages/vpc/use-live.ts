import { useCallback, useEffect, useRef, useState } from 'react';

/** Every item of an SDK paginator (`paginateVpcs()`, `paginatePeerConns()`, …), all pages. */
export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** How often a screen re-reads while something is in flight (steps take ~0.5 s on the server). */
export const POLL_MS = 2000;

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
 * re-reads it every POLL_MS without a loading flash, so `creating → active` shows by itself.
 * A failed poll keeps the last data and shows the error beside it.
 */
export function useLive<T>(load: () => Promise<T>, shouldPoll: (data: T) => boolean = () => false): Live<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [attempt, setAttempt] = useState({ n: 0, silent: false });
  const poll = useRef(shouldPoll);
  poll.current = shouldPoll;

  useEffect(() => {
    let current = true;
    let timer: number | undefined;
    if (!attempt.silent) setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => {
        if (!current) return;
        setState({ data, error: undefined, loading: false });
        // The next look, while something is still in flight.
        if (poll.current(data))
          timer = window.setTimeout(() => setAttempt((a) => ({ n: a.n + 1, silent: true })), POLL_MS);
      },
      (error: unknown) => current && setState((previous) => ({ data: previous.data, error, loading: false })),
    );
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [load, attempt]);

  const reload = useCallback(() => setAttempt((a) => ({ n: a.n + 1, silent: false })), []);
  const refresh = useCallback(() => setAttempt((a) => ({ n: a.n + 1, silent: true })), []);
  return { ...state, reload, refresh };
}
