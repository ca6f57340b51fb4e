import type { Space } from '@peerlink/sdk';
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { api, useApiQuery } from '../../api';
import { CopyButton } from '../../components/CopyButton';
import { TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { useT } from '../../i18n';
import { Link, navigate, useParams } from '../../router';
import { useUser } from '../../session';
import { ActionError, ApiErrorNotice, ConfirmDialog, StatusMessage, Time, useAction } from '../network/ui';

/** One space (`/spaces/:spaceId`): name and description, managers, deleting it. */
export function SpaceDetailPage() {
  const t = useT();
  const user = useUser();
  const { spaceId = '' } = useParams();
  const load = useCallback(() => api.peerlink.getSpace(spaceId), [spaceId]);
  const query = useApiQuery(load);
  // Changes answer the updated space: show it at once rather than reading it again.
  const [space, setSpace] = useState<Space | undefined>();
  useEffect(() => setSpace(query.data), [query.data]);
  const [status, setStatus] = useState('');
  const [deleting, setDeleting] = useState(false);

  const back = (
    <p>
      <Link to="/spaces">{t('page.spaces.back')}</Link>
    </p>
  );

  if (!space) {
    return (
      <Page title={t('page.spaces.detail.title')}>
        {back}
        {query.loading && <Loading />}
        {query.error !== undefined && <ApiErrorNotice error={query.error} onRetry={query.reload} />}
      </Page>
    );
  }

  const manages = space.managers.includes(user.userId);
  return (
    <Page
      title={space.name}
      {...(space.description ? { intro: space.description } : {})}
      actions={
        <Link className="button admin-link-button" to={`/data?space=${encodeURIComponent(space.spaceId)}`}>
          {t('page.spaces.openData')}
        </Link>
      }
    >
      {back}
      <StatusMessage>{status}</StatusMessage>
      <dl className="facts">
        <dt>{t('page.spaces.spaceId')}</dt>
        <dd className="admin-inline">
          <code>{space.spaceId}</code>{' '}
          <CopyButton text={space.spaceId} label={t('page.spaces.copySpaceId')} />
        </dd>
        <dt>{t('page.network.ui.created')}</dt>
        <dd>
          <Time value={space.createdAt} />
        </dd>
      </dl>

      <EditSpaceForm
        space={space}
        onSaved={(updated) => {
          setSpace(updated);
          setStatus(t('page.spaces.saved', { name: updated.name }));
        }}
      />

      <Managers
        space={space}
        manages={manages}
        onChanged={(updated, message) => {
          setSpace(updated);
          setStatus(message);
        }}
      />

      {user.isAdmin && (
        <section className="admin-section admin-card" aria-labelledby="space-delete-title">
          <h2 id="space-delete-title">{t('page.spaces.delete.title')}</h2>
          <p className="muted">{t('page.spaces.delete.intro')}</p>
          <button type="button" className="button admin-danger" onClick={() => setDeleting(true)}>
            {t('page.spaces.delete.submit')}
          </button>
        </section>
      )}

      {deleting && (
        <ConfirmDialog
          title={t('page.spaces.delete.confirmTitle', { name: space.name })}
          confirmLabel={t('page.network.ui.confirmDelete')}
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await api.peerlink.deleteSpace(space.spaceId);
            navigate('/spaces');
          }}
        >
          <p>{t('page.spaces.delete.body')}</p>
        </ConfirmDialog>
      )}
    </Page>
  );
}

function EditSpaceForm({ space, onSaved }: { space: Space; onSaved: (space: Space) => void }) {
  const t = useT();
  const [name, setName] = useState(space.name);
  const [description, setDescription] = useState(space.description);
  const action = useAction();
  const ids = { heading: useId(), name: useId(), description: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const changes: { name?: string; description?: string } = {};
    if (name.trim() !== space.name) changes.name = name.trim();
    if (description.trim() !== space.description) changes.description = description.trim();
    if (Object.keys(changes).length === 0) {
      onSaved(space);
      return;
    }
    const updated = await action.run(() => api.peerlink.updateSpace(space.spaceId, changes));
    if (updated) onSaved(updated);
  };

  return (
    <form className="form admin-card admin-section" aria-labelledby={ids.heading} onSubmit={submit}>
      <h2 id={ids.heading}>{t('page.spaces.edit.title')}</h2>
      <TextField
        label={t('page.spaces.name')}
        id={ids.name}
        required
        maxLength={64}
        value={name}
        onChange={setName}
      />
      <TextField
        label={t('page.network.ui.description')}
        id={ids.description}
        maxLength={200}
        value={description}
        onChange={setDescription}
      />
      <ActionError action={action} />
      <div className="admin-buttons">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {t('page.spaces.edit.submit')}
        </button>
      </div>
    </form>
  );
}

