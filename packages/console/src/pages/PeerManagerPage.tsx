import type { PeerConnectionInfo, Space } from '@peerlink/sdk';
import { useCallback, useId, useMemo, useState } from 'react';
import { api, useApiQuery } from '../api';
import { Dialog } from '../components/Dialog';
import { EmptyState } from '../components/EmptyState';
import { Loading } from '../components/Loading';
import { Page } from '../components/Page';
import { usePolledQuery } from '../components/usePolledQuery';
import { useT } from '../i18n';
import { hrefOf } from '../router';
import { useUser } from '../session';
import { ConnectionPanel } from './peer-manager/ConnectionPanel';
import { ConnectionsTable } from './peer-manager/ConnectionsTable';
import { CreateRequestDialog } from './peer-manager/CreateRequestDialog';
import { EnterInviteCodeDialog } from './peer-manager/EnterInviteCodeDialog';
import { POLL_INTERVAL_MS } from './peer-manager/format';
import { PeerErrorNotice } from './peer-manager/PeerErrorNotice';
import { type PendingChange, PendingRequests } from './peer-manager/PendingRequests';

async function listAllConnections(): Promise<PeerConnectionInfo[]> {
  const all: PeerConnectionInfo[] = [];
  let marker: string | undefined;
  do {
    const page = await api.peerManager.listPeerConnections(marker ? { marker } : {});
    all.push(...page.connections);
    marker = page.isTruncated ? page.nextMarker : undefined;
  } while (marker);
  // Newest first, and steady while statuses change underneath.
  return all.sort(
    (a, b) => b.createdAt.localeCompare(a.createdAt) || a.connectionId.localeCompare(b.connectionId),
  );
}

// Stable (module level), as the query hooks want.
const loadHome = async (): Promise<{ connections: PeerConnectionInfo[]; changes: PendingChange[] }> => {
  const [connections, { changeRequests }] = await Promise.all([
    listAllConnections(),
    api.peerManager.listPendingChanges(),
  ]);
  return { connections, changes: changeRequests };
};

const loadSpaces = async (): Promise<Space[]> => {
  const all: Space[] = [];
  let marker: string | undefined;
  do {
    const page = await api.peerlink.listSpaces(marker ? { marker } : {});
    all.push(...page.spaces);
    marker = page.isTruncated ? page.nextMarker : undefined;
  } while (marker);
  return all.sort((a, b) => a.name.localeCompare(b.name));
};

/** The markings this enrollment knows, as suggestions for "Set security" (none if not allowed). */
const loadMarkings = async (): Promise<string[]> => {
  try {
    return (await api.spaceData.listMarkings()).markings.map((m) => m.name).sort();
  } catch {
    return [];
  }
};

/** The connection whose panel is open, kept in the address (`?connection=`) so a reload keeps it. */
function initialSelection(): string | undefined {
  return new URLSearchParams(window.location.search).get('connection') ?? undefined;
}

function rememberSelection(connectionId: string | undefined): void {
  const to = connectionId ? `/?connection=${encodeURIComponent(connectionId)}` : '/';
  window.history.replaceState(window.history.state, '', hrefOf(to));
}

/**
 * Home: peer connections (live), pending requests, "Create a peer request" and "Enter invite
 * code" top right, and the selected connection's panel on the right.
 */
