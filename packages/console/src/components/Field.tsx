import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from 'react';

/**
 * The labelled form fields every screen repeats: `<div className="field">`, a `<label htmlFor>`, the
 * control, and an optional hint line the control is described by. `onChange` gets the new value;
 * other props go to the control. The id is generated unless one is given.
 */
type FieldProps = {
  label: ReactNode;
  value: string;
  onChange?: (value: string) => void;
  /** A line under the control (`admin-hint`), linked with aria-describedby. */
  hint?: ReactNode;
  id?: string;
};

function useFieldIds(id: string | undefined, hint: ReactNode, describedBy: string | undefined) {
  const generated = useId();
  const controlId = id ?? generated;
  const hintId = `${controlId}-hint`;
  const hasHint = hint !== undefined && hint !== null && hint !== false;
  return {
    controlId,
    hintId,
    hasHint,
    describedBy: [describedBy, hasHint ? hintId : undefined].filter(Boolean).join(' ') || undefined,
  };
}

function Field({
  controlId,
  label,
  hint,
  hintId,
  hasHint,
  children,
}: {
  controlId: string;
  label: ReactNode;
  hint: ReactNode;
  hintId: string;
  hasHint: boolean;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={controlId}>{label}</label>
      {children}
      {hasHint && (
        <p id={hintId} className="admin-hint">
          {hint}
        </p>
      )}
    </div>
  );
}

export function TextField({
  label,
  value,
  onChange,
  hint,
  id,
  'aria-describedby': describedBy,
  ...rest
}: FieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'id'>) {
  const ids = useFieldIds(id, hint, describedBy);
  return (
    <Field {...ids} label={label} hint={hint}>
      <input
        {...rest}
        id={ids.controlId}
        value={value}
        aria-describedby={ids.describedBy}
        onChange={onChange && ((event) => onChange(event.target.value))}
      />
    </Field>
  );
}

export function SelectField({
  label,
  value,
  onChange,
  hint,
  id,
  'aria-describedby': describedBy,
  children,
  ...rest
}: FieldProps & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange' | 'id'>) {
  const ids = useFieldIds(id, hint, describedBy);
  return (
    <Field {...ids} label={label} hint={hint}>
      <select
        {...rest}
        id={ids.controlId}
        value={value}
        aria-describedby={ids.describedBy}
        onChange={onChange && ((event) => onChange(event.target.value))}
      >
        {children}
      </select>
    </Field>
  );
}

export function TextAreaField({
  label,
  value,
  onChange,
  hint,
  id,
  'aria-describedby': describedBy,
  ...rest
}: FieldProps & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange' | 'id'>) {
  const ids = useFieldIds(id, hint, describedBy);
  return (
    <Field {...ids} label={label} hint={hint}>
      <textarea
        {...rest}
        id={ids.controlId}
        value={value}
        aria-describedby={ids.describedBy}
        onChange={onChange && ((event) => onChange(event.target.value))}
      />
    </Field>
  );
}
