import type { PeerConnectionInfo, Space } from '@peerlink/sdk';
import { useT } from '../../i18n';
import { StatusBadge, TRANSPORT_LABEL, useFormat } from './format';

/**
 * The peer connections: remote platform (title and enrollment id), local space, data types with
 * their directions, status, security, transport, last update. The remote's name is a button that
 * opens the connection's panel (the whole row answers a click too). Below 720px each row is a card.
 */
export function ConnectionsTable({
  connections,
  spaces,
  selectedId,
  onOpen,
}: {
  connections: PeerConnectionInfo[];
  spaces: ReadonlyMap<string, Space>;
  selectedId: string | undefined;
  onOpen: (connectionId: string) => void;
}) {
  const t = useT();
  const format = useFormat();
  const columns = {
    remote: t('page.peerManager.column.remote'),
    space: t('page.peerManager.column.localSpace'),
    dataTypes: t('page.peerManager.column.dataTypes'),
    status: t('page.peerManager.column.status'),
    security: t('page.peerManager.column.security'),
    transport: t('page.peerManager.column.transport'),
    updated: t('page.peerManager.column.updated'),
  };
  return (
    <div className="pm-table-wrap">
      <table className="pm-table">
        <caption className="visually-hidden">{t('term.peerConnections')}</caption>
        <thead className="pm-thead">
          <tr>
            {Object.values(columns).map((name) => (
              <th key={name} scope="col" className="pm-cell pm-th">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="pm-tbody">
          {connections.map((c) => (
            <tr
              key={c.connectionId}
              className={c.connectionId === selectedId ? 'pm-tr pm-row-selected' : 'pm-tr'}
              aria-current={c.connectionId === selectedId ? 'true' : undefined}
              data-testid={`connection-${c.connectionId}`}
              onClick={(event) => {
                // The button does it itself; text being selected is not a click on the row.
                if ((event.target as HTMLElement).closest('button') || window.getSelection()?.toString())
                  return;
                onOpen(c.connectionId);
              }}
            >
              <td className="pm-cell" data-label={columns.remote}>
                <div className="pm-remote">
                  <button
                    type="button"
                    className="pm-link-button"
                    data-connection-id={c.connectionId}
                    onClick={() => onOpen(c.connectionId)}
                  >
                    {c.remote.platformTitle ?? c.remote.enrollmentId}
                  </button>
                  <code className="small muted pm-remote-id">{c.remote.enrollmentId}</code>
                </div>
              </td>
              <td className="pm-cell" data-label={columns.space}>
                {spaces.get(c.spaceId)?.name ?? <code className="small">{c.spaceId}</code>}
              </td>
              <td className="pm-cell" data-label={columns.dataTypes}>
                {format.dataTypes(c.dataTypes)}
              </td>
              <td className="pm-cell" data-label={columns.status}>
                <StatusBadge status={c.status} />
              </td>
              <td className="pm-cell" data-label={columns.security}>
                {format.security(c.security)}
              </td>
              <td className="pm-cell" data-label={columns.transport}>
                {t(TRANSPORT_LABEL[c.transport])}
              </td>
              <td className="pm-cell" data-label={columns.updated}>
                {format.date(c.updatedAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
