import type { ChangeRequestInfo, PeerConnectionInfo } from '@peerlink/sdk';
import { useId } from 'react';
import { useT } from '../../i18n';
import { ChangeSummary, DecideButtons } from './ChangeRequests';
import { remoteName, useFormat } from './format';

export type PendingChange = ChangeRequestInfo & { connection: PeerConnectionInfo };

/**
 * "Pending requests": change requests waiting for this side's decision (security changes among
 * them: approve or reject), connections waiting for activation, and requests waiting for the other
 * side's approval.
 */
export function PendingRequests({
  changes,
  connections,
  onOpen,
  onDecided,
}: {
  changes: PendingChange[];
  connections: PeerConnectionInfo[];
  onOpen: (connectionId: string) => void;
  onDecided: () => void;
}) {
  const t = useT();
  const format = useFormat();
  const heading = useId();
  const awaitingActivation = connections.filter((c) => c.status === 'approved');
  const awaitingApproval = connections.filter((c) => c.status === 'requested');
  const count = changes.length + awaitingActivation.length + awaitingApproval.length;

  return (
    <section className="pm-section" aria-labelledby={heading} data-testid="pending-requests">
      <h2 id={heading}>
        {t('page.peerManager.pending.title')} {count > 0 && <span className="pm-count">{count}</span>}
      </h2>
      {count === 0 ? (
        <p className="muted">{t('page.peerManager.pending.none')}</p>
      ) : (
        <ul className="pm-pending">
          {changes.map((change) => (
            <li key={change.changeId} className="pm-card" data-testid={`change-${change.changeId}`}>
              <div className="pm-card-header">
                <p className="notice-title pm-card-title">
                  {change.security
                    ? t('page.peerManager.pending.securityChange', { remote: remoteName(change.connection) })
                    : t('page.peerManager.pending.dataTypesChange', {
                        remote: remoteName(change.connection),
                      })}
                </p>
                <span className="pm-badge pm-status-requested">
                  {t('page.peerManager.pending.needsDecision')}
                </span>
              </div>
              <ChangeSummary change={change} connection={change.connection} />
              <div className="pm-row pm-row-between">
                <button
                  type="button"
                  className="button pm-link-button"
                  onClick={() => onOpen(change.connectionId)}
                >
                  {t('page.peerManager.viewConnection')}
                </button>
                <DecideButtons
                  connectionId={change.connectionId}
                  changeId={change.changeId}
                  onDecided={onDecided}
                />
              </div>
            </li>
          ))}
          {awaitingActivation.map((c) => (
            <li key={c.connectionId} className="pm-card" data-testid={`awaiting-${c.connectionId}`}>
              <div className="pm-card-header">
                <p className="notice-title pm-card-title">
                  {c.role === 'originator'
                    ? t('page.peerManager.pending.activateNow', { remote: remoteName(c) })
                    : t('page.peerManager.pending.awaitingTheirActivation', { remote: remoteName(c) })}
                </p>
              </div>
              <p className="muted small">{format.dataTypes(c.dataTypes)}</p>
              <div className="pm-row">
                <button
                  type="button"
                  className="button pm-link-button"
                  onClick={() => onOpen(c.connectionId)}
                >
                  {t('page.peerManager.viewConnection')}
                </button>
              </div>
            </li>
          ))}
          {awaitingApproval.map((c) => (
            <li key={c.connectionId} className="pm-card" data-testid={`awaiting-${c.connectionId}`}>
              <div className="pm-card-header">
                <p className="notice-title pm-card-title">
                  {t('page.peerManager.pending.awaitingApproval', { remote: remoteName(c) })}
                </p>
              </div>
              <p className="muted small">
                {format.dataTypes(c.dataTypes)}
                {c.inviteExpiresAt &&
                  ` · ${t('page.peerManager.inviteCode.expires', { date: format.date(c.inviteExpiresAt) })}`}
              </p>
              <div className="pm-row">
                <button
                  type="button"
                  className="button pm-link-button"
                  onClick={() => onOpen(c.connectionId)}
                >
                  {t('page.peerManager.viewConnection')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
