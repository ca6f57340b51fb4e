import type { CreatePeerConnArgs, PeerConn, Vpc } from '@peerlink/sdk';
import { type FormEvent, useCallback, useId, useState } from 'react';
import { EmptyState } from '../../components/EmptyState';
import { Loading } from '../../components/Loading';
import { usePolledQuery } from '../../components/usePolledQuery';
import { useT } from '../../i18n';
import { Link, navigate } from '../../router';
import { BceErrorNotice } from './BceErrorNotice';
import { all, BANDWIDTH_MAX, BANDWIDTH_MIN, firstOverlap, REGIONS, RESERVATION_MONTHS } from './model';
import { useVpc, VpcScreen } from './VpcScreen';

const blocksOf = (vpc: Vpc) => [vpc.cidr, ...(vpc.secondaryCidr ?? [])];

/** The create wizard: local end, peer end, bandwidth and billing, each with its rules beside it. */
export function CreatePeerConnPage() {
  const t = useT();
  return (
    <VpcScreen
      title={t('page.vpc.create.title')}
      intro={t('page.vpc.create.intro')}
      back={{ to: '/vpc-peering', label: t('page.vpc.backToList') }}
    >
      <CreatePeerConn />
    </VpcScreen>
  );
}

interface Loaded {
  vpcs: Vpc[];
  conns: PeerConn[];
}

function CreatePeerConn() {
  const t = useT();
  const { clients } = useVpc();
  const load = useCallback(
    async (): Promise<Loaded> => ({
      vpcs: await all(clients.vpc.paginateVpcs()),
      conns: await all(clients.peerConn.paginatePeerConns({ maxKeys: 100 })),
    }),
    [clients],
  );
  const live = usePolledQuery<Loaded>(load);
  if (live.loading && !live.data) return <Loading />;
  if (!live.data) return <BceErrorNotice error={live.error} onRetry={live.reload} />;
  if (live.data.vpcs.length === 0) {
    return (
      <EmptyState title={t('page.vpc.create.noVpcs.title')}>
        <p>{t('page.vpc.create.noVpcs.body')}</p>
        <p>
          <Link to="/vpc-peering/vpcs" className="button button-primary vpc-link-button">
            {t('page.vpc.list.noVpcs.action')}
          </Link>
        </p>
      </EmptyState>
    );
  }
  return <CreateForm vpcs={live.data.vpcs} conns={live.data.conns} />;
}

