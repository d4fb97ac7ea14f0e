import { useId, type ComponentProps, type ReactNode, type SelectHTMLAttributes } from 'react';

/** A labelled input with an optional hint; `autoFocus` puts the caret in the first field of a form. */
export function Field(props: { label: string; hint?: string; error?: string } & ComponentProps<'input'>) {
  const { label, hint, error, id, ...input } = props;
  const auto = useId();
  const inputId = id ?? auto;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} aria-describedby={hint ? `${inputId}-hint` : undefined} aria-invalid={error ? true : undefined} {...input} />
      {hint && (
        <small id={`${inputId}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && <small className="field-error">{error}</small>}
    </div>
  );
}

export function SelectField(props: { label: string; hint?: string; children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  const { label, hint, id, children, ...select } = props;
  const auto = useId();
  const selectId = id ?? auto;
  return (
    <div className="field">
      <label htmlFor={selectId}>{label}</label>
      <select id={selectId} aria-describedby={hint ? `${selectId}-hint` : undefined} {...select}>
        {children}
      </select>
      {hint && (
        <small id={`${selectId}-hint`} className="hint">
          {hint}
        </small>
      )}
    </div>
  );
}

/** An error box, announced by screen readers (role=alert); the form keeps the caret where it can be fixed. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <div className="alert alert-error" role="alert" data-testid="form-error">
      {message}
    </div>
  );
}

export function Notice({ message, kind = 'ok' }: { message: string | null | undefined; kind?: 'ok' | 'info' | 'warn' }) {
  if (!message) return null;
  return (
    <div className={`alert alert-${kind}`} role="status">
      {message}
    </div>
  );
}

export function Button(props: { kind?: 'primary' | 'secondary' | 'danger' | 'link'; busy?: boolean } & ComponentProps<'button'>) {
  const { kind = 'secondary', busy, className, disabled, ...rest } = props;
  return <button className={`btn btn-${kind}${className ? ` ${className}` : ''}`} disabled={disabled || busy} aria-busy={busy || undefined} {...rest} />;
}
