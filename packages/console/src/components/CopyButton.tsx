import { useEffect, useRef, useState } from 'react';
import { useT } from '../i18n';

/**
 * Copies text: the Clipboard API where the page may use it (HTTPS, localhost), else the selection
 * and execCommand — of `field` when the text is shown in one, else of a hidden text area. Focus
 * goes back to `returnFocus` afterwards.
 */
export async function copyText(
  text: string,
  { field, returnFocus }: { field?: HTMLTextAreaElement | null; returnFocus?: HTMLElement | null } = {},
): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (an unfocused page, a denied permission): try the selection.
  }
  let area = field ?? null;
  if (!area) {
    area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'admin-offscreen';
    (returnFocus ?? document.body).appendChild(area);
  }
  area.focus();
  area.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  if (!field) area.remove();
  returnFocus?.focus();
  return copied;
}

/** A button that copies `text`; says whether it worked next to it (the button keeps its name). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const t = useT();
  const [result, setResult] = useState<'copied' | 'failed' | undefined>();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (result === undefined) return;
    const timer = window.setTimeout(() => setResult(undefined), 4000);
    return () => window.clearTimeout(timer);
  }, [result]);
  return (
    <span className="admin-copy">
      <button
        ref={button}
        type="button"
        className="button"
        onClick={async () =>
          setResult((await copyText(text, { returnFocus: button.current })) ? 'copied' : 'failed')
        }
      >
        {label}
      </button>
      <span role="status" className="muted small">
        {result === 'copied' && t('page.network.ui.copied')}
        {result === 'failed' && t('page.network.ui.copyFailed')}
      </span>
    </span>
  );
}
