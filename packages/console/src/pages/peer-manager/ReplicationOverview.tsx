import type { Conflict, ReplicationJob } from '@peerlink/sdk';
import { useCallback, useId, useState } from 'react';
import { api } from '../../api';
import { Loading } from '../../components/Loading';
import { usePolledQuery } from '../../components/usePolledQuery';
import { useT } from '../../i18n';
import { DATA_TYPE_LABEL, DIRECTION_LABEL, HealthBadge, POLL_INTERVAL_MS, useFormat } from './format';
import { PeerErrorNotice } from './PeerErrorNotice';

/**
 * A connection's "Overview": its replication jobs (one per data type and direction) and the open
 * conflicts it brought into the local space, each with "Keep local" / "Keep remote". Live.
 */
export function ReplicationOverview({ connectionId, spaceId }: { connectionId: string; spaceId: string }) {
  const t = useT();
  const load = useCallback(async () => {
    const [jobs, conflicts] = await Promise.all([
      api.spaceData.listJobs(connectionId),
      api.spaceData.listConflicts(spaceId, { connectionId, open: true }),
    ]);
    // The server filters by connection; filtering again keeps the promise if it ever did not.
    return { jobs, conflicts: conflicts.conflicts.filter((c) => c.connectionId === connectionId) };
  }, [connectionId, spaceId]);
  const overview = usePolledQuery(load, { intervalMs: POLL_INTERVAL_MS });
  const jobsHeading = useId();
  const conflictsHeading = useId();

  if (overview.loading && !overview.data) return <Loading />;
  if (!overview.data) return <PeerErrorNotice error={overview.error} onRetry={overview.refresh} />;
  const { jobs, conflicts } = overview.data;

  return (
    <div className="pm-overview">
      {overview.error !== undefined && <PeerErrorNotice error={overview.error} onRetry={overview.refresh} />}
      <section aria-labelledby={jobsHeading}>
        <h3 id={jobsHeading}>{t('page.peerManager.jobs.title')}</h3>
        {jobs.length === 0 ? (
          <p className="muted">{t('page.peerManager.jobs.none')}</p>
        ) : (
          <ul className="pm-cards">
            {jobs.map((job) => (
              <li key={`${job.dataType}-${job.direction}`}>
                <JobCard job={job} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby={conflictsHeading}>
        <h3 id={conflictsHeading}>{t('page.peerManager.conflicts.title')}</h3>
        {conflicts.length === 0 ? (
          <p className="muted">{t('page.peerManager.conflicts.none')}</p>
        ) : (
          <ul className="pm-cards">
            {conflicts.map((conflict) => (
              <li key={conflict.conflictId}>
                <ConflictCard conflict={conflict} spaceId={spaceId} onResolved={overview.refresh} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function JobCard({ job }: { job: ReplicationJob }) {
  const t = useT();
  const format = useFormat();
  const heading = useId();
  const isExport = job.direction === 'export';
  return (
    <article
      className="pm-card"
      aria-labelledby={heading}
      data-testid={`job-${job.dataType}-${job.direction}`}
    >
      <div className="pm-card-header">
        <h4 id={heading} className="pm-card-title">
          {t('page.peerManager.dataTypeDirection', {
            type: t(DATA_TYPE_LABEL[job.dataType]),
            direction: t(DIRECTION_LABEL[job.direction]),
          })}
        </h4>
        <HealthBadge health={job.health} />
      </div>
      {job.healthReason && <p className="pm-reason">{job.healthReason}</p>}
      <dl className="facts pm-facts pm-facts-compact">
        <dt>{t('page.peerManager.jobs.watermark')}</dt>
        <dd>
          {format.number(job.watermark)}
          {isExport && job.head !== undefined && (
            <span className="muted">
              {' '}
              {t('page.peerManager.jobs.ofHead', { head: format.number(job.head) })}
            </span>
          )}
        </dd>
        {isExport && (
          <>
            <dt>{t('page.peerManager.jobs.acknowledged')}</dt>
            <dd>
              {!job.acknowledged
                ? t('page.peerManager.jobs.notAcknowledged')
                : job.acknowledged.at
                  ? t('page.peerManager.jobs.acknowledgedAt', {
                      seq: format.number(job.acknowledged.seq),
                      at: format.date(job.acknowledged.at),
                    })
                  : format.number(job.acknowledged.seq)}
            </dd>
            <dt>{t('page.peerManager.jobs.pending')}</dt>
            <dd>{format.number(job.pendingChanges)}</dd>
            <dt>{t('page.peerManager.jobs.lag')}</dt>
            <dd>{format.duration(job.lagMs)}</dd>
          </>
        )}
        <dt>{t('page.peerManager.jobs.lastTransfer')}</dt>
        <dd>{format.date(job.lastTransferAt)}</dd>
        <dt>{t('page.peerManager.jobs.items')}</dt>
        <dd>
          {t('page.peerManager.jobs.itemsValue', {
            last: format.number(job.lastItems),
            total: format.number(job.itemsTotal),
            chunks: format.number(job.chunksTotal),
          })}
        </dd>
        <dt>{t('page.peerManager.jobs.withheld')}</dt>
        <dd>{format.number(job.withheld)}</dd>
        {!isExport && (
          <>
            <dt>{t('page.peerManager.jobs.parked')}</dt>
            <dd>
              {job.parked && job.parked.length > 0 ? (
                <ul className="pm-plain-list">
                  {job.parked.map((p) => (
                    <li key={p.typeName}>
                      {t('page.peerManager.jobs.parkedValue', {
                        type: p.typeName,
                        count: format.number(p.count),
                      })}
                      <span className="muted"> — {p.reason}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                format.number(0)
              )}
            </dd>
            <dt>{t('page.peerManager.jobs.openConflicts')}</dt>
            <dd>{format.number(job.openConflicts ?? 0)}</dd>
          </>
        )}
        <dt>{t('page.peerManager.jobs.epoch')}</dt>
        <dd>{format.number(job.epoch)}</dd>
        {job.lastError && (
          <>
            <dt>{t('page.peerManager.jobs.lastError')}</dt>
            <dd className="pm-reason">{job.lastError}</dd>
          </>
        )}
      </dl>
    </article>
  );
}

function ConflictSideView({
  label,
  side,
  winner,
}: {
  label: string;
  side: Conflict['local'];
  winner: boolean;
}) {
  const t = useT();
  const format = useFormat();
  const { content } = side;
  return (
    <div className={winner ? 'pm-conflict-side pm-conflict-winner' : 'pm-conflict-side'}>
      <p className="pm-conflict-side-title">
        {label}{' '}
        {winner && (
          <span className="pm-badge pm-health-healthy">{t('page.peerManager.conflicts.winner')}</span>
        )}
      </p>
      {content.deleted ? (
        <p>{t('page.peerManager.conflicts.deleted')}</p>
      ) : (
        <dl className="facts pm-facts pm-facts-compact">
          {content.properties &&
            Object.entries(content.properties).map(([name, value]) => (
              <div key={name} className="pm-fact">
                <dt>{name}</dt>
                <dd>
                  <code>{JSON.stringify(value)}</code>
                </dd>
              </div>
            ))}
          {content.blob && (
            <div className="pm-fact">
              <dt>{t('page.peerManager.conflicts.content')}</dt>
              <dd>
                {t('page.peerManager.conflicts.blob', {
                  size: format.number(content.blob.size),
                  hash: content.blob.hash.slice(0, 12),
                })}
              </dd>
            </div>
          )}
          <div className="pm-fact">
            <dt>{t('page.peerManager.security.classification')}</dt>
            <dd>{content.classification}</dd>
          </div>
          <div className="pm-fact">
            <dt>{t('page.peerManager.security.markings')}</dt>
            <dd>
              {content.markings.length ? content.markings.join(t('page.peerManager.listSeparator')) : '—'}
            </dd>
          </div>
        </dl>
      )}
      <p className="muted small">
        {t('page.peerManager.conflicts.writtenBy', { writer: side.version.writer })}
      </p>
    </div>
  );
}

function ConflictCard({
  conflict,
  spaceId,
  onResolved,
}: {
  conflict: Conflict;
  spaceId: string;
  onResolved: () => void;
}) {
  const t = useT();
  const format = useFormat();
  const heading = useId();
  const [busy, setBusy] = useState<'local' | 'remote'>();
  const [error, setError] = useState<unknown>();

  const resolve = async (choose: 'local' | 'remote') => {
    setBusy(choose);
    setError(undefined);
    try {
      await api.spaceData.resolveConflict(spaceId, conflict.conflictId, choose);
      onResolved();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <article className="pm-card" aria-labelledby={heading} data-testid={`conflict-${conflict.conflictId}`}>
      <div className="pm-card-header">
        <h4 id={heading} className="pm-card-title">
          {t('page.peerManager.conflicts.on', { item: conflict.itemId })}
        </h4>
        <span className="muted small">{format.date(conflict.detectedAt)}</span>
      </div>
      <p>
        {t(
          conflict.winner === 'local'
            ? 'page.peerManager.conflicts.localWon'
            : 'page.peerManager.conflicts.remoteWon',
        )}{' '}
        <span className="muted">{conflict.reason}</span>
      </p>
      <div className="pm-conflict-sides">
        <ConflictSideView
          label={t('page.peerManager.conflicts.local')}
          side={conflict.local}
          winner={conflict.winner === 'local'}
        />
        <ConflictSideView
          label={t('page.peerManager.conflicts.remote')}
          side={conflict.remote}
          winner={conflict.winner === 'remote'}
        />
      </div>
      {error !== undefined && <PeerErrorNotice error={error} />}
      <div className="pm-row pm-row-end">
        <button
          type="button"
          className="button"
          disabled={busy !== undefined}
          onClick={() => resolve('local')}
        >
          {t('page.peerManager.conflicts.keepLocal')}
        </button>
        <button
          type="button"
          className="button"
          disabled={busy !== undefined}
          onClick={() => resolve('remote')}
        >
          {t('page.peerManager.conflicts.keepRemote')}
        </button>
      </div>
    </article>
  );
}
