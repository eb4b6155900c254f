import { useState } from 'react';
import { financedAfterReturns, previewReturn } from '../../shared/after-sale/returns.ts';
import type { SaleDetail } from '../../shared/ipc/after-sale-schemas.ts';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcError } from '../../shared/ipc/result.ts';
import { parseEuroInput } from '../../shared/money/cents.ts';
import { cartTotals } from '../../shared/sale/cart.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Modal } from './Modal.tsx';
import { DialogError, ManagerPinField, newRequestId } from './parts.tsx';

export type ReturnOutcome = 'done' | 'queued' | 'refused';

interface RefundRow {
  key: number;
  amount: string;
  reason: string;
}

// A return or partial refund: the manager picks the units that come back and any refund without goods, and
// sees — before sending — what SeQura financed, what this takes off and the new financed amount. The numbers
// come from the same shared arithmetic main uses (shared/after-sale/returns.ts), which refuses anything above
// what SeQura finances, so the screen can never promise a return main would refuse.
export function ReturnDialog({
  pos,
  detail,
  onClose,
  onDone,
}: {
  pos: PosApi;
  detail: SaleDetail;
  onClose: () => void;
  onDone: (detail: SaleDetail, returnId: string, outcome: ReturnOutcome) => void;
}) {
  const { t, formatCents } = useI18n();
  const [requestId] = useState(newRequestId);
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [refunds, setRefunds] = useState<RefundRow[]>([]);
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const sale = detail.sale;
  const ticket = sale.ticketNumber ?? t('history.noTicket');

  const parsedRefunds = refunds.map((row) => ({
    row,
    parsed: row.amount.trim() === '' ? null : parseEuroInput(row.amount),
  }));
  const refundsValid = parsedRefunds.every(({ parsed }) => parsed !== null && parsed.ok && parsed.cents > 0);
  const draft = {
    lines: Object.entries(quantities)
      .filter(([, quantity]) => quantity > 0)
      .map(([lineId, quantity]) => ({ lineId, quantity })),
    refunds: parsedRefunds.flatMap(({ row, parsed }) =>
      parsed && parsed.ok && parsed.cents > 0 ? [{ amountCents: parsed.cents, reason: row.reason }] : [],
    ),
  };
  // Cheap (a few lines): recomputed on every change, so the totals always match what is picked.
  const preview = previewReturn(sale.cart, sale.returns, draft);
  const original = cartTotals(sale.cart).financedCents;
  const before = financedAfterReturns(sale.cart, sale.returns);
  const nothingPicked = draft.lines.length === 0 && draft.refunds.length === 0;

  const setQuantity = (lineId: string, quantity: number, max: number) =>
    setQuantities((q) => ({ ...q, [lineId]: Math.max(0, Math.min(max, quantity)) }));

  const submit = async () => {
    if (!preview.ok || !refundsValid) return;
    setBusy(true);
    setError(null);
    const result = await pos.afterSale.return({
      saleId: sale.id,
      requestId,
      managerPin: pin,
      lines: draft.lines,
      refunds: draft.refunds.map((r) => ({ amountCents: r.amountCents, reason: r.reason.trim().slice(0, 120) })),
    });
    setBusy(false);
    if (result.ok) onDone(result.data.detail, result.data.returnId, result.data.outcome);
    else setError(result.error);
  };

  return (
    <Modal labelledBy="return-dialog-title" testId="return-dialog" onClose={onClose} wide>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="return-dialog-title">{t('returnDialog.title', { ticket })}</h2>
        <p className="field-hint">{t('returnDialog.intro')}</p>
        <table className="cart-lines return-lines">
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
              <th scope="col">{t('returnDialog.toReturn')}</th>
            </tr>
          </thead>
          <tbody>
            {detail.returnable.map((line) => {
              const value = quantities[line.lineId] ?? 0;
              return (
                <tr key={line.lineId} data-testid="return-line" data-line={line.lineId}>
                  <td>
                    {line.name}
                    <span className="field-hint">{line.reference}</span>
                  </td>
                  <td className="num">{formatCents(line.unitPriceCents)}</td>
                  <td className="num">{line.sold}</td>
                  <td className="num">{line.returned}</td>
                  <td>
                    <div className="stepper">
                      <button
                        type="button"
                        className="button secondary"
                        aria-label={t('returnDialog.less', { name: line.name })}
                        disabled={value <= 0}
                        onClick={() => setQuantity(line.lineId, value - 1, line.returnable)}
                      >
                        −
                      </button>
                      <input
                        type="number"
                        min={0}
                        max={line.returnable}
                        value={value}
                        aria-label={t('returnDialog.quantityOf', { name: line.name })}
                        onChange={(e) =>
                          setQuantity(line.lineId, Math.trunc(Number(e.target.value) || 0), line.returnable)
                        }
                        data-testid="return-quantity"
                      />
                      <button
                        type="button"
                        className="button secondary"
                        aria-label={t('returnDialog.more', { name: line.name })}
                        disabled={value >= line.returnable}
                        onClick={() => setQuantity(line.lineId, value + 1, line.returnable)}
                        data-testid="return-more"
                      >
                        +
                      </button>
                    </div>
                    <span className="field-hint">{t('returnDialog.returnable', { count: line.returnable })}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>

        <fieldset className="refunds">
          <legend>{t('returnDialog.refunds')}</legend>
          {parsedRefunds.map(({ row, parsed }, index) => (
            <div className="field-row refund-row" key={row.key}>
              <div className="field">
                <label htmlFor={`refund-amount-${row.key}`}>{t('returnDialog.refundAmount')}</label>
                <input
                  id={`refund-amount-${row.key}`}
                  inputMode="decimal"
                  value={row.amount}
                  aria-invalid={parsed !== null && !parsed.ok ? true : undefined}
                  onChange={(e) =>
                    setRefunds((rows) => rows.map((r, i) => (i === index ? { ...r, amount: e.target.value } : r)))
                  }
                  data-testid="refund-amount"
                />
                {parsed !== null && !parsed.ok && <p className="field-error">{t('returnDialog.amountInvalid')}</p>}
              </div>
              <div className="field">
                <label htmlFor={`refund-reason-${row.key}`}>{t('returnDialog.refundReason')}</label>
                <input
                  id={`refund-reason-${row.key}`}
                  value={row.reason}
                  maxLength={120}
                  onChange={(e) =>
                    setRefunds((rows) => rows.map((r, i) => (i === index ? { ...r, reason: e.target.value } : r)))
                  }
                />
              </div>
              <button
                type="button"
                className="button link"
                onClick={() => setRefunds((rows) => rows.filter((_, i) => i !== index))}
              >
                {t('returnDialog.removeRefund')}
              </button>
            </div>
          ))}
          <button
            type="button"
            className="button secondary"
            onClick={() => setRefunds((rows) => [...rows, { key: Date.now() + rows.length, amount: '', reason: '' }])}
            data-testid="refund-add"
          >
            {t('returnDialog.addRefund')}
          </button>
        </fieldset>

        <dl className="totals return-totals" data-testid="return-totals">
          <div>
            <dt>{t('returnDialog.original')}</dt>
            <dd>{formatCents(original)}</dd>
          </div>
          {before !== original && (
            <div>
              <dt>{t('returnDialog.before')}</dt>
              <dd>{formatCents(before)}</dd>
            </div>
          )}
          <div>
            <dt>{t('returnDialog.goods')}</dt>
            <dd data-testid="return-goods">− {formatCents(preview.ok ? preview.returnedGoodsCents : 0)}</dd>
          </div>
          <div>
            <dt>{t('returnDialog.refundsTotal')}</dt>
            <dd>− {formatCents(preview.ok ? preview.refundsCents : 0)}</dd>
          </div>
          <div className="totals-financed">
            <dt>{t('returnDialog.newTotal')}</dt>
            <dd data-testid="return-new-total">{preview.ok ? formatCents(preview.financedAfterCents) : '—'}</dd>
          </div>
        </dl>
        {preview.ok && (
          <p
            className={`notice ${preview.financedAfterCents === 0 ? 'notice-warn' : 'notice-ok'}`}
            data-testid="return-remaining"
          >
            {preview.financedAfterCents === 0
              ? t('returnDialog.nothingLeft')
              : t('returnDialog.remaining', { amount: formatCents(preview.financedAfterCents) })}
          </p>
        )}
        {!preview.ok && !nothingPicked && (
          <DialogError
            error={{
              code: 'invalid_request',
              message: preview.code,
              retryable: false,
              fields: { return: preview.code },
            }}
            exceedsAmount={formatCents(before)}
          />
        )}

        <ManagerPinField id="return-pin" value={pin} onChange={setPin} hint={t('pin.hint.return')} />
        <DialogError error={error} exceedsAmount={formatCents(before)} />
        <div className="actions">
          <button type="button" className="button secondary" onClick={onClose} data-testid="return-dialog-back">
            {t('dialog.back')}
          </button>
          <button
            type="submit"
            className="button primary"
            disabled={busy || !preview.ok || !refundsValid || pin === ''}
            data-testid="return-send"
          >
            {busy ? t('sale.working') : t('returnDialog.send')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
