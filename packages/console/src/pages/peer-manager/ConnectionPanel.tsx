import type { ChangeRequestInfo, PeerConnectionInfo, Space } from '@peerlink/sdk';
import { type KeyboardEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { api } from '../../api';
import { Dialog } from '../../components/Dialog';
import { Loading } from '../../components/Loading';
import { usePolledQuery } from '../../components/usePolledQuery';
import { type MessageKey, useT } from '../../i18n';
import { ChangeSummary, DecideButtons } from './ChangeRequests';
import { InviteCodeField } from './fields';
import { POLL_INTERVAL_MS, ROLE_LABEL, remoteName, StatusBadge, TRANSPORT_LABEL, useFormat } from './format';
import { PeerErrorNotice } from './PeerErrorNotice';
import { ReplicationOverview } from './ReplicationOverview';
import { SetSecurityDialog } from './SetSecurityDialog';

type Tab = 'details' | 'overview';
type Connection = PeerConnectionInfo & { changeRequests: ChangeRequestInfo[] };
type Action = 'activate' | 'disable' | 'enable' | 'delete';

const DONE: Record<Action, MessageKey> = {
  activate: 'page.peerManager.panel.activated',
  disable: 'page.peerManager.panel.disabled',
  enable: 'page.peerManager.panel.enabled',
  delete: 'page.peerManager.panel.deleted',
};

/**
 * One connection's right-hand panel (full screen on phones): its details and pending changes, its
 * replication "Overview", and its actions along the bottom, "Activate" in the lower right corner
 * (the originator, once the other side approved). Live: it asks again every 2 s. Escape closes it.
 */
export function ConnectionPanel({
  connectionId,
  spaces,
  markings,
  onClose,
  onChanged,
}: {
  connectionId: string;
  spaces: ReadonlyMap<string, Space>;
  markings: readonly string[];
  onClose: () => void;
  /** Something changed here: the home page asks again. */
  onChanged: () => void;
}) {
  const t = useT();
  const load = useCallback(() => api.peerManager.getPeerConnection(connectionId), [connectionId]);
  const polled = usePolledQuery(load, { intervalMs: POLL_INTERVAL_MS });
  const [tab, setTab] = useState<Tab>('details');
  const [busy, setBusy] = useState<Action>();
  const [actionError, setActionError] = useState<unknown>();
  const [notice, setNotice] = useState<{ key: MessageKey; remote?: string }>();
  const [dialog, setDialog] = useState<'delete' | 'security'>();
  const root = useRef<HTMLElement>(null);
  const headingId = useId();
  const tabIds = { details: useId(), overview: useId(), panel: useId() };
  const tabRefs = { details: useRef<HTMLButtonElement>(null), overview: useRef<HTMLButtonElement>(null) };

  // Opening (or switching to) a connection takes focus into the panel.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs for each connection shown.
  useEffect(() => {
    root.current?.focus();
    setTab('details');
    setNotice(undefined);
    setActionError(undefined);
  }, [connectionId]);

  const act = async (action: Action, call: () => Promise<unknown>) => {
    setBusy(action);
    setActionError(undefined);
    setNotice(undefined);
    try {
      await call();
      setNotice({ key: DONE[action] });
      polled.refresh();
      onChanged();
    } catch (failure) {
      setActionError(failure);
    } finally {
      setBusy(undefined);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      onClose();
    }
  };

  const onTabKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    event.preventDefault();
    const next: Tab =
      event.key === 'Home'
        ? 'details'
        : event.key === 'End'
          ? 'overview'
          : tab === 'details'
            ? 'overview'
            : 'details';
    setTab(next);
    tabRefs[next].current?.focus();
  };

  const c = polled.data;
  const pendingChanges = c?.changeRequests.filter((change) => change.state === 'pending') ?? [];

  return (
    <aside
      ref={root}
      className="pm-panel"
      aria-labelledby={headingId}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      data-testid="connection-panel"
    >
      <div className="pm-panel-header">
        <div className="pm-panel-title">
          <h2 id={headingId} className="pm-panel-heading">
            {c ? remoteName(c) : t('page.peerManager.panel.loadingTitle')}
          </h2>
          {c && (
            <p className="small muted pm-panel-subtitle">
              <code>{c.remote.enrollmentId}</code>
            </p>
          )}
        </div>
        {c && <StatusBadge status={c.status} />}
        <button
          type="button"
          className="button pm-icon-button"
          onClick={onClose}
          aria-label={t('page.peerManager.panel.close')}
        >
          <span aria-hidden="true">×</span>
        </button>
      </div>

      <div className="pm-tabs" role="tablist" aria-label={t('page.peerManager.panel.tabs')}>
        {(['details', 'overview'] as const).map((name) => (
          <button
            key={name}
            ref={tabRefs[name]}
            id={tabIds[name]}
            type="button"
            role="tab"
            className="pm-tab"
            aria-selected={tab === name}
            aria-controls={tabIds.panel}
            tabIndex={tab === name ? 0 : -1}
            onClick={() => setTab(name)}
            onKeyDown={onTabKeyDown}
          >
            {t(
              name === 'details' ? 'page.peerManager.panel.detailsTab' : 'page.peerManager.panel.overviewTab',
            )}
          </button>
        ))}
      </div>

      <div className="pm-panel-body" role="tabpanel" id={tabIds.panel} aria-labelledby={tabIds[tab]}>
        {polled.loading && !c && <Loading />}
        {polled.error !== undefined && <PeerErrorNotice error={polled.error} onRetry={polled.refresh} />}
        {c && tab === 'details' && (
          <ConnectionDetails
            connection={c}
            space={spaces.get(c.spaceId)}
            pendingChanges={pendingChanges}
            onDecided={() => {
              polled.refresh();
              onChanged();
            }}
          />
        )}
        {c && tab === 'overview' && <ReplicationOverview connectionId={c.connectionId} spaceId={c.spaceId} />}
      </div>

      {c && (
        <div className="pm-panel-footer">
          {actionError !== undefined && <PeerErrorNotice error={actionError} reveal />}
          <p role="status" className="pm-panel-notice">
            {notice && t(notice.key, notice.remote === undefined ? undefined : { remote: notice.remote })}
          </p>
          <PanelActions
            connection={c}
            busy={busy}
            changePending={pendingChanges.length > 0}
            onActivate={() => act('activate', () => api.peerManager.activate(c.connectionId))}
            onDisable={() => act('disable', () => api.peerManager.disable(c.connectionId))}
            onEnable={() => act('enable', () => api.peerManager.enable(c.connectionId))}
            onDelete={() => setDialog('delete')}
            onSetSecurity={() => setDialog('security')}
          />
        </div>
      )}

      {c && dialog === 'delete' && (
        <Dialog
          title={t(
            c.state === 'requested' ? 'page.peerManager.delete.revokeTitle' : 'page.peerManager.delete.title',
          )}
          onClose={() => setDialog(undefined)}
        >
          <p>
            {t(
              c.state === 'requested' ? 'page.peerManager.delete.revokeBody' : 'page.peerManager.delete.body',
              {
                remote: remoteName(c),
              },
            )}
          </p>
          <div className="pm-dialog-actions">
            <button type="button" className="button" onClick={() => setDialog(undefined)} data-autofocus>
              {t('page.peerManager.dialog.cancel')}
            </button>
            <button
              type="button"
              className="button pm-button-danger"
              onClick={() => {
                setDialog(undefined);
                void act('delete', () => api.peerManager.deletePeerConnection(c.connectionId));
              }}
            >
              {t('page.peerManager.delete.confirm')}
            </button>
          </div>
        </Dialog>
      )}

      {c && dialog === 'security' && (
        <SetSecurityDialog
          connection={c}
          markings={markings}
          onClose={() => setDialog(undefined)}
          onProposed={() => {
            setDialog(undefined);
            setNotice({ key: 'page.peerManager.panel.changeProposed', remote: remoteName(c) });
            polled.refresh();
            onChanged();
          }}
        />
      )}
    </aside>
  );
}

