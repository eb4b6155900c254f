import { useCallback, useEffect, useRef, useState } from 'react';
import type { SaleDetail } from '../../shared/ipc/after-sale-schemas.ts';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import { ERROR_CODES, type ErrorCode, type IpcError } from '../../shared/ipc/result.ts';
import type { OutboxItem } from '../../shared/ipc/sale-schemas.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from '../sale/ErrorNotice.tsx';
import { usePosEvent } from '../shell/usePos.ts';
import { CancelDialog, type CancelOutcome } from './CancelDialog.tsx';
import { printSlip } from '../sale/print-slip.ts';
import { CopySlip, type SlipChoice } from './CopySlip.tsx';
import { ReturnDialog, type ReturnOutcome } from './ReturnDialog.tsx';
import { maskMobile } from '../../shared/spain/mobile.ts';
import { SequraAnswerNotice, StatusBadge, Timeline, operatorLabel } from './parts.tsx';
import { AttentionNotice } from '../sale/AttentionNotice.tsx';

type Notice = { tone: 'ok' | 'warn' | 'danger'; text: string };

// One sale's page: what it was, where it stands at SeQura (with SeQura's own answers), what came back, its
// timeline, and the after-sale actions it allows now (each says why when it does not).
export function SaleDetailView({ pos, saleId, onBack }: { pos: PosApi; saleId: string; onBack: () => void }) {
  const { t, formatCents, formatDateTime } = useI18n();
  const [detail, setDetail] = useState<SaleDetail | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [dialog, setDialog] = useState<'cancel' | 'return' | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [copy, setCopy] = useState<SlipChoice | null>(null);
  const [printAfterRender, setPrintAfterRender] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const noticeRef = useRef<HTMLParagraphElement>(null);

  const load = useCallback(async () => {
    const result = await pos.afterSale.detail({ saleId });
    if (result.ok) setDetail(result.data);
    else setError(result.error);
  }, [pos, saleId]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => headingRef.current?.focus(), [detail?.sale.id]);
  // A return or a cancellation closes its dialog (whose button may be gone now): the outcome takes the focus,
  // so the keyboard is on the page and a screen reader reads what happened.
  useEffect(() => {
    if (notice) noticeRef.current?.focus();
  }, [notice]);
  // SeQura's answer to a queued update lands later: the page follows it.
  usePosEvent(
    pos,
    'sale.changed',
    useCallback((sale: SaleRecord) => sale.id === saleId && void load(), [saleId, load]),
  );
  usePosEvent(
    pos,
    'outbox.changed',
    useCallback(
      (list: { items: OutboxItem[] }) => list.items.some((i) => i.saleId === saleId) && void load(),
      [saleId, load],
    ),
  );

  // Print once the copy is on the page (print CSS shows the `.slip` alone).
  useEffect(() => {
    if (!printAfterRender || !copy) return;
    setPrintAfterRender(false);
    void printSlip(pos).then((failure) => failure && setError(failure));
  }, [printAfterRender, copy, pos]);

  if (!detail) {
    return (
      <section className="panel" data-testid="sale-detail">
        <button type="button" className="button link" onClick={onBack}>
          {t('detail.back')}
        </button>
        {error ? <ErrorNotice error={error} testId="detail-error" /> : <p className="loading">{t('detail.loading')}</p>}
      </section>
    );
  }

  const { sale, summary, actions } = detail;
  const ticket = sale.ticketNumber ?? t('history.noTicket');
  const cancellations = sale.postSale?.cancellations ?? [];
  const openInstructions = detail.instructions.filter((i) => i.state === 'pending' || i.state === 'in_flight');
  const purged = sale.timeline.some((e) => e.event === 'personal_data_purged');

  const reprint = async (choice: SlipChoice) => {
    const result = await pos.afterSale.reprint({
      saleId: sale.id,
      slip: choice.kind,
      returnId: choice.kind === 'return' ? choice.returnId : null,
    });
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setDetail(result.data);
    setCopy(choice);
    setPrintAfterRender(true);
  };

  const cancelled = (next: SaleDetail, outcome: CancelOutcome) => {
    setDialog(null);
    setDetail(next);
    const text = outcome === 'abandoned_locally' ? t('outcome.abandoned_locally') : t(`outcome.cancel.${outcome}`);
    setNotice({ tone: outcome === 'refused' ? 'danger' : outcome === 'queued' ? 'warn' : 'ok', text });
  };
  const returned = (next: SaleDetail, returnId: string, outcome: ReturnOutcome) => {
    setDialog(null);
    setDetail(next);
    const entry = next.sale.returns.find((r) => r.id === returnId);
    const text =
      outcome === 'done'
        ? t('outcome.return.done', {
            amount: formatCents(entry?.financedAfterCents ?? next.summary.currentFinancedCents),
          })
        : t(`outcome.return.${outcome}`);
    setNotice({ tone: outcome === 'refused' ? 'danger' : outcome === 'queued' ? 'warn' : 'ok', text });
  };

  const facts: Array<[string, string, string]> = [
    ['created', t('detail.created'), formatDateTime(sale.createdAt)],
    ['where', t('detail.where'), `${sale.storeRef} · ${sale.tillId}`],
    ['operator', t('detail.operator'), operatorLabel(sale.operatorRef, detail.operatorNames)],
    ['ticket', t('detail.ticket'), ticket],
    ['uuid', t('detail.uuid'), summary.uuid ?? '—'],
    ['product', t('detail.product'), summary.product?.title ?? '—'],
    ['shopper', t('detail.shopper'), purged ? t('detail.purged') : summary.shopperName || '—'],
    ['phone', t('detail.phone'), summary.phoneLast4 ? maskMobile(summary.phoneLast4) : '—'],
    ['financed', t('detail.financed'), formatCents(summary.financedCents)],
    ['current', t('detail.currentFinanced'), formatCents(summary.currentFinancedCents)],
  ];

  return (
    <section
      className="panel sale-detail"
      aria-labelledby="sale-detail-heading"
      data-testid="sale-detail"
      data-sale={sale.id}
    >
      <div className="no-print">
        <button type="button" className="button link" onClick={onBack} data-testid="detail-back">
          {t('detail.back')}
        </button>
        <div className="detail-header">
          <h1 id="sale-detail-heading" ref={headingRef} tabIndex={-1}>
            {t('detail.title', { ticket })}
          </h1>
          <StatusBadge status={summary.status} />
        </div>

        {detail.source === 'training_folder' && <p className="notice notice-warn">{t('detail.trainingFolder')}</p>}
        {notice && (
          <p
            className={`notice notice-${notice.tone}`}
            role="status"
            data-testid="detail-notice"
            ref={noticeRef}
            tabIndex={-1}
          >
            {notice.text}
          </p>
        )}
        <ErrorNotice error={error} testId="detail-error" />
        {summary.attentionCode && (
          <AttentionNotice
            testId="detail-attention"
            code={summary.attentionCode}
            // A return or cancellation without an answer to quote has only its state as the detail: nothing
            // IT would not read in the timeline.
            detail={summary.attention === 'refused' || summary.attention === 'gave_up' ? null : summary.attention}
            message={(reason) => t('detail.attention', { reason })}
          />
        )}
        {openInstructions.length > 0 && (
          <div className="notice notice-warn" data-testid="detail-pending">
            <p className="notice-title">
              {t('detail.pendingWork', { what: openInstructions.map((i) => t(`pending.kind.${i.kind}`)).join(', ') })}
            </p>
            {openInstructions
              .filter((i) => i.lastError)
              .map((i) => (
                <p key={i.id} className="notice-detail" title={i.lastError ?? undefined}>
                  {t('detail.instructionError', {
                    // In the till's words, as on the pending screen (the core's own text stays in the tooltip).
                    error:
                      i.lastErrorCode && (ERROR_CODES as readonly string[]).includes(i.lastErrorCode)
                        ? t(`ipcError.${i.lastErrorCode as ErrorCode}`)
                        : (i.lastError ?? ''),
                  })}
                </p>
              ))}
          </div>
        )}

        <div className="detail-columns">
          <div>
            <h2>{t('detail.facts')}</h2>
            <dl className="facts compact">
              {facts.map(([id, label, value]) => (
                <div className="fact" key={id} data-testid={`detail-${id}`}>
                  <dt>{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          </div>
          <div>
            <h2>{t('detail.cart')}</h2>
            <table className="cart-lines">
              <thead>
                <tr>
                  <th scope="col">{t('detail.col.item')}</th>
                  <th scope="col" className="num">
                    {t('detail.col.price')}
                  </th>
                  <th scope="col" className="num">
                    {t('detail.col.sold')}
                  </th>
                  <th scope="col" className="num">
                    {t('detail.col.returned')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {detail.returnable.map((line) => (
                  <tr key={line.lineId} data-testid="detail-line" data-line={line.lineId}>
                    <td>{line.name}</td>
                    <td className="num">{formatCents(line.unitPriceCents)}</td>
                    <td className="num">{line.sold}</td>
                    <td className="num">{line.returned}</td>
                  </tr>
                ))}
              </tbody>
            </table>

            <h2>{t('detail.actions')}</h2>
            <div className="actions detail-actions">
              {actions.return && (
                <button
                  type="button"
                  className="button primary"
                  onClick={() => setDialog('return')}
                  data-testid="detail-return"
                >
                  {t('detail.return')}
                </button>
              )}
              {actions.cancel && (
                <button
                  type="button"
                  className="button danger"
                  onClick={() => setDialog('cancel')}
                  data-testid="detail-cancel"
                >
                  {actions.cancel === 'before_confirmation' ? t('detail.cancelBefore') : t('detail.cancel')}
                </button>
              )}
              {summary.confirmedAt && (
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => void reprint({ kind: 'sale' })}
                  data-testid="detail-reprint"
                >
                  {t('detail.reprint')}
                </button>
              )}
            </div>
            {[
              ...new Set([
                actions.return ? null : actions.returnBlocked,
                actions.cancel ? null : actions.cancelBlocked,
              ]),
            ]
              .filter((reason) => reason !== null)
              .map((reason) => (
                <p key={reason} className="field-hint" data-testid="detail-blocked" data-reason={reason}>
                  {t(`blocked.${reason}`)}
                </p>
              ))}
          </div>
        </div>

        {sale.returns.length > 0 && (
          <>
            <h2>{t('detail.returns')}</h2>
            <ul className="update-list" data-testid="detail-returns">
              {sale.returns.map((ret) => (
                <li key={ret.id} data-testid="detail-return-entry" data-state={ret.state}>
                  <div className="update-head">
                    <strong>{ret.id}</strong>
                    <span className={`update-state state-${ret.state}`}>{t(`updateState.${ret.state}`)}</span>
                    <span className="field-hint">
                      {t('detail.authorizedBy', {
                        manager: operatorLabel(ret.authorizedBy, detail.operatorNames),
                        time: formatDateTime(ret.requestedAt),
                      })}
                    </span>
                  </div>
                  <ul className="update-items">
                    {ret.lines.map((line) => (
                      <li key={line.lineId}>
                        {t('detail.returnLine', {
                          quantity: line.quantity,
                          name: detail.returnable.find((l) => l.lineId === line.lineId)?.name ?? line.lineId,
                        })}
                      </li>
                    ))}
                    {ret.refunds.map((refund) => (
                      <li key={refund.id}>
                        {t('detail.refundLine', {
                          amount: formatCents(refund.amountCents),
                          reason: refund.reason ? ` · ${refund.reason}` : '',
                        })}
                      </li>
                    ))}
                  </ul>
                  {/* A refused return never changed SeQura's order: no "before → after" that did not happen. */}
                  {(ret.state === 'done' || ret.state === 'pending') && (
                    <p className="update-money">
                      {t('detail.financedChange', {
                        before: formatCents(ret.financedBeforeCents),
                        after: formatCents(ret.financedAfterCents),
                      })}
                    </p>
                  )}
                  {ret.answer && (
                    <SequraAnswerNotice
                      answer={ret.answer}
                      tone={ret.state === 'pending' ? 'warn' : 'danger'}
                      testId="return-answer"
                    />
                  )}
                  {(ret.state === 'done' || ret.state === 'pending') && (
                    <button
                      type="button"
                      className="button link"
                      onClick={() => void reprint({ kind: 'return', returnId: ret.id })}
                      data-testid="reprint-return"
                    >
                      {t('detail.reprintReturn', { id: ret.id })}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}

        {cancellations.length > 0 && (
          <>
            <h2>{t('detail.cancellations')}</h2>
            <ul className="update-list" data-testid="detail-cancellations">
              {cancellations.map((c) => (
                <li key={c.id} data-testid="detail-cancellation-entry" data-state={c.state}>
                  <div className="update-head">
                    <strong>{t(`cancelDialog.reason.${c.reason}`)}</strong>
                    <span className={`update-state state-${c.state}`}>{t(`updateState.${c.state}`)}</span>
                    <span className="field-hint">
                      {t('detail.authorizedBy', {
                        manager: operatorLabel(c.authorizedBy, detail.operatorNames),
                        time: formatDateTime(c.requestedAt),
                      })}
                    </span>
                  </div>
                  {c.note && <p>{c.note}</p>}
                  {c.answer && (
                    <SequraAnswerNotice
                      answer={c.answer}
                      tone={c.state === 'pending' ? 'warn' : 'danger'}
                      testId="cancel-answer"
                    />
                  )}
                </li>
              ))}
            </ul>
            <button
              type="button"
              className="button link"
              onClick={() => void reprint({ kind: 'cancellation' })}
              data-testid="reprint-cancellation"
            >
              {t('detail.reprintCancellation')}
            </button>
          </>
        )}
      </div>

      {copy && (
        <div className="copy-area" data-testid="copy-area">
          <h2 className="no-print">{t('detail.copyTitle')}</h2>
          <CopySlip
            sale={sale}
            choice={copy}
            currentFinancedCents={summary.currentFinancedCents}
            operatorNames={detail.operatorNames}
          />
          <div className="actions no-print">
            <button
              type="button"
              className="button secondary"
              onClick={() => void printSlip(pos).then((failure) => failure && setError(failure))}
              data-testid="copy-print"
            >
              {t('detail.print')}
            </button>
            <button type="button" className="button link" onClick={() => setCopy(null)}>
              {t('detail.closeCopy')}
            </button>
          </div>
        </div>
      )}

      <div className="no-print">
        <h2>{t('detail.timeline')}</h2>
        <Timeline entries={[...sale.timeline].reverse()} operatorNames={detail.operatorNames} product={sale.product} />
      </div>

      {dialog === 'cancel' && (
        <CancelDialog pos={pos} detail={detail} onClose={() => setDialog(null)} onDone={cancelled} />
      )}
      {dialog === 'return' && (
        <ReturnDialog pos={pos} detail={detail} onClose={() => setDialog(null)} onDone={returned} />
      )}
    </section>
  );
}
