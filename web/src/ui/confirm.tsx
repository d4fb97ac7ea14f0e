import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useErrorText } from '../errors.ts';
import { Button } from './form.tsx';

/**
 * A modal question in a native <dialog>: Esc or Cancel closes it, focus starts on Cancel so an
 * accidental Enter does not destroy anything. `error`, when the action failed, is shown under the question.
 */
export function ConfirmDialog(props: { open: boolean; message: ReactNode; confirmLabel: string; onConfirm: () => void; onCancel: () => void; busy?: boolean; error?: unknown }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      dialog.showModal();
      cancelRef.current?.focus();
    } else if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog ref={ref} className="dialog" onCancel={(e) => (e.preventDefault(), props.onCancel())} aria-modal="true">
      <p>
        {props.message}
        {props.error ? <span className="field-error block">{errorText(props.error)}</span> : null}
      </p>
      <div className="dialog-actions">
        <Button ref={cancelRef} type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </Button>
        <Button type="button" kind="danger" busy={props.busy} onClick={props.onConfirm}>
          {props.confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}
