import type { ChangeRequestInfo, PeerConnectionInfo } from '@peerlink/sdk';
import { useState } from 'react';
import { api } from '../../api';
import { useT } from '../../i18n';
import { useFormat } from './format';
import { PeerErrorNotice } from './PeerErrorNotice';

/** What a change request asks for, beside what is in force now. */
export function ChangeSummary({
  change,
  connection,
}: {
  change: ChangeRequestInfo;
  connection: PeerConnectionInfo;
}) {
  const t = useT();
  const format = useFormat();
  return (
    <dl className="facts pm-facts pm-facts-compact">
      {change.security && (
        <>
          <dt>{t('page.peerManager.change.security')}</dt>
          <dd>
            {format.security(change.security)}{' '}
            <span className="muted">
              {t('page.peerManager.change.now', { value: format.security(connection.security) })}
            </span>
          </dd>
        </>
      )}
      {change.dataTypes && (
        <>
          <dt>{t('page.peerManager.change.dataTypes')}</dt>
          <dd>
            {format.dataTypes(change.dataTypes)}{' '}
            <span className="muted">
              {t('page.peerManager.change.now', { value: format.dataTypes(connection.dataTypes) })}
            </span>
          </dd>
        </>
      )}
      <dt>{t('page.peerManager.change.proposed')}</dt>
      <dd>{format.date(change.createdAt)}</dd>
    </dl>
  );
}

/** "Approve change" / "Reject change" for a change request the other side proposed. */
export function DecideButtons({
  connectionId,
  changeId,
  onDecided,
}: {
  connectionId: string;
  changeId: string;
  onDecided: (approved: boolean) => void;
}) {
  const t = useT();
  const [busy, setBusy] = useState<'approve' | 'reject'>();
  const [error, setError] = useState<unknown>();
  const decide = async (approve: boolean) => {
    setBusy(approve ? 'approve' : 'reject');
    setError(undefined);
    try {
      await (approve
        ? api.peerManager.approveChange(connectionId, changeId)
        : api.peerManager.rejectChange(connectionId, changeId));
      onDecided(approve);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <>
      {error !== undefined && <PeerErrorNotice error={error} />}
      <div className="pm-row pm-row-end">
        <button type="button" className="button" disabled={busy !== undefined} onClick={() => decide(false)}>
          {t('page.peerManager.change.reject')}
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={busy !== undefined}
          onClick={() => decide(true)}
        >
          {t('page.peerManager.change.approve')}
        </button>
      </div>
    </>
  );
}
