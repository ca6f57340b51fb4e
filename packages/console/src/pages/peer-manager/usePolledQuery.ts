import { useCallback, useEffect, useRef, useState } from 'react';

/** How often the Peer Manager asks again, so that statuses change on screen without a reload. */
export const POLL_INTERVAL_MS = 2000;
/** The longest pause between attempts while the server keeps failing. */
const MAX_BACKOFF_MS = 30_000;

export interface Polled<T> {
  /** The last answer; kept while a later poll fails. */
  data: T | undefined;
  /** The last poll's failure, cleared by the next success. */
  error: unknown;
  /** True until the first answer (or failure). */
  loading: boolean;
  /** Asks again now (after an action), then polls on from there. */
  refresh: () => void;
}

/**
 * useApiQuery, live: loads, then loads again `intervalMs` after each answer while the browser tab
 * is visible. A hidden tab asks nothing; showing it again asks at once. Failures back off (doubling,
 * up to 30 s) and keep the last data on screen. `load` must be stable (module level or useCallback);
 * a new `load` starts over. `enabled: false` stops polling (e.g. a tab that is not shown).
 */
export function usePolledQuery<T>(
  load: () => Promise<T>,
  { intervalMs = POLL_INTERVAL_MS, enabled = true }: { intervalMs?: number; enabled?: boolean } = {},
): Polled<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const kick = useRef<() => void>(() => {});

  useEffect(() => {
    if (!enabled) return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    let askedAgain = false;
    let failures = 0;
    setState({ data: undefined, error: undefined, loading: true });

    const schedule = () => {
      clearTimeout(timer);
      if (!alive || document.hidden) return;
      const pause = failures === 0 ? intervalMs : Math.min(intervalMs * 2 ** failures, MAX_BACKOFF_MS);
      timer = setTimeout(run, pause);
    };

    const run = async () => {
      clearTimeout(timer);
      if (!alive || document.hidden) return; // visibilitychange resumes
      if (inFlight) {
        askedAgain = true;
        return;
      }
      inFlight = true;
      try {
        const data = await load();
        failures = 0;
        if (alive) setState({ data, error: undefined, loading: false });
      } catch (error) {
        failures += 1;
        if (alive) setState((previous) => ({ data: previous.data, error, loading: false }));
      } finally {
        inFlight = false;
      }
      if (askedAgain) {
        askedAgain = false;
        void run();
      } else schedule();
    };

    const onVisibilityChange = () => {
      if (document.hidden) clearTimeout(timer);
      else void run();
    };
    document.addEventListener('visibilitychange', onVisibilityChange);
    kick.current = () => {
      failures = 0;
      void run();
    };
    void run();
    return () => {
      alive = false;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
      kick.current = () => {};
    };
  }, [load, intervalMs, enabled]);

  const refresh = useCallback(() => kick.current(), []);
  return { ...state, refresh };
}
