import { EmptyState } from '../components/EmptyState';
import { Page } from '../components/Page';
import { useT } from '../i18n';

/** BCE-compatible VPC peer connections (/v1/peerconn). */
export function VpcPeeringPage() {
  const t = useT();
  return (
    <Page title={t('nav.vpcPeering')} intro={t('page.vpcPeering.intro')}>
      <EmptyState
        title={t('page.vpcPeering.empty.title')}
        command="peerlink peerconn list --profile <account>"
      >
        <p>{t('page.vpcPeering.empty.body')}</p>
      </EmptyState>
    </Page>
  );
}