function PanelActions({
  connection: c,
  busy,
  changePending,
  onActivate,
  onDisable,
  onEnable,
  onDelete,
  onSetSecurity,
}: {
  connection: Connection;
  busy: Action | undefined;
  changePending: boolean;
  onActivate: () => void;
  onDisable: () => void;
  onEnable: () => void;
  onDelete: () => void;
  onSetSecurity: () => void;
}) {
  const t = useT();
  const live = c.state === 'approved' || c.state === 'active';
  const deletable = ['requested', 'approved', 'active', 'refused'].includes(c.state);
  const originatorWaiting = c.role === 'originator' && (c.state === 'requested' || c.state === 'approved');
  const anyBusy = busy !== undefined;
  return (
    <div className="pm-panel-actions">
      {deletable && (
        <button
          type="button"
          className="button pm-button-danger pm-push-left"
          disabled={anyBusy}
          onClick={onDelete}
        >
          {t('page.peerManager.panel.delete')}
        </button>
      )}
      {live && (
        <button
          type="button"
          className="button"
          disabled={anyBusy || changePending}
          title={changePending ? t('page.peerManager.panel.changePendingHint') : undefined}
          onClick={onSetSecurity}
        >
          {t('action.setSecurity')}
        </button>
      )}
      {c.state === 'active' && !c.disabled.local && (
        <button type="button" className="button" disabled={anyBusy} onClick={onDisable}>
          {t('page.peerManager.panel.disable')}
        </button>
      )}
      {c.state === 'active' && c.disabled.local && (
        <button type="button" className="button" disabled={anyBusy} onClick={onEnable}>
          {t('page.peerManager.panel.enable')}
        </button>
      )}
      {originatorWaiting && (
        <button
          type="button"
          className="button button-primary pm-activate"
          disabled={anyBusy || c.status !== 'approved'}
          title={c.status !== 'approved' ? t('page.peerManager.panel.activateWaiting') : undefined}
          onClick={onActivate}
        >
          {busy === 'activate' ? t('page.peerManager.panel.activating') : t('action.activate')}
        </button>
      )}
    </div>
  );
}

