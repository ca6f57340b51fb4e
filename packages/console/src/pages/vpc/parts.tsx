import { type KeyboardEvent, type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { useLanguage, useT } from '../../i18n';
import { dnsKey, statusKey, statusTone } from './model';

/** A peer connection status, as words (and a colour that only repeats them). */
export function StatusBadge({ status }: { status: string }) {
  const t = useT();
  return (
    <span className={`vpc-status vpc-status-${statusTone(status)}`} data-status={status}>
      {t(statusKey(status))}
    </span>
  );
}

export function DnsBadge({ status }: { status: string }) {
  const t = useT();
  const tone = status === 'open' ? 'ok' : status === 'close' ? 'off' : 'busy';
  return (
    <span className={`vpc-status vpc-status-${tone}`} data-status={status}>
      {t(dnsKey(status))}
    </span>
  );
}

/** A time from the API (ISO 8601), in the reader's language; "—" when empty. */
export function When({ iso }: { iso: string | undefined }) {
  const { language } = useLanguage();
  if (!iso) return <>—</>;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return <>{iso}</>;
  return (
    <time dateTime={iso}>
      {new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'medium' }).format(date)}
    </time>
  );
}

/** A polite live region: what just happened ("Accepted.", "Rule added."). */
export function Done({ message }: { message: string | undefined }) {
  return (
    <p className="vpc-done" role="status">
      {message ?? ''}
    </p>
  );
}

/**
 * A button whose action needs a second thought: pressing it asks, in place, with the question and
 * a confirm button of the same name (so "Release" then "Release"), and Cancel. Escape cancels;
 * focus moves to the question's buttons and back to the button afterwards.
 */
export function ConfirmButton({
  label,
  accessibleLabel,
  question,
  confirmLabel,
  onConfirm,
  disabled,
  busy,
  describedBy,
}: {
  label: string;
  accessibleLabel?: string;
  question: ReactNode;
  confirmLabel?: string;
  onConfirm: () => void;
  disabled?: boolean;
  busy?: boolean;
  describedBy?: string;
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (!asking && returnFocus.current) {
      returnFocus.current = false;
      trigger.current?.focus();
    }
  }, [asking]);

  const cancel = useCallback(() => {
    returnFocus.current = true;
    setAsking(false);
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      cancel();
    }
  };

  if (!asking) {
    return (
      <button
        ref={trigger}
        type="button"
        className="button vpc-danger"
        onClick={() => setAsking(true)}
        disabled={disabled || busy}
        aria-label={accessibleLabel}
        aria-describedby={describedBy}
      >
        {label}
      </button>
    );
  }
  return (
    <fieldset className="vpc-confirm" onKeyDown={onKeyDown}>
      <legend>{question}</legend>
      <div className="vpc-actions">
        <button
          type="button"
          className="button vpc-danger-solid"
          // biome-ignore lint/a11y/noAutofocus: the question was just asked; its answer is where focus belongs.
          autoFocus
          onClick={() => {
            setAsking(false);
            onConfirm();
          }}
          aria-label={accessibleLabel}
        >
          {confirmLabel ?? label}
        </button>
        <button type="button" className="button" onClick={cancel}>
          {t('page.vpc.cancel')}
        </button>
      </div>
    </fieldset>
  );
}

/**
 * Runs one mutation at a time for a screen: `busy` names the running action, `error` keeps the
 * last refusal (shown with its BCE code), `done` the last success for the live region.
 */
export function useAction() {
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const run = useCallback(async (name: string, action: () => Promise<unknown>, success?: string) => {
    setBusy(name);
    setError(undefined);
    setDone(undefined);
    try {
      await action();
      if (mounted.current) setDone(success);
      return true;
    } catch (failure) {
      if (mounted.current) setError(failure);
      return false;
    } finally {
      if (mounted.current) setBusy(undefined);
    }
  }, []);

  const clearError = useCallback(() => setError(undefined), []);
  return { busy, error, done, run, clearError };
}
