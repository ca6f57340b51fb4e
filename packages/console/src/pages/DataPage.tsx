import { useId, useState } from 'react';
import { api, useApiQuery } from '../api';
import { EmptyState } from '../components/EmptyState';
import { Loading } from '../components/Loading';
import { Page } from '../components/Page';
import { useT } from '../i18n';
import { Link, navigate } from '../router';
import { useUser } from '../session';
import { FilesPanel } from './data/FilesPanel';
import { MarkingsPanel } from './data/MarkingsPanel';
import { ObjectsPanel } from './data/ObjectsPanel';
import { ObjectTypesPanel } from './data/ObjectTypesPanel';
import { ApiErrorNotice, type TabSpec, Tabs } from './network/ui';
import { loadAllSpaces, spacePath } from './spaces/load';

type Tab = 'types' | 'objects' | 'files' | 'markings';

const TABS: readonly TabSpec<Tab>[] = [
  { key: 'types', label: 'page.data.tab.types' },
  { key: 'objects', label: 'page.data.tab.objects' },
  { key: 'files', label: 'page.data.tab.files' },
  { key: 'markings', label: 'page.data.tab.markings' },
];

const loadMarkings = async () => (await api.spaceData.listMarkings()).markings;

/** The space in the address (`/data?space=…`), so a space's data can be linked and reloaded. */
function spaceInAddress(): string {
  return new URLSearchParams(window.location.search).get('space') ?? '';
}

/** A space's data: object types, objects, files; and the enrollment's markings. */
export function DataPage() {
  const t = useT();
  const user = useUser();
  const spaces = useApiQuery(loadAllSpaces);
  const markings = useApiQuery(loadMarkings);
  const [chosen, setChosen] = useState(spaceInAddress);
  const [tab, setTab] = useState<Tab>('types');
  const spaceSelectId = useId();

  const list = spaces.data ?? [];
  const space = list.find((candidate) => candidate.spaceId === chosen) ?? list[0];

  // Markings belong to the enrollment, not to a space: administrators manage them even before any space.
  const markingsPanel = (
    <MarkingsPanel
      markings={markings.data}
      error={markings.error}
      loading={markings.loading}
      reload={markings.reload}
    />
  );

  const choose = (spaceId: string) => {
    setChosen(spaceId);
    navigate(`/data?space=${encodeURIComponent(spaceId)}`, { replace: true });
  };

  return (
    <Page title={t('nav.data')} intro={t('page.data.lead')}>
      {spaces.loading && spaces.data === undefined && <Loading />}
      {spaces.error !== undefined && <ApiErrorNotice error={spaces.error} onRetry={spaces.reload} />}
      {spaces.data && list.length === 0 && (
        <EmptyState title={t('page.data.noSpaces.title')}>
          <p>{t(user.isAdmin ? 'page.data.noSpaces.admin' : 'page.data.noSpaces.member')}</p>
          <p>
            <Link to="/spaces">{t('page.data.noSpaces.go')}</Link>
          </p>
        </EmptyState>
      )}
      {space && (
        <div className="admin-spacebar">
          <div className="field admin-narrow">
            <label htmlFor={spaceSelectId}>{t('page.data.space')}</label>
            <select id={spaceSelectId} value={space.spaceId} onChange={(event) => choose(event.target.value)}>
              {list.map((candidate) => (
                <option key={candidate.spaceId} value={candidate.spaceId}>
                  {candidate.name}
                </option>
              ))}
            </select>
          </div>
          <p className="admin-hint">
            {space.managers.includes(user.userId) ? (
              t('page.data.youManage')
            ) : (
              <>
                {t('page.data.notManager')}{' '}
                <Link to={spacePath(space.spaceId)}>{t('page.data.toSpace', { name: space.name })}</Link>
              </>
            )}
          </p>
        </div>
      )}
      {spaces.data && list.length === 0 && user.isAdmin && markingsPanel}
      {space && (
        <Tabs label={t('page.data.tabs')} tabs={TABS} selected={tab} onSelect={setTab}>
          {tab === 'markings' ? (
            markingsPanel
          ) : tab === 'types' ? (
            <ObjectTypesPanel key={space.spaceId} spaceId={space.spaceId} />
          ) : tab === 'objects' ? (
            <ObjectsPanel
              key={space.spaceId}
              spaceId={space.spaceId}
              markings={markings.data}
              onGoToTypes={() => setTab('types')}
            />
          ) : (
            <FilesPanel key={space.spaceId} spaceId={space.spaceId} markings={markings.data} />
          )}
        </Tabs>
      )}
    </Page>
  );
}
