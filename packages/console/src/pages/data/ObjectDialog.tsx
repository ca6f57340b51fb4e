import type { Marking, ObjectTypeView, SpaceObject } from '@peerlink/sdk';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../api';
import { Dialog } from '../../components/Dialog';
import { useT } from '../../i18n';
import { ActionError, useAction } from '../network/ui';
import { ClassificationSelect, MarkingsPicker } from './labels';
import { PROPERTY_TYPE_LABEL, type PropertyType } from './ObjectTypesPanel';

type PropertyValue = SpaceObject['properties'][string];

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO time as the value of a datetime-local input (the reader's time zone). */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** A property's value as form text. */
function toText(type: PropertyType, value: PropertyValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (type === 'timestamp' && typeof value === 'string') return toLocalInput(value);
  return String(value);
}

/** Form text as a property value of its type; undefined when left empty; an Error when not valid. */
function fromText(type: PropertyType, text: string): PropertyValue | undefined | Error {
  if (text.trim() === '' && type !== 'string') return undefined;
  if (text === '') return undefined;
  switch (type) {
    case 'string':
      return text;
    case 'integer': {
      const n = Number(text.trim());
      return Number.isSafeInteger(n) ? n : new Error('integer');
    }
    case 'double': {
      const n = Number(text.trim());
      return Number.isFinite(n) ? n : new Error('double');
    }
    case 'boolean':
      return text === 'true';
    case 'timestamp': {
      const d = new Date(text);
      return Number.isNaN(d.getTime()) ? new Error('timestamp') : d.toISOString();
    }
  }
}

/** Creates an object of `type` (no `object`) or edits one: a typed input per property, labels. */
export function ObjectDialog({
  spaceId,
  type,
  object,
  markings,
  onSaved,
  onClose,
}: {
  spaceId: string;
  type: ObjectTypeView;
  object?: SpaceObject;
  markings: readonly Marking[] | undefined;
  onSaved: (object: SpaceObject, created: boolean) => void;
  onClose: () => void;
}) {
  const t = useT();
  const base = useId();
  // The primary key first, then the others in the type's order.
  const names = [type.primaryKey, ...Object.keys(type.properties).filter((name) => name !== type.primaryKey)];
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(names.map((name) => [name, toText(type.properties[name]!, object?.properties[name])])),
  );
  const [classification, setClassification] = useState<string>(object?.classification ?? 'UNCLASSIFIED');
  const [labels, setLabels] = useState<string[]>(object?.markings ?? []);
  const [problem, setProblem] = useState<string | undefined>();
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const properties: Record<string, PropertyValue> = {};
    for (const name of names) {
      const propertyType = type.properties[name]!;
      const value = fromText(propertyType, values[name] ?? '');
      if (value instanceof Error) {
        setProblem(t('page.data.objects.problem.type', { name, type: t(PROPERTY_TYPE_LABEL[propertyType]) }));
        document.getElementById(`${base}-${name}`)?.focus();
        return;
      }
      if (value !== undefined) properties[name] = value;
    }
    if (properties[type.primaryKey] === undefined) {
      setProblem(t('page.data.objects.problem.key', { name: type.primaryKey }));
      document.getElementById(`${base}-${type.primaryKey}`)?.focus();
      return;
    }
    setProblem(undefined);
    const saved = await action.run(() =>
      object
        ? api.spaceData.updateObject(spaceId, object.objectId, {
            properties,
            classification,
            markings: labels,
          })
        : api.spaceData.createObject(spaceId, {
            type: type.name,
            properties,
            classification,
            markings: labels,
          }),
    );
    if (saved) onSaved(saved, object === undefined);
  };

  return (
    <Dialog
      title={
        object
          ? t('page.data.objects.edit.title', { key: object.key })
          : t('page.data.objects.create.title', { type: type.name })
      }
      onClose={onClose}
      wide
    >
      <form className="form" onSubmit={submit} noValidate>
        {names.map((name) => {
          const propertyType = type.properties[name]!;
          const id = `${base}-${name}`;
          const hintId = `${id}-hint`;
          const isKey = name === type.primaryKey;
          const common = {
            id,
            'aria-describedby': hintId,
            value: values[name] ?? '',
            onChange: (event: { target: { value: string } }) =>
              setValues((previous) => ({ ...previous, [name]: event.target.value })),
          };
          return (
            <div key={name} className="field">
              <label htmlFor={id}>{name}</label>
              {propertyType === 'boolean' ? (
                <select {...common}>
                  <option value="">{t('page.data.objects.notSet')}</option>
                  <option value="true">{t('page.data.yes')}</option>
                  <option value="false">{t('page.data.no')}</option>
                </select>
              ) : (
                <input
                  {...common}
                  type={
                    propertyType === 'integer' || propertyType === 'double'
                      ? 'number'
                      : propertyType === 'timestamp'
                        ? 'datetime-local'
                        : 'text'
                  }
                  {...(propertyType === 'integer' ? { step: 1, inputMode: 'numeric' as const } : {})}
                  {...(propertyType === 'double' ? { step: 'any', inputMode: 'decimal' as const } : {})}
                  {...(propertyType === 'timestamp' ? { step: 1 } : {})}
                  required={isKey}
                  readOnly={isKey && object !== undefined}
                />
              )}
              <p id={hintId} className="admin-hint">
                {t(PROPERTY_TYPE_LABEL[propertyType])}
                {isKey && ` · ${t(object ? 'page.data.objects.keyFixed' : 'page.data.objects.keyRequired')}`}
                {propertyType === 'timestamp' && ` · ${t('page.data.objects.localTime')}`}
              </p>
            </div>
          );
        })}
        <ClassificationSelect value={classification} onChange={setClassification} />
        <MarkingsPicker markings={markings} value={labels} onChange={setLabels} />
        {problem && (
          <p className="notice notice-error" role="alert">
            {problem}
          </p>
        )}
        <ActionError action={action} />
        <div className="admin-buttons">
          <button type="submit" className="button button-primary" disabled={action.pending}>
            {t('page.data.objects.save')}
          </button>
          <button type="button" className="button" onClick={onClose}>
            {t('page.network.ui.cancel')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
