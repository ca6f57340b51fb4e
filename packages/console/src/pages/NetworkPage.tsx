import { EmptyState } from '../components/EmptyState';
import { Page } from '../components/Page';
import { useT } from '../i18n';

/** MPX connections and invites, data relay channels. */
export function NetworkPage() {
  const t = useT();
  return (
    <Page title={t('term.networkConnections')} intro={t('page.network.intro')}>
      <EmptyState title={t('page.network.empty.title')} command="peerlink network mpx invite">
        <p>{t('page.network.empty.body')}</p>
      </EmptyState>
    </Page>
  );
}
