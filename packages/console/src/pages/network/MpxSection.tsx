import type { MpxConnection, MpxDirection, MpxInvite } from '@peerlink/sdk';
import { type FormEvent, useId, useState } from 'react';
import { api, type Query } from '../../api';
import { CopyButton } from '../../components/CopyButton';
import { EmptyState } from '../../components/EmptyState';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { type MessageKey, useT } from '../../i18n';
import { ActionError, ApiErrorNotice, ConfirmDialog, StatusMessage, Time, useAction } from './ui';

const DIRECTIONS: readonly { value: MpxDirection; label: MessageKey; help: MessageKey }[] = [
  {
    value: 'bidirectional',
    label: 'page.network.mpx.direction.bidirectional',
    help: 'page.network.mpx.direction.bidirectional.help',
  },
  {
    value: 'egress',
    label: 'page.network.mpx.direction.egress',
    help: 'page.network.mpx.direction.egress.help',
  },
  {
    value: 'ingress',
    label: 'page.network.mpx.direction.ingress',
    help: 'page.network.mpx.direction.ingress.help',
  },
];

const DIRECTION_LABEL: Record<MpxDirection, MessageKey> = {
  bidirectional: 'page.network.mpx.direction.bidirectional',
  egress: 'page.network.mpx.direction.egress',
  ingress: 'page.network.mpx.direction.ingress',
};

const INVITE_STATUS: Record<MpxInvite['status'], MessageKey> = {
  open: 'page.network.mpx.invite.status.open',
  used: 'page.network.mpx.invite.status.used',
  revoked: 'page.network.mpx.invite.status.revoked',
  expired: 'page.network.mpx.invite.status.expired',
};

const CONNECTION_STATUS: Record<MpxConnection['status'], { label: MessageKey; hint: MessageKey }> = {
  established: {
    label: 'page.network.mpx.status.established',
    hint: 'page.network.mpx.status.established.hint',
  },
  'awaiting-remote': {
    label: 'page.network.mpx.status.awaitingRemote',
    hint: 'page.network.mpx.status.awaitingRemote.hint',
  },
  'awaiting-local': {
    label: 'page.network.mpx.status.awaitingLocal',
    hint: 'page.network.mpx.status.awaitingLocal.hint',
  },
  refused: {
    label: 'page.network.mpx.status.refused',
    hint: 'page.network.mpx.status.refused.hint',
  },
};

type ShownInvite = MpxInvite & { code: string };

