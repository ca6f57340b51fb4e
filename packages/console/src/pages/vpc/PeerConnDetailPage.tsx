import {
  BceServiceError,
  type PeerConn,
  type PeerConnEvent,
  type PeerConnRole,
  PeerlinkApiError,
} from '@peerlink/sdk';
import { type FormEvent, useCallback, useId, useState } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { Loading } from '../../components/Loading';
import { usePolledQuery } from '../../components/usePolledQuery';
import { isMessageKey, useT } from '../../i18n';
import { Link, navigate, useParams } from '../../router';
import { BceErrorNotice } from './BceErrorNotice';
import { DataplaneBadge, useDataplaneStatus } from './dataplane';
import {
  BANDWIDTH_MAX,
  BANDWIDTH_MIN,
  inFlight,
  isCrossBorder,
  permissions,
  RESERVATION_MONTHS,
  roleKey,
  WATCH_MS,
} from './model';
import { ConfirmButton, DnsBadge, Done, StatusBadge, useAction, When } from './parts';
import { useVpc, VpcScreen } from './VpcScreen';

interface Detail {
  conn: PeerConn;
  /** The other end, when this account owns it too (same account, same region). */
  other?: PeerConn;
  events: PeerConnEvent[];
}

function roleFromAddress(): PeerConnRole | undefined {
  const role = new URLSearchParams(window.location.search).get('role');
  return role === 'initiator' || role === 'acceptor' ? role : undefined;
}

/**
 * Poll while a step is in flight, and until the history has caught up: reads show a step whose
 * time has come as done at once, the history once the server's reconciler has recorded it.
 */
function following({ conn, other, events }: Detail): boolean {
  const last = events.at(-1);
  return (
    inFlight(conn) ||
    (other !== undefined && inFlight(other)) ||
    (last !== undefined && last.toStatus !== conn.status)
  );
}

const otherRole = (role: PeerConnRole): PeerConnRole => (role === 'initiator' ? 'acceptor' : 'initiator');

/** One peer connection, as one of its ends sees it: both ends, billing, DNS, actions, history. */
/** A DNS sync that is open, or on its way to closed: the button offers to close it. */
const dnsIsOpen = (status: string) => status === 'open' || status === 'closing';

export function PeerConnDetailPage() {
  const t = useT();
  const { peerConnId = '' } = useParams();
  return (
    <VpcScreen
      title={t('page.vpc.detail.title', { id: peerConnId })}
      back={{ to: '/vpc-peering', label: t('page.vpc.backToList') }}
    >
      <PeerConnDetail peerConnId={peerConnId} />
    </VpcScreen>
  );
}

function PeerConnDetail({ peerConnId }: { peerConnId: string }) {
  const t = useT();
  const { clients, accountId, region } = useVpc();
  const [role, setRole] = useState(roleFromAddress);

  const load = useCallback(async (): Promise<Detail> => {
    const [conn, history] = await Promise.all([
      clients.peerConn.getPeerConn(peerConnId, role),
      clients.peerConn.listEvents(peerConnId),
    ]);
    const ownsOther = conn.peerAccountId === accountId && conn.peerRegion === region;
    const other = ownsOther
      ? await clients.peerConn.getPeerConn(peerConnId, otherRole(conn.role)).catch(() => undefined)
      : undefined;
    return { conn, events: history.events, ...(other ? { other } : {}) };
  }, [clients, peerConnId, role, accountId, region]);
  const live = usePolledQuery<Detail>(load, { fastWhile: following, intervalMs: WATCH_MS });

  const showRole = (next: PeerConnRole) => {
    setRole(next);
    navigate(`/vpc-peering/${encodeURIComponent(peerConnId)}?role=${next}`, { replace: true });
  };

  if (live.loading && !live.data) return <Loading />;
  if (!live.data) {
    const missing =
      (live.error instanceof BceServiceError || live.error instanceof PeerlinkApiError) &&
      live.error.statusCode === 404;
    return missing ? (
      <EmptyState title={t('page.vpc.detail.notFound.title')}>
        <p>{t('page.vpc.detail.notFound.body', { region })}</p>
        <BceErrorNotice error={live.error} />
        <p>
          <Link to="/vpc-peering">{t('page.vpc.backToList')}</Link>
        </p>
      </EmptyState>
    ) : (
      <BceErrorNotice error={live.error} onRetry={live.reload} />
    );
  }

  const { conn, other, events } = live.data;
  return (
    <>
      {live.error !== undefined && <BceErrorNotice error={live.error} onRetry={live.refresh} />}
      {other && (
        <fieldset className="vpc-role-switch">
          <legend>{t('page.vpc.detail.viewEnd')}</legend>
          {/* Links, not buttons: each end has its address (and "Accept" stays the one button of its name). */}
          {(['initiator', 'acceptor'] as const).map((r) => (
            <Link
              key={r}
              to={`/vpc-peering/${encodeURIComponent(peerConnId)}?role=${r}`}
              className="button vpc-link-button"
              aria-current={conn.role === r ? 'true' : undefined}
              onClick={(event) => {
                event.preventDefault();
                showRole(r);
              }}
            >
              {t(roleKey(r))}
            </Link>
          ))}
        </fieldset>
      )}
      <Overview conn={conn} other={other} />
      <Actions key={conn.role} conn={conn} onChanged={live.refresh} />
      <History events={events} accountId={accountId} />
    </>
  );
}

