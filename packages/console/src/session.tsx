import type { User } from '@peerlink/sdk';
import { PeerlinkApiError } from '@peerlink/sdk';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, onSessionLost } from './api';
import { forgetAccessKey } from './pages/vpc/access-key';

/**
 * Who is logged in. On load the console asks the server (`GET /api/v1/users/me`): the HttpOnly
 * session cookie is invisible to the page. Any 401 afterwards (the session expired, or ended
 * elsewhere) returns to the login page, on the same URL, so logging in again lands where it was.
 */
export type SessionState =
  | { status: 'checking' }
  | { status: 'anonymous'; ended: boolean; problem?: unknown }
  | { status: 'active'; user: User };

interface SessionValue {
  state: SessionState;
  /** Resolves once logged in; rejects with the SDK's error (shown by the login form). */
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'checking' });

  useEffect(() => {
    let current = true;
    api.peerlink.me().then(
      (user) => current && setState({ status: 'active', user }),
      (problem: unknown) => {
        if (!current) return;
        // 401: not logged in. Anything else (the server is down…) is shown on the login page.
        const unauthenticated = problem instanceof PeerlinkApiError && problem.statusCode === 401;
        setState({ status: 'anonymous', ended: false, ...(unauthenticated ? {} : { problem }) });
      },
    );
    const stop = onSessionLost(() =>
      setState((previous) =>
        previous.status === 'active' ? { status: 'anonymous', ended: true } : previous,
      ),
    );
    return () => {
      current = false;
      stop();
    };
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const { user } = await api.peerlink.login(username, password);
    setState({ status: 'active', user });
  }, []);

  const logout = useCallback(async () => {
    // The account access key of the VPC peering screens (sessionStorage) never outlives the session.
    forgetAccessKey();
    try {
      await api.peerlink.logout();
    } finally {
      setState({ status: 'anonymous', ended: false });
    }
  }, []);

  const value = useMemo(() => ({ state, login, logout }), [state, login, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (value === undefined) throw new Error('useSession needs a <SessionProvider> above it');
  return value;
}

/** The logged-in user; only inside the signed-in layout. */
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'active') throw new Error('useUser is only for pages shown after login');
  return state.user;
}