function ConnectionDetails({
  connection: c,
  space,
  pendingChanges,
  onDecided,
}: {
  connection: Connection;
  space: Space | undefined;
  pendingChanges: ChangeRequestInfo[];
  onDecided: () => void;
}) {
  const t = useT();
  const format = useFormat();
  const changesHeading = useId();
  const disabledBy =
    c.disabled.local && c.disabled.remote
      ? 'page.peerManager.panel.disabledByBoth'
      : c.disabled.local
        ? 'page.peerManager.panel.disabledByUs'
        : c.disabled.remote
          ? 'page.peerManager.panel.disabledByThem'
          : undefined;
  return (
    <>
      {c.role === 'originator' && c.status === 'approved' && (
        <p className="notice">{t('page.peerManager.panel.readyToActivate', { remote: remoteName(c) })}</p>
      )}
      {c.role === 'acceptor' && c.status === 'approved' && (
        <p className="notice">
          {t('page.peerManager.panel.waitingForActivation', { remote: remoteName(c) })}
        </p>
      )}
      {c.status === 'requested' && (
        <p className="notice">{t('page.peerManager.panel.waitingForApproval', { remote: remoteName(c) })}</p>
      )}
      <dl className="facts pm-facts">
        <dt>{t('page.peerManager.field.status')}</dt>
        <dd>
          <StatusBadge status={c.status} />
          {disabledBy && <span className="muted"> {t(disabledBy)}</span>}
        </dd>
        {c.stateReason && (
          <>
            <dt>{t('page.peerManager.field.stateReason')}</dt>
            <dd className={c.status === 'refused' ? 'pm-reason' : undefined}>{c.stateReason}</dd>
          </>
        )}
        <dt>{t('page.peerManager.field.role')}</dt>
        <dd>{t(ROLE_LABEL[c.role])}</dd>
        <dt>{t('page.peerManager.field.remotePlatform')}</dt>
        <dd>{c.remote.platformTitle ?? '—'}</dd>
        <dt>{t('page.peerManager.field.remoteEnrollmentId')}</dt>
        <dd>
          <code>{c.remote.enrollmentId}</code>
        </dd>
        <dt>{t('page.peerManager.field.remoteSpace')}</dt>
        <dd>
          {c.remote.space ? (
            <>
              {c.remote.space.name} <code className="small">{c.remote.space.id}</code>
            </>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('page.peerManager.field.localSpace')}</dt>
        <dd>
          {space?.name ?? '—'} <code className="small">{c.spaceId}</code>
        </dd>
        <dt>{t('page.peerManager.field.dataTypes')}</dt>
        <dd>{format.dataTypes(c.dataTypes)}</dd>
        <dt>{t('page.peerManager.field.security')}</dt>
        <dd>{format.security(c.security)}</dd>
        <dt>{t('page.peerManager.field.transport')}</dt>
        <dd>{t(TRANSPORT_LABEL[c.transport])}</dd>
        {c.inviteExpiresAt && c.state === 'requested' && (
          <>
            <dt>{t('page.peerManager.details.expires')}</dt>
            <dd>{format.date(c.inviteExpiresAt)}</dd>
          </>
        )}
        <dt>{t('page.peerManager.field.connectionId')}</dt>
        <dd>
          <code>{c.connectionId}</code>
        </dd>
        <dt>{t('page.peerManager.field.peeringId')}</dt>
        <dd>
          <code>{c.peeringId}</code>
        </dd>
        <dt>{t('page.peerManager.field.created')}</dt>
        <dd>{format.date(c.createdAt)}</dd>
        <dt>{t('page.peerManager.field.updated')}</dt>
        <dd>{format.date(c.updatedAt)}</dd>
      </dl>

      {c.role === 'originator' && c.status === 'requested' && (
        <ShowInviteCode connectionId={c.connectionId} />
      )}

      <section aria-labelledby={changesHeading}>
        <h3 id={changesHeading}>{t('page.peerManager.panel.changes')}</h3>
        {pendingChanges.length === 0 ? (
          <p className="muted">{t('page.peerManager.panel.noChanges')}</p>
        ) : (
          <ul className="pm-cards">
            {pendingChanges.map((change) => (
              <li key={change.changeId} className="pm-card">
                <p className="notice-title">
                  {change.origin === 'remote'
                    ? t('page.peerManager.change.fromThem', { remote: remoteName(c) })
                    : t('page.peerManager.change.fromUs', { remote: remoteName(c) })}
                </p>
                <ChangeSummary change={change} connection={c} />
                {change.origin === 'remote' && (
                  <DecideButtons
                    connectionId={c.connectionId}
                    changeId={change.changeId}
                    onDecided={onDecided}
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** A waiting request's invite code again (originator), on demand. */
function ShowInviteCode({ connectionId }: { connectionId: string }) {
  const t = useT();
  const [code, setCode] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);
  const show = async () => {
    setLoading(true);
    setError(undefined);
    try {
      setCode((await api.peerManager.getInviteCode(connectionId)).inviteCode);
    } catch (failure) {
      setError(failure);
    } finally {
      setLoading(false);
    }
  };
  if (code) return <InviteCodeField code={code} focusCopy />;
  return (
    <div className="pm-row">
      {error !== undefined && <PeerErrorNotice error={error} />}
      <button type="button" className="button" onClick={show} disabled={loading}>
        {t('page.peerManager.panel.showInviteCode')}
      </button>
    </div>
  );
}
