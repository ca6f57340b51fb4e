import { useEffect, useId, useState } from 'react';
import { api, useApiQuery } from '../api';
import { CopyButton } from '../components/CopyButton';
import { Loading } from '../components/Loading';
import { Page } from '../components/Page';
import { useT } from '../i18n';
import { useUser } from '../session';
import { ApiErrorNotice, StatusMessage, Time } from './network/ui';
import { ChangePasswordForm } from './settings/ChangePasswordForm';
import { PlatformTitleForm } from './settings/PlatformTitleForm';

// Stable (module level), as useApiQuery wants.
const loadEnrollment = () => api.peerlink.getEnrollment();

/** The enrollment (platform title, enrollment ID), the signed-in user and their password. */
export function SettingsPage() {
  const t = useT();
  const user = useUser();
  const enrollment = useApiQuery(loadEnrollment);
  // Saving answers the enrollment: show it at once.
  const [current, setCurrent] = useState(enrollment.data);
  useEffect(() => setCurrent(enrollment.data), [enrollment.data]);
  const [status, setStatus] = useState('');
  const enrollmentHeading = useId();
  const userHeading = useId();

  return (
    <Page title={t('nav.settings')} intro={t('page.settings.intro')}>
      <StatusMessage>{status}</StatusMessage>
      <section className="admin-section" aria-labelledby={enrollmentHeading}>
        <h2 id={enrollmentHeading}>{t('page.settings.enrollment.title')}</h2>
        {enrollment.loading && current === undefined && <Loading />}
        {enrollment.error !== undefined && (
          <ApiErrorNotice error={enrollment.error} onRetry={enrollment.reload} />
        )}
        {current && (
          <>
            {current.platformTitle === null && (
              <div className="notice notice-error" role="note">
                <p className="notice-title">{t('page.settings.noTitle.title')}</p>
                <p>{t('page.settings.noTitle.body')}</p>
              </div>
            )}
            <dl className="facts">
              <dt>{t('term.platformTitle')}</dt>
              <dd>{current.platformTitle ?? '—'}</dd>
              <dt>{t('term.enrollmentId')}</dt>
              <dd className="admin-inline">
                <code>{current.enrollmentId}</code>{' '}
                <CopyButton text={current.enrollmentId} label={t('page.network.ui.copyEnrollmentId')} />
              </dd>
              <dt>{t('page.settings.enrollment.created')}</dt>
              <dd>
                <Time value={current.createdAt} />
              </dd>
            </dl>
            {user.isAdmin ? (
              <PlatformTitleForm
                current={current.platformTitle}
                onSaved={(saved) => {
                  setCurrent(saved);
                  setStatus(t('page.settings.title.saved', { title: saved.platformTitle ?? '' }));
                }}
              />
            ) : (
              <p className="notice" role="note">
                {t('page.settings.title.adminOnly')}
              </p>
            )}
          </>
        )}
      </section>

      <section className="admin-section" aria-labelledby={userHeading}>
        <h2 id={userHeading}>{t('page.settings.user.title')}</h2>
        <dl className="facts">
          <dt>{t('auth.username')}</dt>
          <dd>{user.username}</dd>
          <dt>{t('page.settings.user.id')}</dt>
          <dd>
            <code>{user.userId}</code>
          </dd>
          <dt>{t('page.settings.user.role')}</dt>
          <dd>{t(user.isAdmin ? 'user.admin' : 'page.settings.user.member')}</dd>
          <dt>{t('page.network.ui.created')}</dt>
          <dd>
            <Time value={user.createdAt} />
          </dd>
        </dl>
        <ChangePasswordForm
          userId={user.userId}
          onChanged={() => setStatus(t('page.settings.password.changed'))}
        />
      </section>
    </Page>
  );
}
