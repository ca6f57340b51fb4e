import { describeError } from '../api';
import { useT } from '../i18n';

/** An SDK error, announced: translated title, the API's detail, the request id for support. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useT();
  const { title, detail, requestId } = describeError(error, t);
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{title}</p>
      {detail && <p>{detail}</p>}
      {requestId && <p className="muted small">{t('error.requestId', { id: requestId })}</p>}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t('action.retry')}
        </button>
      )}
    </div>
  );
}