function Overview({ conn, other }: { conn: PeerConn; other: PeerConn | undefined }) {
  const t = useT();
  const { accountId, clients } = useVpc();
  const id = useId();
  const prepaid = conn.paymentTiming === 'Prepaid';
  const dataplane = useDataplaneStatus(clients);
  return (
    <>
      <section aria-labelledby={`${id}-state`} className="vpc-card">
        <h2 id={`${id}-state`}>{t('page.vpc.detail.state')}</h2>
        <dl className="facts">
          <dt>{t('page.vpc.field.status')}</dt>
          <dd>
            <StatusBadge status={conn.status} />
            {inFlight(conn) && <span className="muted small"> {t('page.vpc.detail.inFlight')}</span>}
          </dd>
          <dt>{t('page.vpc.field.dataplane')}</dt>
          <dd>
            <DataplaneBadge status={dataplane.data} peerConnId={conn.peerConnId} showReason />
            {dataplane.data && (
              <div className="muted small">
                {t('page.vpc.dataplane.driver', { driver: dataplane.data.driver })}
              </div>
            )}
          </dd>
          <dt>{t('page.vpc.field.bandwidth')}</dt>
          <dd>{t('page.vpc.mbps', { n: conn.bandwidthInMbps })}</dd>
          <dt>{t('page.vpc.field.billing')}</dt>
          <dd>
            {prepaid ? t('page.vpc.billing.prepaid') : t('page.vpc.billing.postpaid')}
            <div className="muted small">{t('page.vpc.detail.feesInitiator')}</div>
          </dd>
          {prepaid && (
            <>
              <dt>{t('page.vpc.field.expires')}</dt>
              <dd>
                {conn.expiredTime ? <When iso={conn.expiredTime} /> : t('page.vpc.detail.expiresOnActive')}
              </dd>
            </>
          )}
          <dt>{t('page.vpc.field.dns')}</dt>
          <dd>
            <DnsBadge status={conn.dnsStatus} />{' '}
            <span className="muted small">({t(roleKey(conn.role))})</span>
          </dd>
          <dt>{t('page.vpc.field.deleteProtect')}</dt>
          <dd>{conn.deleteProtect ? t('page.vpc.on') : t('page.vpc.off')}</dd>
          <dt>{t('page.vpc.field.created')}</dt>
          <dd>
            <When iso={conn.createdTime} />
          </dd>
          <dt>{t('page.vpc.field.description')}</dt>
          <dd>{conn.description || '—'}</dd>
        </dl>
        {conn.status === 'consulting' && conn.role === 'initiator' && (
          <p className="notice">{t('page.vpc.detail.waitingForAcceptor')}</p>
        )}
        {conn.status === 'consult_failed' && <p className="notice">{t('page.vpc.detail.consultFailed')}</p>}
        {conn.status === 'deleted' && <p className="notice">{t('page.vpc.detail.released')}</p>}
        {conn.status === 'expired' && <p className="notice">{t('page.vpc.detail.expired')}</p>}
      </section>

      <section aria-labelledby={`${id}-ends`} className="vpc-ends">
        <h2 id={`${id}-ends`}>{t('page.vpc.detail.ends')}</h2>
        <div className="vpc-ends-grid">
          <div className="vpc-card">
            <h3>
              {t('page.vpc.detail.thisEnd')} · {t(roleKey(conn.role))}
            </h3>
            <dl className="facts">
              <dt>{t('page.vpc.field.vpc')}</dt>
              <dd>
                <Link to={`/vpc-peering/vpcs/${encodeURIComponent(conn.localVpcId)}`}>
                  <code>{conn.localVpcId}</code>
                </Link>
              </dd>
              <dt>{t('page.vpc.field.account')}</dt>
              <dd>
                <code>{accountId}</code> <span className="muted small">({t('page.vpc.detail.you')})</span>
              </dd>
              <dt>{t('page.vpc.region')}</dt>
              <dd>
                <code>{conn.localRegion}</code>
              </dd>
              <dt>{t('page.vpc.field.ifId')}</dt>
              <dd>
                <code>{conn.localIfId}</code>
              </dd>
              <dt>{t('page.vpc.field.ifName')}</dt>
              <dd>{conn.localIfName || '—'}</dd>
            </dl>
          </div>
          <div className="vpc-card">
            <h3>
              {t('page.vpc.detail.otherEnd')} · {t(roleKey(otherRole(conn.role)))}
            </h3>
            <dl className="facts">
              <dt>{t('page.vpc.field.vpc')}</dt>
              <dd>
                <code>{conn.peerVpcId}</code>
              </dd>
              <dt>{t('page.vpc.field.account')}</dt>
              <dd>
                <code>{conn.peerAccountId}</code>
                {conn.peerAccountId === accountId && (
                  <span className="muted small"> ({t('page.vpc.detail.you')})</span>
                )}
              </dd>
              <dt>{t('page.vpc.region')}</dt>
              <dd>
                <code>{conn.peerRegion}</code>
              </dd>
              <dt>{t('page.vpc.field.ifId')}</dt>
              <dd>{other ? <code>{other.localIfId}</code> : t('page.vpc.detail.notYours')}</dd>
              {other && (
                <>
                  <dt>{t('page.vpc.field.ifName')}</dt>
                  <dd>{other.localIfName || '—'}</dd>
                  <dt>{t('page.vpc.field.dns')}</dt>
                  <dd>
                    <DnsBadge status={other.dnsStatus} />
                  </dd>
                </>
              )}
            </dl>
          </div>
        </div>
      </section>
    </>
  );
}

