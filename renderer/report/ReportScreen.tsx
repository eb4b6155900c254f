import { useCallback, useEffect, useRef, useState } from 'react';
import type { DayReport } from '../../shared/ipc/after-sale-schemas.ts';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcError } from '../../shared/ipc/result.ts';
import type { BridgeState } from '../bridge/pos-client.ts';
import { DialogError, ManagerPinField, StatusBadge } from '../history/parts.tsx';
import { Modal } from '../history/Modal.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { DateInput } from '../shell/DateInput.tsx';
import { ErrorNotice } from '../sale/ErrorNotice.tsx';
import { localIsoDate } from '../../shared/time/local-date.ts';
import { useProductLimits } from '../sale/useProductLimits.ts';
import '../history/after-sale.css';

// The till's end-of-day report: what SeQura confirmed (by product), what is still pending or needs a person,
// cancellations and returns (of the day's sales, and those asked today on earlier ones), the confirmed sales
// SeQura still lacks a ticket number for, and training sales left out. CSV download and print; closing the day
// warns while confirmations are pending and records the closing.

/** A Blob download: the same in the browser preview and in Electron (which shows its save dialog). */
function download(fileName: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ReportScreen({ pos, bridge }: { pos: PosApi; bridge: BridgeState }) {
  const { t, formatCents, formatDateTime, formatTime } = useI18n();
  const [date, setDate] = useState(() => localIsoDate(new Date()));
  const [report, setReport] = useState<DayReport | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [busy, setBusy] = useState<'load' | 'csv' | 'close' | null>(null);
  // The close-day dialog: open, and the manager PIN typed in it (never kept beyond it).
  const [closing, setClosing] = useState(false);
  const [pin, setPin] = useState('');
  const [closeError, setCloseError] = useState<IpcError | null>(null);
  const closedRef = useRef<HTMLParagraphElement>(null);
  // Products by SeQura's general name (the merchant's list), not one sale's instalment wording.
  const limits = useProductLimits(pos, bridge);
  const productNames = new Map((limits?.products ?? []).map((p) => [p.product, p.title]));
  // The closing just recorded (worded at render time, so it follows a language change).
  const [justClosed, setJustClosed] = useState<DayReport['closures'][number] | null>(null);

  const load = useCallback(
    async (day: string) => {
      setBusy('load');
      setError(null);
      const result = await pos.report.day({ date: day });
      setBusy(null);
      if (result.ok) setReport(result.data);
      else setError(result.error);
    },
    [pos],
  );

  useEffect(() => {
    if (bridge === 'open') void load(date);
    // Only on open: changing the date field waits for "Show".
  }, [bridge, load]);

  const exportCsv = async () => {
    setBusy('csv');
    const result = await pos.report.csv({ date });
    setBusy(null);
    if (result.ok) download(result.data.fileName, result.data.content);
    else setError(result.error);
  };

  const openCloseDialog = () => {
    setPin('');
    setCloseError(null);
    setClosing(true);
  };

  // The dialog already lists the confirmations still pending, so sending it acknowledges them; if another one
  // appeared meanwhile, main answers "not closed" with the fresh list and the dialog shows it.
  const closeDay = async () => {
    setBusy('close');
    setCloseError(null);
    const result = await pos.report.closeDay({ date, acknowledgePending: pendingCount > 0, managerPin: pin });
    setBusy(null);
    if (!result.ok) {
      setCloseError(result.error);
      return;
    }
    setReport(result.data.report);
    if (!result.data.closed) return;
    setClosing(false);
    setPin('');
    setJustClosed(result.data.report.closures.at(-1) ?? null);
  };

  // The outcome takes the focus and comes into view: the button that led here is gone with the dialog.
  useEffect(() => {
    if (!justClosed) return;
    closedRef.current?.focus();
    closedRef.current?.scrollIntoView({ block: 'center' });
  }, [justClosed]);

  const pendingCount = report?.pendingConfirmations.length ?? 0;
  const closedText = !justClosed
    ? null
    : justClosed.pendingConfirmations > 0
      ? t('report.closedWithPending', {
          time: formatTime(justClosed.closedAt),
          count: justClosed.pendingConfirmations,
        })
      : t('report.closed', { time: formatTime(justClosed.closedAt) });

  return (
    <section className="panel report" aria-labelledby="report-heading" data-testid="report-screen">
      <div className="no-print">
        <h1 id="report-heading">{t('report.title')}</h1>
        <p className="lead">
          {t('report.intro')}
          {/* A live till leaves training sales out; a training till's report counts them (and says so below). */}
          {report && !report.training && ` ${t('report.introLive')}`}
        </p>
        <form
          className="report-form"
          onSubmit={(e) => {
            e.preventDefault();
            void load(date);
          }}
        >
          <div className="field">
            <label htmlFor="report-date">{t('report.date')}</label>
            <DateInput id="report-date" value={date} onChange={setDate} required testId="report-date" />
          </div>
          <button type="submit" className="button secondary" disabled={busy !== null || !date}>
            {busy === 'load' ? t('report.loading') : t('report.load')}
          </button>
        </form>
        <ErrorNotice error={error} testId="report-error" />
        {closedText && (
          <p className="notice notice-ok" role="status" data-testid="report-closed" ref={closedRef} tabIndex={-1}>
            {closedText}
          </p>
        )}
        {pendingCount > 0 && (
          <p className="notice notice-warn" data-testid="report-pending-warning">
            {t('report.pendingWarning', { count: pendingCount })}
          </p>
        )}
      </div>

      {report === null ? (
        !error && <p className="loading">{t('report.loading')}</p>
      ) : (
        <ReportSheet report={report} productNames={productNames} />
      )}

      {report && (
        <div className="actions no-print">
          <button
            type="button"
            className="button primary"
            onClick={openCloseDialog}
            disabled={busy !== null}
            data-testid="report-close"
          >
            {t('report.close')}
          </button>
          <button
            type="button"
            className="button secondary"
            onClick={() => void exportCsv()}
            disabled={busy !== null}
            data-testid="report-csv"
          >
            {t('report.csv')}
          </button>
          <button type="button" className="button secondary" onClick={() => window.print()} data-testid="report-print">
            {t('report.print')}
          </button>
        </div>
      )}

      {closing && report && (
        <Modal labelledBy="close-warn-title" testId="close-warning" onClose={() => setClosing(false)}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void closeDay();
            }}
          >
            <h2 id="close-warn-title">
              {pendingCount > 0 ? t('report.closeWarnTitle', { count: pendingCount }) : t('report.closeTitle')}
            </h2>
            {pendingCount > 0 && (
              <>
                <p>{t('report.closeWarnBody')}</p>
                <ul>
                  {report.pendingConfirmations.map((p) => (
                    <li key={p.saleId}>
                      {p.ticketNumber ?? '—'} · {formatDateTime(p.createdAt)} · {formatCents(p.amountCents)}
                    </li>
                  ))}
                </ul>
              </>
            )}
            <ManagerPinField id="close-day-pin" value={pin} onChange={setPin} hint={t('pin.hint.closeDay')} autoFocus />
            <DialogError error={closeError} />
            <div className="actions">
              <button
                type="button"
                className="button secondary"
                onClick={() => setClosing(false)}
                data-testid="close-warning-back"
              >
                {t('dialog.back')}
              </button>
              <button
                type="submit"
                className="button danger"
                disabled={busy !== null || pin.length < 4}
                data-testid="close-warning-yes"
              >
                {pendingCount > 0 ? t('report.closeAnyway') : t('report.close')}
              </button>
            </div>
          </form>
        </Modal>
      )}
    </section>
  );
}

