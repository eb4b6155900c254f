import { ERROR_CODES, type ErrorCode } from '../../shared/ipc/result.ts';
import { useCallback, useEffect, useState } from 'react';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcError } from '../../shared/ipc/result.ts';
import type { OutboxItem } from '../../shared/ipc/sale-schemas.ts';
import type { BridgeState } from '../bridge/pos-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from '../sale/ErrorNotice.tsx';
import { useNow } from '../sale/useNow.ts';
import { usePosEvent } from '../shell/usePos.ts';

// What the till still owes SeQura (confirmations, references, handovers, cancellations queued while SeQura
// was unreachable) and what needs a person. Each row says why it is waiting, for how long, and offers
// "try now" instead of waiting for the next scheduled attempt.

const byAge = (a: OutboxItem, b: OutboxItem) => a.createdAt.localeCompare(b.createdAt);

export function PendingScreen({ pos, bridge }: { pos: PosApi; bridge: BridgeState }) {
  const { t, formatCents, formatTime, locale } = useI18n();
  const [items, setItems] = useState<OutboxItem[] | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [retrying, setRetrying] = useState<string | null>(null);
  const now = useNow(15_000);

  useEffect(() => {
    if (bridge !== 'open') return;
    void pos.outbox.list({}).then((result) => (result.ok ? setItems(result.data.items) : setError(result.error)));
  }, [pos, bridge]);

  usePosEvent(
    pos,
    'outbox.changed',
    useCallback((list: { items: OutboxItem[] }) => setItems(list.items), []),
  );

  const retry = async (item: OutboxItem) => {
    setRetrying(item.id);
    setError(null);
    const result = await pos.outbox.retryNow({ instructionId: item.id });
    setRetrying(null);
    if (result.ok) setItems(result.data.items);
    else setError(result.error);
  };

  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const age = (iso: string): string => {
    const minutes = Math.round((new Date(iso).getTime() - now.getTime()) / 60_000);
    if (minutes === 0) return t('pending.justNow');
    if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
    const hours = Math.round(minutes / 60);
    return Math.abs(hours) < 48 ? relative.format(hours, 'hour') : relative.format(Math.round(hours / 24), 'day');
  };

  const open = (items ?? []).filter((item) => item.state !== 'done');
  const attention = open.filter((item) => item.state === 'needs_attention').sort(byAge);
  const waiting = open.filter((item) => item.state !== 'needs_attention').sort(byAge);

  const table = (rows: OutboxItem[], testId: string) => (
    <table className="pending-table" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{t('pending.ticket')}</th>
          <th scope="col">{t('pending.kind')}</th>
          <th scope="col" className="num">
            {t('pending.amount')}
          </th>
          <th scope="col">{t('pending.age')}</th>
          <th scope="col">{t('pending.reason')}</th>
          <th scope="col">
            <span className="visually-hidden">{t('cart.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((item) => (
          <tr key={item.id} data-testid="pending-item" data-state={item.state} data-kind={item.kind}>
            <td className="ticket-cell">{item.ticketNumber ?? '—'}</td>
            <td>{t(`pending.kind.${item.kind}`)}</td>
            <td className="num">{formatCents(item.amountCents)}</td>
            <td>
              <span title={formatTime(item.createdAt)}>{age(item.createdAt)}</span>
            </td>
            <td className="reason-cell">
              <div>
                <span className="pending-state">{t(`pending.state.${item.state}`)}</span>
                {item.lastError && (
                  // The cashier's words for the code; SeQura's or the network's own words stay one hover away
                  // for support.
                  <span className="pending-error" title={item.lastError} data-code={item.lastErrorCode ?? ''}>
                    {item.lastErrorCode && (ERROR_CODES as readonly string[]).includes(item.lastErrorCode)
                      ? t(`ipcError.${item.lastErrorCode as ErrorCode}`)
                      : item.lastError}
                  </span>
                )}
                {item.waitUntil && (
                  // SeQura said when (Retry-After): "try now" cannot go earlier, so say so.
                  <span className="field-hint" data-testid="pending-wait-until">
                    {t('pending.waitUntil', { time: formatTime(item.waitUntil) })}
                  </span>
                )}
                {item.nextAttemptAt && item.state === 'pending' && !item.waitUntil && (
                  <span className="field-hint">
                    {t('pending.nextAttempt', { time: formatTime(item.nextAttemptAt), attempts: item.attempts })}
                  </span>
                )}
              </div>
            </td>
            <td className="row-action">
              <button
                type="button"
                className="button secondary"
                onClick={() => void retry(item)}
                disabled={retrying !== null || item.state === 'in_flight'}
                aria-label={t('pending.retryNowFor', { ticket: item.ticketNumber ?? item.id })}
                data-testid="pending-retry"
              >
                {retrying === item.id ? t('sale.working') : t('pending.retryNow')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <section className="panel" aria-labelledby="pending-heading" data-testid="pending-screen">
      <h1 id="pending-heading">{t('pending.title')}</h1>
      <p className="lead">{t('pending.intro')}</p>
      <ErrorNotice error={error} testId="pending-error" />
      {items === null ? (
        <p className="loading">{t('app.loading')}</p>
      ) : open.length === 0 ? (
        <p className="notice notice-ok" data-testid="pending-empty">
          {t('pending.empty')}
        </p>
      ) : (
        <>
          {attention.length > 0 && (
            <>
              <h2>{t('pending.needsAttention', { count: attention.length })}</h2>
              {table(attention, 'pending-attention')}
            </>
          )}
          {waiting.length > 0 && (
            <>
              <h2>{t('pending.waiting', { count: waiting.length })}</h2>
              {table(waiting, 'pending-waiting')}
            </>
          )}
        </>
      )}
    </section>
  );
}
