import type { Vpc } from '@peerlink/sdk';
import { type FormEvent, useCallback, useId, useState } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { Loading } from '../../components/Loading';
import { usePolledQuery } from '../../components/usePolledQuery';
import { useT } from '../../i18n';
import { Link } from '../../router';
import { BceErrorNotice } from './BceErrorNotice';
import { all, vpcCidrProblem, vpcNameProblem } from './model';
import { ConfirmButton, Done, useAction, When } from './parts';
import { useVpc, VpcScreen } from './VpcScreen';

/** The account's VPCs in this region: create (name, CIDR), delete, and the way to their route tables. */
export function VpcsPage() {
  const t = useT();
  return (
    <VpcScreen title={t('page.vpc.vpcs.title')} intro={t('page.vpc.vpcs.intro')}>
      <Vpcs />
    </VpcScreen>
  );
}

function Vpcs() {
  const t = useT();
  const { clients, region } = useVpc();
  const id = useId();
  const load = useCallback(() => all(clients.vpc.paginateVpcs()), [clients]);
  const vpcs = usePolledQuery<Vpc[]>(load);
  const action = useAction();

  const remove = async (vpc: Vpc) => {
    if (
      await action.run(
        `delete-${vpc.vpcId}`,
        () => clients.vpc.deleteVpc(vpc.vpcId),
        t('page.vpc.done.vpcDeleted', { id: vpc.vpcId }),
      )
    )
      vpcs.refresh();
  };

  return (
    <>
      <CreateVpcForm onCreated={vpcs.refresh} />
      <section aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>{t('page.vpc.vpcs.listTitle', { region })}</h2>
        {action.error !== undefined && <BceErrorNotice error={action.error} onDismiss={action.clearError} />}
        <Done message={action.done} />
        {vpcs.error !== undefined && <BceErrorNotice error={vpcs.error} onRetry={vpcs.reload} />}
        {vpcs.loading && !vpcs.data && <Loading />}
        {vpcs.data && vpcs.data.length === 0 && (
          <EmptyState title={t('page.vpc.vpcs.empty.title')}>
            <p>{t('page.vpc.vpcs.empty.body')}</p>
          </EmptyState>
        )}
        {vpcs.data && vpcs.data.length > 0 && (
          <table className="vpc-table">
            <caption className="visually-hidden">{t('page.vpc.vpcs.listTitle', { region })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('page.vpc.field.vpcName')}</th>
                <th scope="col">{t('page.vpc.field.vpcId')}</th>
                <th scope="col">{t('page.vpc.field.cidr')}</th>
                <th scope="col">{t('page.vpc.field.created')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('page.vpc.detail.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {vpcs.data.map((vpc) => (
                <tr key={vpc.vpcId}>
                  <td data-label={t('page.vpc.field.vpcName')}>
                    <Link to={`/vpc-peering/vpcs/${encodeURIComponent(vpc.vpcId)}`}>{vpc.name}</Link>
                    {vpc.description && <div className="muted small">{vpc.description}</div>}
                  </td>
                  <td data-label={t('page.vpc.field.vpcId')}>
                    <code>{vpc.vpcId}</code>
                  </td>
                  <td data-label={t('page.vpc.field.cidr')}>
                    <code>{[vpc.cidr, ...(vpc.secondaryCidr ?? [])].join(', ')}</code>
                  </td>
                  <td data-label={t('page.vpc.field.created')}>
                    <When iso={vpc.createdTime} />
                  </td>
                  <td>
                    <div className="vpc-row-actions">
                      <Link
                        to={`/vpc-peering/vpcs/${encodeURIComponent(vpc.vpcId)}`}
                        className="button vpc-link-button"
                        aria-label={t('page.vpc.vpcs.routesOf', { name: vpc.name })}
                      >
                        {t('page.vpc.vpcs.routes')}
                      </Link>
                      <Link
                        to={`/vpc-peering?vpcId=${encodeURIComponent(vpc.vpcId)}`}
                        className="button vpc-link-button"
                        aria-label={t('page.vpc.vpcs.connsOf', { name: vpc.name })}
                      >
                        {t('page.vpc.vpcs.conns')}
                      </Link>
                      <ConfirmButton
                        label={t('page.vpc.action.delete')}
                        accessibleLabel={t('page.vpc.vpcs.deleteNamed', { name: vpc.name })}
                        question={t('page.vpc.vpcs.deleteConfirm', { name: vpc.name, id: vpc.vpcId })}
                        busy={action.busy !== undefined}
                        onConfirm={() => void remove(vpc)}
                      />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="vpc-hint">{t('page.vpc.vpcs.deleteRule')}</p>
      </section>
    </>
  );
}

function CreateVpcForm({ onCreated }: { onCreated: () => void }) {
  const t = useT();
  const { clients } = useVpc();
  const id = useId();
  const [name, setName] = useState('');
  const [cidr, setCidr] = useState('');
  const [description, setDescription] = useState('');
  const [missing, setMissing] = useState(false);
  const [createdId, setCreated] = useState<string>();
  const action = useAction();

  const nameOff = name !== '' && vpcNameProblem(name);
  const cidrProblem = cidr.trim() === '' ? undefined : vpcCidrProblem(cidr);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name || !cidr.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    setCreated(undefined);
    let created = '';
    const ok = await action.run(
      'create',
      async () => {
        created = (
          await clients.vpc.createVpc({
            name,
            cidr: cidr.trim(),
            ...(description.trim() ? { description: description.trim() } : {}),
          })
        ).vpcId;
      },
      '',
    );
    if (ok) {
      setName('');
      setCidr('');
      setDescription('');
      onCreated();
      setCreated(created);
    }
  };
  return (
    <section className="vpc-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('page.vpc.vpcs.createTitle')}</h2>
      <form className="form vpc-create-vpc" onSubmit={submit} noValidate>
        <div className="vpc-field-group">
          <label className="field">
            {t('page.vpc.field.vpcName')}
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={65}
              autoComplete="off"
              aria-invalid={(missing && !name) || nameOff ? true : undefined}
              aria-describedby={`${id}-name-hint`}
            />
          </label>
          <p id={`${id}-name-hint`} className={nameOff ? 'vpc-hint vpc-warning' : 'vpc-hint'}>
            {t('page.vpc.vpcs.rule.name')}
          </p>
        </div>
        <div className="vpc-field-group">
          <label className="field">
            {t('page.vpc.field.cidr')}
            <input
              value={cidr}
              onChange={(e) => setCidr(e.target.value)}
              placeholder="10.1.0.0/16"
              autoComplete="off"
              spellCheck={false}
              aria-invalid={(missing && !cidr.trim()) || cidrProblem ? true : undefined}
              aria-describedby={`${id}-cidr-hint`}
            />
          </label>
          <div id={`${id}-cidr-hint`} className="vpc-hint">
            <p>{t('page.vpc.vpcs.rule.cidr')}</p>
            {cidrProblem && <p className="vpc-warning">{t(`page.vpc.vpcs.cidr.${cidrProblem}`)}</p>}
          </div>
        </div>
        <label className="field">
          {t('page.vpc.field.description')}
          <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={200} />
        </label>
        {missing && (
          <p className="vpc-field-error" role="alert">
            {t('page.vpc.vpcs.missing')}
          </p>
        )}
        {action.error !== undefined && <BceErrorNotice error={action.error} onDismiss={action.clearError} />}
        <p className="vpc-done" role="status">
          {createdId ? t('page.vpc.done.vpcCreated', { id: createdId }) : ''}
        </p>
        <div>
          <button type="submit" className="button button-primary" disabled={action.busy !== undefined}>
            {t('page.vpc.vpcs.create')}
          </button>
        </div>
      </form>
    </section>
  );
}
