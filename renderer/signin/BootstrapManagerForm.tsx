import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcError } from '../../shared/ipc/result.ts';
import { pinErrorText, pinInput } from '../admin/pin-errors.ts';
import { useI18n } from '../i18n/i18n.tsx';

// First run: the store's first manager, created at the till while no manager exists (the core refuses it
// once one does). The PIN is typed twice because nobody can read it back afterwards.
export function BootstrapManagerForm({
  pos,
  onDone,
  onCancel,
}: {
  pos: PosApi;
  onDone: (id: string) => void;
  onCancel: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const [id, setId] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [pin, setPin] = useState('');
  const [pinAgain, setPinAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pin !== pinAgain) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    setError(null);
    const result = await pos.operators.bootstrapManager({ id: id.trim(), displayName: displayName.trim(), pin });
    setBusy(false);
    if (result.ok) onDone(id.trim());
    else setError(result.error);
  };

  const errorText = mismatch ? t('pin.mismatch') : pinErrorText(error, i18n);
  return (
    <section className="panel signin" aria-labelledby="bootstrap-heading" data-testid="bootstrap-form">
      <h1 id="bootstrap-heading">{t('bootstrap.title')}</h1>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div className="field-row two">
          <div className="field">
            <label htmlFor="bootstrap-id">{t('bootstrap.id')}</label>
            <input
              id="bootstrap-id"
              ref={first}
              value={id}
              onChange={(e) => setId(e.target.value.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 16))}
              autoComplete="off"
              aria-describedby="bootstrap-id-hint"
              data-testid="bootstrap-id"
            />
            <p className="field-hint" id="bootstrap-id-hint">
              {t('bootstrap.idHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor="bootstrap-name">{t('bootstrap.name')}</label>
            <input
              id="bootstrap-name"
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value.slice(0, 60))}
              autoComplete="off"
              data-testid="bootstrap-name"
            />
          </div>
        </div>
        <div className="field-row two">
          <div className="field">
            <label htmlFor="bootstrap-pin">{t('bootstrap.pin')}</label>
            <input
              id="bootstrap-pin"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              className="pin-input"
              value={pin}
              onChange={(e) => setPin(pinInput(e.target.value))}
              data-testid="bootstrap-pin"
            />
          </div>
          <div className="field">
            <label htmlFor="bootstrap-pin-again">{t('bootstrap.pinAgain')}</label>
            <input
              id="bootstrap-pin-again"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              className="pin-input"
              value={pinAgain}
              onChange={(e) => setPinAgain(pinInput(e.target.value))}
              data-testid="bootstrap-pin-again"
            />
          </div>
        </div>
        {errorText && (
          <p className="field-error" role="alert" data-testid="bootstrap-error">
            {errorText}
          </p>
        )}
        <div className="actions">
          <button
            type="submit"
            className="button primary"
            disabled={busy || !id.trim() || !displayName.trim() || pin.length < 4}
            data-testid="bootstrap-submit"
          >
            {busy ? t('admin.working') : t('bootstrap.submit')}
          </button>
          <button type="button" className="button secondary" onClick={onCancel}>
            {t('bootstrap.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