export function PeerManagerPage() {
  const t = useT();
  const home = usePolledQuery(loadHome, { intervalMs: POLL_INTERVAL_MS });
  const spaces = useApiQuery(loadSpaces);
  const markings = useApiQuery(loadMarkings);
  const [dialog, setDialog] = useState<'create' | 'enter'>();
  const [selected, setSelected] = useState<string | undefined>(initialSelection);
  const connectionsHeading = useId();

  const user = useUser();
  const spacesById = useMemo(
    () => new Map((spaces.data ?? []).map((space) => [space.spaceId, space] as const)),
    [spaces.data],
  );
  // What the dialogs offer: the spaces this user manages first; administrators also see the others,
  // marked, as peering them takes being one of their managers.
  const spaceChoices = useMemo(() => {
    if (!spaces.data) return undefined;
    const managed = spaces.data.filter((space) => space.managers.includes(user.userId));
    const others = spaces.data
      .filter((space) => !space.managers.includes(user.userId))
      .map((space) => ({ ...space, name: t('page.peerManager.field.notManaged', { name: space.name }) }));
    return [...managed, ...others];
  }, [spaces.data, user.userId, t]);

  const open = useCallback((connectionId: string) => {
    setSelected(connectionId);
    rememberSelection(connectionId);
  }, []);

  const close = useCallback(() => {
    const was = selected;
    setSelected(undefined);
    rememberSelection(undefined);
    // Back to the row the panel was opened from.
    if (was)
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>(`button[data-connection-id="${CSS.escape(was)}"]`)?.focus(),
      );
  }, [selected]);

  const openDialog = (which: 'create' | 'enter') => {
    spaces.reload(); // a space made meanwhile is offered too
    setDialog(which);
  };

  const data = home.data;
  const nothingYet = data !== undefined && data.connections.length === 0 && data.changes.length === 0;

  return (
    <Page
      title={t('nav.peerManager')}
      actions={
        <>
          <button type="button" className="button" onClick={() => openDialog('enter')}>
            {t('action.enterInviteCode')}
          </button>
          <button type="button" className="button button-primary" onClick={() => openDialog('create')}>
            {t('action.createPeerRequest')}
          </button>
        </>
      }
    >
      {/* The intro under the header (not in it), so that the actions stay in the top right corner. */}
      <p className="page-intro pm-intro">{t('page.peerManager.intro')}</p>
      <div className="pm-home">
        {home.loading && !data && <Loading />}
        {home.error !== undefined && <PeerErrorNotice error={home.error} onRetry={home.refresh} />}
        {nothingYet && (
          <EmptyState title={t('page.peerManager.empty.title')}>
            <p>{t('page.peerManager.empty.next')}</p>
            <ul className="steps">
              <li>{t('page.peerManager.empty.create')}</li>
              <li>{t('page.peerManager.empty.enter')}</li>
            </ul>
            <p className="muted small">{t('page.peerManager.empty.body')}</p>
          </EmptyState>
        )}
        {data && !nothingYet && (
          <>
            <PendingRequests
              changes={data.changes}
              connections={data.connections}
              onOpen={open}
              onDecided={home.refresh}
            />
            <section className="pm-section" aria-labelledby={connectionsHeading}>
              <h2 id={connectionsHeading}>{t('term.peerConnections')}</h2>
              {data.connections.length === 0 ? (
                <p className="muted">{t('page.peerManager.connections.none')}</p>
              ) : (
                <ConnectionsTable
                  connections={data.connections}
                  spaces={spacesById}
                  selectedId={selected}
                  onOpen={open}
                />
              )}
            </section>
          </>
        )}
      </div>

      {selected && (
        <ConnectionPanel
          key={selected}
          connectionId={selected}
          spaces={spacesById}
          markings={markings.data ?? []}
          onClose={close}
          onChanged={home.refresh}
        />
      )}

      {dialog === 'create' &&
        (spaceChoices ? (
          <CreateRequestDialog
            spaces={spaceChoices}
            onClose={() => setDialog(undefined)}
            onCreated={home.refresh}
          />
        ) : (
          <SpacesPending error={spaces.error} onRetry={spaces.reload} onClose={() => setDialog(undefined)} />
        ))}
      {dialog === 'enter' &&
        (spaceChoices ? (
          <EnterInviteCodeDialog
            spaces={spaceChoices}
            markings={markings.data ?? []}
            onClose={() => setDialog(undefined)}
            onApproved={home.refresh}
            onOpenConnection={(connectionId) => {
              setDialog(undefined);
              open(connectionId);
            }}
          />
        ) : (
          <SpacesPending error={spaces.error} onRetry={spaces.reload} onClose={() => setDialog(undefined)} />
        ))}
    </Page>
  );
}

/** A dialog opened before the spaces it offers have loaded (or when they could not be). */
function SpacesPending({
  error,
  onRetry,
  onClose,
}: {
  error: unknown;
  onRetry: () => void;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <Dialog title={t('nav.spaces')} onClose={onClose}>
      {error === undefined ? <Loading /> : <PeerErrorNotice error={error} onRetry={onRetry} />}
    </Dialog>
  );
}
