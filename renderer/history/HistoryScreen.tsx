import { useCallback, useEffect, useRef, useState } from 'react';
import { SEARCH_KEYS, type SaleStatus, type SaleSummary, type SearchKey } from '../../shared/ipc/after-sale-schemas.ts';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcError } from '../../shared/ipc/result.ts';
import type { BridgeState } from '../bridge/pos-client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { DateInput } from '../shell/DateInput.tsx';
import { ErrorNotice } from '../sale/ErrorNotice.tsx';
import { usePosEvent } from '../shell/usePos.ts';
import { SaleDetailView } from './SaleDetailView.tsx';
import { maskMobile } from '../../shared/spain/mobile.ts';
import { StatusBadge } from './parts.tsx';
import './after-sale.css';

// The sales list: search by ticket number, SeQura order uuid, the last four digits of the shopper's mobile,
// a date range and status. Everything comes from the till's own files, so it works while SeQura is down.
// Opening a sale shows its page; going back keeps the search and its results.

/** The filters offered, in the order the issue names them; training is its own folder (see the checkbox). */
const FILTERS: readonly SaleStatus[] = ['pending', 'needs_attention', 'confirmed', 'cancelled', 'returned'];
const LIMIT = 200;

interface SearchForm {
  query: string;
  key: SearchKey;
  from: string;
  to: string;
  statuses: SaleStatus[];
  training: boolean;
}

const EMPTY_FORM: SearchForm = { query: '', key: 'any', from: '', to: '', statuses: [], training: false };

