import type { ConnectionSecurity } from '@peerlink/sdk';
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { copyText } from '../../components/CopyButton';
import { useT } from '../../i18n';
import {
  CLASSIFICATIONS,
  DATA_TYPE_LABEL,
  type DataType,
  DIRECTION_CHOICES,
  DIRECTION_LABEL,
  type DirectionChoice,
  MARKING_PATTERN,
} from './format';
import { PeerErrorNotice } from './PeerErrorNotice';

/** A data type's direction: none, export, import or both; labelled "Objects" or "Files". */
export function DirectionSelect({
  dataType,
  value,
  onChange,
}: {
  dataType: DataType;
  value: DirectionChoice;
  onChange: (value: DirectionChoice) => void;
}) {
  const t = useT();
  const id = useId();
  return (
    <div className="field pm-field">
      <label className="pm-field-label" htmlFor={id}>
        {t(DATA_TYPE_LABEL[dataType])}
      </label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as DirectionChoice)}>
        {DIRECTION_CHOICES.map((choice) => (
          <option key={choice} value={choice}>
            {t(DIRECTION_LABEL[choice])}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * "Set security": the highest classification the connection carries, and the markings it allows
 * (chips; type a name and press Enter or "Add marking"). `markingSuggestions` are the markings this
 * enrollment knows.
 */
export function SecurityFields({
  legend,
  value,
  onChange,
  markingSuggestions = [],
}: {
  legend: string;
  value: ConnectionSecurity;
  onChange: (value: ConnectionSecurity) => void;
  markingSuggestions?: readonly string[];
}) {
  const t = useT();
  const classificationId = useId();
  const markingId = useId();
  const listId = useId();
  const hintId = useId();
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string>();
  const input = useRef<HTMLInputElement>(null);

  const add = () => {
    const name = draft.trim();
    if (name === '') return;
    if (!MARKING_PATTERN.test(name)) {
      setProblem(t('page.peerManager.security.markingInvalid', { name }));
      return;
    }
    setProblem(undefined);
    setDraft('');
    if (!value.markings.includes(name)) onChange({ ...value, markings: [...value.markings, name].sort() });
  };

  const remove = (name: string) => {
    onChange({ ...value, markings: value.markings.filter((marking) => marking !== name) });
    input.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      add();
    } else if (event.key === 'Backspace' && draft === '' && value.markings.length > 0) {
      remove(value.markings[value.markings.length - 1]!);
    }
  };

  const suggestions = markingSuggestions.filter((name) => !value.markings.includes(name));

  return (
    <fieldset className="pm-fieldset">
      <legend className="pm-legend">{legend}</legend>
      <div className="field pm-field">
        <label className="pm-field-label" htmlFor={classificationId}>
          {t('page.peerManager.security.classification')}
        </label>
        <select
          id={classificationId}
          value={value.classification}
          onChange={(event) =>
            onChange({ ...value, classification: event.target.value as ConnectionSecurity['classification'] })
          }
        >
          {CLASSIFICATIONS.map((level) => (
            <option key={level} value={level}>
              {level}
            </option>
          ))}
        </select>
      </div>
      <div className="field pm-field">
        <label className="pm-field-label" htmlFor={markingId}>
          {t('page.peerManager.security.markings')}
        </label>
        {value.markings.length > 0 && (
          <ul className="pm-chips">
            {value.markings.map((name) => (
              <li key={name} className="pm-chip">
                <span>{name}</span>
                <button
                  type="button"
                  className="pm-chip-remove"
                  onClick={() => remove(name)}
                  aria-label={t('page.peerManager.security.removeMarking', { name })}
                >
                  <span aria-hidden="true">×</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="pm-inline-form">
          <input
            ref={input}
            className="pm-inline-input"
            id={markingId}
            value={draft}
            list={suggestions.length ? listId : undefined}
            autoComplete="off"
            aria-describedby={hintId}
            aria-invalid={problem ? true : undefined}
            onChange={(event) => {
              setDraft(event.target.value);
              setProblem(undefined);
            }}
            onKeyDown={onKeyDown}
          />
          <button type="button" className="button pm-inline-button" onClick={add}>
            {t('page.peerManager.security.addMarking')}
          </button>
        </div>
        {suggestions.length > 0 && (
          <datalist id={listId}>
            {suggestions.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        )}
        <p id={hintId} className="muted small pm-hint">
          {problem ? (
            <span className="pm-field-error" role="alert">
              {problem}
            </span>
          ) : value.markings.length === 0 ? (
            t('page.peerManager.security.noMarkings')
          ) : (
            t('page.peerManager.security.markingsHint')
          )}
        </p>
      </div>
    </fieldset>
  );
}

/** An invite code: read-only (labelled "Invite code"), with "Copy invite code" and its "Copied". */
export function InviteCodeField({
  code,
  expiresAt,
  focusCopy = false,
}: {
  code: string;
  /** Shown under the code, already worded ("Expires …"). */
  expiresAt?: string | undefined;
  /** Moves focus to "Copy invite code" when shown (the code replaced the form that had focus). */
  focusCopy?: boolean;
}) {
  const t = useT();
  const id = useId();
  const area = useRef<HTMLTextAreaElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | undefined>();
  useEffect(() => {
    if (focusCopy) button.current?.focus();
  }, [focusCopy]);
  const copy = async () => {
    setCopied(undefined);
    const done = await copyText(code, { field: area.current, returnFocus: button.current });
    setCopied(done ? 'yes' : 'no');
  };
  return (
    <div className="field pm-field pm-invite-code">
      <label className="pm-field-label" htmlFor={id}>
        {t('page.peerManager.inviteCode.label')}
      </label>
      <textarea
        ref={area}
        id={id}
        className="pm-code"
        readOnly
        rows={4}
        value={code}
        spellCheck={false}
        onFocus={(event) => event.currentTarget.select()}
      />
      {expiresAt && <p className="muted small pm-hint">{expiresAt}</p>}
      <div className="pm-row">
        <button type="button" className="button button-primary" onClick={copy} ref={button}>
          {t('action.copyInviteCode')}
        </button>
        <span role="status" className="pm-copied">
          {copied === 'yes' && t('page.peerManager.inviteCode.copied')}
          {copied === 'no' && t('page.peerManager.inviteCode.copyFailed')}
        </span>
      </div>
    </div>
  );
}

/**
 * The end of every Peer Manager form dialog: what the form itself found wrong (`problem`), the
 * API's refusal (`error`), then Cancel and the submit button (disabled while `pending`).
 */
export function FormFooter({
  problem,
  error,
  pending,
  submitLabel,
  onCancel,
}: {
  problem: ReactNode;
  error: unknown;
  pending: boolean;
  submitLabel: string;
  onCancel: () => void;
}) {
  const t = useT();
  return (
    <>
      {problem && (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      )}
      {error !== undefined && <PeerErrorNotice error={error} reveal />}
      <div className="pm-dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          {t('page.peerManager.dialog.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={pending}>
          {submitLabel}
        </button>
      </div>
    </>
  );
}
