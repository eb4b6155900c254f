import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { IpcError, IpcResult } from '../../shared/ipc/result.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { pinErrorText, pinInput } from './pin-errors.ts';

// One PIN prompt for every manager gate (opening the settings, going live, removing credentials): digits only,
// Enter submits, the field empties after each try so a PIN never lingers on screen.
export function ManagerPinForm({
  id,
  title,
  body,
  submitLabel,
  onSubmit,
  autoFocus = true,
}: {
  id: string;
  title: string;
  body?: string;
  submitLabel: string;
  onSubmit: (pin: string) => Promise<IpcResult<unknown>>;
  autoFocus?: boolean;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (autoFocus) field.current?.focus();
  }, [autoFocus]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy || pin.length < 4) return;
    setBusy(true);
    setError(null);
    const result = await onSubmit(pin);
    setBusy(false);
    setPin('');
    if (!result.ok) {
      setError(result.error);
      field.current?.focus();
    }
  };
  const errorText = pinErrorText(error, i18n);

  return (
    <form
      className="manager-pin"
      onSubmit={(e) => void submit(e)}
      aria-labelledby={`${id}-title`}
      noValidate
      data-testid={id}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      {body && <p>{body}</p>}
      <div className="manager-pin-row">
        <div className="field">
          <label htmlFor={`${id}-pin`}>{t('admin.sequra.managerPin')}</label>
          <input
            id={`${id}-pin`}
            ref={field}
            type="password"
            inputMode="numeric"
            autoComplete="off"
            className="pin-input"
            value={pin}
            onChange={(e) => setPin(pinInput(e.target.value))}
            aria-invalid={errorText ? true : undefined}
            aria-describedby={errorText ? `${id}-error` : undefined}
            data-testid={`${id}-pin`}
          />
        </div>
        <button type="submit" className="button primary" disabled={busy || pin.length < 4} data-testid={`${id}-submit`}>
          {busy ? t('admin.working') : submitLabel}
        </button>
      </div>
      {errorText && (
        <p className="field-error" id={`${id}-error`} role="alert" data-testid={`${id}-error`}>
          {errorText}
        </p>
      )}
    </form>
  );
}
