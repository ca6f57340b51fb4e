import { type ReactNode, useEffect, useRef } from 'react';
import { describeError } from '../api';
import { useT } from '../i18n';

/**
 * An SDK error, announced: translated title, the API's detail, the request id for support, and
 * Retry. Screens with their own words for a refusal (the Peer Manager's reasons, the BCE codes)
 * pass `title`, `detail` and `hint`; `actions` replaces the Retry button.
 */
export function ErrorNotice({
  error,
  onRetry,
  title,
  detail,
  hint,
  actions,
  className,
  reveal = false,
}: {
  error: unknown;
  onRetry?: (() => void) | undefined;
  title?: ReactNode;
  detail?: string | undefined;
  /** What to do about it, after the detail. */
  hint?: string | undefined;
  actions?: ReactNode;
  className?: string;
  /** Scrolls the notice into view when it appears (a refusal below the fold of a dialog). */
  reveal?: boolean;
}) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new error is shown again, even in the same place.
  useEffect(() => {
    if (reveal) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [reveal, error]);
  const described = describeError(error, t);
  const shownDetail = detail ?? described.detail;
  return (
    <div
      className={className ? `notice notice-error ${className}` : 'notice notice-error'}
      role="alert"
      ref={ref}
    >
      <p className="notice-title">{title ?? described.title}</p>
      {shownDetail && <p>{shownDetail}</p>}
      {hint && <p>{hint}</p>}
      {described.requestId && (
        <p className="muted small">{t('error.requestId', { id: described.requestId })}</p>
      )}
      {actions ??
        (onRetry && (
          <button type="button" className="button" onClick={onRetry}>
            {t('action.retry')}
          </button>
        ))}
    </div>
  );
}
