import {
  type AnchorHTMLAttributes,
  createContext,
  type MouseEvent,
  useContext,
  useSyncExternalStore,
} from 'react';

/**
 * A tiny router over the History API. The console lives under `import.meta.env.BASE_URL`
 * (`/console/`); inside the app a path is written without it (`/`, `/network`, `/spaces/sp-1`).
 * The server answers index.html for every path under /console/, so any of them can be reloaded
 * or bookmarked. Patterns (routes.tsx) may have `:name` segments, read with `useParams()`.
 */

const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');
const CHANGE = 'peerlink:navigate';

/** The path inside the console, e.g. `/network`. */
export function currentPath(): string {
  const { pathname } = window.location;
  const inside = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  return inside === '' ? '/' : inside;
}

/** The browser URL of a console path (query and fragment kept). */
export function hrefOf(to: string): string {
  return `${BASE}${to.startsWith('/') ? to : `/${to}`}`;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const href = hrefOf(to);
  if (options.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  window.dispatchEvent(new Event(CHANGE));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

/** The current console path; re-renders on navigation (links, back and forward). */
export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

export type Params = Record<string, string>;

/** Matches `/spaces/:spaceId` against `/spaces/sp-1`; trailing slashes do not matter. */
export function matchPath(pattern: string, path: string): Params | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Params = {};
  for (const [i, segment] of want.entries()) {
    const actual = have[i]!;
    if (segment.startsWith(':')) {
      try {
        params[segment.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (segment !== actual) return undefined;
  }
  return params;
}

export const ParamsContext = createContext<Params>({});

/** The `:name` segments of the route being shown. */
export function useParams(): Params {
  return useContext(ParamsContext);
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

/** An ordinary link (keyboard, middle click and "open in new tab" work) that navigates in place. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    const plain = event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
    if (event.defaultPrevented || !plain || (rest.target && rest.target !== '_self')) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={hrefOf(to)} onClick={handleClick} {...rest} />;
}
