import { useId } from 'react';
import { api, useApiQuery } from '../../api';
import { CopyButton } from '../../components/CopyButton';
import { useT } from '../../i18n';

const loadEnrollment = () => api.peerlink.getEnrollment();

/** The direction rule (which policies a peer connection needs on each side), and our enrollment ID. */
export function DirectionRule() {
  const t = useT();
  const enrollment = useApiQuery(loadEnrollment);
  const headingId = useId();
  return (
    <section className="admin-section admin-card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('page.policies.rule.title')}</h2>
      <p>{t('page.policies.rule.intro')}</p>
      <table className="admin-table admin-table-compact">
        <caption className="visually-hidden">{t('page.policies.rule.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('page.policies.rule.direction')}</th>
            <th scope="col">{t('page.policies.rule.here')}</th>
            <th scope="col">{t('page.policies.rule.there')}</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row" data-label={t('page.policies.rule.direction')}>
              {t('page.policies.rule.export')}
            </th>
            <td data-label={t('page.policies.rule.here')}>{t('page.policies.rule.export.here')}</td>
            <td data-label={t('page.policies.rule.there')}>{t('page.policies.rule.export.there')}</td>
          </tr>
          <tr>
            <th scope="row" data-label={t('page.policies.rule.direction')}>
              {t('page.policies.rule.import')}
            </th>
            <td data-label={t('page.policies.rule.here')}>{t('page.policies.rule.import.here')}</td>
            <td data-label={t('page.policies.rule.there')}>{t('page.policies.rule.import.there')}</td>
          </tr>
          <tr>
            <th scope="row" data-label={t('page.policies.rule.direction')}>
              {t('page.policies.rule.both')}
            </th>
            <td data-label={t('page.policies.rule.here')}>{t('page.policies.rule.both.here')}</td>
            <td data-label={t('page.policies.rule.there')}>{t('page.policies.rule.both.there')}</td>
          </tr>
        </tbody>
      </table>
      <p className="admin-hint">{t('page.policies.rule.mpx')}</p>
      {enrollment.data && (
        <p className="admin-inline">
          <span>{t('page.policies.rule.ours')}</span> <code>{enrollment.data.enrollmentId}</code>{' '}
          <CopyButton text={enrollment.data.enrollmentId} label={t('page.network.ui.copyEnrollmentId')} />
        </p>
      )}
    </section>
  );
}