function ReportSheet({ report, productNames }: { report: DayReport; productNames: Map<string, string> }) {
  const { t, locale, formatCents, formatDateTime, formatTime } = useI18n();
  // The report's day is a calendar date, not an instant: formatted at UTC midnight so no zone shifts it.
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone: 'UTC' }).format(
    new Date(`${report.date}T00:00:00Z`),
  );
  const lastClosure = report.closures.at(-1);
  const tiles: Array<{ id: string; label: string; value: string; sub?: string; tone?: 'main' | 'warn' | 'danger' }> = [
    {
      id: 'net',
      label: t('report.net'),
      value: formatCents(report.netFinancedCents),
      sub: t('report.netExplain'),
      tone: 'main',
    },
    {
      id: 'confirmed',
      label: t('report.confirmed'),
      value: String(report.confirmed.count),
      sub: formatCents(report.confirmed.amountCents),
    },
    {
      id: 'returned',
      label: t('report.returned'),
      value: String(report.returned.count),
      sub: `− ${formatCents(report.returned.amountCents)}`,
    },
    {
      id: 'cancelled-after',
      label: t('report.cancelledAfter'),
      value: String(report.cancelled.afterConfirmation.count),
      sub: `− ${formatCents(report.cancelled.afterConfirmation.amountCents)}`,
    },
    {
      id: 'pending',
      label: t('report.pending'),
      value: String(report.pending.count),
      sub: formatCents(report.pending.amountCents),
      tone: report.pending.count ? 'warn' : undefined,
    },
    {
      id: 'attention',
      label: t('report.needsAttention'),
      value: String(report.needsAttention.count),
      sub: formatCents(report.needsAttention.amountCents),
      tone: report.needsAttention.count ? 'danger' : undefined,
    },
    {
      // Asked today on any sale, earlier days' included: what the till gave back today.
      id: 'after-sale',
      label: t('report.afterSaleToday'),
      value: String(report.afterSale.length),
      sub: t('report.afterSaleTodaySub', {
        amount: formatCents(
          report.afterSale.filter((a) => a.state === 'done').reduce((sum, a) => sum + a.amountCents, 0),
        ),
      }),
    },
    { id: 'sales', label: t('report.salesCount'), value: String(report.salesCount) },
    { id: 'cancelled-before', label: t('report.cancelledBefore'), value: String(report.cancelled.beforeConfirmation) },
    { id: 'rejected', label: t('report.rejected'), value: String(report.rejected) },
    { id: 'in-progress', label: t('report.inProgress'), value: String(report.inProgress) },
    // A training report counts the training sales themselves: "training, not included" would contradict it.
    ...(report.training
      ? []
      : [{ id: 'training', label: t('report.trainingExcluded'), value: String(report.trainingExcluded.count) }]),
  ];
  return (
    <div className="report-sheet" data-testid="report-sheet">
      {report.training && <p className="report-training">{t('report.trainingReport')}</p>}
      <div className="report-head">
        <h2>{t('report.heading', { date: day })}</h2>
        <p>{t('report.where', { store: report.storeRef, till: report.tillId })}</p>
        <p>{t('report.generated', { time: formatDateTime(report.generatedAt) })}</p>
        {lastClosure && (
          <p data-testid="report-closure">{t('report.closed', { time: formatTime(lastClosure.closedAt) })}</p>
        )}
      </div>
      <dl className="tiles">
        {tiles.map((tile) => (
          <div key={tile.id} className={`tile${tile.tone ? ` tile-${tile.tone}` : ''}`} data-testid={`tile-${tile.id}`}>
            <dt>{tile.label}</dt>
            <dd>
              {tile.value}
              {tile.sub && <small>{tile.sub}</small>}
            </dd>
          </div>
        ))}
      </dl>

      <h2>{t('report.byProduct')}</h2>
      <table className="report-table" data-testid="report-by-product">
        <thead>
          <tr>
            <th scope="col">{t('report.col.product')}</th>
            <th scope="col" className="num">
              {t('report.col.count')}
            </th>
            <th scope="col" className="num">
              {t('report.col.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {report.confirmed.byProduct.map((p) => (
            <tr key={p.product}>
              <td>{productNames.get(p.product) ?? p.product}</td>
              <td className="num">{p.count}</td>
              <td className="num">{formatCents(p.amountCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t('report.afterSale')}</h2>
      {report.afterSale.length === 0 ? (
        <p>{t('report.afterSaleNone')}</p>
      ) : (
        <table className="report-table" data-testid="report-after-sale">
          <tbody>
            {report.afterSale.map((a) => (
              <tr key={`${a.saleId}-${a.id}`}>
                <td>{formatTime(a.requestedAt)}</td>
                <td className="mono">{a.ticketNumber ?? '—'}</td>
                <td>
                  {a.kind === 'return'
                    ? t('report.afterSale.return', { id: a.id })
                    : t('report.afterSale.cancellation')}
                  {a.earlierSale && (
                    <span className="field-hint">
                      {' '}
                      · {t('report.earlierSale', { date: formatDateTime(a.saleCreatedAt) })}
                    </span>
                  )}
                </td>
                <td>{t(`updateState.${a.state}`)}</td>
                {/* Refused or unanswered: it never lowered SeQura's amount, so it is shown struck through. */}
                <td className="num">
                  {a.state === 'done' || a.state === 'pending' ? (
                    `− ${formatCents(a.amountCents)}`
                  ) : (
                    <s>{formatCents(a.amountCents)}</s>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t('report.missingReference')}</h2>
      <p className="field-hint">{t('report.missingReferenceIntro')}</p>
      {report.missingReference.length === 0 ? (
        <p data-testid="report-missing-none">{t('report.missingReferenceNone')}</p>
      ) : (
        <table className="report-table" data-testid="report-missing">
          <tbody>
            {report.missingReference.map((m) => (
              <tr key={m.saleId}>
                <td>{formatDateTime(m.createdAt)}</td>
                <td className="mono">{m.ticketNumber ?? '—'}</td>
                <td>{t(`report.missing.${m.reason}`)}</td>
                <td className="num">{formatCents(m.amountCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t('report.sales')}</h2>
      <table className="report-table" data-testid="report-rows">
        <thead>
          <tr>
            <th scope="col">{t('report.col.time')}</th>
            <th scope="col">{t('report.col.ticket')}</th>
            <th scope="col">{t('report.col.product')}</th>
            <th scope="col">{t('report.col.status')}</th>
            <th scope="col" className="num">
              {t('report.col.financed')}
            </th>
            <th scope="col" className="num">
              {t('report.col.current')}
            </th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((row) => (
            <tr key={row.saleId} data-testid="report-row" data-kind={row.kind}>
              <td>{row.kind === 'sale' ? formatTime(row.createdAt) : formatDateTime(row.createdAt)}</td>
              <td className="mono">{row.ticketNumber ?? '—'}</td>
              <td>{row.product ? (productNames.get(row.product) ?? row.product) : '—'}</td>
              <td>
                {/* "Cancelled" alone hides the difference between a void at SeQura and a sale never confirmed. */}
                {row.status === 'cancelled' ? (
                  <span
                    className="status-badge status-cancelled"
                    data-testid="status-badge"
                    data-status={row.confirmedAt ? 'voided' : 'never_confirmed'}
                  >
                    {row.confirmedAt ? t('report.status.voided') : t('report.status.neverConfirmed')}
                  </span>
                ) : (
                  <StatusBadge status={row.status} />
                )}
              </td>
              {/* A sale SeQura never confirmed was never financed: no amount that reads like one. */}
              <td className="num" data-testid="report-row-financed">
                {row.confirmedAt || row.status === 'pending' || row.status === 'needs_attention'
                  ? formatCents(row.financedCents)
                  : t('report.notFinanced')}
              </td>
              <td className="num">
                {row.confirmedAt || row.status === 'pending' || row.status === 'needs_attention'
                  ? formatCents(row.currentFinancedCents)
                  : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
