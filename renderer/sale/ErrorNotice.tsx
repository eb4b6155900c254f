import type { IpcError } from '../../shared/ipc/result.ts';
import type { ErrorSummary } from '../../shared/sale/sale-record.ts';
import { ERROR_CODES, type ErrorCode } from '../../shared/ipc/result.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { TILL_NOT_ANSWERING } from './till-calls.ts';
import { SequraReasons } from './SequraReasons.tsx';

// A failure in the cashier's words: our sentence for the code first (what happened, what to do), then
// SeQura's reasons explained, with its own words under "details" (what SeQura support will ask about).

function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

export function ErrorNotice({
  error,
  testId = 'sale-error',
}: {
  error: IpcError | ErrorSummary | null;
  testId?: string;
}) {
  const { t } = useI18n();
  if (!error) return null;
  const code: ErrorCode = isErrorCode(error.code) ? error.code : 'internal';
  const reasons = error.reasons ?? [];
  return (
    <div className="notice notice-danger" role="alert" data-testid={testId} data-code={code}>
      <p className="notice-title">
        {error.message === TILL_NOT_ANSWERING ? t('error.tillNotAnswering') : t(`ipcError.${code}`)}
      </p>
      <SequraReasons reasons={reasons} />
      {error.retryable && <p className="notice-detail">{t('error.retryable')}</p>}
    </div>
  );
}
