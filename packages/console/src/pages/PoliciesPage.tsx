import { EmptyState } from '../components/EmptyState';
import { Page } from '../components/Page';
import { useT } from '../i18n';

/** Ingress and egress policies. */
export function PoliciesPage() {
  const t = useT();
  return (
    <Page title={t('term.policies')} intro={t('page.policies.intro')}>
      <EmptyState title={t('page.policies.empty.title')} command="peerlink policy ingress list">
        <p>{t('page.policies.empty.body')}</p>
      </EmptyState>
    </Page>
  );
}
