import { useEffect, useRef, useState, type FormEvent } from 'react';
import { parseEuroInput } from '../../shared/money/cents.ts';
import { productFit, type ProductFit } from '../../shared/sale/product-fit.ts';
import {
  cartTotals,
  CartDiscountSchema,
  CartLineSchema,
  lineTotalCents,
  MAX_CART_DISCOUNTS,
  MAX_CART_LINES,
  MAX_TILL_PAYMENTS,
  SaleCartSchema,
  TillPaymentSchema,
  type CartLine,
  type SaleCart,
  type TillPaymentMethod,
} from '../../shared/sale/cart.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import { fieldErrors } from '../../shared/sale/validation-codes.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { CartTotals } from './CartTotals.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { newEntryId } from './ids.ts';
import { SaveIndicator } from './SaveIndicator.tsx';
import { StepFrame } from './StepFrame.tsx';
import { currentProblems, type DraftEditor } from './useDraftEditor.ts';
import { useProductLimits } from './useProductLimits.ts';
import type { SaleController } from './useSale.ts';
import { useValidationText } from './useValidationText.ts';

// Sale entry, keyboard first. A barcode scanner types the reference and presses Enter; Enter then walks to
// the next empty field (name, price) and, once the line is complete, adds it and returns to the reference for
// the next article. Enter on an empty line form goes to "Continue", so a whole cart needs no mouse.

type LineField = 'reference' | 'name' | 'price' | 'quantity';
const LINE_FIELDS: readonly LineField[] = ['reference', 'name', 'price', 'quantity'];
type LineForm = Record<LineField, string>;
const EMPTY_LINE_FORM: LineForm = { reference: '', name: '', price: '', quantity: '1' };
const lineInputId = (field: LineField) => `line-${field}`;

/** Parses an amount the cashier typed: "12,50" → cents, or the validation code for what is wrong. */
function judgeAmount(text: string): { cents?: number; code?: string } {
  if (text.trim() === '') return { code: 'required' };
  const parsed = parseEuroInput(text);
  return parsed.ok ? { cents: parsed.cents } : { code: parsed.code };
}

function judgeLine(form: LineForm): { line: CartLine | null; errors: Partial<Record<LineField, string>> } {
  const price = judgeAmount(form.price);
  const quantityText = form.quantity.trim();
  const quantity = /^\d{1,4}$/.test(quantityText) ? Number(quantityText) : undefined;
  const parsed = CartLineSchema.safeParse({
    id: newEntryId(),
    reference: form.reference,
    name: form.name,
    unitPriceCents: price.cents,
    quantity,
  });
  if (parsed.success) return { line: parsed.data, errors: {} };
  const byPath = fieldErrors(parsed.error);
  const errors: Partial<Record<LineField, string>> = {};
  if (byPath.reference) errors.reference = byPath.reference;
  if (byPath.name) errors.name = byPath.name;
  // The parse error says more than the schema's "required" about what was typed.
  if (price.code ?? byPath.unitPriceCents) errors.price = price.code ?? byPath.unitPriceCents;
  if (byPath.quantity) errors.quantity = quantityText === '' ? 'required' : 'quantity.invalid';
  return { line: null, errors };
}