function Actions({ conn, onChanged }: { conn: PeerConn; onChanged: () => void }) {
  const t = useT();
  const { clients, accountId } = useVpc();
  const id = useId();
  const may = permissions(conn, accountId);
  const action = useAction();
  const { peerConnId } = conn;
  const [bandwidth, setBandwidth] = useState(String(conn.bandwidthInMbps));
  const [months, setMonths] = useState('1');
  const [ifName, setIfName] = useState(conn.localIfName);
  const [description, setDescription] = useState(conn.description);

  const run = async (name: string, call: () => Promise<unknown>, success: string) => {
    if (await action.run(name, call, success)) onChanged();
  };

  const resize = (event: FormEvent) => {
    event.preventDefault();
    void run(
      'resize',
      () => clients.peerConn.modifyBandwidth(peerConnId, Number(bandwidth)),
      t('page.vpc.done.resize'),
    );
  };
  const renew = (event: FormEvent) => {
    event.preventDefault();
    void run(
      'renew',
      () =>
        clients.peerConn.purchaseReserved(peerConnId, {
          reservation: { reservationLength: Number(months), reservationTimeUnit: 'Month' },
        }),
      t('page.vpc.done.renew'),
    );
  };
  const update = (event: FormEvent) => {
    event.preventDefault();
    void run(
      'update',
      () =>
        clients.peerConn.modifyPeerConn(peerConnId, {
          localIfId: conn.localIfId,
          localIfName: ifName,
          description,
        }),
      t('page.vpc.done.update'),
    );
  };
  const busy = action.busy !== undefined;
  const gone = conn.status === 'deleted';
  const refundable = conn.paymentTiming === 'Prepaid' && !isCrossBorder(conn.localRegion, conn.peerRegion);

  return (
    <section aria-labelledby={`${id}-title`} className="vpc-card">
      <h2 id={`${id}-title`}>{t('page.vpc.detail.actions')}</h2>
      {action.error !== undefined && <BceErrorNotice error={action.error} onDismiss={action.clearError} />}
      <Done message={action.done} />
      {!may.manager && !gone && <p className="muted">{t('page.vpc.detail.initiatorOnly')}</p>}

      {may.answer && (
        <div className="vpc-action">
          <h3>{t('page.vpc.detail.answer.title')}</h3>
          <p className="vpc-hint">{t('page.vpc.detail.answer.hint')}</p>
          <div className="vpc-actions">
            <button
              type="button"
              className="button button-primary"
              disabled={busy}
              onClick={() =>
                run('accept', () => clients.peerConn.accept(peerConnId), t('page.vpc.done.accept'))
              }
            >
              {t('page.vpc.action.accept')}
            </button>
            <button
              type="button"
              className="button vpc-danger"
              disabled={busy}
              onClick={() =>
                run('reject', () => clients.peerConn.reject(peerConnId), t('page.vpc.done.reject'))
              }
            >
              {t('page.vpc.action.reject')}
            </button>
          </div>
        </div>
      )}

      {may.manager && !gone && (
        <form className="vpc-action vpc-inline-form" onSubmit={resize} noValidate>
          <h3>{t('page.vpc.detail.resize.title')}</h3>
          <label className="field">
            {t('page.vpc.field.newBandwidth')}
            <input
              type="number"
              inputMode="numeric"
              min={conn.paymentTiming === 'Prepaid' ? conn.bandwidthInMbps : BANDWIDTH_MIN}
              max={BANDWIDTH_MAX}
              step={1}
              value={bandwidth}
              onChange={(e) => setBandwidth(e.target.value)}
              aria-describedby={`${id}-resize-hint`}
            />
          </label>
          <p id={`${id}-resize-hint`} className="vpc-hint">
            {t('page.vpc.detail.resize.hint', { min: BANDWIDTH_MIN, max: BANDWIDTH_MAX })}
            {conn.paymentTiming === 'Prepaid' && ` ${t('page.vpc.detail.resize.prepaid')}`}
            {!may.resize && ` ${t('page.vpc.detail.onlyActive')}`}
          </p>
          <div>
            <button type="submit" className="button" disabled={busy || !may.resize}>
              {t('page.vpc.action.resize')}
            </button>
          </div>
        </form>
      )}

      {may.manager && conn.paymentTiming === 'Prepaid' && !gone && (
        <form className="vpc-action vpc-inline-form" onSubmit={renew} noValidate>
          <h3>{t('page.vpc.detail.renew.title')}</h3>
          <label className="field">
            {t('page.vpc.field.renewLength')}
            <select
              value={months}
              onChange={(e) => setMonths(e.target.value)}
              aria-describedby={`${id}-renew-hint`}
            >
              {RESERVATION_MONTHS.map((m) => (
                <option key={m} value={m}>
                  {t('page.vpc.months', { n: m })}
                </option>
              ))}
            </select>
          </label>
          <p id={`${id}-renew-hint`} className="vpc-hint">
            {t('page.vpc.detail.renew.hint')}
          </p>
          <div>
            <button type="submit" className="button" disabled={busy || !may.renew}>
              {t('page.vpc.action.renew')}
            </button>
          </div>
        </form>
      )}

      {!gone && (
        <div className="vpc-action">
          <h3>{t('page.vpc.detail.dns.title')}</h3>
          <p className="vpc-hint" id={`${id}-dns-hint`}>
            {t('page.vpc.detail.dns.hint', { role: t(roleKey(conn.role)) })}
          </p>
          <p>
            <DnsBadge status={conn.dnsStatus} />
          </p>
          {/* One button: it closes a sync that is open (or closing), and opens one otherwise. */}
          <button
            type="button"
            className="button"
            disabled={busy || !may.dns}
            aria-describedby={`${id}-dns-hint`}
            onClick={() =>
              run(
                'dns',
                () =>
                  dnsIsOpen(conn.dnsStatus)
                    ? clients.peerConn.closeSyncDns(peerConnId, conn.role)
                    : clients.peerConn.openSyncDns(peerConnId, conn.role),
                t(dnsIsOpen(conn.dnsStatus) ? 'page.vpc.done.dnsClose' : 'page.vpc.done.dnsOpen'),
              )
            }
          >
            {t(dnsIsOpen(conn.dnsStatus) ? 'page.vpc.action.closeDns' : 'page.vpc.action.openDns')}
          </button>
        </div>
      )}

      {may.manager && !gone && (
        <div className="vpc-action">
          <h3>{t('page.vpc.field.deleteProtect')}</h3>
          <p className="vpc-hint" id={`${id}-protect-hint`}>
            {t('page.vpc.detail.protect.hint')}
          </p>
          <button
            type="button"
            role="switch"
            aria-checked={conn.deleteProtect}
            aria-describedby={`${id}-protect-hint`}
            className="vpc-switch"
            disabled={busy || !may.protect}
            onClick={() =>
              run(
                'protect',
                () => clients.peerConn.switchDeleteProtect(peerConnId, !conn.deleteProtect),
                conn.deleteProtect ? t('page.vpc.done.protectOff') : t('page.vpc.done.protectOn'),
              )
            }
          >
            <span className="vpc-switch-track" aria-hidden="true" />
            <span>{t('page.vpc.field.deleteProtect')}</span>
            <span className="muted small" aria-hidden="true">
              {conn.deleteProtect ? t('page.vpc.on') : t('page.vpc.off')}
            </span>
          </button>
        </div>
      )}

      {!gone && (conn.status === 'active' || conn.status === 'consulting') && (
        <form className="vpc-action vpc-inline-form" onSubmit={update} noValidate>
          <h3>{t('page.vpc.detail.update.title')}</h3>
          <label className="field">
            {t('page.vpc.field.ifName')}
            <input value={ifName} onChange={(e) => setIfName(e.target.value)} maxLength={65} />
          </label>
          <label className="field">
            {t('page.vpc.field.description')}
            <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={200} />
          </label>
          <div>
            <button type="submit" className="button" disabled={busy}>
              {t('page.vpc.action.save')}
            </button>
          </div>
        </form>
      )}

      {may.manager && conn.status !== 'deleted' && conn.status !== 'deleting' && (
        <div className="vpc-action">
          <h3>{t('page.vpc.detail.release.title')}</h3>
          <p className="vpc-hint" id={`${id}-release-hint`}>
            {t('page.vpc.detail.release.hint')}
            {conn.deleteProtect && ` ${t('page.vpc.detail.release.protected')}`}
          </p>
          <div className="vpc-actions">
            <ConfirmButton
              label={t('page.vpc.action.release')}
              question={t('page.vpc.detail.release.confirm', { id: peerConnId })}
              describedBy={`${id}-release-hint`}
              disabled={!may.release}
              busy={busy}
              onConfirm={() =>
                run('release', () => clients.peerConn.release(peerConnId), t('page.vpc.done.release'))
              }
            />
            {refundable && (
              <ConfirmButton
                label={t('page.vpc.action.refund')}
                question={t('page.vpc.detail.refund.confirm', { id: peerConnId })}
                describedBy={`${id}-release-hint`}
                disabled={!may.release}
                busy={busy}
                onConfirm={() =>
                  run('refund', () => clients.peerConn.refund(peerConnId), t('page.vpc.done.refund'))
                }
              />
            )}
          </div>
        </div>
      )}

      <p className="vpc-hint">
        {t('page.vpc.detail.routeHint', { ifId: conn.localIfId })}{' '}
        <Link to={`/vpc-peering/vpcs/${encodeURIComponent(conn.localVpcId)}`}>
          {t('page.vpc.detail.routeLink')}
        </Link>
      </p>
    </section>
  );
}

