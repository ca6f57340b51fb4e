import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useT } from '../i18n';
import { useSession } from '../session';

/** Username and password, through `PeerlinkClient.login`; shown for every URL until logged in. */
export function LoginPage() {
  const t = useT();
  const { state, login } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  const [missing, setMissing] = useState(false);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    usernameRef.current?.focus();
  }, []);

  const ended = state.status === 'anonymous' && state.ended;
  const startupProblem = state.status === 'anonymous' ? state.problem : undefined;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (username.trim() === '' || password === '') {
      setMissing(true);
      (username.trim() === '' ? usernameRef : passwordRef).current?.focus();
      return;
    }
    setMissing(false);
    setError(undefined);
    setPending(true);
    try {
      await login(username.trim(), password);
    } catch (failure) {
      setError(failure);
      setPassword('');
      passwordRef.current?.focus();
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="login">
      <div className="login-language">
        <LanguageSwitch />
      </div>
      <main className="login-card">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true" />
          {t('app.name')} <span className="muted">{t('app.console')}</span>
        </p>
        <h1>{t('auth.title')}</h1>
        <p className="muted">{t('auth.intro')}</p>
        {ended && (
          <p className="notice" role="status">
            {t('auth.sessionEnded')}
          </p>
        )}
        {error === undefined && startupProblem !== undefined && <ErrorNotice error={startupProblem} />}
        {error !== undefined && <ErrorNotice error={error} />}
        {missing && (
          <p className="notice notice-error" role="alert">
            {t('auth.missingFields')}
          </p>
        )}
        <form onSubmit={submit} noValidate className="form">
          <label className="field">
            <span>{t('auth.username')}</span>
            <input
              ref={usernameRef}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={username}
              onChange={(event) => setUsername(event.target.value)}
            />
          </label>
          <label className="field">
            <span>{t('auth.password')}</span>
            <input
              ref={passwordRef}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          </label>
          <button type="submit" className="button button-primary" disabled={pending}>
            {pending ? t('auth.loggingIn') : t('auth.login')}
          </button>
        </form>
      </main>
    </div>
  );
}
