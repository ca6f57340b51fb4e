import { PeerlinkApiError } from '@peerlink/sdk';
import { type KeyboardEvent, type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { isMessageKey, type MessageKey, useLanguage, useT } from '../../i18n';

/**
 * Small building blocks shared by the administration screens (network, policies, spaces, data,
 * settings): a confirm dialog, running an API call from a form, times and tabs (the dialog, copy
 * button, error notice and polling themselves are in components/). They use only the console's own components and styles (the `admin-` section of
 * styles.css).
 */

export interface Action {
  pending: boolean;
  error: unknown;
  /** Runs the call; resolves to its result, or undefined when it failed (the error is kept). */
  run: <T>(call: () => Promise<T>) => Promise<T | undefined>;
  clear: () => void;
}

/** One API call started by the user (a form, a button): whether it is running and how it failed. */
export function useAction(): Action {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(async <T,>(call: () => Promise<T>): Promise<T | undefined> => {
    setPending(true);
    setError(undefined);
    try {
      return await call();
    } catch (failure) {
      if (mounted.current) setError(failure ?? new Error('failed'));
      return undefined;
    } finally {
      if (mounted.current) setPending(false);
    }
  }, []);
  const clear = useCallback(() => setError(undefined), []);
  return { pending, error, run, clear };
}

/**
 * An API refusal in an ErrorNotice, its reason kept: when the console has no title of its own for
 * the reason (`MpxDirectionMismatch`, `SpaceInUse`, …), the detail starts with it, as the CLI
 * prints `code (reason): message`, so it can be looked up in the docs' refusal tables.
 */
export function ApiErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const unnamed =
    error instanceof PeerlinkApiError && error.reason && !isMessageKey(`error.reason.${error.reason}`);
  return (
    <ErrorNotice
      error={error}
      onRetry={onRetry}
      {...(unnamed ? { detail: `${error.reason}: ${error.message}` } : {})}
    />
  );
}

/** The failure of an action, if any. */
export function ActionError({ action }: { action: Action }) {
  return action.error !== undefined ? <ApiErrorNotice error={action.error} /> : null;
}

/** Whether a query has not answered yet (neither data nor an error): the page shows one Loading. */
export function firstLoad(...queries: { data: unknown; error: unknown }[]): boolean {
  return queries.some((query) => query.data === undefined && query.error === undefined);
}

/** A polite announcement after something worked ("Rule added."); empty renders nothing visible. */
export function StatusMessage({ children }: { children?: ReactNode }) {
  return (
    <p className="admin-status" role="status">
      {children}
    </p>
  );
}

/** "Delete X?" with the consequence, Cancel and a confirming button; shows the refusal if any. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  /** Resolves once done (the dialog then closes); an error stays shown in the dialog. */
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}) {
  const t = useT();
  const action = useAction();
  const confirm = async () => {
    let ok = false;
    await action.run(async () => {
      await onConfirm();
      ok = true;
    });
    if (ok) onClose();
  };
  return (
    <Dialog title={title} onClose={onClose}>
      {children}
      <ActionError action={action} />
      <div className="admin-buttons">
        <button type="button" className="button admin-danger" onClick={confirm} disabled={action.pending}>
          {confirmLabel}
        </button>
        <button type="button" className="button" onClick={onClose} data-autofocus>
          {t('page.network.ui.cancel')}
        </button>
      </div>
    </Dialog>
  );
}

/** A date and time in the reader's language; `—` (or `empty`) when there is none. */
export function Time({ value, empty }: { value: string | null | undefined; empty?: string }) {
  const { language } = useLanguage();
  if (!value) return <>{empty ?? '—'}</>;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return <>{value}</>;
  const text = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  return <time dateTime={value}>{text}</time>;
}

/** Byte counts for people: 1.2 MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Principal ids typed as a list: commas, spaces or new lines between them. */
export function parseIdList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((id) => id !== ''))];
}

export interface TabSpec<K extends string> {
  key: K;
  label: MessageKey;
}

/**
 * Tabs (ARIA tabs pattern): arrow keys, Home and End move between them; the panel follows.
 * Only the selected panel is rendered.
 */
export function Tabs<K extends string>({
  label,
  tabs,
  selected,
  onSelect,
  children,
}: {
  label: string;
  tabs: readonly TabSpec<K>[];
  selected: K;
  onSelect: (key: K) => void;
  children: ReactNode;
}) {
  const t = useT();
  const base = useId();
  const refs = useRef(new Map<K, HTMLButtonElement>());
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = tabs.findIndex((tab) => tab.key === selected);
    let next: number | undefined;
    if (event.key === 'ArrowRight') next = (index + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    if (next === undefined) return;
    event.preventDefault();
    const key = tabs[next]!.key;
    onSelect(key);
    refs.current.get(key)?.focus();
  };
  return (
    <div className="admin-tabs">
      <div role="tablist" aria-label={label} className="admin-tablist" onKeyDown={onKeyDown}>
        {tabs.map((tab) => (
          <button
            key={tab.key}
            ref={(element) => {
              if (element) refs.current.set(tab.key, element);
              else refs.current.delete(tab.key);
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${tab.key}`}
            aria-selected={tab.key === selected}
            aria-controls={`${base}-panel`}
            tabIndex={tab.key === selected ? 0 : -1}
            className="admin-tab"
            onClick={() => onSelect(tab.key)}
          >
            {t(tab.label)}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`${base}-panel`}
        aria-labelledby={`${base}-tab-${selected}`}
        className="admin-tabpanel"
      >
        {children}
      </div>
    </div>
  );
}
