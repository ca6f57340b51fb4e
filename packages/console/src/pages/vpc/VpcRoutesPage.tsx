import {
  BceServiceError,
  type PeerConn,
  type RouteRule,
  type RouteTable,
  type ShowVpcModel,
  type Vpc,
} from '@peerlink/sdk';
import { type FormEvent, useCallback, useId, useState } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { Loading } from '../../components/Loading';
import { usePolledQuery } from '../../components/usePolledQuery';
import { useT } from '../../i18n';
import { Link, useParams } from '../../router';
import { BceErrorNotice } from './BceErrorNotice';
import { all, inFlight } from './model';
import { ConfirmButton, Done, StatusBadge, useAction, When } from './parts';
import { useVpc, VpcScreen } from './VpcScreen';

interface Loaded {
  vpc: ShowVpcModel;
  table: RouteTable;
  rules: RouteRule[];
  /** The ends of peer connections in this VPC. */
  conns: PeerConn[];
  /** The account's VPCs in this region, to name peer VPCs and suggest their blocks. */
  vpcs: Vpc[];
}

/** One VPC: its blocks and subnets, and its route table (rules through peer connections). */
export function VpcRoutesPage() {
  const t = useT();
  const { vpcId = '' } = useParams();
  return (
    <VpcScreen
      title={t('page.vpc.routes.title', { id: vpcId })}
      intro={t('page.vpc.routes.intro')}
      back={{ to: '/vpc-peering/vpcs', label: t('page.vpc.backToVpcs') }}
    >
      <VpcRoutes vpcId={vpcId} />
    </VpcScreen>
  );
}