function CreateForm({ vpcs, conns }: Loaded) {
  const t = useT();
  const { clients, region, accountId } = useVpc();
  const id = useId();
  const [localVpcId, setLocalVpcId] = useState(vpcs[0]!.vpcId);
  const [peerAccountId, setPeerAccountId] = useState('');
  const [peerRegion, setPeerRegion] = useState(region);
  const [peerVpcId, setPeerVpcId] = useState('');
  const [bandwidth, setBandwidth] = useState('10');
  const [prepaid, setPrepaid] = useState(false);
  const [months, setMonths] = useState('1');
  const [description, setDescription] = useState('');
  const [localIfName, setLocalIfName] = useState('');
  const [peerIfName, setPeerIfName] = useState('');
  const [deleteProtect, setDeleteProtect] = useState(false);
  const [missing, setMissing] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  // No peer account ID (or this account's own) is a connection within this account.
  const typedAccount = peerAccountId.trim();
  const sameAccount = typedAccount === '' || typedAccount === accountId;
  const ownAccountTyped = typedAccount === accountId;
  const sameRegion = peerRegion === region;
  // Only then can the screen list the peer VPCs: the API shows the caller's VPCs of this region.
  const pickPeer = sameAccount && sameRegion;
  const localVpc = vpcs.find((v) => v.vpcId === localVpcId);
  const peerCandidates = vpcs.filter((v) => v.vpcId !== localVpcId);
  const peerVpc = pickPeer ? vpcs.find((v) => v.vpcId === peerVpcId) : undefined;
  const overlap = localVpc && peerVpc ? firstOverlap(blocksOf(localVpc), blocksOf(peerVpc)) : undefined;
  const pairTaken =
    peerVpcId.trim() !== '' &&
    conns.some(
      (c) =>
        !['consult_failed', 'deleting', 'deleted'].includes(c.status) &&
        ((c.localVpcId === localVpcId && c.peerVpcId === peerVpcId.trim()) ||
          (c.peerVpcId === localVpcId && c.localVpcId === peerVpcId.trim())),
    );
  const localCount = new Set(
    conns
      .filter(
        (c) => c.localVpcId === localVpcId && !['consult_failed', 'deleting', 'deleted'].includes(c.status),
      )
      .map((c) => c.peerConnId),
  ).size;
  const bandwidthNumber = Number(bandwidth);
  const bandwidthOff =
    bandwidth.trim() !== '' &&
    (!Number.isInteger(bandwidthNumber) ||
      bandwidthNumber < BANDWIDTH_MIN ||
      bandwidthNumber > BANDWIDTH_MAX);
  const effectivePrepaid = prepaid && !sameRegion;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const absent = [
      ...(!localVpcId ? ['localVpc'] : []),
      ...(!peerVpcId.trim() ? ['peerVpc'] : []),
      ...(bandwidth.trim() === '' ? ['bandwidth'] : []),
    ];
    setMissing(absent);
    if (absent.length > 0) return;
    const args: CreatePeerConnArgs = {
      localVpcId,
      peerVpcId: peerVpcId.trim(),
      peerRegion,
      bandwidthInMbps: bandwidthNumber,
      billing: effectivePrepaid
        ? {
            paymentTiming: 'Prepaid',
            reservation: { reservationLength: Number(months), reservationTimeUnit: 'Month' },
          }
        : { paymentTiming: 'Postpaid' },
      deleteProtect,
      ...(typedAccount ? { peerAccountId: typedAccount } : {}),
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(localIfName.trim() ? { localIfName: localIfName.trim() } : {}),
      ...(sameAccount && peerIfName.trim() ? { peerIfName: peerIfName.trim() } : {}),
    };
    setBusy(true);
    setError(undefined);
    try {
      const { peerConnId } = await clients.peerConn.createPeerConn(args);
      navigate(`/vpc-peering/${encodeURIComponent(peerConnId)}?role=initiator`);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  const hint = (name: string) => `${id}-${name}-hint`;
  const invalid = (name: string) => (missing.includes(name) ? true : undefined);

  return (
    <form className="form vpc-wizard" onSubmit={submit} noValidate>
      <fieldset className="vpc-step">
        <legend>{t('page.vpc.create.step.local')}</legend>
        <label className="field">
          {t('page.vpc.field.localVpc')}
          <select
            value={localVpcId}
            onChange={(e) => {
              setLocalVpcId(e.target.value);
              if (e.target.value === peerVpcId) setPeerVpcId('');
            }}
            aria-describedby={hint('local')}
            aria-invalid={invalid('localVpc')}
          >
            {vpcs.map((v) => (
              <option key={v.vpcId} value={v.vpcId}>
                {v.name} ({v.vpcId}, {blocksOf(v).join(', ')})
              </option>
            ))}
          </select>
        </label>
        <p id={hint('local')} className="vpc-hint">
          {t('page.vpc.create.rule.local', { region, count: localCount })}
        </p>
        <label className="field">
          {t('page.vpc.field.localIfName')}
          <input value={localIfName} onChange={(e) => setLocalIfName(e.target.value)} maxLength={65} />
        </label>
        <label className="field">
          {t('page.vpc.field.description')}
          <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={200} />
        </label>
      </fieldset>

      <fieldset className="vpc-step">
        <legend>{t('page.vpc.create.step.peer')}</legend>
        <label className="field">
          {t('page.vpc.field.peerAccountId')}
          <input
            value={peerAccountId}
            onChange={(e) => setPeerAccountId(e.target.value)}
            placeholder={t('page.vpc.create.sameAccountPlaceholder')}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={hint('peerAccount')}
          />
        </label>
        <div id={hint('peerAccount')} className="vpc-hint">
          <p>{t('page.vpc.create.rule.peerAccountId')}</p>
          <p>
            {ownAccountTyped
              ? t('page.vpc.create.rule.ownAccountTyped')
              : sameAccount
                ? t('page.vpc.create.rule.sameAccount')
                : t('page.vpc.create.rule.otherAccount')}
          </p>
        </div>
        <label className="field">
          {t('page.vpc.field.peerRegion')}
          <select
            value={peerRegion}
            onChange={(e) => setPeerRegion(e.target.value)}
            aria-describedby={hint('region')}
          >
            {REGIONS.map((r) => (
              <option key={r} value={r}>
                {r}
                {r === region ? ` (${t('page.vpc.create.thisRegion')})` : ''}
              </option>
            ))}
          </select>
        </label>
        <p id={hint('region')} className="vpc-hint">
          {sameRegion ? t('page.vpc.create.rule.sameRegion') : t('page.vpc.create.rule.otherRegion')}
        </p>
        {pickPeer ? (
          <label className="field">
            {t('page.vpc.field.peerVpc')}
            <select
              value={peerVpcId}
              onChange={(e) => setPeerVpcId(e.target.value)}
              aria-invalid={invalid('peerVpc')}
              aria-describedby={hint('peerVpc')}
            >
              <option value="">{t('page.vpc.create.choosePeerVpc')}</option>
              {peerCandidates.map((v) => (
                <option key={v.vpcId} value={v.vpcId}>
                  {v.name} ({v.vpcId}, {blocksOf(v).join(', ')})
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label className="field">
            {t('page.vpc.field.peerVpc')}
            <input
              value={peerVpcId}
              onChange={(e) => setPeerVpcId(e.target.value)}
              placeholder="vpc-…"
              autoComplete="off"
              spellCheck={false}
              aria-invalid={invalid('peerVpc')}
              aria-describedby={hint('peerVpc')}
            />
          </label>
        )}
        <div id={hint('peerVpc')} className="vpc-hint">
          <p>{t('page.vpc.create.rule.peerVpc')}</p>
          {pickPeer && peerCandidates.length === 0 && <p>{t('page.vpc.create.rule.onlyOneVpc')}</p>}
          {overlap && (
            <p className="vpc-warning">
              {t('page.vpc.create.warn.overlap', { a: overlap[0], b: overlap[1] })}
            </p>
          )}
          {pairTaken && <p className="vpc-warning">{t('page.vpc.create.warn.pair')}</p>}
        </div>
        {sameAccount && (
          <label className="field">
            {t('page.vpc.field.peerIfName')}
            <input
              value={peerIfName}
              onChange={(e) => setPeerIfName(e.target.value)}
              maxLength={65}
              aria-describedby={hint('peerIfName')}
            />
          </label>
        )}
        {sameAccount && (
          <p id={hint('peerIfName')} className="vpc-hint">
            {t('page.vpc.create.rule.peerIfName')}
          </p>
        )}
      </fieldset>

      <fieldset className="vpc-step">
        <legend>{t('page.vpc.create.step.billing')}</legend>
        <label className="field">
          {t('page.vpc.field.bandwidthMbps')}
          <input
            type="number"
            inputMode="numeric"
            min={BANDWIDTH_MIN}
            max={BANDWIDTH_MAX}
            step={1}
            value={bandwidth}
            onChange={(e) => setBandwidth(e.target.value)}
            aria-invalid={invalid('bandwidth') ?? (bandwidthOff ? true : undefined)}
            aria-describedby={hint('bandwidth')}
          />
        </label>
        <p id={hint('bandwidth')} className={bandwidthOff ? 'vpc-hint vpc-warning' : 'vpc-hint'}>
          {t('page.vpc.create.rule.bandwidth', { min: BANDWIDTH_MIN, max: BANDWIDTH_MAX })}
        </p>
        <fieldset className="vpc-choice" aria-describedby={hint('billing')}>
          <legend>{t('page.vpc.field.billing')}</legend>
          <label>
            <input
              type="radio"
              name="billing"
              checked={!effectivePrepaid}
              onChange={() => setPrepaid(false)}
            />{' '}
            {t('page.vpc.billing.postpaid')}
          </label>
          <label>
            <input
              type="radio"
              name="billing"
              checked={effectivePrepaid}
              disabled={sameRegion}
              onChange={() => setPrepaid(true)}
            />{' '}
            {t('page.vpc.billing.prepaid')}
          </label>
        </fieldset>
        <p id={hint('billing')} className="vpc-hint">
          {sameRegion ? t('page.vpc.create.rule.postpaidOnly') : t('page.vpc.create.rule.billing')}
        </p>
        {effectivePrepaid && (
          <label className="field">
            {t('page.vpc.field.reservation')}
            <select value={months} onChange={(e) => setMonths(e.target.value)}>
              {RESERVATION_MONTHS.map((m) => (
                <option key={m} value={m}>
                  {t('page.vpc.months', { n: m })}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="vpc-check">
          <input
            type="checkbox"
            checked={deleteProtect}
            onChange={(e) => setDeleteProtect(e.target.checked)}
            aria-describedby={hint('protect')}
          />{' '}
          {t('page.vpc.field.deleteProtect')}
        </label>
        <p id={hint('protect')} className="vpc-hint">
          {t('page.vpc.detail.protect.hint')}
        </p>
      </fieldset>

      {missing.length > 0 && (
        <p className="vpc-field-error" role="alert">
          {t('page.vpc.create.missing')}
        </p>
      )}
      {error !== undefined && <BceErrorNotice error={error} />}
      <p className="vpc-hint">{t('page.vpc.create.rule.quota')}</p>
      <div className="vpc-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('page.vpc.create.creating') : t('page.vpc.create.action')}
        </button>
        <Link to="/vpc-peering" className="button vpc-link-button">
          {t('page.vpc.cancel')}
        </Link>
      </div>
    </form>
  );
}
