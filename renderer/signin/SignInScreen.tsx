import { useEffect, useRef, useState, type FormEvent } from 'react';
import { TRAINING_OPERATORS } from '../../shared/ipc/admin-schemas.ts';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcError } from '../../shared/ipc/result.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import { pinErrorText, pinInput } from '../admin/pin-errors.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { BootstrapManagerForm } from './BootstrapManagerForm.tsx';

// The cashier's door to the till, keyboard first: operator number, Tab (or Enter), PIN, Enter. When the till
// is locked (by hand or after the idle time) the same operator only types the PIN; the sale in progress is
// untouched underneath. In training mode the documented practice operators are shown; on a fresh install
// with no manager yet, the first manager is created from here.
export function SignInScreen({ pos, status }: { pos: PosApi; status: TillStatus }) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = status.session ?? null;
  const locked = !!session?.locked;
  const [asOther, setAsOther] = useState(false);
  const [operatorId, setOperatorId] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [bootstrapping, setBootstrapping] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const firstField = useRef<HTMLInputElement>(null);
  const unlockOnly = locked && !asOther;

  useEffect(() => {
    firstField.current?.focus();
  }, [unlockOnly, bootstrapping]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const result = unlockOnly
      ? await pos.session.unlock({ pin })
      : await pos.session.signIn({ operatorId: operatorId.trim(), pin });
    setBusy(false);
    setPin('');
    // Success: the core pushes a status with the session, and this screen goes away.
    if (!result.ok) {
      setError(result.error);
      firstField.current?.focus();
    }
  };

  if (bootstrapping) {
    return (
      <BootstrapManagerForm
        pos={pos}
        onDone={(id) => {
          setBootstrapping(false);
          setNotice(t('bootstrap.done', { id }));
          setOperatorId(id);
        }}
        onCancel={() => setBootstrapping(false)}
      />
    );
  }

  const errorText = pinErrorText(error, i18n);
  const cashier = TRAINING_OPERATORS.find((o) => o.role === 'cashier')!;
  const manager = TRAINING_OPERATORS.find((o) => o.role === 'manager')!;

  return (
    <section className="panel signin" aria-labelledby="signin-heading" data-testid="signin-screen">
      <h1 id="signin-heading">{unlockOnly ? t('signin.lockedTitle') : t('signin.title')}</h1>
      {unlockOnly && session && (
        <p className="lead" data-testid="signin-locked-by">
          {t('signin.lockedBy', { name: session.displayName, ref: session.operatorRef })}
          {session.lockedReason === 'idle' ? ` ${t('signin.lockedIdle')}` : ''}
        </p>
      )}
      {notice && (
        <p className="notice notice-ok" role="status" data-testid="signin-notice">
          {notice}
        </p>
      )}
      <form className="signin-form" onSubmit={(e) => void submit(e)} noValidate>
        {!unlockOnly && (
          <div className="field">
            <label htmlFor="signin-operator">{t('signin.operator')}</label>
            <input
              id="signin-operator"
              ref={firstField}
              value={operatorId}
              onChange={(e) => setOperatorId(e.target.value.slice(0, 16))}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              aria-describedby="signin-operator-hint"
              data-testid="signin-operator"
            />
            <p className="field-hint" id="signin-operator-hint">
              {t('signin.operatorHint')}
            </p>
          </div>
        )}
        <div className="field">
          <label htmlFor="signin-pin">{t('signin.pin')}</label>
          <input
            id="signin-pin"
            ref={unlockOnly ? firstField : undefined}
            type="password"
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            onChange={(e) => setPin(pinInput(e.target.value))}
            aria-invalid={errorText ? true : undefined}
            aria-describedby={errorText ? 'signin-error' : undefined}
            className="pin-input"
            data-testid="signin-pin"
          />
        </div>
        {errorText && (
          <p className="field-error" id="signin-error" role="alert" data-testid="signin-error">
            {errorText}
          </p>
        )}
        <div className="actions">
          <button
            type="submit"
            className="button primary"
            disabled={busy || pin.length < 4 || (!unlockOnly && operatorId.trim() === '')}
            data-testid="signin-submit"
          >
            {busy ? t('signin.working') : unlockOnly ? t('signin.unlock') : t('signin.submit')}
          </button>
          {unlockOnly && (
            <button type="button" className="button link" onClick={() => setAsOther(true)} data-testid="signin-other">
              {t('signin.otherOperator')}
            </button>
          )}
        </div>
      </form>

      {status.mode === 'training' && (
        <aside className="signin-training" aria-labelledby="signin-training-heading" data-testid="signin-training-hint">
          <h2 id="signin-training-heading">{t('signin.trainingTitle')}</h2>
          <p>
            {t('signin.trainingHint', {
              cashier: cashier.id,
              cashierPin: cashier.pin,
              manager: manager.id,
              managerPin: manager.pin,
            })}
          </p>
        </aside>
      )}

      {status.setup?.operatorsLost && !unlockOnly && (
        <aside className="notice notice-warn" role="alert" data-testid="signin-operators-lost">
          <h2>{t('signin.operatorsLostTitle')}</h2>
          <p>{t('signin.operatorsLostBody')}</p>
        </aside>
      )}

      {status.setup && !status.setup.managerExists && !status.setup.operatorsLost && !unlockOnly && (
        <aside className="signin-first-run" aria-labelledby="signin-first-run-heading">
          <h2 id="signin-first-run-heading">{t('signin.firstRunTitle')}</h2>
          <p>{t('signin.firstRunBody')}</p>
          <button
            type="button"
            className="button secondary"
            onClick={() => setBootstrapping(true)}
            data-testid="signin-first-run"
          >
            {t('signin.firstRunButton')}
          </button>
        </aside>
      )}
    </section>
  );
}
