import type { EnrollmentInfo } from '@peerlink/sdk';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../api';
import { TextField } from '../../components/Field';
import { useT } from '../../i18n';
import { ActionError, useAction } from '../network/ui';

/** Administrators: the platform title peers see (required before any peer request). */
export function PlatformTitleForm({
  current,
  onSaved,
}: {
  current: string | null;
  onSaved: (enrollment: EnrollmentInfo) => void;
}) {
  const t = useT();
  const [title, setTitle] = useState(current ?? '');
  const [missing, setMissing] = useState(false);
  const action = useAction();
  const ids = { heading: useId(), title: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (title.trim() === '') {
      setMissing(true);
      return;
    }
    setMissing(false);
    const saved = await action.run(() => api.peerlink.setPlatformTitle(title.trim()));
    if (saved) {
      setTitle(saved.platformTitle ?? '');
      onSaved(saved);
    }
  };

  return (
    <form className="form admin-card" aria-labelledby={ids.heading} onSubmit={submit} noValidate>
      <h3 id={ids.heading}>{t('page.settings.title.form')}</h3>
      <TextField
        label={t('term.platformTitle')}
        id={ids.title}
        required
        maxLength={200}
        value={title}
        placeholder={t('page.settings.title.placeholder')}
        onChange={setTitle}
        hint={t('page.settings.title.help')}
      />
      {missing && (
        <p className="notice notice-error" role="alert">
          {t('page.settings.title.missing')}
        </p>
      )}
      <ActionError action={action} />
      <div className="admin-buttons">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {t('page.settings.title.submit')}
        </button>
      </div>
    </form>
  );
}
