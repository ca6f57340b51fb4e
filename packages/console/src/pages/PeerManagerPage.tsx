import { EmptyState } from '../components/EmptyState';
import { Page } from '../components/Page';
import { type MessageKey, useT } from '../i18n';

/** The peer request lifecycle, in the Peer Manager's own words. */
const STEPS: MessageKey[] = [
  'action.createPeerRequest',
  'action.copyInviteCode',
  'action.enterInviteCode',
  'action.setSecurity',
  'action.approveRequest',
  'action.activate',
];

/** Home: peer requests and peer connections. */
export function PeerManagerPage() {
  const t = useT();
  return (
    <Page title={t('nav.peerManager')} intro={t('page.peerManager.intro')}>
      <EmptyState title={t('page.peerManager.empty.title')} command="peerlink peer list">
        <p>{t('page.peerManager.empty.body')}</p>
        <h3>{t('common.nextSteps')}</h3>
        <ol className="steps">
          {STEPS.map((step) => (
            <li key={step}>{t(step)}</li>
          ))}
        </ol>
      </EmptyState>
    </Page>
  );
}
