import type { ReactNode } from 'react';
import { useT } from '../i18n';

/**
 * What a screen shows when it has nothing to list: what is missing and what to do next. `command`
 * is the CLI equivalent, shown until the screen can do it itself.
 */
export function EmptyState({
  title,
  children,
  command,
}: {
  title: string;
  children?: ReactNode;
  command?: string;
}) {
  const t = useT();
  return (
    <div className="empty-state">
      <h2>{title}</h2>
      {children}
      {command && (
        <>
          <p className="muted">
            {t('common.comingSoon')} {t('common.cliMeanwhile')}
          </p>
          <pre className="command">
            <code>{command}</code>
          </pre>
        </>
      )}
    </div>
  );
}
