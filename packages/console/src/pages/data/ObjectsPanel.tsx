import type { Marking, ObjectTypeView, SpaceObject } from '@peerlink/sdk';
import { useCallback, useId, useState } from 'react';
import { api, useApiQuery } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { Loading } from '../../components/Loading';
import { useT } from '../../i18n';
import { ApiErrorNotice, ConfirmDialog, StatusMessage, Time } from '../network/ui';
import { LabelsCell } from './labels';
import { ObjectDialog } from './ObjectDialog';

/** Objects of one type in a space: table, create and edit (a dialog), delete. */
export function ObjectsPanel({
  spaceId,
  markings,
  onGoToTypes,
}: {
  spaceId: string;
  markings: readonly Marking[] | undefined;
  onGoToTypes: () => void;
}) {
  const t = useT();
  const loadTypes = useCallback(() => api.spaceData.listObjectTypes(spaceId), [spaceId]);
  const types = useApiQuery(loadTypes);
  const [chosen, setChosen] = useState('');
  const typeId = useId();

  const list = types.data?.objectTypes ?? [];
  const type = list.find((candidate) => candidate.name === chosen) ?? list[0];

  return (
    <div>
      <h2>{t('page.data.objects.title')}</h2>
      {types.loading && types.data === undefined && <Loading />}
      {types.error !== undefined && <ApiErrorNotice error={types.error} onRetry={types.reload} />}
      {types.data && list.length === 0 && (
        <EmptyState title={t('page.data.objects.noTypes.title')}>
          <p>{t('page.data.objects.noTypes.body')}</p>
          <button type="button" className="button" onClick={onGoToTypes}>
            {t('page.data.objects.noTypes.go')}
          </button>
        </EmptyState>
      )}
      {type && (
        <>
          <div className="field admin-narrow">
            <label htmlFor={typeId}>{t('page.data.objects.type')}</label>
            <select id={typeId} value={type.name} onChange={(event) => setChosen(event.target.value)}>
              {list.map((candidate) => (
                <option key={candidate.name} value={candidate.name}>
                  {candidate.name}
                </option>
              ))}
            </select>
          </div>
          <ObjectsOfType key={type.name} spaceId={spaceId} type={type} markings={markings} />
        </>
      )}
    </div>
  );
}

function display(
  value: SpaceObject['properties'][string] | undefined,
  type: string,
  t: ReturnType<typeof useT>,
) {
  if (value === undefined || value === null) return '—';
  if (type === 'boolean') return t(value ? 'page.data.yes' : 'page.data.no');
  if (type === 'timestamp' && typeof value === 'string') return <Time value={value} />;
  return String(value);
}

function ObjectsOfType({
  spaceId,
  type,
  markings,
}: {
  spaceId: string;
  type: ObjectTypeView;
  markings: readonly Marking[] | undefined;
}) {
  const t = useT();
  const load = useCallback(
    () => api.spaceData.listAllObjects(spaceId, { type: type.name }),
    [spaceId, type.name],
  );
  const objects = useApiQuery(load);
  const [editing, setEditing] = useState<SpaceObject | 'new' | undefined>();
  const [deleting, setDeleting] = useState<SpaceObject | undefined>();
  const [status, setStatus] = useState('');
  const columns = [
    type.primaryKey,
    ...Object.keys(type.properties).filter((name) => name !== type.primaryKey),
  ];

  return (
    <>
      <div className="admin-buttons admin-toolbar">
        <button type="button" className="button button-primary" onClick={() => setEditing('new')}>
          {t('page.data.objects.create')}
        </button>
      </div>
      <StatusMessage>{status}</StatusMessage>
      {objects.loading && objects.data === undefined && <Loading />}
      {objects.error !== undefined && <ApiErrorNotice error={objects.error} onRetry={objects.reload} />}
      {objects.data &&
        (objects.data.length === 0 ? (
          <p className="admin-empty">{t('page.data.objects.empty', { type: type.name })}</p>
        ) : (
          <table className="admin-table">
            <caption className="visually-hidden">
              {t('page.data.objects.caption', { type: type.name })}
            </caption>
            <thead>
              <tr>
                {columns.map((name) => (
                  <th key={name} scope="col">
                    {name}
                  </th>
                ))}
                <th scope="col">{t('page.data.labels')}</th>
                <th scope="col">{t('page.network.ui.updated')}</th>
                <th scope="col">{t('page.network.ui.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {objects.data.map((object) => (
                <tr key={object.objectId}>
                  {columns.map((name) => (
                    <td key={name} data-label={name} className="admin-wrap">
                      {display(object.properties[name], type.properties[name]!, t)}
                    </td>
                  ))}
                  <td data-label={t('page.data.labels')}>
                    <LabelsCell classification={object.classification} markings={object.markings} />
                  </td>
                  <td data-label={t('page.network.ui.updated')}>
                    <Time value={object.updatedAt} />
                  </td>
                  <td data-label={t('page.network.ui.actions')}>
                    <span className="admin-buttons">
                      <button
                        type="button"
                        className="button"
                        aria-label={t('page.data.objects.editFor', { key: object.key })}
                        onClick={() => setEditing(object)}
                      >
                        {t('page.network.ui.edit')}
                      </button>
                      <button
                        type="button"
                        className="button"
                        aria-label={t('page.data.objects.deleteFor', { key: object.key })}
                        onClick={() => setDeleting(object)}
                      >
                        {t('page.network.ui.delete')}
                      </button>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}

      {editing && (
        <ObjectDialog
          spaceId={spaceId}
          type={type}
          {...(editing === 'new' ? {} : { object: editing })}
          markings={markings}
          onClose={() => setEditing(undefined)}
          onSaved={(saved, created) => {
            setEditing(undefined);
            setStatus(
              t(created ? 'page.data.objects.created' : 'page.data.objects.saved', {
                key: saved.key,
              }),
            );
            objects.reload();
          }}
        />
      )}

      {deleting && (
        <ConfirmDialog
          title={t('page.data.objects.delete.title', { key: deleting.key })}
          confirmLabel={t('page.network.ui.confirmDelete')}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await api.spaceData.deleteObject(spaceId, deleting.objectId);
            setStatus(t('page.data.objects.deleted', { key: deleting.key }));
            objects.reload();
          }}
        >
          <p>{t('page.data.objects.delete.body')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
