import { Page } from '../components/Page';
import { useT } from '../i18n';
import { Link } from '../router';

export function NotFoundPage() {
  const t = useT();
  return (
    <Page title={t('page.notFound.title')}>
      <p>{t('page.notFound.body')}</p>
      <p>
        <Link to="/">{t('nav.peerManager')}</Link>
      </p>
    </Page>
  );
}
