import type { PeerConnectionInfo, PeerDataTypes, Space } from '@peerlink/sdk';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { api } from '../../api';
import { Dialog } from '../../components/Dialog';
import { useT } from '../../i18n';
import { DirectionSelect, FormFooter, InviteCodeField } from './fields';
import { DATA_TYPES, type DataType, type DirectionChoice, useFormat } from './format';

/** A deployment this one has a network connection with: a likely remote for a request. */
interface KnownRemote {
  enrollmentId: string;
  title: string | null;
  transports: ('mpx' | 'relay')[];
}

/** MPX connections and relay channels (administrators only: anyone else simply gets no suggestions). */
async function loadKnownRemotes(): Promise<KnownRemote[]> {
  const [mpx, relay] = await Promise.allSettled([
    api.peerManager.listMpxConnections(),
    api.peerManager.listRelayChannels(),
  ]);
  const byId = new Map<string, KnownRemote>();
  const note = (enrollmentId: string, title: string | null, transport: 'mpx' | 'relay') => {
    const known = byId.get(enrollmentId) ?? { enrollmentId, title: null, transports: [] };
    known.title ??= title;
    if (!known.transports.includes(transport)) known.transports.push(transport);
    byId.set(enrollmentId, known);
  };
  if (mpx.status === 'fulfilled')
    for (const c of mpx.value.connections) note(c.remoteEnrollmentId, c.remoteTitle ?? c.name, 'mpx');
  if (relay.status === 'fulfilled')
    for (const c of relay.value.channels) note(c.remoteEnrollmentId, c.remoteTitle ?? c.name, 'relay');
  return [...byId.values()];
}

/**
 * "Create a peer request": a local space, the remote enrollment, the data types with their
 * directions as this side sees them; then the invite code to send, with "Copy invite code".
 */
