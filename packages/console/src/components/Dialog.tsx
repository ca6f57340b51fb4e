import { type KeyboardEvent, type ReactNode, type SyntheticEvent, useEffect, useId, useRef } from 'react';
import { useT } from '../i18n';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (element) => element.offsetParent !== null || element === document.activeElement,
  );
}

/**
 * The console's one modal dialog (the native <dialog>, opened with showModal(): the page behind is
 * inert), labelled by its title. Focus moves in (to the element marked `data-autofocus`, else the
 * first field, else the first button), Tab and Shift+Tab cycle inside it, Escape or the Close
 * button call `onClose`, and focus goes back to where it was when the dialog closes. Full screen at
 * phone widths. Mount it to open it; unmount it (in `onClose`) to close it.
 */
export function Dialog({
  title,
  onClose,
  children,
  wide = false,
  testId,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
  testId?: string;
}) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const close = useRef(onClose);
  close.current = onClose;
  // Set while unmounting: the `close` event of our own dialog.close() is no request to close.
  const unmounting = useRef(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    unmounting.current = false;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const target =
      dialog.querySelector<HTMLElement>('[data-autofocus]') ??
      dialog.querySelector<HTMLElement>(
        '.dialog-body input:not([readonly]), .dialog-body select, .dialog-body textarea:not([readonly])',
      ) ??
      dialog.querySelector<HTMLElement>('.dialog-body button') ??
      dialog;
    target.focus();
    return () => {
      unmounting.current = true;
      if (dialog.open) dialog.close();
      // The opener may be gone (a deleted row): then focus stays where the browser puts it.
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key === 'Escape') {
      // Ours alone: a panel or dialog underneath must not close too.
      event.preventDefault();
      event.stopPropagation();
      close.current();
      return;
    }
    if (event.key !== 'Tab' || !ref.current) return;
    const items = focusables(ref.current);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !ref.current.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !ref.current.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  };

  // The browser's own cancel (e.g. Escape it handled itself) or close: keep React in charge.
  const onCancel = (event: SyntheticEvent<HTMLDialogElement>) => {
    event.preventDefault();
    if (!unmounting.current) close.current();
  };

  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      onKeyDown={onKeyDown}
      onCancel={onCancel}
      onClose={() => {
        // Closed by the browser itself (not by unmounting, nor reopened since): tell the owner.
        if (!unmounting.current && !ref.current?.open) close.current();
      }}
      data-testid={testId}
    >
      <div className="dialog-header">
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        <button
          type="button"
          className="button pm-icon-button"
          onClick={() => close.current()}
          aria-label={t('common.close')}
        >
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}
