import type { IpcError } from '../../shared/ipc/result.ts';
import type { I18n } from '../i18n/i18n.tsx';

// What a refused PIN means, in the cashier's words. The core answers every PIN failure with code 'locked'
// and a field code: wrong (with attempts left), locked_out (with the time it ends), or a PIN it would not
// accept as new (repeated digits, a run).
export function pinErrorText(error: IpcError | null, i18n: Pick<I18n, 't' | 'locale'>): string | null {
  if (!error) return null;
  const { t } = i18n;
  const fields = error.fields ?? {};
  if (fields.pin === 'locked_out') {
    const at = fields.retryAt ?? null;
    const time = at
      ? new Date(at).toLocaleTimeString(i18n.locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
      : '—';
    return t('pin.lockedOut', { time });
  }
  if (fields.pin === 'wrong') {
    const left = Number(fields.attemptsLeft ?? NaN);
    return Number.isFinite(left) && left <= 3
      ? `${t('pin.wrong')} ${t('pin.attemptsLeft', { count: left })}`
      : t('pin.wrong');
  }
  if (fields.pin === 'repeated' || fields.pin === 'sequence') return t('pin.weak');
  if (fields.pin === 'format' || (error.code === 'invalid_request' && Object.keys(fields).some((k) => /pin$/i.test(k))))
    return t('pin.format');
  if (fields.session === 'training_manager') return t('pin.trainingManager');
  if (fields.id === 'taken') return t('bootstrap.idTaken');
  if (fields.id === 'reserved') return t('bootstrap.idReserved');
  return t('error.generic', { message: error.message });
}

/** Digits only, at most 8: what a PIN field accepts as it is typed. */
export function pinInput(value: string): string {
  return value.replace(/\D/g, '').slice(0, 8);
}
