import {
  BceServiceError,
  type ClientConfig,
  NetworkError,
  PeerlinkApiError,
  PeerlinkClient,
  PeerManagerClient,
  SpaceDataClient,
} from '@peerlink/sdk';
import { useCallback, useEffect, useState } from 'react';
import { isMessageKey, type MessageKey, type Translate } from './i18n';

/**
 * The console's only way to the server: @peerlink/sdk in browser-session mode (same origin, the
 * browser's session cookie, `X-Peerlink-Console: 1`). Screens import `api` and call the SDK.
 */

type Listener = () => void;
const sessionLostListeners = new Set<Listener>();

/** Called whenever the server answers 401 to anything but a login: the session is gone. */
export function onSessionLost(listener: Listener): () => void {
  sessionLostListeners.add(listener);
  return () => sessionLostListeners.delete(listener);
}

function isLogin(input: RequestInfo | URL, init: RequestInit | undefined): boolean {
  const url = new URL(input instanceof Request ? input.url : String(input), location.href);
  const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
  return method === 'POST' && url.pathname === '/api/v1/sessions';
}

const watchingFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (response.status === 401 && !isLogin(input, init))
    for (const listener of sessionLostListeners) listener();
  return response;
};

const config: ClientConfig = { browserSession: true, fetch: watchingFetch };

export const api = {
  /** Users, sessions, tokens, enrollment (platform title), audit, spaces, policies. */
  peerlink: new PeerlinkClient(config),
  /** Network (MPX, relay), peer requests and connections. */
  peerManager: new PeerManagerClient(config),
  /** Objects, files, markings, replication jobs, conflicts. */
  spaceData: new SpaceDataClient(config),
};

export interface DescribedError {
  /** Translated, from the error's reason or code. */
  title: string;
  /** The API's own detail text (English), when there is one. */
  detail?: string;
  requestId?: string;
}

/** Anything an SDK call threw, for people: a translated title, the API's detail, the request id. */
export function describeError(error: unknown, t: Translate): DescribedError {
  if (error instanceof PeerlinkApiError || error instanceof BceServiceError) {
    const candidates = [`error.reason.${error.reason ?? ''}`, `error.code.${error.code}`];
    const key: MessageKey = candidates.find(isMessageKey) ?? 'error.title.generic';
    return {
      title: t(key),
      ...(error.message ? { detail: error.message } : {}),
      ...(error.requestId ? { requestId: error.requestId } : {}),
    };
  }
  if (error instanceof NetworkError) return { title: t('error.title.network'), detail: error.message };
  return { title: t('error.title.generic'), detail: error instanceof Error ? error.message : String(error) };
}

export interface Query<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads data for a screen: `const spaces = useApiQuery(loadSpaces)`, where `loadSpaces` is stable
 * (declared outside the component, or wrapped in useCallback with its arguments). A 401 needs no
 * handling here: the session ends and the login page replaces the screen.
 */
export function useApiQuery<T>(load: () => Promise<T>): Query<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` changing is how reload() asks for the same load again.
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => current && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [load, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload };
}