function History({ events, accountId }: { events: PeerConnEvent[]; accountId: string }) {
  const t = useT();
  const id = useId();
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('page.vpc.detail.history')}</h2>
      {events.length === 0 ? (
        <p className="muted">{t('page.vpc.detail.noHistory')}</p>
      ) : (
        <table className="vpc-table">
          <caption className="visually-hidden">{t('page.vpc.detail.history')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('page.vpc.history.at')}</th>
              <th scope="col">{t('page.vpc.history.action')}</th>
              <th scope="col">{t('page.vpc.history.change')}</th>
              <th scope="col">{t('page.vpc.history.actor')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event, index) => {
              const actionKey = `page.vpc.event.${event.action}`;
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: events have no id; the history only grows at its end.
                <tr key={index}>
                  <td data-label={t('page.vpc.history.at')}>
                    <When iso={event.at} />
                  </td>
                  <td data-label={t('page.vpc.history.action')}>
                    {isMessageKey(actionKey) ? t(actionKey) : event.action}
                    {event.detail && <div className="muted small">{event.detail}</div>}
                  </td>
                  <td data-label={t('page.vpc.history.change')}>
                    {event.fromStatus === event.toStatus ? (
                      <StatusBadge status={event.toStatus} />
                    ) : (
                      <>
                        <StatusBadge status={event.fromStatus} /> → <StatusBadge status={event.toStatus} />
                      </>
                    )}
                  </td>
                  <td data-label={t('page.vpc.history.actor')}>
                    {event.actor === 'system' ? (
                      t('page.vpc.history.system')
                    ) : (
                      <>
                        <code>{event.actor}</code>
                        {event.actor === accountId && (
                          <span className="muted small"> ({t('page.vpc.detail.you')})</span>
                        )}
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
