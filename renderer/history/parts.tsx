import type { SaleStatus } from '../../shared/ipc/after-sale-schemas.ts';
import type { IpcError } from '../../shared/ipc/result.ts';
import {
  CANCELLATION_REASONS,
  type CancellationReason,
  type SequraAnswer,
} from '../../shared/sale/after-sale-record.ts';
import type { SaleRecord, TimelineEntry } from '../../shared/sale/sale-record.ts';
import { useI18n, type Translate } from '../i18n/i18n.tsx';
import { pinErrorText } from '../admin/pin-errors.ts';
import { KNOWN_EVENTS } from '../i18n/after-sale.es.ts';
import { ErrorNotice } from '../sale/ErrorNotice.tsx';
import { SequraReasons } from '../sale/SequraReasons.tsx';
import { useValidationText } from '../sale/useValidationText.ts';

// Small pieces the history, the sale's page and the report share.

/** An idempotency key for one action: made when its dialog opens, reused if the same action is sent again. */
export function newRequestId(): string {
  // `crypto.randomUUID` needs a secure context; getRandomValues is always there (see renderer/sale/ids.ts).
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `r-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

export function StatusBadge({ status }: { status: SaleStatus }) {
  const { t } = useI18n();
  return (
    <span className={`status-badge status-${status}`} data-testid="status-badge" data-status={status}>
      {t(`saleStatus.${status}`)}
    </span>
  );
}

/** An operator as the till shows them: 'Ana Ruiz (0003)', or the ref alone when the till no longer knows them. */
export function operatorLabel(ref: string, names: Record<string, string>): string {
  const name = names[ref];
  return name ? `${name} (${ref})` : ref;
}

/** SeQura's answer to an update, in our words first (what it means, what to do), then its own message. */
export function SequraAnswerNotice({
  answer,
  tone = 'danger',
  testId,
}: {
  answer: SequraAnswer;
  tone?: 'danger' | 'warn';
  testId: string;
}) {
  const { t, formatDateTime } = useI18n();
  const explanation =
    answer.status === 409
      ? t('answer.409')
      : answer.status === 404
        ? t('answer.404')
        : answer.status === 403
          ? t('answer.403')
          : t('answer.other');
  return (
    <div
      className={`notice notice-${tone}`}
      role={tone === 'danger' ? 'alert' : 'status'}
      data-testid={testId}
      data-status={answer.status ?? ''}
    >
      <p className="notice-title">{explanation}</p>
      {/* SeQura's reasons verbatim when it gave any (what its support will ask about), else what the till saw. */}
      <p className="notice-detail">
        {t('detail.sequraAnswer', {
          status: answer.status ?? answer.code,
          message: answer.reasons.length > 0 ? '' : answer.message,
        })}
      </p>
      <SequraReasons reasons={answer.reasons} />
      <p className="field-hint">{formatDateTime(answer.at)}</p>
    </div>
  );
}

// Timeline details are journalled language-neutral: ids, amounts, SeQura's words, and the till's own codes
// (the start's "attempt N", SeQura's error kind, a cancellation's reason, who released the goods). The codes
// are worded here in the till's language, so no internal code reaches the screen.
const ERROR_KIND_EVENTS = new Set(['start_queued', 'start_refused', 'products_failed', 'sms_not_sent', 'sms_refused']);
const ERROR_KINDS = new Set([
  'offline',
  'timeout',
  'unknown_outcome',
  'server',
  'rate_limited',
  'validation',
  'conflict',
  'unauthorized',
  'forbidden',
  'not_found',
  'unexpected_response',
  'invalid_payload',
  'internal',
]);
const CANCELLATION_REASON_SET: ReadonlySet<string> = new Set(CANCELLATION_REASONS);

function timelineDetail(
  entry: TimelineEntry,
  context: { t: Translate; operatorNames: Record<string, string>; product: SaleRecord['product'] },
): string {
  const { t, operatorNames, product } = context;
  const detail = entry.detail ?? '';
  const attempt = /^attempt (\d+)$/.exec(detail)?.[1];
  if (attempt) return t('detail.attempt', { attempt: Number(attempt) });
  if (ERROR_KIND_EVENTS.has(entry.event) && ERROR_KINDS.has(detail)) return t(`why.${detail}` as 'why.offline');
  if (entry.event === 'handed_over' && detail === 'shipped_cart at start') return t('detail.handedOverAtStart');
  if (entry.event === 'goods_released') return operatorLabel(detail, operatorNames);
  if ((entry.event === 'sms_requested' || entry.event === 'sms_resend_requested') && product?.code === detail)
    return product.title;
  // "C1 · customer_request · note · 468,90 €": the reason worded, the rest as it is.
  return detail
    .split(' · ')
    .map((part) => (CANCELLATION_REASON_SET.has(part) ? t(`cancelDialog.reason.${part as CancellationReason}`) : part))
    .join(' · ');
}

export function Timeline({
  entries,
  operatorNames,
  product,
}: {
  entries: TimelineEntry[];
  operatorNames: Record<string, string>;
  product: SaleRecord['product'];
}) {
  const { t, formatDateTime } = useI18n();
  return (
    <ol className="timeline" data-testid="timeline">
      {entries.map((entry, index) => (
        <li key={index} data-event={entry.event}>
          <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
          <span className="timeline-event">
            {KNOWN_EVENTS.has(entry.event) ? t(`event.${entry.event}` as `event.${'created'}`) : t('event.other')}
          </span>
          {entry.operator && (
            <span className="timeline-operator">
              {t('detail.timelineBy', { operator: operatorLabel(entry.operator, operatorNames) })}
            </span>
          )}
          {entry.detail && (
            <span className="timeline-detail">{timelineDetail(entry, { t, operatorNames, product })}</span>
          )}
        </li>
      ))}
    </ol>
  );
}

/** The manager's PIN: never kept beyond the dialog, never autofilled. */
export function ManagerPinField({
  id,
  value,
  onChange,
  hint,
  autoFocus = false,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  /** What this PIN authorises, in the dialog's own words (a return, a cancellation, closing the day). */
  hint: string;
  /** Where the dialog's first keystroke belongs (a dialog whose only input is the PIN). */
  autoFocus?: boolean;
}) {
  const { t } = useI18n();
  return (
    <div className="field pin-field">
      <label htmlFor={id}>{t('pin.label')}</label>
      <input
        id={id}
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={16}
        value={value}
        onChange={(e) => onChange(e.target.value.replace(/\s/g, ''))}
        data-testid="manager-pin"
        autoFocus={autoFocus}
        aria-describedby={`${id}-hint`}
      />
      <p className="field-hint" id={`${id}-hint`}>
        {hint}
      </p>
    </div>
  );
}

/**
 * A failed action in a dialog: a wrong or locked-out manager PIN and a return the arithmetic refuses get their
 * own sentence; anything else is the app's usual error notice (with SeQura's reasons when there are any).
 */
export function DialogError({ error, exceedsAmount }: { error: IpcError | null; exceedsAmount?: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const validation = useValidationText();
  if (!error) return null;
  const pin = error.fields?.pin;
  if (error.code === 'locked' && (pin === 'wrong' || pin === 'locked_out')) {
    const text = pinErrorText(error, i18n);
    return (
      <p className="notice notice-danger" role="alert" data-testid="dialog-error" data-code="pin">
        {text}
      </p>
    );
  }
  const returnCode = error.fields?.return;
  if (error.code === 'invalid_request' && returnCode) {
    return (
      <p className="notice notice-danger" role="alert" data-testid="dialog-error" data-code={returnCode}>
        {returnCode === 'return.exceeds_financed' && exceedsAmount
          ? t('returnDialog.exceeds', { amount: exceedsAmount })
          : validation(returnCode)}
      </p>
    );
  }
  return <ErrorNotice error={error} testId="dialog-error" />;
}
