import { EmptyState } from '../components/EmptyState';
import { Page } from '../components/Page';
import { useT } from '../i18n';

/** Space data: objects, files, replication jobs, conflicts. */
export function DataPage() {
  const t = useT();
  return (
    <Page title={t('nav.data')} intro={t('page.data.intro')}>
      <EmptyState title={t('page.data.empty.title')} command="peerlink data objects list <spaceId>">
        <p>{t('page.data.empty.body')}</p>
      </EmptyState>
    </Page>
  );
}
