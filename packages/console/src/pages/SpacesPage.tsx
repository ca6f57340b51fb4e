import type { Space } from '@peerlink/sdk';
import { type FormEvent, useId, useState } from 'react';
import { api, useApiQuery } from '../api';
import { CopyButton } from '../components/CopyButton';
import { EmptyState } from '../components/EmptyState';
import { TextField } from '../components/Field';
import { Loading } from '../components/Loading';
import { Page } from '../components/Page';
import { useT } from '../i18n';
import { Link } from '../router';
import { useUser } from '../session';
import { ActionError, ApiErrorNotice, parseIdList, StatusMessage, Time, useAction } from './network/ui';
import { loadAllSpaces, spacePath } from './spaces/load';

/** Spaces: the list (administrators see all, others the spaces they manage), and creating one. */
export function SpacesPage() {
  const t = useT();
  const user = useUser();
  const spaces = useApiQuery(loadAllSpaces);
  const [created, setCreated] = useState<Space | undefined>();
  const headingId = useId();

  return (
    <Page title={t('term.spaces')} intro={t('page.spaces.intro')}>
      <StatusMessage>
        {created && (
          <>
            {t('page.spaces.created', { name: created.name })}{' '}
            <Link to={spacePath(created.spaceId)}>{t('page.spaces.open', { name: created.name })}</Link>
          </>
        )}
      </StatusMessage>
      <section className="admin-section" aria-labelledby={headingId}>
        <h2 id={headingId} className="visually-hidden">
          {t('page.spaces.list.title')}
        </h2>
        {spaces.loading && spaces.data === undefined && <Loading />}
        {spaces.error !== undefined && <ApiErrorNotice error={spaces.error} onRetry={spaces.reload} />}
        {spaces.data &&
          (spaces.data.length === 0 ? (
            <EmptyState title={t('page.spaces.empty.title')}>
              {user.isAdmin ? (
                <p>{t('page.spaces.empty.admin')}</p>
              ) : (
                <>
                  <p>{t('page.spaces.empty.member')}</p>
                  <p className="admin-inline">
                    <span>{t('page.spaces.yourId')}</span> <code>{user.userId}</code>{' '}
                    <CopyButton text={user.userId} label={t('page.spaces.copyUserId')} />
                  </p>
                </>
              )}
            </EmptyState>
          ) : (
            <table className="admin-table">
              <caption className="visually-hidden">{t('page.spaces.list.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('page.spaces.name')}</th>
                  <th scope="col">{t('page.network.ui.description')}</th>
                  <th scope="col">{t('page.spaces.managers')}</th>
                  <th scope="col">{t('page.network.ui.created')}</th>
                </tr>
              </thead>
              <tbody>
                {spaces.data.map((space) => (
                  <tr key={space.spaceId}>
                    <td data-label={t('page.spaces.name')}>
                      <span className="admin-stack">
                        <Link to={spacePath(space.spaceId)}>{space.name}</Link>
                        <code className="small">{space.spaceId}</code>
                      </span>
                    </td>
                    <td data-label={t('page.network.ui.description')}>{space.description || '—'}</td>
                    <td data-label={t('page.spaces.managers')}>
                      <span className="admin-stack">
                        <span>{t('page.spaces.managerCount', { count: space.managers.length })}</span>
                        {space.managers.includes(user.userId) && (
                          <span className="badge">{t('page.spaces.youManage')}</span>
                        )}
                      </span>
                    </td>
                    <td data-label={t('page.network.ui.created')}>
                      <Time value={space.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
      </section>
      {user.isAdmin ? (
        <CreateSpaceForm
          onCreated={(space) => {
            setCreated(space);
            spaces.reload();
          }}
        />
      ) : (
        <p className="notice" role="note">
          {t('page.spaces.adminCreates')}
        </p>
      )}
    </Page>
  );
}

function CreateSpaceForm({ onCreated }: { onCreated: (space: Space) => void }) {
  const t = useT();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [managers, setManagers] = useState('');
  const [missing, setMissing] = useState(false);
  const action = useAction();
  const ids = { heading: useId(), name: useId(), description: useId(), managers: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') {
      setMissing(true);
      return;
    }
    setMissing(false);
    const others = parseIdList(managers);
    const space = await action.run(() =>
      api.peerlink.createSpace({
        name: name.trim(),
        ...(description.trim() !== '' ? { description: description.trim() } : {}),
        ...(others.length > 0 ? { managers: others } : {}),
      }),
    );
    if (space) {
      setName('');
      setDescription('');
      setManagers('');
      onCreated(space);
    }
  };

  return (
    <form
      className="form admin-card admin-section"
      aria-labelledby={ids.heading}
      onSubmit={submit}
      noValidate
    >
      <h2 id={ids.heading}>{t('page.spaces.create.title')}</h2>
      <TextField
        label={t('page.spaces.name')}
        id={ids.name}
        required
        maxLength={64}
        value={name}
        onChange={setName}
      />
      <TextField
        label={t('page.network.ui.descriptionOptional')}
        id={ids.description}
        maxLength={200}
        value={description}
        onChange={setDescription}
      />
      <TextField
        label={t('page.spaces.create.managers')}
        id={ids.managers}
        spellCheck={false}
        autoCapitalize="none"
        value={managers}
        onChange={setManagers}
        hint={t('page.spaces.create.managersHelp')}
      />
      {missing && (
        <p className="notice notice-error" role="alert">
          {t('page.spaces.nameMissing')}
        </p>
      )}
      <ActionError action={action} />
      <div className="admin-buttons">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {t('page.spaces.create.submit')}
        </button>
      </div>
    </form>
  );
}
