import { useState } from 'react';
import { CANCELLATION_REASONS, type CancellationReason } from '../../shared/sale/after-sale-record.ts';
import type { SaleDetail } from '../../shared/ipc/after-sale-schemas.ts';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcError } from '../../shared/ipc/result.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Modal } from './Modal.tsx';
import { DialogError, ManagerPinField, newRequestId } from './parts.tsx';

export type CancelOutcome = 'abandoned_locally' | 'done' | 'queued' | 'refused';

// Cancelling from the sale's page. Before confirmation it is the cashier's own local abandon (nothing goes to
// SeQura, its solicitation just expires: the dialog says so). After confirmation it is a full cancellation at
// SeQura (both carts empty), which needs a manager's PIN and is queued through the outbox.
export function CancelDialog({
  pos,
  detail,
  onClose,
  onDone,
}: {
  pos: PosApi;
  detail: SaleDetail;
  onClose: () => void;
  onDone: (detail: SaleDetail, outcome: CancelOutcome) => void;
}) {
  const { t, formatCents } = useI18n();
  const before = detail.actions.cancel === 'before_confirmation';
  // One key for this dialog: sending again after a lost answer is the same cancellation, not a second one.
  const [requestId] = useState(newRequestId);
  const [reason, setReason] = useState<CancellationReason>('customer_request');
  const [note, setNote] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const ticket = detail.sale.ticketNumber ?? t('history.noTicket');

  const submit = async () => {
    setBusy(true);
    setError(null);
    const result = await pos.afterSale.cancel({
      saleId: detail.sale.id,
      requestId,
      managerPin: before ? '' : pin,
      reason,
      note,
    });
    setBusy(false);
    if (result.ok) onDone(result.data.detail, result.data.outcome);
    else setError(result.error);
  };

  return (
    <Modal labelledBy="cancel-dialog-title" testId="cancel-dialog" onClose={onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="cancel-dialog-title">{before ? t('cancelDialog.beforeTitle') : t('cancelDialog.title', { ticket })}</h2>
        <p>
          {before
            ? t('cancelDialog.beforeBody')
            : t('cancelDialog.body', { amount: formatCents(detail.summary.currentFinancedCents) })}
        </p>
        {!before && (
          <>
            <div className="field-row two">
              <div className="field">
                <label htmlFor="cancel-reason">{t('cancelDialog.reason')}</label>
                <select
                  id="cancel-reason"
                  value={reason}
                  onChange={(e) => setReason(e.target.value as CancellationReason)}
                  data-testid="cancel-reason"
                >
                  {CANCELLATION_REASONS.map((code) => (
                    <option key={code} value={code}>
                      {t(`cancelDialog.reason.${code}`)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="cancel-note">{t('cancelDialog.note')}</label>
                <input id="cancel-note" value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} />
              </div>
            </div>
            <ManagerPinField id="cancel-pin" value={pin} onChange={setPin} hint={t('pin.hint.cancel')} />
          </>
        )}
        <DialogError error={error} />
        <div className="actions">
          <button
            type="button"
            className="button secondary"
            onClick={onClose}
            data-testid="cancel-dialog-back"
            autoFocus
          >
            {t('dialog.back')}
          </button>
          <button
            type="submit"
            className="button danger"
            disabled={busy || (!before && pin === '')}
            data-testid="cancel-dialog-yes"
          >
            {busy ? t('sale.working') : before ? t('cancelDialog.confirmBefore') : t('cancelDialog.confirm')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
