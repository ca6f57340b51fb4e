import { useCallback, useEffect, useRef, useState } from 'react';

/** How often a screen re-reads while `fastWhile` holds (in-flight statuses, steps of ~0.5 s). */
export const FAST_POLL_MS = 2000;
/** The longest pause between attempts while the server keeps failing. */
const MAX_BACKOFF_MS = 30_000;

export interface PollOptions<T> {
  /** Re-reads every `intervalMs` while the tab is visible; without it, only while `fastWhile`. */
  intervalMs?: number | undefined;
  /** While it holds for the last answer (something in flight), re-reads every `fastMs` instead. */
  fastWhile?: ((data: T) => boolean) | undefined;
  fastMs?: number;
  /** False: loads nothing and polls nothing (e.g. a tab that is not shown). */
  enabled?: boolean;
}

export interface Polled<T> {
  /** The last answer; kept while a later poll fails. */
  data: T | undefined;
  /** The last read's failure, cleared by the next success. */
  error: unknown;
  /** True until the first answer (or failure), and after `reload`: polls refresh silently. */
  loading: boolean;
  /** Loads again now, showing the loading state. */
  reload: () => void;
  /** Loads again now in the background (after an action), keeping what is shown; polls on from there. */
  refresh: () => void;
}

/**
 * useApiQuery, live: loads `load()` (stable: module level or useCallback; a new `load` starts over),
 * then re-reads it silently every `intervalMs`, or every `fastMs` while `fastWhile(data)` holds.
 * A hidden tab asks nothing; showing it again asks at once. Failures keep the last data on screen
 * and back off (doubling, up to 30 s).
 */
export function usePolledQuery<T>(
  load: () => Promise<T>,
  { intervalMs, fastWhile, fastMs = FAST_POLL_MS, enabled = true }: PollOptions<T> = {},
): Polled<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const fast = useRef(fastWhile);
  fast.current = fastWhile;
  const kick = useRef<(silent: boolean) => void>(() => {});

  useEffect(() => {
    if (!enabled) return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    let askedAgain = false;
    let failures = 0;
    let last: T | undefined;
    // Whether a read is due (now, or when the tab is shown again).
    let due = true;
    setState({ data: undefined, error: undefined, loading: true });

    const pause = (): number | undefined => {
      const base = last !== undefined && fast.current?.(last) ? fastMs : intervalMs;
      if (base === undefined) return undefined;
      return failures === 0 ? base : Math.min(base * 2 ** failures, MAX_BACKOFF_MS);
    };

    const schedule = () => {
      clearTimeout(timer);
      const ms = pause();
      due = ms !== undefined;
      if (!alive || !due || document.hidden) return;
      timer = setTimeout(run, ms);
    };

    const run = async () => {
      clearTimeout(timer);
      due = true;
      if (!alive || document.hidden) return; // visibilitychange resumes
      if (inFlight) {
        askedAgain = true;
        return;
      }
      inFlight = true;
      try {
        const data = await load();
        failures = 0;
        last = data;
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
      else if (due) void run();
    };
    document.addEventListener('visibilitychange', onVisibilityChange);
    kick.current = (silent) => {
      failures = 0;
      if (!silent) setState((previous) => ({ ...previous, loading: true }));
      void run();
    };
    void run();
    return () => {
      alive = false;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
      kick.current = () => {};
    };
  }, [load, intervalMs, fastMs, enabled]);

  const reload = useCallback(() => kick.current(false), []);
  const refresh = useCallback(() => kick.current(true), []);
  return { ...state, reload, refresh };
}
