import { useEffect, useRef, useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useT } from '../i18n';
import { NotFoundPage } from '../pages/NotFoundPage';
import { Link, ParamsContext, usePath } from '../router';
import { findRoute, ROUTES } from '../routes';
import { useSession, useUser } from '../session';

/**
 * The signed-in layout: navigation (a sidebar; a top bar on narrow screens), the header with the
 * current user, language and logout, and the page of the current path.
 */
export function Shell() {
  const t = useT();
  const user = useUser();
  const { logout } = useSession();
  const path = usePath();
  const match = findRoute(path);
  const section = match ? (match.route.section ?? match.route.path) : undefined;
  const Screen = match?.route.component ?? NotFoundPage;
  const title = t(match?.route.label ?? 'page.notFound.title');
  const [logoutError, setLogoutError] = useState<unknown>();

  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);

  // After a navigation (not the first page), move focus to the new page for keyboard and screen
  // reader users, as a full page load would.
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(path);
  useEffect(() => {
    if (path !== firstPath.current) {
      firstPath.current = '';
      main.current?.focus();
    }
  }, [path]);

  const onLogout = () => {
    setLogoutError(undefined);
    logout().catch(setLogoutError);
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <aside className="sidebar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          {t('app.name')}
        </Link>
        <nav aria-label={t('nav.label')}>
          <ul className="nav">
            {ROUTES.filter((route) => route.nav).map((route) => (
              <li key={route.path}>
                <Link to={route.path} aria-current={route.path === section ? 'page' : undefined}>
                  {t(route.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <header className="topbar">
        <p className="user">
          <span>{t('user.signedInAs', { username: user.username })}</span>
          {user.isAdmin && <span className="badge">{t('user.admin')}</span>}
        </p>
        <LanguageSwitch />
        <button type="button" className="button" onClick={onLogout}>
          {t('auth.logout')}
        </button>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="content">
        {logoutError !== undefined && <ErrorNotice error={logoutError} />}
        <ParamsContext.Provider value={match?.params ?? {}}>
          <Screen key={path} />
        </ParamsContext.Provider>
      </main>
    </div>
  );
}
