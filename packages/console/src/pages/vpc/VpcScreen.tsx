import { createContext, type ReactNode, useContext, useEffect, useMemo } from 'react';
import { api } from '../../api';
import { Page } from '../../components/Page';
import { useT } from '../../i18n';
import { Link, usePath } from '../../router';
import { useUser } from '../../session';
import { AccessKeyForm } from './AccessKeyForm';
import {
  clientsFor,
  forgetAccessKey,
  forgetOthersKey,
  type StoredAccessKey,
  useAccessKey,
  type VpcClients,
} from './access-key';

/** What every VPC peering screen works with once an access key is in use. */
export interface VpcContext {
  clients: VpcClients;
  /** The account of the key. */
  accountId: string;
  /** The region this listener serves: the local region of everything shown. */
  region: string;
}

const Context = createContext<VpcContext | undefined>(undefined);

export function useVpc(): VpcContext {
  const value = useContext(Context);
  if (!value) throw new Error('useVpc is only for screens inside <VpcScreen>');
  return value;
}

/**
 * The frame of the VPC peering screens: the page heading, then either the "Use access key" form
 * or the account bar (account, region, "Forget access key"), the section tabs and the screen.
 * `actions` and `children` render only with a key, inside the context `useVpc()` reads.
 */
export function VpcScreen({
  title,
  intro,
  actions,
  back,
  children,
}: {
  title: string;
  intro?: string;
  actions?: ReactNode;
  back?: { to: string; label: string };
  children: ReactNode;
}) {
  const user = useUser();
  const key = useAccessKey(user.userId);

  // A key another console user entered in this tab is not theirs to use.
  useEffect(() => forgetOthersKey(user.userId), [user.userId]);

  return (
    <Page title={title} intro={intro} actions={key ? actions : undefined}>
      <div className="vpc">
        {key ? (
          <KeyedScreen accessKey={key} back={back}>
            {children}
          </KeyedScreen>
        ) : (
          <AccessKeyForm />
        )}
      </div>
    </Page>
  );
}

function KeyedScreen({
  accessKey,
  back,
  children,
}: {
  accessKey: StoredAccessKey;
  back?: { to: string; label: string } | undefined;
  children: ReactNode;
}) {
  const { ak, sk, accountId, region } = accessKey;
  // Signed calls do not need the console session, so they would not notice it ending: ask once per
  // screen. A 401 returns the console to its login page and forgets the key (access-key.ts).
  useEffect(() => {
    api.peerlink.me().catch(() => undefined);
  }, []);
  const value = useMemo<VpcContext>(
    () => ({ clients: clientsFor({ ak, sk }), accountId, region }),
    [ak, sk, accountId, region],
  );
  return (
    <Context.Provider value={value}>
      <AccountBar accessKey={accessKey} />
      <SectionTabs />
      {back && (
        <p className="vpc-back">
          <Link to={back.to}>← {back.label}</Link>
        </p>
      )}
      {children}
    </Context.Provider>
  );
}

function AccountBar({ accessKey }: { accessKey: StoredAccessKey }) {
  const t = useT();
  return (
    <div className="vpc-account">
      <dl className="vpc-account-facts">
        <div>
          <dt>{t('page.vpc.key.account')}</dt>
          <dd>
            <code>{accessKey.accountId}</code>
          </dd>
        </div>
        <div>
          <dt>{t('page.vpc.key.akShort')}</dt>
          <dd>
            <code>{accessKey.ak}</code>
          </dd>
        </div>
        <div>
          <dt>{t('page.vpc.region')}</dt>
          <dd>
            <code>{accessKey.region}</code>
          </dd>
        </div>
      </dl>
      <button type="button" className="button" onClick={forgetAccessKey}>
        {t('page.vpc.key.forget')}
      </button>
    </div>
  );
}

function SectionTabs() {
  const t = useT();
  const path = usePath();
  const inVpcs = path.startsWith('/vpc-peering/vpcs');
  // The tab of the section shown: "page" on the list itself, "true" on a screen inside it.
  const current = (to: string, mine: boolean) => (!mine ? undefined : path === to ? 'page' : 'true');
  return (
    <nav className="vpc-tabs" aria-label={t('page.vpc.sections')}>
      <Link to="/vpc-peering" aria-current={current('/vpc-peering', !inVpcs)}>
        {t('page.vpc.tab.peerConns')}
      </Link>
      <Link to="/vpc-peering/vpcs" aria-current={current('/vpc-peering/vpcs', inVpcs)}>
        {t('page.vpc.tab.vpcs')}
      </Link>
    </nav>
  );
}
