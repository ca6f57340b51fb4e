import type { Marking } from '@peerlink/sdk';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../api';
import { Dialog } from '../../components/Dialog';
import { TextAreaField, TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { useT } from '../../i18n';
import { useUser } from '../../session';
import { ActionError, ApiErrorNotice, parseIdList, StatusMessage, Time, useAction } from '../network/ui';

/**
 * The enrollment's markings: administrators see them all, create them and set their members; anyone
 * else is listed only the markings it holds (the server filters, R25).
 */
export function MarkingsPanel({
  markings,
  error,
  loading,
  reload,
}: {
  markings: readonly Marking[] | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}) {
  const t = useT();
  const user = useUser();
  const [editing, setEditing] = useState<Marking | undefined>();
  const [status, setStatus] = useState('');

  return (
    <div>
      <h2>{t('page.data.markings.title')}</h2>
      <p className="muted">{t('page.data.markings.intro')}</p>
      <StatusMessage>{status}</StatusMessage>
      {loading && markings === undefined && <Loading />}
      {error !== undefined && <ApiErrorNotice error={error} onRetry={reload} />}
      {markings &&
        (markings.length === 0 ? (
          <p className="admin-empty">
            {t(user.isAdmin ? 'page.data.markings.empty.admin' : 'page.data.markings.empty.member')}
          </p>
        ) : (
          <table className="admin-table">
            <caption className="visually-hidden">{t('page.data.markings.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('page.data.markings.name')}</th>
                <th scope="col">{t('page.network.ui.description')}</th>
                <th scope="col">{t('page.data.markings.origin')}</th>
                <th scope="col">{t('page.data.markings.members')}</th>
                <th scope="col">{t('page.network.ui.created')}</th>
                {user.isAdmin && <th scope="col">{t('page.network.ui.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {markings.map((marking) => (
                <tr key={marking.name}>
                  <td data-label={t('page.data.markings.name')}>
                    <code>{marking.name}</code>
                  </td>
                  <td data-label={t('page.network.ui.description')}>{marking.description || '—'}</td>
                  <td data-label={t('page.data.markings.origin')}>
                    {marking.origin === 'local' ? t('page.data.markings.local') : marking.origin}
                  </td>
                  <td data-label={t('page.data.markings.members')} className="admin-wrap">
                    {marking.members.length === 0 ? (
                      t('page.data.markings.noMembers')
                    ) : (
                      <ul className="admin-plain">
                        {marking.members.map((member) => (
                          <li key={member}>
                            <code>{member}</code>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td data-label={t('page.network.ui.created')}>
                    <Time value={marking.createdAt} />
                  </td>
                  {user.isAdmin && (
                    <td data-label={t('page.network.ui.actions')}>
                      <button
                        type="button"
                        className="button"
                        aria-label={t('page.data.markings.editMembersFor', { name: marking.name })}
                        onClick={() => setEditing(marking)}
                      >
                        {t('page.data.markings.editMembers')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        ))}

      {user.isAdmin ? (
        <CreateMarkingForm
          onCreated={(marking) => {
            setStatus(t('page.data.markings.created', { name: marking.name }));
            reload();
          }}
        />
      ) : (
        <p className="notice" role="note">
          {t('page.data.markings.adminOnly')}
        </p>
      )}

      {editing && (
        <MembersDialog
          marking={editing}
          onClose={() => setEditing(undefined)}
          onSaved={(marking) => {
            setEditing(undefined);
            setStatus(t('page.data.markings.membersSaved', { name: marking.name }));
            reload();
          }}
        />
      )}
    </div>
  );
}

function CreateMarkingForm({ onCreated }: { onCreated: (marking: Marking) => void }) {
  const t = useT();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [missing, setMissing] = useState(false);
  const action = useAction();
  const ids = { heading: useId(), name: useId(), description: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') {
      setMissing(true);
      return;
    }
    setMissing(false);
    const marking = await action.run(() =>
      api.spaceData.createMarking({
        name: name.trim(),
        ...(description.trim() !== '' ? { description: description.trim() } : {}),
      }),
    );
    if (marking) {
      setName('');
      setDescription('');
      onCreated(marking);
    }
  };

  return (
    <form
      className="form admin-card admin-section"
      aria-labelledby={ids.heading}
      onSubmit={submit}
      noValidate
    >
      <h3 id={ids.heading}>{t('page.data.markings.create.title')}</h3>
      <TextField
        label={t('page.data.markings.create.name')}
        id={ids.name}
        required
        spellCheck={false}
        autoCapitalize="none"
        value={name}
        placeholder="NOFORN"
        onChange={setName}
      />
      <TextField
        label={t('page.network.ui.descriptionOptional')}
        id={ids.description}
        value={description}
        onChange={setDescription}
      />
      {missing && (
        <p className="notice notice-error" role="alert">
          {t('page.data.markings.create.missing')}
        </p>
      )}
      <ActionError action={action} />
      <div className="admin-buttons">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {t('page.data.markings.create.submit')}
        </button>
      </div>
    </form>
  );
}

function MembersDialog({
  marking,
  onClose,
  onSaved,
}: {
  marking: Marking;
  onClose: () => void;
  onSaved: (marking: Marking) => void;
}) {
  const t = useT();
  const [members, setMembers] = useState(marking.members.join('\n'));
  const action = useAction();
  const ids = { members: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const saved = await action.run(() => api.spaceData.setMarkingMembers(marking.name, parseIdList(members)));
    if (saved) onSaved(saved);
  };

  return (
    <Dialog title={t('page.data.markings.members.title', { name: marking.name })} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <TextAreaField
          label={t('page.data.markings.members')}
          id={ids.members}
          className="admin-textarea"
          rows={5}
          spellCheck={false}
          autoCapitalize="none"
          value={members}
          onChange={setMembers}
          hint={t('page.data.markings.members.help')}
        />
        <ActionError action={action} />
        <div className="admin-buttons">
          <button type="submit" className="button button-primary" disabled={action.pending}>
            {t('page.data.markings.members.save')}
          </button>
          <button type="button" className="button" onClick={onClose}>
            {t('page.network.ui.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
