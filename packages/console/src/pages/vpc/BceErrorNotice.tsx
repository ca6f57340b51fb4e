import { BceServiceError, PeerlinkApiError } from '@peerlink/sdk';
import { ErrorNotice } from '../../components/ErrorNotice';
import { isMessageKey, type MessageKey, useT } from '../../i18n';

/**
 * A refusal of the BCE API as the document names it: the BCE error code (and Peerlink's reason),
 * the server's message and request id, plus what to do about it when the screen knows.
 */
export function BceErrorNotice({
  error,
  onRetry,
  onDismiss,
}: {
  error: unknown;
  onRetry?: () => void;
  onDismiss?: () => void;
}) {
  const t = useT();
  const api = error instanceof BceServiceError || error instanceof PeerlinkApiError ? error : undefined;
  const hintKey = api?.reason ? `page.vpc.reason.${api.reason}` : api ? `page.vpc.code.${api.code}` : '';
  const hint: MessageKey | undefined = isMessageKey(hintKey) ? hintKey : undefined;
  return (
    <ErrorNotice
      error={error}
      className="vpc-error"
      {...(api
        ? {
            title: (
              <>
                <code className="vpc-error-code">{api.code}</code>
                {api.reason && api.reason !== api.code && (
                  <>
                    {' · '}
                    <code className="vpc-error-code">{api.reason}</code>
                  </>
                )}
                <span className="vpc-error-status"> (HTTP {api.statusCode})</span>
              </>
            ),
          }
        : {})}
      {...(api?.message ? { detail: api.message } : {})}
      {...(hint ? { hint: t(hint) } : {})}
      actions={
        (onRetry || onDismiss) && (
          <div className="vpc-actions">
            {onRetry && (
              <button type="button" className="button" onClick={onRetry}>
                {t('action.retry')}
              </button>
            )}
            {onDismiss && (
              <button type="button" className="button" onClick={onDismiss}>
                {t('page.vpc.dismiss')}
              </button>
            )}
          </div>
        )
      }
    />
  );
}
