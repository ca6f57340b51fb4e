import type { ConnectionSecurity, PeerConnectionInfo, PeerRequestPreview, Space } from '@peerlink/sdk';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { api } from '../../api';
import { Dialog } from '../../components/Dialog';
import { useT } from '../../i18n';
import { FormFooter, SecurityFields } from './fields';
import { StatusBadge, TRANSPORT_LABEL, useFormat } from './format';
import { PeerErrorNotice } from './PeerErrorNotice';

/** How long typing or pasting may pause before the code is read. */
const PREVIEW_DELAY_MS = 400;

type PreviewState =
  | { status: 'idle' }
  | { status: 'loading'; code: string }
  | { status: 'ready'; code: string; preview: PeerRequestPreview }
  | { status: 'failed'; code: string; error: unknown };

/**
 * "Enter invite code": paste the code; its "Connection details" (previewPeerRequest, nothing
 * stored); the receiving space; "Set security"; "Approve request".
 */
export function EnterInviteCodeDialog({
  spaces,
  markings,
  onClose,
  onApproved,
  onOpenConnection,
}: {
  spaces: Space[];
  markings: readonly string[];
  onClose: () => void;
  onApproved: () => void;
  onOpenConnection: (connectionId: string) => void;
}) {
  const t = useT();
  const format = useFormat();
  const ids = { code: useId(), space: useId(), details: useId() };
  const [code, setCode] = useState('');
  const [preview, setPreview] = useState<PreviewState>({ status: 'idle' });
  const [spaceId, setSpaceId] = useState(spaces.length === 1 ? spaces[0]!.spaceId : '');
  const [security, setSecurity] = useState<ConnectionSecurity>({
    classification: 'UNCLASSIFIED',
    markings: [],
  });
  const [problem, setProblem] = useState<string>();
  const [approveError, setApproveError] = useState<unknown>();
  const [approving, setApproving] = useState(false);
  const [approved, setApproved] = useState<PeerConnectionInfo>();
  const sequence = useRef(0);
  const doneRef = useRef<HTMLButtonElement>(null);

  const read = (text: string) => {
    const trimmed = text.trim();
    const mine = ++sequence.current;
    if (trimmed === '') {
      setPreview({ status: 'idle' });
      return;
    }
    setPreview({ status: 'loading', code: trimmed });
    api.peerManager.previewPeerRequest(trimmed).then(
      (answer) =>
        mine === sequence.current && setPreview({ status: 'ready', code: trimmed, preview: answer }),
      (error: unknown) => mine === sequence.current && setPreview({ status: 'failed', code: trimmed, error }),
    );
  };

  // Read the code once typing or pasting pauses.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `read` is recreated each render; the code is what matters.
  useEffect(() => {
    const trimmed = code.trim();
    if (preview.status !== 'idle' && preview.code === trimmed) return;
    const timer = setTimeout(() => read(code), PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [code]);

  useEffect(() => {
    if (approved) doneRef.current?.focus();
  }, [approved]);

  const onReadSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    read(code);
  };

  async function approve(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (preview.status !== 'ready') return;
    if (spaceId === '') {
      setProblem(t('page.peerManager.enter.needSpace'));
      return;
    }
    setProblem(undefined);
    setApproveError(undefined);
    setApproving(true);
    try {
      const connection = await api.peerManager.approvePeerRequest({
        inviteCode: preview.code,
        spaceId,
        security,
      });
      setApproved(connection);
      onApproved();
    } catch (failure) {
      setApproveError(failure);
    } finally {
      setApproving(false);
    }
  }

  if (approved) {
    return (
      <Dialog title={t('action.enterInviteCode')} onClose={onClose} wide>
        <div className="notice" role="status">
          <p className="notice-title">{t('page.peerManager.enter.approved')}</p>
          <p>
            {t('page.peerManager.enter.approvedBody', {
              remote: approved.remote.platformTitle ?? approved.remote.enrollmentId,
            })}
          </p>
          <p>
            <StatusBadge status={approved.status} />
          </p>
        </div>
        <div className="pm-dialog-actions">
          <button type="button" className="button" onClick={() => onOpenConnection(approved.connectionId)}>
            {t('page.peerManager.viewConnection')}
          </button>
          <button type="button" className="button button-primary" onClick={onClose} ref={doneRef}>
            {t('page.peerManager.dialog.done')}
          </button>
        </div>
      </Dialog>
    );
  }

  // Details of a code no longer in the field are not shown (nor approved).
  const details = preview.status === 'ready' && preview.code === code.trim() ? preview.preview : undefined;
  return (
    <Dialog title={t('action.enterInviteCode')} onClose={onClose} wide testId="enter-invite-code-dialog">
      <form className="form" onSubmit={onReadSubmit} noValidate>
        <p className="muted">{t('page.peerManager.enter.intro')}</p>
        <div className="field pm-field">
          <label className="pm-field-label" htmlFor={ids.code}>
            {t('page.peerManager.inviteCode.label')}
          </label>
          <textarea
            id={ids.code}
            className="pm-code"
            rows={4}
            value={code}
            spellCheck={false}
            autoCapitalize="none"
            autoComplete="off"
            onChange={(event) => setCode(event.target.value)}
          />
        </div>
        <div className="pm-row">
          <button type="submit" className="button" disabled={code.trim() === ''}>
            {t('page.peerManager.enter.read')}
          </button>
          {preview.status === 'loading' && (
            <span role="status" className="muted">
              {t('page.peerManager.enter.reading')}
            </span>
          )}
        </div>
      </form>

      {preview.status === 'failed' && preview.code === code.trim() && (
        <PeerErrorNotice error={preview.error} onRetry={() => read(code)} />
      )}

      {details && (
        <form className="form pm-approve" onSubmit={approve} noValidate>
          <section className="pm-details" aria-labelledby={ids.details}>
            <h3 id={ids.details} className="pm-details-title">
              {t('page.peerManager.details.title')}
            </h3>
            <dl className="facts pm-facts">
              <dt>{t('page.peerManager.details.originator')}</dt>
              <dd>{details.originator.platformTitle ?? '—'}</dd>
              <dt>{t('term.enrollmentId')}</dt>
              <dd>
                <code>{details.originator.enrollmentId}</code>
              </dd>
              <dt>{t('page.peerManager.details.theirSpace')}</dt>
              <dd>
                {details.space.name}
                {details.space.description && <span className="muted"> — {details.space.description}</span>}
                <br />
                <code className="small">{details.space.id}</code>
              </dd>
              <dt>{t('page.peerManager.details.dataTypesHere')}</dt>
              <dd>{format.dataTypes(details.dataTypes)}</dd>
              <dt>{t('page.peerManager.field.transport')}</dt>
              <dd>{t(TRANSPORT_LABEL[details.transport])}</dd>
              <dt>{t('page.peerManager.details.expires')}</dt>
              <dd>{format.date(details.expiresAt)}</dd>
            </dl>
            {details.missingPolicies.length > 0 && (
              <div className="notice notice-warning">
                <p className="notice-title">{t('page.peerManager.details.missingPolicies')}</p>
                <ul className="pm-notice-list">
                  {details.missingPolicies.map((policy) => (
                    <li key={policy}>{policy}</li>
                  ))}
                </ul>
                <p className="small">{t('page.peerManager.reason.NetworkPolicyMissing.hint')}</p>
              </div>
            )}
          </section>

          <div className="field pm-field">
            <label className="pm-field-label" htmlFor={ids.space}>
              {t('page.peerManager.field.receivingSpace')}
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

          <SecurityFields
            legend={t('action.setSecurity')}
            value={security}
            onChange={setSecurity}
            markingSuggestions={markings}
          />

          <FormFooter
            problem={problem}
            error={approveError}
            pending={approving}
            submitLabel={approving ? t('page.peerManager.enter.approving') : t('action.approveRequest')}
            onCancel={onClose}
          />
        </form>
      )}
    </Dialog>
  );
}
