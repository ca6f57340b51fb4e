import type { ObjectTypeView } from '@peerlink/sdk';
import { type FormEvent, useCallback, useId, useRef, useState } from 'react';
import { api, useApiQuery } from '../../api';
import { SelectField, TextField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { type MessageKey, useT } from '../../i18n';
import { ActionError, ApiErrorNotice, ConfirmDialog, StatusMessage, Time, useAction } from '../network/ui';

/** A property's type (`string`, `integer`, …): the SDK's, read off the object type view. */
export type PropertyType = ObjectTypeView['properties'][string];

export const PROPERTY_TYPES: readonly PropertyType[] = [
  'string',
  'integer',
  'double',
  'boolean',
  'timestamp',
];

export const PROPERTY_TYPE_LABEL: Record<PropertyType, MessageKey> = {
  string: 'page.data.propertyType.string',
  integer: 'page.data.propertyType.integer',
  double: 'page.data.propertyType.double',
  boolean: 'page.data.propertyType.boolean',
  timestamp: 'page.data.propertyType.timestamp',
};

/** A space's object types: list, create (with typed properties and a primary key), delete. */
export function ObjectTypesPanel({ spaceId }: { spaceId: string }) {
  const t = useT();
  const load = useCallback(() => api.spaceData.listObjectTypes(spaceId), [spaceId]);
  const types = useApiQuery(load);
  const [deleting, setDeleting] = useState<ObjectTypeView | undefined>();
  const [status, setStatus] = useState('');

  return (
    <div>
      <h2>{t('page.data.types.title')}</h2>
      <StatusMessage>{status}</StatusMessage>
      {types.loading && types.data === undefined && <Loading />}
      {types.error !== undefined && <ApiErrorNotice error={types.error} onRetry={types.reload} />}
      {types.data &&
        (types.data.objectTypes.length === 0 ? (
          <p className="admin-empty">{t('page.data.types.empty')}</p>
        ) : (
          <table className="admin-table">
            <caption className="visually-hidden">{t('page.data.types.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('page.data.types.name')}</th>
                <th scope="col">{t('page.data.types.primaryKey')}</th>
                <th scope="col">{t('page.data.types.properties')}</th>
                <th scope="col">{t('page.network.ui.created')}</th>
                <th scope="col">{t('page.network.ui.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {types.data.objectTypes.map((type) => (
                <tr key={type.name}>
                  <td data-label={t('page.data.types.name')}>
                    <code>{type.name}</code>
                  </td>
                  <td data-label={t('page.data.types.primaryKey')}>
                    <code>{type.primaryKey}</code>
                  </td>
                  <td data-label={t('page.data.types.properties')}>
                    <ul className="admin-plain">
                      {Object.entries(type.properties).map(([name, propertyType]) => (
                        <li key={name}>
                          <code>{name}</code>: {t(PROPERTY_TYPE_LABEL[propertyType])}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-label={t('page.network.ui.created')}>
                    <Time value={type.createdAt} />
                  </td>
                  <td data-label={t('page.network.ui.actions')}>
                    <button
                      type="button"
                      className="button"
                      aria-label={t('page.data.types.deleteFor', { name: type.name })}
                      onClick={() => setDeleting(type)}
                    >
                      {t('page.network.ui.delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}

      <CreateTypeForm
        spaceId={spaceId}
        onCreated={(type) => {
          setStatus(t('page.data.types.created', { name: type.name }));
          types.reload();
        }}
      />

      {deleting && (
        <ConfirmDialog
          title={t('page.data.types.delete.title', { name: deleting.name })}
          confirmLabel={t('page.network.ui.confirmDelete')}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await api.spaceData.deleteObjectType(spaceId, deleting.name);
            setStatus(t('page.data.types.deleted', { name: deleting.name }));
            types.reload();
          }}
        >
          <p>{t('page.data.types.delete.body')}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

interface PropertyRow {
  id: number;
  name: string;
  type: PropertyType;
}

function CreateTypeForm({
  spaceId,
  onCreated,
}: {
  spaceId: string;
  onCreated: (type: ObjectTypeView) => void;
}) {
  const t = useT();
  const nextId = useRef(2);
  const [name, setName] = useState('');
  const [rows, setRows] = useState<PropertyRow[]>([{ id: 1, name: '', type: 'string' }]);
  const [primaryKey, setPrimaryKey] = useState('');
  const [problem, setProblem] = useState<MessageKey | undefined>();
  const action = useAction();
  const ids = { heading: useId(), name: useId(), key: useId(), base: useId() };

  const candidates = rows
    .filter((row) => row.name.trim() !== '' && (row.type === 'string' || row.type === 'integer'))
    .map((row) => row.name.trim());
  // The first candidate until one is chosen (or when the chosen one is renamed away).
  const key = candidates.includes(primaryKey) ? primaryKey : (candidates[0] ?? '');

  const update = (id: number, change: Partial<PropertyRow>) =>
    setRows((previous) => previous.map((row) => (row.id === id ? { ...row, ...change } : row)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const named = rows.filter((row) => row.name.trim() !== '');
    if (name.trim() === '') return setProblem('page.data.types.problem.name');
    if (named.length === 0) return setProblem('page.data.types.problem.properties');
    if (new Set(named.map((row) => row.name.trim())).size !== named.length)
      return setProblem('page.data.types.problem.duplicate');
    if (key === '') return setProblem('page.data.types.problem.key');
    setProblem(undefined);
    const properties = Object.fromEntries(named.map((row) => [row.name.trim(), row.type]));
    const created = await action.run(() =>
      api.spaceData.createObjectType(spaceId, { name: name.trim(), primaryKey: key, properties }),
    );
    if (created) {
      setName('');
      setRows([{ id: nextId.current++, name: '', type: 'string' }]);
      setPrimaryKey('');
      onCreated(created);
    }
  };

  return (
    <form
      className="form admin-card admin-section"
      aria-labelledby={ids.heading}
      onSubmit={submit}
      noValidate
    >
      <h3 id={ids.heading}>{t('page.data.types.create.title')}</h3>
      <p className="muted small">{t('page.data.types.create.intro')}</p>
      <TextField
        label={t('page.data.types.create.name')}
        id={ids.name}
        required
        spellCheck={false}
        autoCapitalize="none"
        value={name}
        placeholder="Flight"
        onChange={setName}
      />
      <fieldset className="admin-fieldset">
        <legend>{t('page.data.types.properties')}</legend>
        {rows.map((row, index) => {
          const n = index + 1;
          const nameId = `${ids.base}-p${row.id}-name`;
          const typeId = `${ids.base}-p${row.id}-type`;
          return (
            <div key={row.id} className="admin-row admin-property-row">
              <div className="field admin-grow">
                <label htmlFor={nameId}>{t('page.data.types.create.propertyName', { n })}</label>
                <input
                  id={nameId}
                  spellCheck={false}
                  autoCapitalize="none"
                  value={row.name}
                  onChange={(event) => update(row.id, { name: event.target.value })}
                />
              </div>
              <SelectField
                label={t('page.data.types.create.propertyType', { n })}
                id={typeId}
                value={row.type}
                onChange={(value) => update(row.id, { type: value as PropertyType })}
              >
                {PROPERTY_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {t(PROPERTY_TYPE_LABEL[type])}
                  </option>
                ))}
              </SelectField>
              <button
                type="button"
                className="button admin-row-end"
                aria-label={t('page.data.types.create.removeProperty', { n })}
                disabled={rows.length === 1}
                onClick={() => setRows((previous) => previous.filter((other) => other.id !== row.id))}
              >
                {t('page.network.ui.remove')}
              </button>
            </div>
          );
        })}
        <div className="admin-buttons">
          <button
            type="button"
            className="button"
            onClick={() =>
              setRows((previous) => [...previous, { id: nextId.current++, name: '', type: 'string' }])
            }
          >
            {t('page.data.types.create.addProperty')}
          </button>
        </div>
      </fieldset>
      <SelectField
        label={t('page.data.types.primaryKey')}
        id={ids.key}
        value={key}
        disabled={candidates.length === 0}
        onChange={setPrimaryKey}
        hint={t('page.data.types.create.keyHelp')}
      >
        {candidates.length === 0 && <option value="">{t('page.data.types.create.noKey')}</option>}
        {candidates.map((candidate) => (
          <option key={candidate} value={candidate}>
            {candidate}
          </option>
        ))}
      </SelectField>
      {problem && (
        <p className="notice notice-error" role="alert">
          {t(problem)}
        </p>
      )}
      <ActionError action={action} />
      <div className="admin-buttons">
        <button type="submit" className="button button-primary" disabled={action.pending}>
          {t('page.data.types.create.submit')}
        </button>
      </div>
    </form>
  );
}
