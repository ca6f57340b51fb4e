import { useId } from 'react';
import type { api, Query } from '../../api';
import { CopyButton } from '../../components/CopyButton';
import { TextAreaField } from '../../components/Field';
import { useT } from '../../i18n';
import { Link } from '../../router';
import { ApiErrorNotice } from './ui';

export type Identity = Awaited<ReturnType<typeof api.peerManager.getIdentity>>;

/** This enrollment's identity card (`plid1.…`), for the other side's relay channels. */
export function IdentityCard({ identity }: { identity: Query<Identity> }) {
  const t = useT();
  const headingId = useId();
  const cardId = useId();
  return (
    <section className="admin-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('page.network.identity.title')}</h2>
      <p className="muted">{t('page.network.identity.intro')}</p>
      {identity.error !== undefined && <ApiErrorNotice error={identity.error} onRetry={identity.reload} />}
      {identity.data && (
        <>
          {identity.data.platformTitle === null && (
            <p className="notice notice-error" role="note">
              {t('page.network.identity.noTitle')}{' '}
              <Link to="/settings">{t('page.network.identity.toSettings')}</Link>
            </p>
          )}
          <dl className="facts">
            <dt>{t('term.enrollmentId')}</dt>
            <dd>
              <code>{identity.data.enrollmentId}</code>
            </dd>
            <dt>{t('term.platformTitle')}</dt>
            <dd>{identity.data.platformTitle ?? '—'}</dd>
            <dt>{t('page.network.identity.address')}</dt>
            <dd>{identity.data.address ?? t('page.network.identity.noAddress')}</dd>
          </dl>
          <TextAreaField
            label={t('page.network.identity.card')}
            id={cardId}
            className="admin-code"
            readOnly
            rows={3}
            value={identity.data.identityCard}
            onFocus={(event) => event.currentTarget.select()}
          />
          <div className="admin-buttons">
            <CopyButton text={identity.data.identityCard} label={t('page.network.identity.copy')} />
          </div>
        </>
      )}
    </section>
  );
}