function VpcRoutes({ vpcId }: { vpcId: string }) {
  const t = useT();
  const { clients, region } = useVpc();
  const id = useId();
  const load = useCallback(async (): Promise<Loaded> => {
    const [vpc, table, conns, vpcs] = await Promise.all([
      clients.vpc.getVpc(vpcId),
      clients.route.getRouteTable({ vpcId }),
      all(clients.peerConn.paginatePeerConns({ vpcId, maxKeys: 100 })),
      all(clients.vpc.paginateVpcs()),
    ]);
    const rules = await all(clients.route.paginateRouteRules({ routeTableId: table.routeTableId }));
    return { vpc, table, rules, conns, vpcs };
  }, [clients, vpcId]);
  const live = usePolledQuery<Loaded>(load, { fastWhile: (d) => d.conns.some(inFlight) });
  const action = useAction();

  if (live.loading && !live.data) return <Loading />;
  if (!live.data) {
    const missing = live.error instanceof BceServiceError && live.error.statusCode === 404;
    return missing ? (
      <EmptyState title={t('page.vpc.routes.notFound.title')}>
        <p>{t('page.vpc.routes.notFound.body', { region })}</p>
        <BceErrorNotice error={live.error} />
      </EmptyState>
    ) : (
      <BceErrorNotice error={live.error} onRetry={live.reload} />
    );
  }

  const { vpc, table, rules, conns, vpcs } = live.data;
  const byIf = new Map(conns.map((c) => [c.localIfId, c]));
  const remove = async (rule: RouteRule) => {
    if (
      await action.run(
        `delete-${rule.routeRuleId}`,
        () => clients.route.deleteRouteRule(rule.routeRuleId),
        t('page.vpc.done.ruleDeleted', { id: rule.routeRuleId }),
      )
    )
      live.refresh();
  };

  return (
    <>
      {live.error !== undefined && <BceErrorNotice error={live.error} onRetry={live.refresh} />}
      <section className="vpc-card" aria-labelledby={`${id}-vpc`}>
        <h2 id={`${id}-vpc`}>{vpc.name}</h2>
        <dl className="facts">
          <dt>{t('page.vpc.field.vpcId')}</dt>
          <dd>
            <code>{vpc.vpcId}</code>
          </dd>
          <dt>{t('page.vpc.field.cidr')}</dt>
          <dd>
            <code>{[vpc.cidr, ...(vpc.secondaryCidr ?? [])].join(', ')}</code>
          </dd>
          <dt>{t('page.vpc.region')}</dt>
          <dd>
            <code>{region}</code>
          </dd>
          <dt>{t('page.vpc.field.subnets')}</dt>
          <dd>
            {vpc.subnets.length === 0
              ? t('page.vpc.routes.noSubnets')
              : vpc.subnets.map((s) => `${s.name} ${s.cidr}`).join(', ')}
          </dd>
          <dt>{t('page.vpc.field.created')}</dt>
          <dd>
            <When iso={vpc.createdTime} />
          </dd>
          <dt>{t('term.peerConnections')}</dt>
          <dd>
            <Link to={`/vpc-peering?vpcId=${encodeURIComponent(vpc.vpcId)}`}>
              {t('page.vpc.routes.connCount', { n: new Set(conns.map((c) => c.peerConnId)).size })}
            </Link>
          </dd>
        </dl>
      </section>

      <section aria-labelledby={`${id}-rules`}>
        <h2 id={`${id}-rules`}>
          {t('page.vpc.routes.table')} <code className="small">{table.routeTableId}</code>
        </h2>
        {action.error !== undefined && <BceErrorNotice error={action.error} onDismiss={action.clearError} />}
        <Done message={action.done} />
        {rules.length === 0 ? (
          <p className="muted">{t('page.vpc.routes.noRules')}</p>
        ) : (
          <table className="vpc-table">
            <caption className="visually-hidden">{t('page.vpc.routes.table')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('page.vpc.field.source')}</th>
                <th scope="col">{t('page.vpc.field.destination')}</th>
                <th scope="col">{t('page.vpc.field.nexthop')}</th>
                <th scope="col">{t('page.vpc.field.description')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('page.vpc.detail.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rules.map((rule) => {
                const conn = rule.nexthopType === 'peerConn' ? byIf.get(rule.nexthopId) : undefined;
                return (
                  <tr key={rule.routeRuleId}>
                    <td data-label={t('page.vpc.field.source')}>
                      <code>{rule.sourceAddress}</code>
                    </td>
                    <td data-label={t('page.vpc.field.destination')}>
                      <code>{rule.destinationAddress}</code>
                    </td>
                    <td data-label={t('page.vpc.field.nexthop')}>
                      <span className="muted small">
                        {rule.nexthopType === 'peerConn'
                          ? t('page.vpc.routes.viaPeerConn')
                          : rule.nexthopType}
                      </span>{' '}
                      <code>{rule.nexthopId}</code>
                      {conn && (
                        <div className="small">
                          <Link to={`/vpc-peering/${encodeURIComponent(conn.peerConnId)}?role=${conn.role}`}>
                            {conn.peerConnId}
                          </Link>{' '}
                          <StatusBadge status={conn.status} />
                        </div>
                      )}
                    </td>
                    <td data-label={t('page.vpc.field.description')}>{rule.description || '—'}</td>
                    <td>
                      <div className="vpc-row-actions">
                        <ConfirmButton
                          label={t('page.vpc.action.delete')}
                          accessibleLabel={t('page.vpc.routes.deleteNamed', {
                            destination: rule.destinationAddress,
                          })}
                          question={t('page.vpc.routes.deleteConfirm', {
                            source: rule.sourceAddress,
                            destination: rule.destinationAddress,
                          })}
                          busy={action.busy !== undefined}
                          onConfirm={() => void remove(rule)}
                        />
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <AddRuleForm
        // A connection becoming active (or going) offers new next hops: start the form afresh.
        key={conns
          .filter((c) => c.status === 'active')
          .map((c) => c.localIfId)
          .join()}
        table={table}
        vpc={vpc}
        conns={conns}
        vpcs={vpcs}
        onAdded={live.refresh}
      />
    </>
  );
}

function AddRuleForm({
  table,
  vpc,
  conns,
  vpcs,
  onAdded,
}: {
  table: RouteTable;
  vpc: ShowVpcModel;
  conns: PeerConn[];
  vpcs: Vpc[];
  onAdded: () => void;
}) {
  const t = useT();
  const { clients } = useVpc();
  const id = useId();
  const active = conns.filter((c) => c.status === 'active');
  const [source, setSource] = useState('0.0.0.0/0');
  const [nexthopId, setNexthopId] = useState(active[0]?.localIfId ?? '');
  const peerBlocks = (ifId: string) => {
    const conn = conns.find((c) => c.localIfId === ifId);
    const peer = conn && vpcs.find((v) => v.vpcId === conn.peerVpcId);
    return peer ? [peer.cidr, ...(peer.secondaryCidr ?? [])] : undefined;
  };
  const [destination, setDestination] = useState(() => peerBlocks(nexthopId)?.[0] ?? '');
  const [description, setDescription] = useState('');
  const [missing, setMissing] = useState(false);
  const action = useAction();

  const chosen = conns.find((c) => c.localIfId === nexthopId);
  const knownPeerBlocks = peerBlocks(nexthopId);
  const subnets = vpc.subnets.map((s) => s.cidr);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!source.trim() || !destination.trim() || !nexthopId) {
      setMissing(true);
      return;
    }
    setMissing(false);
    const ok = await action.run(
      'add',
      () =>
        clients.route.createRouteRule({
          routeTableId: table.routeTableId,
          sourceAddress: source.trim(),
          destinationAddress: destination.trim(),
          nexthopType: 'peerConn',
          nexthopId,
          ...(description.trim() ? { description: description.trim() } : {}),
        }),
      t('page.vpc.done.ruleAdded'),
    );
    if (ok) {
      setDescription('');
      onAdded();
    }
  };

  return (
    <section className="vpc-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('page.vpc.routes.addTitle')}</h2>
      {active.length === 0 && (
        <div className="notice">
          <p>{t('page.vpc.routes.noActive')}</p>
          <p>
            <Link to="/vpc-peering/create">{t('page.vpc.create.action')}</Link>
          </p>
        </div>
      )}
      <form className="form" onSubmit={submit} noValidate>
        <label className="field">
          {t('page.vpc.field.nexthopPeerConn')}
          <select
            value={nexthopId}
            onChange={(e) => {
              setNexthopId(e.target.value);
              const blocks = peerBlocks(e.target.value);
              if (
                blocks &&
                (!destination.trim() || conns.some((c) => peerBlocks(c.localIfId)?.includes(destination)))
              )
                setDestination(blocks[0]!);
            }}
            aria-describedby={`${id}-nexthop-hint`}
            aria-invalid={missing && !nexthopId ? true : undefined}
          >
            {active.length === 0 && <option value="">{t('page.vpc.routes.noActiveOption')}</option>}
            {active.map((c) => (
              <option key={c.localIfId} value={c.localIfId}>
                {c.peerConnId} → {c.peerVpcId} ({c.localIfId})
              </option>
            ))}
          </select>
        </label>
        <p id={`${id}-nexthop-hint`} className="vpc-hint">
          {t('page.vpc.routes.rule.nexthop')}
        </p>
        <label className="field">
          {t('page.vpc.field.source')}
          <input
            value={source}
            onChange={(e) => setSource(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            aria-describedby={`${id}-source-hint`}
            aria-invalid={missing && !source.trim() ? true : undefined}
          />
        </label>
        <p id={`${id}-source-hint`} className="vpc-hint">
          {subnets.length > 0
            ? t('page.vpc.routes.rule.source', { subnets: subnets.join(', ') })
            : t('page.vpc.routes.rule.sourceNoSubnets')}
        </p>
        <label className="field">
          {t('page.vpc.field.destination')}
          <input
            value={destination}
            onChange={(e) => setDestination(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            placeholder="10.2.0.0/16"
            aria-describedby={`${id}-destination-hint`}
            aria-invalid={missing && !destination.trim() ? true : undefined}
          />
        </label>
        <p id={`${id}-destination-hint`} className="vpc-hint">
          {knownPeerBlocks
            ? t('page.vpc.routes.rule.destinationKnown', { blocks: knownPeerBlocks.join(', ') })
            : chosen
              ? t('page.vpc.routes.rule.destinationVpc', { vpc: chosen.peerVpcId })
              : t('page.vpc.routes.rule.destination')}
        </p>
        <label className="field">
          {t('page.vpc.field.description')}
          <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={200} />
        </label>
        {missing && (
          <p className="vpc-field-error" role="alert">
            {t('page.vpc.routes.missing')}
          </p>
        )}
        {action.error !== undefined && <BceErrorNotice error={action.error} onDismiss={action.clearError} />}
        <Done message={action.done} />
        <p className="vpc-hint">{t('page.vpc.routes.rule.unique')}</p>
        <div>
          <button type="submit" className="button button-primary" disabled={action.busy !== undefined}>
            {t('page.vpc.routes.add')}
          </button>
        </div>
      </form>
    </section>
  );
}
