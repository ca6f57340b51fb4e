import { api, useApiQuery } from '../api';
import { EmptyState } from '../components/EmptyState';
import { ErrorNotice } from '../components/ErrorNotice';
import { Loading } from '../components/Loading';
import { Page } from '../components/Page';
import { useT } from '../i18n';

// Stable (module level), as useApiQuery wants.
const loadEnrollment = () => api.peerlink.getEnrollment();

/** The enrollment: platform title (editing comes with the settings screen), enrollment id. */
export function SettingsPage() {
  const t = useT();
  const enrollment = useApiQuery(loadEnrollment);
  return (
    <Page title={t('nav.settings')} intro={t('page.settings.intro')}>
      {enrollment.loading && <Loading />}
      {enrollment.error !== undefined && <ErrorNotice error={enrollment.error} onRetry={enrollment.reload} />}
      {enrollment.data && (
        <>
          <dl className="facts">
            <dt>{t('term.platformTitle')}</dt>
            <dd>{enrollment.data.platformTitle ?? '—'}</dd>
            <dt>{t('term.enrollmentId')}</dt>
            <dd>
              <code>{enrollment.data.enrollmentId}</code>
            </dd>
          </dl>
          {enrollment.data.platformTitle === null && (
            <EmptyState
              title={t('page.settings.noTitle.title')}
              command={'peerlink enrollment title "Data Platform (Beijing)"'}
            >
              <p>{t('page.settings.noTitle.body')}</p>
            </EmptyState>
          )}
        </>
      )}
    </Page>
  );
}
