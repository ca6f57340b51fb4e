import { type FormEvent, useId, useState } from 'react';
import { api } from '../../api';
import { TextField } from '../../components/Field';
import { type MessageKey, useT } from '../../i18n';
import { ActionError, useAction } from '../network/ui';

/** The server refuses shorter passwords (PasswordTooShort); said here before asking it. */
const MIN_PASSWORD = 12;

/** The signed-in user's own password; the current one is asked. Other sessions end, this one stays. */
export function ChangePasswordForm({ userId, onChanged }: { userId: string; onChanged: () => void }) {
  const t = useT();
  const [currentPassword, setCurrentPassword] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<MessageKey | undefined>();
  const action = useAction();
  const ids = { heading: useId(), current: useId(), next: useId(), repeat: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let found: MessageKey | undefined;
    if (currentPassword === '' || password === '') found = 'page.settings.password.problem.missing';
    else if (password.length < MIN_PASSWORD) found = 'page.settings.password.problem.short';
    else if (password !== repeat) found = 'page.settings.password.problem.mismatch';
    setProblem(found);
    if (found) return;
    const done = await action.run(async () => {
      await api.peerlink.setPassword(userId, { password, currentPassword });
      return true;
    });
    setCurrentPassword('');
    if (done) {
      setPassword('');
      setRepeat('');
      onChanged();
    }
  };

  return (
    <form className="form admin-card" aria-labelledby={ids.heading} onSubmit={submit} noValidate>
      <h3 id={ids.heading}>{t('page.settings.password.title')}</h3>
      <p className="muted small">{t('page.settings.password.intro')}</p>
      <TextField
        label={t('page.settings.password.current')}
        id={ids.current}
        type="password"
        autoComplete="current-password"
        required
        value={currentPassword}
        onChange={setCurrentPassword}
      />
      <TextField
        label={t('page.settings.password.new')}
        id={ids.next}
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD}
        value={password}
        onChange={setPassword}
        hint={t('page.settings.password.help', { min: MIN_PASSWORD })}
      />
      <TextField
        label={t('page.settings.password.repeat')}
        id={ids.repeat}
        type="password"
        autoComplete="new-password"
        required
        value={repeat}
        onChange={setRepeat}
      />
      {problem && (
        <p className="notice notice-error" role="alert">
          {t(problem, { min: MIN_PASSWORD })}
        </p>
      )}
      <ActionError action={action} />
      <div className="admin-buttons">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {t('page.settings.password.submit')}
        </button>
      </div>
    </form>
  );
}