export function HistoryScreen({ pos, bridge }: { pos: PosApi; bridge: BridgeState }) {
  const { t, formatCents, formatDateTime } = useI18n();
  const [form, setForm] = useState<SearchForm>(EMPTY_FORM);
  const [results, setResults] = useState<{ results: SaleSummary[]; total: number } | null>(null);
  const [searching, setSearching] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const formRef = useRef(form);
  formRef.current = form;

  const run = useCallback(
    async (next: SearchForm) => {
      setSearching(true);
      setError(null);
      const result = await pos.afterSale.search({
        query: next.query.trim(),
        key: next.key,
        from: next.from || null,
        to: next.to || null,
        statuses: next.statuses,
        training: next.training,
        limit: LIMIT,
      });
      setSearching(false);
      if (result.ok) setResults(result.data);
      else setError(result.error);
    },
    [pos],
  );

  useEffect(() => {
    if (bridge === 'open') void run(formRef.current);
  }, [bridge, run]);

  // A sale changed (an answer from SeQura, a return…): the list shows its new status.
  usePosEvent(
    pos,
    'sale.changed',
    useCallback(() => void (openId === null && run(formRef.current)), [openId, run]),
  );

  if (openId) {
    return (
      <SaleDetailView
        pos={pos}
        saleId={openId}
        onBack={() => {
          setOpenId(null);
          void run(formRef.current);
        }}
      />
    );
  }

  const update = (patch: Partial<SearchForm>) => setForm((f) => ({ ...f, ...patch }));
  const toggle = (status: SaleStatus) =>
    update({
      statuses: form.statuses.includes(status) ? form.statuses.filter((s) => s !== status) : [...form.statuses, status],
    });

  return (
    <section className="panel history" aria-labelledby="history-heading" data-testid="history-screen">
      <h1 id="history-heading">{t('history.title')}</h1>
      <p className="lead">{t('history.intro')}</p>
      <form
        className="history-search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void run(form);
        }}
      >
        <div className="history-search-row">
          <div className="field grow">
            <label htmlFor="history-query">{t('history.query')}</label>
            <input
              id="history-query"
              type="search"
              value={form.query}
              maxLength={64}
              onChange={(e) => update({ query: e.target.value })}
              data-testid="history-query"
              autoComplete="off"
            />
          </div>
          <div className="field">
            <label htmlFor="history-key">{t('history.key')}</label>
            <select
              id="history-key"
              value={form.key}
              onChange={(e) => update({ key: e.target.value as SearchKey })}
              data-testid="history-key"
            >
              {SEARCH_KEYS.map((key) => (
                <option key={key} value={key}>
                  {t(`history.key.${key}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="history-from">{t('history.from')}</label>
            <DateInput
              id="history-from"
              value={form.from}
              onChange={(from) => update({ from })}
              testId="history-from"
            />
          </div>
          <div className="field">
            <label htmlFor="history-to">{t('history.to')}</label>
            <DateInput id="history-to" value={form.to} onChange={(to) => update({ to })} testId="history-to" />
          </div>
        </div>
        <fieldset className="history-filters">
          <legend>{t('history.statuses')}</legend>
          {FILTERS.map((status) => (
            <label key={status} className="chip">
              <input
                type="checkbox"
                checked={form.statuses.includes(status)}
                onChange={() => toggle(status)}
                data-testid={`filter-${status}`}
              />
              {t(`saleStatus.${status}`)}
            </label>
          ))}
          <label className="chip chip-training">
            <input
              type="checkbox"
              checked={form.training}
              onChange={() => update({ training: !form.training })}
              data-testid="filter-training"
            />
            {t('history.training')}
          </label>
        </fieldset>
        <div className="actions">
          <button type="submit" className="button primary" disabled={searching} data-testid="history-search">
            {searching ? t('history.searching') : t('history.search')}
          </button>
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              setForm(EMPTY_FORM);
              void run(EMPTY_FORM);
            }}
          >
            {t('history.clear')}
          </button>
        </div>
      </form>

      <ErrorNotice error={error} testId="history-error" />
      {results && form.training && <p className="notice notice-warn">{t('history.trainingListed')}</p>}
      {results && (
        <p className="history-count" data-testid="history-count" aria-live="polite">
          {results.total > results.results.length
            ? t('history.countShown', { count: results.total, shown: results.results.length })
            : t('history.count', { count: results.total })}
        </p>
      )}
      {results && results.results.length === 0 && (
        <p className="notice" data-testid="history-none">
          {t('history.none')}
        </p>
      )}
      {results && results.results.length > 0 && (
        <table className="pending-table history-table" data-testid="history-results">
          <thead>
            <tr>
              <th scope="col">{t('history.col.date')}</th>
              <th scope="col">{t('history.col.ticket')}</th>
              <th scope="col">{t('history.col.shopper')}</th>
              <th scope="col">{t('history.col.product')}</th>
              <th scope="col" className="num">
                {t('history.col.amount')}
              </th>
              <th scope="col">{t('history.col.status')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('cart.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {results.results.map((sale) => (
              <tr key={sale.saleId} data-testid="history-row" data-sale={sale.saleId} data-status={sale.status}>
                <td>{formatDateTime(sale.createdAt)}</td>
                <td>
                  <span className="mono">{sale.ticketNumber ?? '—'}</span>
                  {sale.matchedBy && <span className="field-hint"> {t(`history.matchedBy.${sale.matchedBy}`)}</span>}
                </td>
                <td>
                  {sale.shopperName || '—'}
                  <span className="field-hint phone-ending">{sale.phoneLast4 ? maskMobile(sale.phoneLast4) : '—'}</span>
                </td>
                <td>{sale.product?.title ?? '—'}</td>
                <td className="num">
                  {sale.currentFinancedCents !== sale.financedCents && sale.confirmedAt ? (
                    <>
                      <s className="was">{formatCents(sale.financedCents)}</s> {formatCents(sale.currentFinancedCents)}
                    </>
                  ) : (
                    formatCents(sale.financedCents)
                  )}
                </td>
                <td>
                  <StatusBadge status={sale.status} />
                </td>
                <td className="row-action">
                  <button
                    type="button"
                    className="button secondary"
                    onClick={() => setOpenId(sale.saleId)}
                    aria-label={t('history.openTicket', { ticket: sale.ticketNumber ?? t('history.noTicket') })}
                    data-testid="history-open"
                  >
                    {t('history.open')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
