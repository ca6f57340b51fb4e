import { useApiQuery } from '../api';
import { Loading } from '../components/Loading';
import { Page } from '../components/Page';
import { useT } from '../i18n';
import { useUser } from '../session';
import { firstLoad } from './network/ui';
import { DirectionRule } from './policies/DirectionRule';
import { type AnyRule, loadRules, RuleSection } from './policies/RuleSection';

// Stable (module level), as useApiQuery wants; only administrators may read the lists.
const loadIngress = () => loadRules('ingress');
const loadEgress = () => loadRules('egress');
const noRules = async (): Promise<AnyRule[]> => [];

/** Ingress allow-list and egress policy (administrators), with the direction rule explained. */
export function PoliciesPage() {
  const t = useT();
  const user = useUser();
  const ingress = useApiQuery(user.isAdmin ? loadIngress : noRules);
  const egress = useApiQuery(user.isAdmin ? loadEgress : noRules);
  return (
    <Page title={t('term.policies')} intro={t('page.policies.intro')}>
      <DirectionRule />
      {!user.isAdmin ? (
        <p className="notice" role="note">
          {t('page.policies.adminOnly')}
        </p>
      ) : firstLoad(ingress, egress) ? (
        <Loading />
      ) : (
        <>
          <RuleSection kind="ingress" rules={ingress} />
          <RuleSection kind="egress" rules={egress} />
        </>
      )}
    </Page>
  );
}
