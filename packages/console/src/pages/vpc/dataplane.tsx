import type { DataplaneItemStatus, DataplaneStatus } from '@peerlink/sdk';
import { useCallback } from 'react';
import { usePolledQuery } from '../../components/usePolledQuery';
import { type MessageKey, useT } from '../../i18n';
import type { VpcClients } from './access-key';
import { WATCH_MS } from './model';

/** The dataplane's status for the account (GET /api/v1/dataplane/status), re-read while shown. */
export function useDataplaneStatus(clients: VpcClients) {
  const load = useCallback(() => clients.dataplane.status(), [clients]);
  return usePolledQuery<DataplaneStatus>(load, {
    intervalMs: WATCH_MS,
    fastWhile: (s) => [...s.connections, ...s.vpcs, ...s.endpoints].some((i) => i.state !== 'programmed'),
  });
}

/** The status of one connection's link; undefined when it has none (not active). */
export function linkStatus(
  status: DataplaneStatus | undefined,
  peerConnId: string,
): DataplaneItemStatus | undefined {
  return status?.connections.find((item) => item.id === peerConnId);
}

const STATE_KEYS: Record<DataplaneItemStatus['state'], MessageKey> = {
  programmed: 'page.vpc.dataplane.programmed',
  pending: 'page.vpc.dataplane.pending',
  error: 'page.vpc.dataplane.error',
};
const TONE: Record<DataplaneItemStatus['state'], string> = {
  programmed: 'ok',
  pending: 'busy',
  error: 'bad',
};

/**
 * What the dataplane did with a connection: programmed, pending or error (with the driver's
 * reason), or "no link" when the connection is not active; "—" while the status is unknown.
 */
export function DataplaneBadge({
  status,
  peerConnId,
  showReason = false,
}: {
  status: DataplaneStatus | undefined;
  peerConnId: string;
  showReason?: boolean;
}) {
  const t = useT();
  if (!status) return <>—</>;
  const item = linkStatus(status, peerConnId);
  if (!item) {
    return (
      <span className="vpc-status vpc-status-off" data-dataplane="none">
        {t('page.vpc.dataplane.noLink')}
      </span>
    );
  }
  return (
    <>
      <span
        className={`vpc-status vpc-status-${TONE[item.state]}`}
        data-dataplane={item.state}
        title={item.reason}
      >
        {t(STATE_KEYS[item.state])}
      </span>
      {showReason && item.reason && item.state !== 'programmed' && (
        <div className="muted small" data-dataplane-reason="">
          {item.state === 'error' && item.attempts !== undefined
            ? t('page.vpc.dataplane.reasonAttempts', { reason: item.reason, n: item.attempts })
            : item.reason}
        </div>
      )}
    </>
  );
}
