import { useState, type FormEvent, type KeyboardEvent } from 'react';
import type { PaymentOption } from '../../shared/sale/sale-record.ts';
import { maskMobile } from '../../shared/spain/mobile.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { CancelButton, RestartButton } from './SaleActions.tsx';
import type { StepProps } from './step-props.ts';
import { StepFrame } from './StepFrame.tsx';
import { WaitUntilNotice, useWaitUntil } from './WaitUntil.tsx';
import { useNow } from './useNow.ts';

// The products SeQura offers for this order. Every product is listed: one outside its amount limits is shown
// disabled with the reason ("below the minimum of 50,00 €"), because a shopper who asks for it deserves an
// answer, not a silently missing option. The first available one is preselected: Enter sends the SMS.

const optionKey = (option: PaymentOption) => `${option.product}|${option.campaign ?? ''}`;

export function ChooseProduct({ sale, controller }: StepProps) {
  const { t, formatCents } = useI18n();
  const options = sale.paymentOptions ?? [];
  const firstAvailable = options.find((option) => option.available);
  // Only the cashier's own choice is state; until she makes one, the first available product is selected
  // (also when the options arrive after this screen appeared).
  const [chosenKey, setSelectedKey] = useState<string | null>(null);
  const selected =
    options.find((option) => option.available && optionKey(option) === chosenKey) ?? firstAvailable ?? null;
  const selectedKey = selected ? optionKey(selected) : null;
  const sending = controller.busy === 'sendSms';
  const waitUntil = useWaitUntil(sale.waitUntil);
  const now = useNow(1000);
  // SeQura's per-order SMS limit, once known, holds the SMS button as it holds "Resend SMS".
  const smsBlocked = sale.sms.blockedUntil !== null && new Date(sale.sms.blockedUntil) > now;
  // null: the list failed to load (the solicitation stands); [] would be SeQura offering nothing.
  const listFailed = sale.paymentOptions === null;

  const send = (event?: FormEvent) => {
    event?.preventDefault();
    // pp5 and other campaign products need their campaign in the form delivery; main checks it as well.
    if (selected) void controller.sendSms(selected.product, selected.campaign);
  };

  // Enter on a radio button is not a form submission in every engine: make it one, so choosing with the
  // arrow keys and pressing Enter sends the SMS.
  const onRadioKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') send(event);
  };

  const reason = (option: PaymentOption): string => {
    switch (option.unavailableReason) {
      case 'below_min':
        return t('product.belowMin', { amount: formatCents(option.minAmountCents ?? 0) });
      case 'above_max':
        return t('product.aboveMax', { amount: formatCents(option.maxAmountCents ?? 0) });
      case 'not_allowed_by_store':
        return t('product.notAllowedByStore');
      default:
        return t('product.unavailable');
    }
  };

  const limits = (option: PaymentOption): string | null => {
    const { minAmountCents: min, maxAmountCents: max } = option;
    if (min && max) return t('product.limitsBoth', { min: formatCents(min), max: formatCents(max) });
    if (max) return t('product.limitsMax', { max: formatCents(max) });
    if (min) return t('product.limitsMin', { min: formatCents(min) });
    return null;
  };

  return (
    <StepFrame sale={sale} title={t('product.title')}>
      {listFailed ? (
        <p className="notice notice-warn" data-testid="product-load-failed">
          {t('product.loadFailed')}
        </p>
      ) : options.length === 0 || !firstAvailable ? (
        <p className="notice notice-warn" data-testid="product-none">
          {t('product.none')}
        </p>
      ) : null}
      <WaitUntilNotice until={waitUntil} />
      <form onSubmit={send} noValidate>
        {options.length > 0 && (
          <fieldset className="product-options" data-testid="product-options">
            <legend className="visually-hidden">{t('product.title')}</legend>
            {options.map((option) => {
              const key = optionKey(option);
              const id = `product-${key.replace(/[^a-z0-9]/gi, '-')}`;
              const isSelected = key === selectedKey && option.available;
              const hint = limits(option);
              return (
                <label
                  key={key}
                  htmlFor={id}
                  className={`product-option${option.available ? '' : ' is-disabled'}${isSelected ? ' is-selected' : ''}`}
                  data-testid="product-option"
                  data-product={option.product}
                  data-available={option.available ? 'true' : 'false'}
                >
                  <input
                    id={id}
                    type="radio"
                    name="product"
                    value={key}
                    checked={isSelected}
                    disabled={!option.available}
                    onChange={() => setSelectedKey(key)}
                    onKeyDown={onRadioKey}
                    aria-describedby={`${id}-details`}
                    data-autofocus={isSelected ? '' : undefined}
                  />
                  <span className="product-text">
                    <span className="product-title" translate="no">
                      {option.title}
                    </span>
                    <span className="product-details" id={`${id}-details`}>
                      {option.longTitle && option.longTitle !== option.title && (
                        <span className="product-long" translate="no">
                          {option.longTitle}
                        </span>
                      )}
                      <span className="product-category">
                        {t(option.category === 'part_payment' ? 'product.partPayment' : 'product.payLater')}
                      </span>
                      {option.costDescription && (
                        <span className="product-cost">{t('product.cost', { cost: option.costDescription })}</span>
                      )}
                      {option.available ? (
                        hint && <span className="product-limits">{hint}</span>
                      ) : (
                        <span className="product-reason" data-testid="product-unavailable-reason">
                          {reason(option)}
                        </span>
                      )}
                    </span>
                  </span>
                </label>
              );
            })}
          </fieldset>
        )}
        <ErrorNotice error={controller.error ?? sale.lastError} />
        <div className="actions">
          {listFailed && (
            <button
              type="button"
              className="button primary"
              onClick={() => void controller.start()}
              disabled={controller.busy !== null || waitUntil !== null}
              aria-describedby={waitUntil ? 'sale-wait-until' : undefined}
              data-testid="product-load-again"
              data-autofocus=""
            >
              {controller.busy === 'start' ? t('sale.working') : t('product.loadAgain')}
            </button>
          )}
          {selected && (
            <button
              type="submit"
              className="button primary"
              disabled={controller.busy !== null || waitUntil !== null || smsBlocked}
              data-testid="product-send-sms"
            >
              {sending
                ? t('product.sending')
                : t('product.sendSms', { product: selected.title, mobile: maskMobile(sale.shopper.mobile) })}
            </button>
          )}
          <RestartButton
            controller={controller}
            className={selected || listFailed ? 'button secondary' : 'button primary'}
          />
          <CancelButton controller={controller} />
        </div>
      </form>
    </StepFrame>
  );
}