export function CreateRequestDialog({
  spaces,
  onClose,
  onCreated,
}: {
  spaces: Space[];
  onClose: () => void;
  onCreated: () => void;
}) {
  const t = useT();
  const format = useFormat();
  const ids = { space: useId(), remote: useId(), remoteList: useId(), expiry: useId(), types: useId() };
  const [spaceId, setSpaceId] = useState(spaces.length === 1 ? spaces[0]!.spaceId : '');
  const [remote, setRemote] = useState('');
  const [types, setTypes] = useState<Record<DataType, DirectionChoice>>({ objects: 'none', files: 'none' });
  const [expiresInDays, setExpiresInDays] = useState('7');
  const [known, setKnown] = useState<KnownRemote[]>([]);
  const [problem, setProblem] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const [created, setCreated] = useState<PeerConnectionInfo & { inviteCode: string }>();

  useEffect(() => {
    let current = true;
    loadKnownRemotes().then((list) => current && setKnown(list));
    return () => {
      current = false;
    };
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const dataTypes: PeerDataTypes = {};
    for (const type of DATA_TYPES) {
      const direction = types[type];
      if (direction !== 'none') dataTypes[type] = direction;
    }
    const days = Number(expiresInDays);
    const missing =
      spaceId === ''
        ? t('page.peerManager.create.needSpace')
        : remote.trim() === ''
          ? t('page.peerManager.create.needRemote')
          : Object.keys(dataTypes).length === 0
            ? t('page.peerManager.create.needDataType')
            : !Number.isInteger(days) || days < 1 || days > 30
              ? t('page.peerManager.create.needExpiry')
              : undefined;
    setProblem(missing);
    if (missing) return;
    setError(undefined);
    setPending(true);
    try {
      const answer = await api.peerManager.createPeerRequest({
        spaceId,
        remoteEnrollmentId: remote.trim(),
        dataTypes,
        expiresInDays: days,
      });
      setCreated(answer);
      onCreated();
    } catch (failure) {
      setError(failure);
    } finally {
      setPending(false);
    }
  }

  if (created) {
    const expiry = created.inviteExpiresAt
      ? t('page.peerManager.inviteCode.expires', { date: format.date(created.inviteExpiresAt) })
      : undefined;
    return (
      <Dialog title={t('action.createPeerRequest')} onClose={onClose} wide>
        <p className="notice" role="status">
          {t('page.peerManager.create.created', {
            remote: created.remote.platformTitle ?? created.remote.enrollmentId,
          })}
        </p>
        <InviteCodeField code={created.inviteCode} expiresAt={expiry} focusCopy />
        <p className="muted small">
          {t('page.peerManager.create.nextStep', {
            remote: created.remote.platformTitle ?? created.remote.enrollmentId,
          })}
        </p>
        <div className="pm-dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {t('page.peerManager.dialog.done')}
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title={t('action.createPeerRequest')} onClose={onClose} wide>
      <form className="form" onSubmit={submit} noValidate>
        <p className="muted">{t('page.peerManager.create.intro')}</p>
        <div className="field pm-field">
          <label className="pm-field-label" htmlFor={ids.space}>
            {t('page.peerManager.field.localSpace')}
          </label>
          <select id={ids.space} value={spaceId} onChange={(event) => setSpaceId(event.target.value)}>
            {spaces.length !== 1 && <option value="">{t('page.peerManager.field.chooseSpace')}</option>}
            {spaces.map((space) => (
              <option key={space.spaceId} value={space.spaceId}>
                {space.name}
              </option>
            ))}
          </select>
          {spaces.length === 0 && (
            <p className="muted small pm-hint">{t('page.peerManager.field.noSpaces')}</p>
          )}
        </div>

        <div className="field pm-field">
          <label className="pm-field-label" htmlFor={ids.remote}>
            {t('page.peerManager.field.remoteEnrollment')}
          </label>
          <input
            id={ids.remote}
            value={remote}
            list={known.length ? ids.remoteList : undefined}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            onChange={(event) => setRemote(event.target.value)}
          />
          {known.length > 0 && (
            <datalist id={ids.remoteList}>
              {known.map((k) => (
                <option key={k.enrollmentId} value={k.enrollmentId}>
                  {k.title ?? k.enrollmentId}
                </option>
              ))}
            </datalist>
          )}
        </div>
        {known.length > 0 && (
          <div className="pm-suggestions">
            <p className="small muted pm-suggestions-title">{t('page.peerManager.create.knownRemotes')}</p>
            <ul className="pm-suggestion-list">
              {known.map((k) => (
                <li key={k.enrollmentId}>
                  <button
                    type="button"
                    className="button pm-suggestion"
                    aria-pressed={remote.trim() === k.enrollmentId}
                    onClick={() => setRemote(k.enrollmentId)}
                  >
                    <span>{k.title ?? k.enrollmentId}</span> <code className="small">{k.enrollmentId}</code>{' '}
                    <span className="small muted">
                      {k.transports
                        .map((x) =>
                          t(
                            x === 'mpx'
                              ? 'page.peerManager.transport.mpx'
                              : 'page.peerManager.transport.relay',
                          ),
                        )
                        .join(t('page.peerManager.listSeparator'))}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}

        <fieldset className="pm-fieldset" aria-describedby={ids.types}>
          <legend className="pm-legend">{t('page.peerManager.field.dataTypes')}</legend>
          <p id={ids.types} className="muted small pm-hint">
            {t('page.peerManager.create.dataTypesHint')}
          </p>
          <div className="pm-field-pair">
            {DATA_TYPES.map((type) => (
              <DirectionSelect
                key={type}
                dataType={type}
                value={types[type]}
                onChange={(direction) => setTypes((previous) => ({ ...previous, [type]: direction }))}
              />
            ))}
          </div>
        </fieldset>

        <div className="field pm-field">
          <label className="pm-field-label" htmlFor={ids.expiry}>
            {t('page.peerManager.field.expiresInDays')}
          </label>
          <input
            id={ids.expiry}
            type="number"
            inputMode="numeric"
            min={1}
            max={30}
            value={expiresInDays}
            onChange={(event) => setExpiresInDays(event.target.value)}
          />
        </div>

        <FormFooter
          problem={problem}
          error={error}
          pending={pending}
          submitLabel={
            pending ? t('page.peerManager.create.submitting') : t('page.peerManager.create.submit')
          }
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}