function Managers({
  space,
  manages,
  onChanged,
}: {
  space: Space;
  manages: boolean;
  onChanged: (space: Space, message: string) => void;
}) {
  const t = useT();
  const user = useUser();
  const [principal, setPrincipal] = useState('');
  const [missing, setMissing] = useState(false);
  const [removingSelf, setRemovingSelf] = useState(false);
  const add = useAction();
  const remove = useAction();
  const ids = { heading: useId(), formHeading: useId(), principal: useId() };

  const addManager = async (id: string) => {
    const updated = await add.run(() => api.peerlink.addSpaceManager(space.spaceId, id));
    if (updated) {
      setPrincipal('');
      onChanged(updated, t('page.spaces.managers.added', { id }));
    }
  };

  const removeManager = async (id: string) => {
    const updated = await api.peerlink.removeSpaceManager(space.spaceId, id);
    onChanged(updated, t('page.spaces.managers.removed', { id }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const id = principal.trim();
    if (id === '') {
      setMissing(true);
      return;
    }
    setMissing(false);
    await addManager(id);
  };

  const last = space.managers.length <= 1;
  return (
    <section className="admin-section" aria-labelledby={ids.heading}>
      <h2 id={ids.heading}>{t('page.spaces.managers')}</h2>
      <p className="muted">{t('page.spaces.managers.intro')}</p>
      <ActionError action={remove} />
      <ul className="admin-list">
        {space.managers.map((id) => (
          <li key={id}>
            <code>{id}</code>
            {id === user.userId && <span className="badge">{t('page.spaces.managers.you')}</span>}
            <button
              type="button"
              className="button"
              aria-label={t('page.spaces.managers.removeFor', { id })}
              disabled={last || remove.pending}
              onClick={() => {
                if (id === user.userId) setRemovingSelf(true);
                else void remove.run(() => removeManager(id));
              }}
            >
              {t('page.network.ui.remove')}
            </button>
          </li>
        ))}
      </ul>
      {last && <p className="admin-hint">{t('page.spaces.managers.last')}</p>}

      <form className="form admin-card" aria-labelledby={ids.formHeading} onSubmit={submit} noValidate>
        <h3 id={ids.formHeading}>{t('page.spaces.managers.addTitle')}</h3>
        <TextField
          label={t('page.spaces.managers.principal')}
          id={ids.principal}
          required
          spellCheck={false}
          autoCapitalize="none"
          value={principal}
          placeholder="usr-…"
          onChange={setPrincipal}
          hint={t('page.spaces.managers.principalHelp')}
        />
        {missing && (
          <p className="notice notice-error" role="alert">
            {t('page.spaces.managers.missing')}
          </p>
        )}
        <ActionError action={add} />
        <div className="admin-buttons">
          <button type="submit" className="button button-primary" disabled={add.pending}>
            {t('page.spaces.managers.add')}
          </button>
          {!manages && user.isAdmin && (
            <button
              type="button"
              className="button"
              disabled={add.pending}
              onClick={() => addManager(user.userId)}
            >
              {t('page.spaces.managers.addMe')}
            </button>
          )}
        </div>
      </form>

      {removingSelf && (
        <ConfirmDialog
          title={t('page.spaces.managers.removeSelf.title')}
          confirmLabel={t('page.spaces.managers.removeSelf.confirm')}
          onClose={() => setRemovingSelf(false)}
          onConfirm={async () => {
            await removeManager(user.userId);
            if (!user.isAdmin) navigate('/spaces');
          }}
        >
          <p>
            {t(
              user.isAdmin ? 'page.spaces.managers.removeSelf.admin' : 'page.spaces.managers.removeSelf.body',
            )}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
