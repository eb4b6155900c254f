import { useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

// A button whose action cannot be undone (cancel, restart, "rejected") asks first, in a native modal
// <dialog>: it traps focus, closes on Escape and needs no UI library. The safe answer has the focus, so an
// Enter pressed out of habit never cancels a sale.
export function ConfirmButton({
  label,
  question,
  detail,
  confirmLabel,
  onConfirm,
  className = 'button secondary',
  disabled = false,
  testId,
}: {
  label: ReactNode;
  question: string;
  detail?: string;
  confirmLabel: string;
  onConfirm: () => void;
  className?: string;
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useI18n();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const backRef = useRef<HTMLButtonElement>(null);

  const open = () => {
    dialogRef.current?.showModal();
    backRef.current?.focus();
  };
  const close = () => {
    dialogRef.current?.close();
    triggerRef.current?.focus();
  };

  return (
    <>
      <button
        ref={triggerRef}
        type="button"
        className={className}
        onClick={open}
        disabled={disabled}
        data-testid={testId}
      >
        {label}
      </button>
      <dialog
        ref={dialogRef}
        className="confirm-dialog"
        aria-labelledby={`${testId}-question`}
        data-testid={`${testId}-dialog`}
      >
        <h2 id={`${testId}-question`}>{question}</h2>
        {detail && <p>{detail}</p>}
        <div className="actions">
          <button
            ref={backRef}
            type="button"
            className="button secondary"
            onClick={close}
            data-testid={`${testId}-back`}
          >
            {t('dialog.back')}
          </button>
          <button
            type="button"
            className="button danger"
            data-testid={`${testId}-yes`}
            onClick={() => {
              dialogRef.current?.close();
              onConfirm();
            }}
          >
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
