import { EmptyState } from '../components/EmptyState';
import { Page } from '../components/Page';
import { useT } from '../i18n';

/** Spaces and their managers. */
export function SpacesPage() {
  const t = useT();
  return (
    <Page title={t('term.spaces')} intro={t('page.spaces.intro')}>
      <EmptyState title={t('page.spaces.empty.title')} command="peerlink spaces list">
        <p>{t('page.spaces.empty.body')}</p>
      </EmptyState>
    </Page>
  );
}
