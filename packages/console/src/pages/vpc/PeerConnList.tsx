import type { PeerConn, PeerConnStatus, Vpc } from '@peerlink/sdk';
import { useCallback, useEffect, useId, useState } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { Loading } from '../../components/Loading';
import { usePolledQuery } from '../../components/usePolledQuery';
import { useT } from '../../i18n';
import { Link, navigate } from '../../router';
import { BceErrorNotice } from './BceErrorNotice';
import { DataplaneBadge, useDataplaneStatus } from './dataplane';
import { all, inFlight, PEER_CONN_STATUSES, roleKey, statusKey, WATCH_MS } from './model';
import { StatusBadge } from './parts';
import { useVpc } from './VpcScreen';

const PAGE_SIZE = 10;

/** Filters and page, kept in the address (`?vpcId=&status=&page=`) so Back returns to them. */
function readFilters() {
  const query = new URLSearchParams(window.location.search);
  const page = Number(query.get('page'));
  return {
    vpcId: query.get('vpcId') ?? '',
    status: query.get('status') ?? '',
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

/**
 * Every end of a peer connection the account owns in this region: one row per end (a
 * same-account, same-region connection has two). The VPC filter is the API's (`vpcId`); the status
 * filter and the pages are the screen's, over every end (at most a few hundred: 10 per VPC).
 */
export function PeerConnList() {
  const t = useT();
  const { clients } = useVpc();
  const id = useId();
  const [filters, setFilters] = useState(readFilters);
  const { vpcId, status, page } = filters;

  useEffect(() => {
    const query = new URLSearchParams();
    if (vpcId) query.set('vpcId', vpcId);
    if (status) query.set('status', status);
    if (page > 1) query.set('page', String(page));
    const search = query.toString();
    navigate(`/vpc-peering${search ? `?${search}` : ''}`, { replace: true });
  }, [vpcId, status, page]);

  const loadVpcs = useCallback(() => all(clients.vpc.paginateVpcs()), [clients]);
  const vpcs = usePolledQuery<Vpc[]>(loadVpcs);
  const loadConns = useCallback(
    () => all(clients.peerConn.paginatePeerConns({ maxKeys: 100, ...(vpcId ? { vpcId } : {}) })),
    [clients, vpcId],
  );
  const conns = usePolledQuery<PeerConn[]>(loadConns, {
    fastWhile: (list) => list.some(inFlight),
    intervalMs: WATCH_MS,
  });

  const dataplane = useDataplaneStatus(clients);

  const change = (next: Partial<typeof filters>) => setFilters((f) => ({ ...f, page: 1, ...next }));
  const vpcName = (vpcIdOf: string) => vpcs.data?.find((v) => v.vpcId === vpcIdOf)?.name;

  const matching = (conns.data ?? []).filter((c) => !status || c.status === status);
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const shownPage = Math.min(page, pages);
  const shown = matching.slice((shownPage - 1) * PAGE_SIZE, shownPage * PAGE_SIZE);

  if (vpcs.data && vpcs.data.length === 0 && conns.data && conns.data.length === 0) {
    return (
      <EmptyState title={t('page.vpc.list.noVpcs.title')}>
        <p>{t('page.vpc.list.noVpcs.body')}</p>
        <p>
          <Link to="/vpc-peering/vpcs" className="button button-primary vpc-link-button">
            {t('page.vpc.list.noVpcs.action')}
          </Link>
        </p>
      </EmptyState>
    );
  }

  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('term.peerConnections')}</h2>
      <form
        className="vpc-filters"
        onSubmit={(e) => e.preventDefault()}
        aria-label={t('page.vpc.list.filters')}
      >
        <label className="field">
          {t('page.vpc.list.filterVpc')}
          <select value={vpcId} onChange={(e) => change({ vpcId: e.target.value })}>
            <option value="">{t('page.vpc.list.allVpcs')}</option>
            {vpcId && !vpcs.data?.some((v) => v.vpcId === vpcId) && <option value={vpcId}>{vpcId}</option>}
            {vpcs.data?.map((v) => (
              <option key={v.vpcId} value={v.vpcId}>
                {v.name} ({v.vpcId}, {v.cidr})
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t('page.vpc.list.filterStatus')}
          <select value={status} onChange={(e) => change({ status: e.target.value })}>
            <option value="">{t('page.vpc.list.allStatuses')}</option>
            {PEER_CONN_STATUSES.map((s: PeerConnStatus) => (
              <option key={s} value={s}>
                {t(statusKey(s))}
              </option>
            ))}
          </select>
        </label>
      </form>

      {conns.error !== undefined && <BceErrorNotice error={conns.error} onRetry={conns.reload} />}
      {vpcs.error !== undefined && conns.error === undefined && (
        <BceErrorNotice error={vpcs.error} onRetry={vpcs.reload} />
      )}
      {conns.loading && !conns.data && <Loading />}

      {conns.data && matching.length === 0 && (
        <EmptyState
          title={
            conns.data.length === 0 && !vpcId
              ? t('page.vpc.list.empty.title')
              : t('page.vpc.list.noMatch.title')
          }
        >
          {conns.data.length === 0 && !vpcId ? (
            <p>{t('page.vpc.list.empty.body')}</p>
          ) : (
            <>
              <p>{t('page.vpc.list.noMatch.body')}</p>
              <p>
                <button type="button" className="button" onClick={() => change({ vpcId: '', status: '' })}>
                  {t('page.vpc.list.clearFilters')}
                </button>
              </p>
            </>
          )}
        </EmptyState>
      )}

      {shown.length > 0 && (
        <>
          <table className="vpc-table">
            <caption className="visually-hidden">{t('term.peerConnections')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('page.vpc.field.peerConn')}</th>
                <th scope="col">{t('page.vpc.field.status')}</th>
                <th scope="col">{t('page.vpc.field.dataplane')}</th>
                <th scope="col">{t('page.vpc.field.role')}</th>
                <th scope="col">{t('page.vpc.field.localVpc')}</th>
                <th scope="col">{t('page.vpc.field.peerEnd')}</th>
                <th scope="col">{t('page.vpc.field.bandwidth')}</th>
                <th scope="col">{t('page.vpc.field.billing')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((conn) => (
                <tr key={`${conn.peerConnId}/${conn.role}`}>
                  <td data-label={t('page.vpc.field.peerConn')}>
                    <Link to={`/vpc-peering/${encodeURIComponent(conn.peerConnId)}?role=${conn.role}`}>
                      <code>{conn.peerConnId}</code>
                    </Link>
                    {conn.description && <div className="muted small">{conn.description}</div>}
                  </td>
                  <td data-label={t('page.vpc.field.status')}>
                    <StatusBadge status={conn.status} />
                  </td>
                  <td data-label={t('page.vpc.field.dataplane')}>
                    <DataplaneBadge status={dataplane.data} peerConnId={conn.peerConnId} />
                  </td>
                  <td data-label={t('page.vpc.field.role')}>{t(roleKey(conn.role))}</td>
                  <td data-label={t('page.vpc.field.localVpc')}>
                    <code>{conn.localVpcId}</code>
                    {vpcName(conn.localVpcId) && (
                      <div className="muted small">{vpcName(conn.localVpcId)}</div>
                    )}
                  </td>
                  <td data-label={t('page.vpc.field.peerEnd')}>
                    <code>{conn.peerVpcId}</code>
                    <div className="muted small">
                      {conn.peerRegion} · <code>{conn.peerAccountId}</code>
                    </div>
                  </td>
                  <td data-label={t('page.vpc.field.bandwidth')}>
                    {t('page.vpc.mbps', { n: conn.bandwidthInMbps })}
                  </td>
                  <td data-label={t('page.vpc.field.billing')}>
                    {conn.paymentTiming === 'Prepaid'
                      ? t('page.vpc.billing.prepaid')
                      : t('page.vpc.billing.postpaid')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="vpc-pager" aria-label={t('page.vpc.list.pages')}>
            <button
              type="button"
              className="button"
              disabled={shownPage <= 1}
              onClick={() => setFilters((f) => ({ ...f, page: shownPage - 1 }))}
            >
              {t('page.vpc.list.previous')}
            </button>
            <span role="status">
              {t('page.vpc.list.pageOf', { page: shownPage, pages, count: matching.length })}
            </span>
            <button
              type="button"
              className="button"
              disabled={shownPage >= pages}
              onClick={() => setFilters((f) => ({ ...f, page: shownPage + 1 }))}
            >
              {t('page.vpc.list.next')}
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
