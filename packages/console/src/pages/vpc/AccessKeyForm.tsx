import { type FormEvent, useId, useState } from 'react';
import { useT } from '../../i18n';
import { useUser } from '../../session';
import { canSign, clientsFor, saveAccessKey } from './access-key';
import { BceErrorNotice } from './BceErrorNotice';

/**
 * "Use access key": the account's AK/SK, checked with `GET /api/v1/whoami` (signed) before it is
 * kept in this tab's sessionStorage.
 */
export function AccessKeyForm() {
  const t = useT();
  const user = useUser();
  const id = useId();
  const [ak, setAk] = useState('');
  const [sk, setSk] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const signing = canSign();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const credentials = { ak: ak.trim(), sk: sk.trim() };
    if (!credentials.ak || !credentials.sk) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setBusy(true);
    setError(undefined);
    try {
      const who = await clientsFor(credentials).peerlink.whoami();
      saveAccessKey({ ...credentials, ...who, userId: user.userId });
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <section className="vpc-card vpc-key" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('page.vpc.key.title')}</h2>
      <p>{t('page.vpc.key.why')}</p>
      <p className="muted">{t('page.vpc.key.where')}</p>
      {!signing && (
        <div className="notice notice-error" role="alert">
          <p className="notice-title">{t('page.vpc.key.insecure.title')}</p>
          <p>{t('page.vpc.key.insecure.body')}</p>
        </div>
      )}
      <form className="form" onSubmit={submit} noValidate aria-describedby={`${id}-storage`}>
        <label className="field">
          {t('page.vpc.key.ak')}
          <input
            name="accessKeyId"
            value={ak}
            onChange={(e) => setAk(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="off"
            aria-invalid={missing && !ak.trim() ? true : undefined}
            disabled={!signing}
          />
        </label>
        <label className="field">
          {t('page.vpc.key.sk')}
          <input
            name="secretAccessKey"
            type="password"
            value={sk}
            onChange={(e) => setSk(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={missing && !sk.trim() ? true : undefined}
            disabled={!signing}
          />
        </label>
        <p id={`${id}-storage`} className="vpc-hint">
          {t('page.vpc.key.storage')}
        </p>
        {missing && (
          <p className="vpc-field-error" role="alert">
            {t('page.vpc.key.missing')}
          </p>
        )}
        {error !== undefined && <BceErrorNotice error={error} />}
        <div>
          <button type="submit" className="button button-primary" disabled={busy || !signing}>
            {busy ? t('page.vpc.key.checking') : t('page.vpc.key.use')}
          </button>
        </div>
      </form>
      <p className="muted small">{t('page.vpc.key.noKey')}</p>
      <pre className="command">
        <code>peerlink accounts create --name team-a</code>
      </pre>
    </section>
  );
}
