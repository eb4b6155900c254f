import type { AttentionCode } from '../../shared/sale/sale-record.ts';
import { useI18n } from '../i18n/i18n.tsx';

// Why a sale needs a person: the catalogue's words for the core's typed code, in the cashier's language,
// then the core's own sentence (English: SeQura's or the network's words, for IT) under "details".
export function AttentionNotice({
  code,
  detail,
  message,
  testId,
  alert = false,
}: {
  code: AttentionCode;
  /** The core's sentence for IT; not shown unless opened. */
  detail: string | null;
  /** Builds the notice's sentence around the reason (with the time, on the sale screen). */
  message: (reason: string) => string;
  testId: string;
  /** Announced at once (the sale on the cashier's screen), rather than read where it stands (the history). */
  alert?: boolean;
}) {
  const { t } = useI18n();
  return (
    <div className="notice notice-danger" role={alert ? 'alert' : undefined} data-testid={testId} data-code={code}>
      <p>{message(t(`attention.${code}`))}</p>
      {detail && (
        <details className="sequra-details" data-testid="attention-details">
          <summary>{t('attention.details')}</summary>
          <p lang="en">{detail}</p>
        </details>
      )}
    </div>
  );
}
