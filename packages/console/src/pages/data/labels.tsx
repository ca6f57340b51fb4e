import type { Marking } from '@peerlink/sdk';
import { useId } from 'react';
import { SelectField } from '../../components/Field';
import { useT } from '../../i18n';

/** The classifications, lowest first (the API's own words, shown as they are in both languages). */
export const CLASSIFICATIONS = ['UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET'] as const;
export type ClassificationValue = (typeof CLASSIFICATIONS)[number];

export function ClassificationSelect({
  value,
  onChange,
}: {
  value: string;
  onChange: (value: ClassificationValue) => void;
}) {
  const t = useT();
  const id = useId();
  return (
    <SelectField
      label={t('page.data.classification')}
      id={id}
      value={value}
      onChange={(value) => onChange(value as ClassificationValue)}
      hint={t('page.data.classificationHelp')}
    >
      {CLASSIFICATIONS.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </SelectField>
  );
}

/** Markings to carry, one checkbox each; the enrollment's markings must exist first. */
export function MarkingsPicker({
  markings,
  value,
  onChange,
}: {
  markings: readonly Marking[] | undefined;
  value: readonly string[];
  onChange: (value: string[]) => void;
}) {
  const t = useT();
  const hintId = useId();
  // Markings the item carries but the list does not know (yet) stay visible and removable.
  const names = [...new Set([...(markings ?? []).map((m) => m.name), ...value])].sort();
  return (
    <fieldset className="admin-fieldset" aria-describedby={hintId}>
      <legend>{t('page.data.markings')}</legend>
      {names.length === 0 ? (
        <p id={hintId} className="admin-hint">
          {t('page.data.markings.none')}
        </p>
      ) : (
        <>
          <p id={hintId} className="admin-hint">
            {t('page.data.markings.help')}
          </p>
          <div className="admin-checks">
            {names.map((name) => (
              <label key={name} className="admin-check">
                <input
                  type="checkbox"
                  checked={value.includes(name)}
                  onChange={(event) =>
                    onChange(
                      event.target.checked
                        ? [...value, name].sort()
                        : value.filter((other) => other !== name),
                    )
                  }
                />
                <span>{name}</span>
              </label>
            ))}
          </div>
        </>
      )}
    </fieldset>
  );
}

/** Classification and markings of an item, compact, for tables. */
export function LabelsCell({ classification, markings }: { classification: string; markings: string[] }) {
  return (
    <span className="admin-stack">
      <span
        className={`admin-pill ${classification === 'UNCLASSIFIED' ? 'admin-pill-muted' : 'admin-pill-warn'}`}
      >
        {classification}
      </span>
      {markings.length > 0 && <span className="small">{markings.join(', ')}</span>}
    </span>
  );
}
