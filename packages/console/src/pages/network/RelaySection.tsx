import type { RelayChannel } from '@peerlink/sdk';
import { type FormEvent, useId, useState } from 'react';
import { api, type Query } from '../../api';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { type MessageKey, useT } from '../../i18n';
import { ActionError, ApiErrorNotice, ConfirmDialog, StatusMessage, Time, useAction } from './ui';

const DIRECTION_LABEL: Record<RelayChannel['direction'], MessageKey> = {
  export: 'page.network.relay.direction.export',
  import: 'page.network.relay.direction.import',
};

/** Data relay: one-way file channels, created with the other side's identity card (read by the page). */
export function RelaySection({ channels }: { channels: Query<{ channels: RelayChannel[] }> }) {
  const t = useT();
  const [deleting, setDeleting] = useState<RelayChannel | undefined>();
  const [status, setStatus] = useState('');
  const headingId = useId();

  return (
    <section className="admin-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('page.network.relay.title')}</h2>
      <p className="muted">{t('page.network.relay.intro')}</p>
      <StatusMessage>{status}</StatusMessage>

      <CreateChannelForm
        onCreated={(channel) => {
          setStatus(t('page.network.relay.created', { name: channel.name }));
          channels.reload();
        }}
      />

      <h3>{t('page.network.relay.list.title')}</h3>
      {channels.error !== undefined && <ApiErrorNotice error={channels.error} onRetry={channels.reload} />}
      {channels.data &&
        (channels.data.channels.length === 0 ? (
          <p className="admin-empty">{t('page.network.relay.empty')}</p>
        ) : (
          <table className="admin-table">
            <caption className="visually-hidden">{t('page.network.relay.list.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('page.network.relay.name')}</th>
                <th scope="col">{t('page.network.remote')}</th>
                <th scope="col">{t('page.network.relay.direction')}</th>
                <th scope="col">{t('page.network.relay.path')}</th>
                <th scope="col">{t('page.network.health')}</th>
                <th scope="col">{t('page.network.relay.counts')}</th>
                <th scope="col">{t('page.network.lastOk')}</th>
                <th scope="col">{t('page.network.ui.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {channels.data.channels.map((channel) => (
                <tr key={channel.channelId}>
                  <td data-label={t('page.network.relay.name')}>
                    <span className="admin-stack">
                      <span>{channel.name}</span>
                      <code className="small">{channel.channelId}</code>
                    </span>
                  </td>
                  <td data-label={t('page.network.remote')}>
                    <span className="admin-stack">
                      <span>{channel.remoteTitle ?? t('page.network.untitled')}</span>
                      <code className="small">{channel.remoteEnrollmentId}</code>
                    </span>
                  </td>
                  <td data-label={t('page.network.relay.direction')}>
                    {t(DIRECTION_LABEL[channel.direction])}
                  </td>
                  <td data-label={t('page.network.relay.path')} className="admin-wrap">
                    <code>{channel.path}</code>
                  </td>
                  <td data-label={t('page.network.health')}>
                    <span className="admin-stack">
                      <span
                        className={`admin-pill admin-pill-${channel.health === 'healthy' ? 'ok' : 'bad'}`}
                      >
                        {t(
                          channel.health === 'healthy'
                            ? 'page.network.relay.health.healthy'
                            : 'page.network.relay.health.unhealthy',
                        )}
                      </span>
                      {channel.healthReason && (
                        <span className="small admin-wrap">{channel.healthReason}</span>
                      )}
                    </span>
                  </td>
                  <td data-label={t('page.network.relay.counts')}>
                    {t('page.network.relay.countsValue', {
                      messages: channel.messages,
                      waiting: channel.waiting,
                      rejected: channel.rejected,
                    })}
                  </td>
                  <td data-label={t('page.network.lastOk')}>
                    <Time value={channel.lastOkAt} empty={t('page.network.never')} />
                  </td>
                  <td data-label={t('page.network.ui.actions')}>
                    <button
                      type="button"
                      className="button"
                      aria-label={t('page.network.relay.deleteFor', { name: channel.name })}
                      onClick={() => setDeleting(channel)}
                    >
                      {t('page.network.ui.delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}

      {deleting && (
        <ConfirmDialog
          title={t('page.network.relay.delete.title', { name: deleting.name })}
          confirmLabel={t('page.network.ui.confirmDelete')}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await api.peerManager.deleteRelayChannel(deleting.channelId);
            setStatus(t('page.network.relay.deleted', { name: deleting.name }));
            channels.reload();
          }}
        >
          <p>{t('page.network.relay.delete.body')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function CreateChannelForm({ onCreated }: { onCreated: (channel: RelayChannel) => void }) {
  const t = useT();
  const [name, setName] = useState('');
  const [card, setCard] = useState('');
  const [direction, setDirection] = useState<RelayChannel['direction']>('export');
  const [path, setPath] = useState('');
  const [missing, setMissing] = useState(false);
  const action = useAction();
  const ids = { heading: useId(), name: useId(), card: useId(), direction: useId(), path: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const remoteIdentity = card.replace(/\s+/g, '');
    if (name.trim() === '' || remoteIdentity === '' || path.trim() === '') {
      setMissing(true);
      return;
    }
    setMissing(false);
    const channel = await action.run(() =>
      api.peerManager.createRelayChannel({
        name: name.trim(),
        remoteIdentity,
        direction,
        path: path.trim(),
        transport: 'file',
      }),
    );
    if (channel) {
      setName('');
      setPath('');
      onCreated(channel);
    }
  };

  return (
    <form className="form admin-card" aria-labelledby={ids.heading} onSubmit={submit} noValidate>
      <h3 id={ids.heading}>{t('page.network.relay.create.title')}</h3>
      <p className="muted small">{t('page.network.relay.create.intro')}</p>
      <TextField
        label={t('page.network.relay.create.name')}
        id={ids.name}
        required
        value={name}
        placeholder={t('page.network.relay.create.namePlaceholder')}
        onChange={setName}
      />
      <TextAreaField
        label={t('page.network.relay.create.card')}
        id={ids.card}
        className="admin-code"
        rows={3}
        required
        spellCheck={false}
        autoCapitalize="none"
        value={card}
        onChange={setCard}
      />
      <SelectField
        label={t('page.network.relay.create.direction')}
        id={ids.direction}
        value={direction}
        onChange={(value) => setDirection(value as RelayChannel['direction'])}
        hint={t(
          direction === 'export'
            ? 'page.network.relay.direction.export.help'
            : 'page.network.relay.direction.import.help',
        )}
      >
        <option value="export">{t('page.network.relay.direction.export')}</option>
        <option value="import">{t('page.network.relay.direction.import')}</option>
      </SelectField>
      <TextField
        label={t('page.network.relay.create.path')}
        id={ids.path}
        required
        spellCheck={false}
        autoCapitalize="none"
        value={path}
        placeholder="/srv/cds/to-bravo"
        onChange={setPath}
        hint={t('page.network.relay.create.pathHelp')}
      />
      {missing && (
        <p className="notice notice-error" role="alert">
          {t('page.network.relay.create.missing')}
        </p>
      )}
      <ActionError action={action} />
      <div className="admin-buttons">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {t('page.network.relay.create.submit')}
        </button>
      </div>
    </form>
  );
}