export function CartEntry({
  sale,
  editor,
  controller,
}: {
  sale: SaleRecord;
  editor: DraftEditor;
  controller: SaleController;
}) {
  const { t, formatCents } = useI18n();
  const validationText = useValidationText();
  const { cart, updateCart } = editor;
  const [form, setForm] = useState<LineForm>(EMPTY_LINE_FORM);
  const [lineErrors, setLineErrors] = useState<Partial<Record<LineField, string>>>({});
  const [triedToContinue, setTriedToContinue] = useState(false);
  const continueRef = useRef<HTMLButtonElement>(null);
  const linesRef = useRef<HTMLDivElement>(null);
  const limits = useProductLimits(controller.pos, controller.bridge);
  const financedCents = cartTotals(cart).financedCents;
  const fit = cart.lines.length > 0 ? productFit(limits, financedCents) : ({ kind: 'unknown' } as const);
  const noProductFits = fit.kind === 'above_max' || fit.kind === 'below_min' || fit.kind === 'between';

  // The newest line is the one the cashier checks: keep it in view as the list grows (the list scrolls
  // inside its own box, so the totals below stay on screen too).
  const lineCount = cart.lines.length;
  useEffect(() => {
    const box = linesRef.current;
    if (box) box.scrollTop = box.scrollHeight;
  }, [lineCount]);

  const focusField = (field: LineField) => document.getElementById(lineInputId(field))?.focus();

  const cartCheck = SaleCartSchema.safeParse(cart);
  const cartErrors = {
    ...currentProblems(editor.cartProblems, cart),
    ...(cartCheck.success ? {} : fieldErrors(cartCheck.error)),
  };
  // "Add at least one article" is only news once the cashier tried to go on without one.
  const linesError = triedToContinue ? cartErrors.lines : undefined;

  const setField = (field: LineField, value: string) => {
    setForm((current) => ({ ...current, [field]: value }));
    setLineErrors(({ [field]: _fixed, ...rest }) => rest);
  };

  const showErrorOnLeave = (field: LineField) => {
    // A wrong value is flagged as soon as the cashier leaves the field; an empty one only on Enter.
    if (form[field].trim() === '') return;
    const error = judgeLine(form).errors[field];
    if (error) setLineErrors((current) => ({ ...current, [field]: error }));
  };

  const addLine = (event: FormEvent) => {
    event.preventDefault();
    const isEmpty = form.reference.trim() === '' && form.name.trim() === '' && form.price.trim() === '';
    if (isEmpty) {
      // Enter on an empty line means "go on": to the continue button, or (when no product takes the amount and
      // the button is disabled) the notice says why, loudly, and the focus stays here.
      if (cart.lines.length > 0 && noProductFits) setTriedToContinue(true);
      else if (cart.lines.length > 0) continueRef.current?.focus();
      return;
    }
    if (cart.lines.length >= MAX_CART_LINES) {
      // The line cannot go in. Its reference is selected, so the scanner's next code replaces it instead of
      // piling onto it, and is refused the same way with the same message.
      setLineErrors({ reference: 'cart.too_many_lines' });
      const reference = document.getElementById(lineInputId('reference')) as HTMLInputElement | null;
      reference?.focus();
      reference?.select();
      return;
    }
    const judged = judgeLine(form);
    if (judged.line) {
      const line = judged.line;
      updateCart((current) => ({ ...current, lines: [...current.lines, line] }));
      setForm(EMPTY_LINE_FORM);
      setLineErrors({});
      focusField('reference');
      return;
    }
    const firstWrong = LINE_FIELDS.find((field) => judged.errors[field]) ?? 'reference';
    const activeField = LINE_FIELDS.find((field) => document.activeElement?.id === lineInputId(field));
    // Enter in a filled field with the next one still empty means "next field" (what a scanner's Enter
    // needs): move on without scolding. Anything else shows what is wrong where it is wrong.
    if (form[firstWrong].trim() === '' && firstWrong !== activeField) {
      focusField(firstWrong);
      return;
    }
    const shown: Partial<Record<LineField, string>> = {};
    for (const field of LINE_FIELDS) {
      const error = judged.errors[field];
      if (error && (field === firstWrong || form[field].trim() !== '')) shown[field] = error;
    }
    setLineErrors(shown);
    focusField(firstWrong);
  };

  const removeLine = (id: string) => {
    updateCart((current) => ({ ...current, lines: current.lines.filter((line) => line.id !== id) }));
    focusField('reference');
  };

  const goToShopper = () => {
    setTriedToContinue(true);
    if (noProductFits) return;
    if (!cartCheck.success) {
      if (cart.lines.length === 0) focusField('reference');
      return;
    }
    void editor.saveNow('shopper');
  };

  return (
    <StepFrame sale={sale} title={t('cart.title')} showSummary={false}>
      <form className="line-form" onSubmit={addLine} noValidate aria-label={t('cart.lineForm')}>
        <LineInput
          field="reference"
          label={t('cart.reference')}
          form={form}
          error={lineErrors.reference}
          onChange={setField}
          onLeave={showErrorOnLeave}
          maxLength={64}
          autoFocus
        />
        <LineInput
          field="name"
          label={t('cart.name')}
          form={form}
          error={lineErrors.name}
          onChange={setField}
          onLeave={showErrorOnLeave}
          maxLength={120}
        />
        <LineInput
          field="price"
          label={t('cart.unitPrice')}
          form={form}
          error={lineErrors.price}
          onChange={setField}
          onLeave={showErrorOnLeave}
          maxLength={16}
          inputMode="decimal"
          placeholder="0,00"
        />
        <LineInput
          field="quantity"
          label={t('cart.quantity')}
          form={form}
          error={lineErrors.quantity}
          onChange={setField}
          onLeave={showErrorOnLeave}
          maxLength={4}
          inputMode="numeric"
        />
        <button type="submit" className="button secondary line-add" data-testid="cart-add-line">
          {t('cart.addLine')}
        </button>
      </form>
      <p className="field-hint">{t('cart.keyboardHint')}</p>

      <div className="cart-lines-box" ref={linesRef} data-testid="cart-lines-box">
        <table
          className="cart-lines"
          data-testid="cart-lines"
          aria-describedby={linesError ? 'cart-lines-error' : undefined}
        >
          <caption className="visually-hidden">{t('cart.linesCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('cart.reference')}</th>
              <th scope="col">{t('cart.name')}</th>
              <th scope="col" className="num">
                {t('cart.unitPriceShort')}
              </th>
              <th scope="col" className="num">
                {t('cart.quantityShort')}
              </th>
              <th scope="col" className="num">
                {t('cart.lineTotal')}
              </th>
              <th scope="col">
                <span className="visually-hidden">{t('cart.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {cart.lines.length === 0 && (
              <tr>
                <td colSpan={6} className="empty-row">
                  {t('cart.noLines')}
                </td>
              </tr>
            )}
            {cart.lines.map((line) => (
              <tr key={line.id} data-testid="cart-line">
                <td>{line.reference}</td>
                <td>{line.name}</td>
                <td className="num">{formatCents(line.unitPriceCents)}</td>
                <td className="num">{line.quantity}</td>
                <td className="num">{formatCents(lineTotalCents(line))}</td>
                <td className="row-action">
                  <button
                    type="button"
                    className="button link"
                    onClick={() => removeLine(line.id)}
                    aria-label={t('cart.removeLineNamed', { name: line.name })}
                  >
                    {t('cart.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {linesError && (
        <p className="field-error" id="cart-lines-error" role="alert" data-testid="cart-lines-error">
          {validationText(linesError)}
        </p>
      )}

      <div className="cart-bottom">
        <div className="cart-adjustments">
          <DiscountsSection editor={editor} error={cartErrors.discounts} />
          <TillPaymentsSection editor={editor} error={cartErrors.tillPayments} />
        </div>
        <CartTotals cart={cart} />
      </div>
      {noProductFits && <NoProductFits fit={fit} amountCents={financedCents} urgent={triedToContinue} />}

      <ErrorNotice error={controller.error} />
      <div className="actions">
        <button
          ref={continueRef}
          type="button"
          className="button primary"
          onClick={goToShopper}
          // Disabled, not just inert: the shopper form is no use for an amount no product takes, and the
          // notice above says why (read out with the button).
          disabled={noProductFits}
          aria-describedby={noProductFits ? 'cart-no-product' : undefined}
          data-testid="cart-continue"
        >
          {t('cart.continue')}
        </button>
        <ConfirmButton
          label={t('sale.cancel')}
          question={t('sale.cancelQuestion')}
          detail={t('sale.cancelDetailDraft')}
          confirmLabel={t('sale.cancelYes')}
          onConfirm={() => void controller.cancel()}
          className="button danger"
          disabled={controller.busy !== null}
          testId="sale-cancel"
        />
        <SaveIndicator state={editor.saveState} error={editor.saveError} />
      </div>
    </StepFrame>
  );
}

function LineInput({
  field,
  label,
  form,
  error,
  onChange,
  onLeave,
  autoFocus = false,
  ...inputProps
}: {
  field: LineField;
  label: string;
  form: LineForm;
  error: string | undefined;
  onChange: (field: LineField, value: string) => void;
  onLeave: (field: LineField) => void;
  maxLength: number;
  inputMode?: 'decimal' | 'numeric';
  placeholder?: string;
  autoFocus?: boolean;
}) {
  const validationText = useValidationText();
  const { t } = useI18n();
  const id = lineInputId(field);
  return (
    <div className={`field line-field-${field}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={form[field]}
        onChange={(event) => onChange(field, event.target.value)}
        onBlur={() => onLeave(field)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        autoComplete="off"
        spellCheck={false}
        data-autofocus={autoFocus ? '' : undefined}
        {...inputProps}
      />
      {error && (
        <p className="field-error" id={`${id}-error`} data-testid={`${id}-error`} role="alert">
          {error === 'cart.too_many_lines' ? t('cart.tooManyLines', { max: MAX_CART_LINES }) : validationText(error)}
        </p>
      )}
    </div>
  );
}

// ------------------------------------------------------------------------------ discounts and till payments

/**
 * A discount or till payment is refused when it is added if it would leave nothing (or less than nothing) for
 * SeQura to finance, rather than accepted into a list that then shows "A financiar −1250,00 €".
 */
function leavesNothingToFinance(cart: SaleCart): 'cart.discount_exceeds_total' | 'cart.nothing_to_finance' | null {
  if (cart.lines.length === 0) return null;
  const totals = cartTotals(cart);
  if (totals.discountsCents > totals.linesTotalCents) return 'cart.discount_exceeds_total';
  return totals.financedCents <= 0 ? 'cart.nothing_to_finance' : null;
}

/** No product of the merchant takes this amount: said at the cart step, before any order exists. */
function NoProductFits({ fit, amountCents, urgent }: { fit: ProductFit; amountCents: number; urgent: boolean }) {
  const { t, formatCents } = useI18n();
  const amount = formatCents(amountCents);
  const text =
    fit.kind === 'above_max'
      ? t('cart.noProductAboveMax', { amount, max: formatCents(fit.maxCents), product: fit.product })
      : fit.kind === 'below_min'
        ? t('cart.noProductBelowMin', { amount, min: formatCents(fit.minCents), product: fit.product })
        : t('cart.noProductFits', { amount });
  return (
    <p
      className={`notice ${urgent ? 'notice-danger' : 'notice-warn'}`}
      role={urgent ? 'alert' : 'status'}
      id="cart-no-product"
      data-testid="cart-no-product"
      data-kind={fit.kind}
    >
      {text}
    </p>
  );
}

function DiscountsSection({ editor, error }: { editor: DraftEditor; error: string | undefined }) {
  const { t, formatCents } = useI18n();
  const validationText = useValidationText();
  const [name, setName] = useState('');
  const [amount, setAmount] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const { discounts } = editor.cart;

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (discounts.length >= MAX_CART_DISCOUNTS) return setFormError('too_many');
    const judged = judgeAmount(amount);
    // A nameless discount is still a discount: the cashier should not have to invent a label for it.
    const parsed = CartDiscountSchema.safeParse({
      id: newEntryId(),
      name: name.trim() || t('cart.discountDefaultName'),
      amountCents: judged.cents,
    });
    if (!parsed.success) {
      setFormError(judged.code ?? Object.values(fieldErrors(parsed.error))[0] ?? 'invalid');
      document.getElementById('discount-amount')?.focus();
      return;
    }
    const discount = parsed.data;
    const refusal = leavesNothingToFinance({ ...editor.cart, discounts: [...discounts, discount] });
    if (refusal) {
      setFormError(refusal);
      document.getElementById('discount-amount')?.focus();
      return;
    }
    editor.updateCart((cart) => ({ ...cart, discounts: [...cart.discounts, discount] }));
    setName('');
    setAmount('');
    setFormError(null);
    document.getElementById('discount-name')?.focus();
  };

  return (
    <section className="adjustment" aria-labelledby="discounts-heading">
      <h2 id="discounts-heading">{t('cart.discounts')}</h2>
      <form className="inline-form" onSubmit={add} noValidate>
        <div className="field">
          <label htmlFor="discount-name">{t('cart.discountName')}</label>
          <input
            id="discount-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={120}
            autoComplete="off"
            placeholder={t('cart.discountDefaultName')}
          />
        </div>
        <AmountInput
          id="discount-amount"
          label={t('cart.discountAmount')}
          value={amount}
          invalid={formError !== null}
          onChange={(value) => {
            setAmount(value);
            setFormError(null);
          }}
        />
        <button type="submit" className="button secondary" data-testid="cart-add-discount">
          {t('cart.addDiscount')}
        </button>
      </form>
      {formError && (
        <p className="field-error" id="discount-amount-error" data-testid="discount-amount-error">
          {validationText(formError)}
        </p>
      )}
      <EntryList
        entries={discounts.map((discount) => ({
          id: discount.id,
          label: discount.name,
          amount: formatCents(discount.amountCents),
        }))}
        onRemove={(id) => {
          editor.updateCart((cart) => ({ ...cart, discounts: cart.discounts.filter((d) => d.id !== id) }));
          document.getElementById('discount-name')?.focus();
        }}
        testId="cart-discount"
      />
      {error && (
        <p className="field-error" role="alert" data-testid="cart-discounts-error">
          {validationText(error)}
        </p>
      )}
    </section>
  );
}

function TillPaymentsSection({ editor, error }: { editor: DraftEditor; error: string | undefined }) {
  const { t, formatCents } = useI18n();
  const validationText = useValidationText();
  const [method, setMethod] = useState<TillPaymentMethod>('cash');
  const [amount, setAmount] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const { tillPayments } = editor.cart;

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (tillPayments.length >= MAX_TILL_PAYMENTS) return setFormError('too_many');
    const judged = judgeAmount(amount);
    const parsed = TillPaymentSchema.safeParse({ id: newEntryId(), method, amountCents: judged.cents });
    if (!parsed.success) {
      setFormError(judged.code ?? Object.values(fieldErrors(parsed.error))[0] ?? 'invalid');
      document.getElementById('payment-amount')?.focus();
      return;
    }
    const payment = parsed.data;
    const refusal = leavesNothingToFinance({ ...editor.cart, tillPayments: [...tillPayments, payment] });
    if (refusal) {
      setFormError(refusal);
      document.getElementById('payment-amount')?.focus();
      return;
    }
    editor.updateCart((cart) => ({ ...cart, tillPayments: [...cart.tillPayments, payment] }));
    setAmount('');
    setFormError(null);
    document.getElementById('payment-method')?.focus();
  };

  return (
    <section className="adjustment" aria-labelledby="payments-heading">
      <h2 id="payments-heading">{t('cart.paidAtTill')}</h2>
      <form className="inline-form" onSubmit={add} noValidate>
        <div className="field">
          <label htmlFor="payment-method">{t('cart.paymentMethod')}</label>
          <select id="payment-method" value={method} onChange={(e) => setMethod(e.target.value as TillPaymentMethod)}>
            <option value="cash">{t('cart.method.cash')}</option>
            <option value="card">{t('cart.method.card')}</option>
          </select>
        </div>
        <AmountInput
          id="payment-amount"
          label={t('cart.paymentAmount')}
          value={amount}
          invalid={formError !== null}
          onChange={(value) => {
            setAmount(value);
            setFormError(null);
          }}
        />
        <button type="submit" className="button secondary" data-testid="cart-add-payment">
          {t('cart.addPayment')}
        </button>
      </form>
      {formError && (
        <p className="field-error" id="payment-amount-error" data-testid="payment-amount-error">
          {validationText(formError)}
        </p>
      )}
      <EntryList
        entries={tillPayments.map((payment) => ({
          id: payment.id,
          label: t(`cart.method.${payment.method}`),
          amount: formatCents(payment.amountCents),
        }))}
        onRemove={(id) => {
          editor.updateCart((cart) => ({ ...cart, tillPayments: cart.tillPayments.filter((p) => p.id !== id) }));
          document.getElementById('payment-method')?.focus();
        }}
        testId="cart-payment"
      />
      {error && (
        <p className="field-error" role="alert" data-testid="cart-payments-error">
          {validationText(error)}
        </p>
      )}
    </section>
  );
}

function EntryList({
  entries,
  onRemove,
  testId,
}: {
  entries: Array<{ id: string; label: string; amount: string }>;
  onRemove: (id: string) => void;
  testId: string;
}) {
  const { t } = useI18n();
  if (entries.length === 0) return null;
  return (
    <ul className="entry-list">
      {entries.map((entry) => (
        <li key={entry.id} data-testid={testId}>
          <span>{entry.label}</span>
          <span className="num">−{entry.amount}</span>
          <button
            type="button"
            className="button link"
            onClick={() => onRemove(entry.id)}
            aria-label={t('cart.removeNamed', { name: entry.label })}
          >
            {t('cart.remove')}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** A euro amount typed with the Spanish decimal comma; its error message (id `<id>-error`) sits below the form. */
function AmountInput({
  id,
  label,
  value,
  invalid,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  invalid: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        maxLength={16}
        inputMode="decimal"
        placeholder="0,00"
        autoComplete="off"
        aria-invalid={invalid ? true : undefined}
        aria-describedby={invalid ? `${id}-error` : undefined}
      />
    </div>
  );
}