/** MPX: generate an invite, enter the other side's, the invites and the connections (read by the page). */
export function MpxSection({
  invites,
  connections,
}: {
  invites: Query<{ invites: MpxInvite[] }>;
  connections: Query<{ connections: MpxConnection[] }>;
}) {
  const t = useT();
  const [shown, setShown] = useState<ShownInvite | undefined>();
  const [revoking, setRevoking] = useState<MpxInvite | undefined>();
  const [status, setStatus] = useState('');
  const showCode = useAction();
  const headingId = useId();

  const openInvites = (invites.data?.invites ?? []).filter((invite) => invite.status === 'open');

  const onGenerated = (invite: ShownInvite) => {
    setShown(invite);
    setStatus(t('page.network.mpx.generated', { id: invite.inviteId }));
    invites.reload();
  };

  const onShowCode = async (invite: MpxInvite) => {
    const full = await showCode.run(() => api.peerManager.getMpxInvite(invite.inviteId));
    if (full) setShown(full);
  };

  return (
    <section className="admin-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('page.network.mpx.title')}</h2>
      <p className="muted">{t('page.network.mpx.intro')}</p>
      <StatusMessage>{status}</StatusMessage>

      <div className="admin-grid">
        <GenerateInviteForm onGenerated={onGenerated} />
        <EnterInviteForm
          openInvites={openInvites}
          onEntered={(connection) => {
            setStatus(
              t('page.network.mpx.entered', {
                name: connection.name ?? connection.remoteEnrollmentId,
                status: t(CONNECTION_STATUS[connection.status].label),
              }),
            );
            connections.reload();
            invites.reload();
          }}
        />
      </div>

      {shown && <ShownInviteCode invite={shown} onHide={() => setShown(undefined)} />}

      <h3>{t('page.network.mpx.connections.title')}</h3>
      {connections.error !== undefined && (
        <ApiErrorNotice error={connections.error} onRetry={connections.reload} />
      )}
      {connections.data &&
        (connections.data.connections.length === 0 ? (
          <EmptyState title={t('page.network.empty.title')}>
            <p>{t('page.network.empty.body')}</p>
          </EmptyState>
        ) : (
          <ConnectionsTable connections={connections.data.connections} />
        ))}

      <h3>{t('page.network.mpx.invites.title')}</h3>
      <ActionError action={showCode} />
      {invites.error !== undefined && <ApiErrorNotice error={invites.error} onRetry={invites.reload} />}
      {invites.data &&
        (invites.data.invites.length === 0 ? (
          <p className="admin-empty">{t('page.network.mpx.invites.empty')}</p>
        ) : (
          <table className="admin-table">
            <caption className="visually-hidden">{t('page.network.mpx.invites.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('page.network.mpx.invites.id')}</th>
                <th scope="col">{t('page.network.mpx.direction')}</th>
                <th scope="col">{t('page.network.ui.status')}</th>
                <th scope="col">{t('page.network.mpx.invites.usedFor')}</th>
                <th scope="col">{t('page.network.ui.created')}</th>
                <th scope="col">{t('page.network.mpx.invites.expires')}</th>
                <th scope="col">{t('page.network.ui.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {invites.data.invites.map((invite) => (
                <tr key={invite.inviteId}>
                  <td data-label={t('page.network.mpx.invites.id')}>
                    <code>{invite.inviteId}</code>
                  </td>
                  <td data-label={t('page.network.mpx.direction')}>{t(DIRECTION_LABEL[invite.direction])}</td>
                  <td data-label={t('page.network.ui.status')}>
                    <span className={`admin-pill admin-pill-${invite.status === 'open' ? 'ok' : 'muted'}`}>
                      {t(INVITE_STATUS[invite.status])}
                    </span>
                  </td>
                  <td data-label={t('page.network.mpx.invites.usedFor')}>
                    {invite.usedFor ? <code>{invite.usedFor}</code> : '—'}
                  </td>
                  <td data-label={t('page.network.ui.created')}>
                    <Time value={invite.createdAt} />
                  </td>
                  <td data-label={t('page.network.mpx.invites.expires')}>
                    <Time value={invite.expiresAt} />
                  </td>
                  <td data-label={t('page.network.ui.actions')}>
                    {invite.status === 'open' ? (
                      <span className="admin-buttons">
                        <button
                          type="button"
                          className="button"
                          aria-label={t('page.network.mpx.invites.showCodeFor', { id: invite.inviteId })}
                          disabled={showCode.pending}
                          onClick={() => onShowCode(invite)}
                        >
                          {t('page.network.mpx.invites.showCode')}
                        </button>
                        <button
                          type="button"
                          className="button"
                          aria-label={t('page.network.mpx.invites.revokeFor', { id: invite.inviteId })}
                          onClick={() => setRevoking(invite)}
                        >
                          {t('page.network.mpx.invites.revoke')}
                        </button>
                      </span>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}

      {revoking && (
        <ConfirmDialog
          title={t('page.network.mpx.revoke.title', { id: revoking.inviteId })}
          confirmLabel={t('page.network.mpx.revoke.confirm')}
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await api.peerManager.revokeMpxInvite(revoking.inviteId);
            if (shown?.inviteId === revoking.inviteId) setShown(undefined);
            setStatus(t('page.network.mpx.revoked', { id: revoking.inviteId }));
            invites.reload();
          }}
        >
          <p>{t('page.network.mpx.revoke.body')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function GenerateInviteForm({ onGenerated }: { onGenerated: (invite: ShownInvite) => void }) {
  const t = useT();
  const [direction, setDirection] = useState<MpxDirection>('bidirectional');
  const [days, setDays] = useState('7');
  const action = useAction();
  const headingId = useId();
  const directionId = useId();
  const daysId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const expiresInDays = Number(days);
    const invite = await action.run(() =>
      api.peerManager.createMpxInvite({
        direction,
        ...(days.trim() !== '' && Number.isFinite(expiresInDays) ? { expiresInDays } : {}),
      }),
    );
    if (invite) onGenerated(invite);
  };

  const help = DIRECTIONS.find((d) => d.value === direction)!.help;
  return (
    <form className="form admin-card" aria-labelledby={headingId} onSubmit={submit}>
      <h3 id={headingId}>{t('page.network.mpx.generate.title')}</h3>
      <p className="muted small">{t('page.network.mpx.generate.intro')}</p>
      <SelectField
        label={t('page.network.mpx.direction')}
        id={directionId}
        value={direction}
        onChange={(value) => setDirection(value as MpxDirection)}
        hint={t(help)}
      >
        {DIRECTIONS.map((d) => (
          <option key={d.value} value={d.value}>
            {t(d.label)}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t('page.network.mpx.generate.days')}
        id={daysId}
        type="number"
        min={1}
        max={30}
        step={1}
        inputMode="numeric"
        value={days}
        onChange={setDays}
      />
      <ActionError action={action} />
      <div className="admin-buttons">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {t('page.network.mpx.generate.submit')}
        </button>
      </div>
    </form>
  );
}

function ShownInviteCode({ invite, onHide }: { invite: ShownInvite; onHide: () => void }) {
  const t = useT();
  const headingId = useId();
  const codeId = useId();
  return (
    <section className="admin-card admin-highlight" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('page.network.mpx.code.title', { id: invite.inviteId })}</h3>
      <p className="muted small">
        {t('page.network.mpx.code.summary', { direction: t(DIRECTION_LABEL[invite.direction]) })}{' '}
        <Time value={invite.expiresAt} />
      </p>
      <TextAreaField
        label={t('page.network.mpx.code.label')}
        id={codeId}
        className="admin-code"
        readOnly
        rows={4}
        value={invite.code}
        onFocus={(event) => event.currentTarget.select()}
      />
      <p className="admin-hint">{t('page.network.mpx.code.next')}</p>
      <div className="admin-buttons">
        <CopyButton text={invite.code} label={t('action.copyInviteCode')} />
        <button type="button" className="button" onClick={onHide}>
          {t('page.network.mpx.code.hide')}
        </button>
      </div>
    </section>
  );
}

function EnterInviteForm({
  openInvites,
  onEntered,
}: {
  openInvites: MpxInvite[];
  onEntered: (connection: MpxConnection) => void;
}) {
  const t = useT();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [inviteId, setInviteId] = useState('');
  const [missing, setMissing] = useState(false);
  const action = useAction();
  const headingId = useId();
  const codeId = useId();
  const nameId = useId();
  const inviteIdId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // Codes may arrive wrapped over several lines (mail): the server ignores line breaks.
    const cleaned = code.replace(/\s+/g, '');
    if (cleaned === '' || name.trim() === '') {
      setMissing(true);
      return;
    }
    setMissing(false);
    const connection = await action.run(() =>
      api.peerManager.enterMpxInvite({
        code: cleaned,
        name: name.trim(),
        ...(inviteId !== '' ? { inviteId } : {}),
      }),
    );
    if (connection) {
      setCode('');
      setName('');
      setInviteId('');
      onEntered(connection);
    }
  };

  return (
    <form className="form admin-card" aria-labelledby={headingId} onSubmit={submit} noValidate>
      <h3 id={headingId}>{t('page.network.mpx.enter.title')}</h3>
      <p className="muted small">{t('page.network.mpx.enter.intro')}</p>
      <TextAreaField
        label={t('page.network.mpx.enter.code')}
        id={codeId}
        className="admin-code"
        rows={3}
        required
        spellCheck={false}
        autoCapitalize="none"
        value={code}
        onChange={setCode}
      />
      <TextField
        label={t('page.network.mpx.enter.name')}
        id={nameId}
        required
        maxLength={200}
        value={name}
        placeholder={t('page.network.mpx.enter.namePlaceholder')}
        onChange={setName}
      />
      {openInvites.length > 1 && (
        <SelectField
          label={t('page.network.mpx.enter.invite')}
          id={inviteIdId}
          value={inviteId}
          onChange={setInviteId}
          hint={t('page.network.mpx.enter.inviteHelp')}
        >
          <option value="">{t('page.network.mpx.enter.inviteAuto')}</option>
          {openInvites.map((invite) => (
            <option key={invite.inviteId} value={invite.inviteId}>
              {invite.inviteId} ({t(DIRECTION_LABEL[invite.direction])})
            </option>
          ))}
        </SelectField>
      )}
      {missing && (
        <p className="notice notice-error" role="alert">
          {t('page.network.mpx.enter.missing')}
        </p>
      )}
      <ActionError action={action} />
      <div className="admin-buttons">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {t('page.network.mpx.enter.submit')}
        </button>
      </div>
    </form>
  );
}

function healthOf(connection: MpxConnection): 'ok' | 'failing' | 'unknown' {
  if (connection.health.lastError) return 'failing';
  if (connection.health.lastOkAt) return 'ok';
  return 'unknown';
}

const HEALTH_LABEL: Record<'ok' | 'failing' | 'unknown', MessageKey> = {
  ok: 'page.network.health.ok',
  failing: 'page.network.health.failing',
  unknown: 'page.network.health.unknown',
};

function ConnectionsTable({ connections }: { connections: MpxConnection[] }) {
  const t = useT();
  return (
    <table className="admin-table">
      <caption className="visually-hidden">{t('page.network.mpx.connections.title')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('page.network.remote')}</th>
          <th scope="col">{t('page.network.mpx.connections.name')}</th>
          <th scope="col">{t('page.network.ui.status')}</th>
          <th scope="col">{t('page.network.mpx.connections.directions')}</th>
          <th scope="col">{t('page.network.health')}</th>
          <th scope="col">{t('page.network.lastOk')}</th>
          <th scope="col">{t('page.network.lastError')}</th>
          <th scope="col">{t('page.network.mpx.connections.pending')}</th>
        </tr>
      </thead>
      <tbody>
        {connections.map((connection) => {
          const status = CONNECTION_STATUS[connection.status];
          const health = healthOf(connection);
          return (
            <tr key={connection.remoteEnrollmentId}>
              <td data-label={t('page.network.remote')}>
                <span className="admin-stack">
                  <span>{connection.remoteTitle ?? t('page.network.untitled')}</span>
                  <code className="small">{connection.remoteEnrollmentId}</code>
                  {connection.remoteAddress && (
                    <span className="muted small">{connection.remoteAddress}</span>
                  )}
                </span>
              </td>
              <td data-label={t('page.network.mpx.connections.name')}>{connection.name ?? '—'}</td>
              <td data-label={t('page.network.ui.status')}>
                <span className="admin-stack">
                  <span
                    className={`admin-pill admin-pill-${connection.status === 'established' ? 'ok' : connection.status === 'refused' ? 'bad' : 'warn'}`}
                  >
                    {t(status.label)}
                  </span>
                  <span className="muted small">{t(status.hint)}</span>
                </span>
              </td>
              <td data-label={t('page.network.mpx.connections.directions')}>
                {connection.localDirection ? t(DIRECTION_LABEL[connection.localDirection]) : '—'} /{' '}
                {connection.remoteDirection ? t(DIRECTION_LABEL[connection.remoteDirection]) : '—'}
              </td>
              <td data-label={t('page.network.health')}>
                <span
                  className={`admin-pill admin-pill-${health === 'ok' ? 'ok' : health === 'failing' ? 'bad' : 'muted'}`}
                >
                  {t(HEALTH_LABEL[health])}
                </span>
              </td>
              <td data-label={t('page.network.lastOk')}>
                <Time value={connection.health.lastOkAt} empty={t('page.network.never')} />
              </td>
              <td data-label={t('page.network.lastError')} className="admin-wrap">
                {connection.health.lastError ?? '—'}
              </td>
              <td data-label={t('page.network.mpx.connections.pending')}>
                {connection.health.pendingMessages}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
