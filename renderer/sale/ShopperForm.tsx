import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import { cartTotals } from '../../shared/sale/cart.ts';
import type { SaleRecord } from '../../shared/sale/sale-record.ts';
import {
  emptyShopperAddress,
  makeShopperSchema,
  type ShopperAddress,
  type ShopperDraft,
} from '../../shared/sale/shopper.ts';
import { fieldErrors } from '../../shared/sale/validation-codes.ts';
import { maskMobile, validateSpanishMobile } from '../../shared/spain/mobile.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import { localIsoDate } from '../../shared/time/local-date.ts';
import { dayFirstToIsoDate, isoDateToDayFirst } from './dates.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { SaveIndicator } from './SaveIndicator.tsx';
import { StepFrame } from './StepFrame.tsx';
import { currentProblems, valueAtPath, type DraftEditor, type JudgedProblems } from './useDraftEditor.ts';
import type { SaleController } from './useSale.ts';
import { useValidationText } from './useValidationText.ts';

// The shopper's details, checked as they are typed with the same zod schema main applies before anything
// goes to SeQura. A wrong value is flagged when the cashier leaves the field; a missing one only when she
// tries to go on. Enter walks to the next field that still needs something, and sends when all is right.

type TextPath =
  | 'givenNames'
  | 'firstSurname'
  | 'secondSurname'
  | 'nin'
  | 'ninControl'
  | 'dateOfBirth'
  | 'mobile'
  | 'email'
  | 'address.line1'
  | 'address.line2'
  | 'address.postalCode'
  | 'address.city';

const FIELD_ORDER: readonly TextPath[] = [
  'givenNames',
  'firstSurname',
  'secondSurname',
  'nin',
  'ninControl',
  'dateOfBirth',
  'mobile',
  'email',
  'address.line1',
  'address.line2',
  'address.postalCode',
  'address.city',
];

const inputId = (path: TextPath) => `shopper-${path.replace('.', '-')}`;

function setAtPath(shopper: ShopperDraft, path: TextPath, value: string): ShopperDraft {
  if (path.startsWith('address.')) {
    const key = path.slice('address.'.length) as keyof ShopperAddress;
    return { ...shopper, address: { ...(shopper.address ?? emptyShopperAddress()), [key]: value } };
  }
  return { ...shopper, [path]: value };
}

export function ShopperForm({
  sale,
  editor,
  controller,
  status,
  onStart,
}: {
  sale: SaleRecord;
  editor: DraftEditor;
  controller: SaleController;
  status: TillStatus | null;
  onStart: () => void;
}) {
  const { t, formatCents } = useI18n();
  const { shopper, updateShopper } = editor;
  const [touched, setTouched] = useState<Partial<Record<TextPath, true>>>({});
  const [revealed, setRevealed] = useState<Partial<Record<TextPath, true>>>({});
  const lastAddress = useRef<ShopperAddress | null>(shopper.address);
  // Field errors of a refused start (main's check or SeQura's 409 mapped to fields), judged on the values
  // that were sent: each stays next to its field until the cashier changes that field.
  const [startProblems, setStartProblems] = useState<JudgedProblems | null>(null);
  const shopperNow = useRef(shopper);
  shopperNow.current = shopper;
  useEffect(() => {
    const fields = controller.error?.fields;
    if (!fields) return;
    const problems: Record<string, string> = {};
    // Main may name a field from the request ('shopper.nin') or from the shopper itself ('nin').
    for (const [path, code] of Object.entries(fields)) problems[path.replace(/^shopper\./, '')] = code;
    setStartProblems({ problems, judged: shopperNow.current });
  }, [controller.error]);

  // The store policy decides whether the document's support number is required (physical stores usually
  // must send it); main applies the same rule, so an older status without a policy is caught there too.
  const requireNinControl = status?.policy?.requireNinControl ?? false;
  const schema = useMemo(
    () => makeShopperSchema({ today: localIsoDate(new Date()), requireNinControl }),
    [requireNinControl],
  );
  const check = schema.safeParse(shopper);
  const localErrors: Record<string, string> = check.success ? {} : fieldErrors(check.error);
  const errors: Record<string, string> = {
    ...currentProblems(editor.shopperProblems, shopper),
    ...localErrors,
    ...currentProblems(startProblems, shopper),
  };
  const activeFields = FIELD_ORDER.filter((path) => !path.startsWith('address.') || shopper.address !== null);
  const firstError = activeFields.find((path) => errors[path]);

  const visibleError = (path: TextPath): string | undefined => {
    const error = errors[path];
    if (!error) return undefined;
    if (revealed[path] || startProblems?.problems[path]) return error;
    return touched[path] && error !== 'required' ? error : undefined;
  };

  const focusField = (path: TextPath) => document.getElementById(inputId(path))?.focus();

  // A start refused because of a field (SeQura's 409 mapped by main): put the cashier right on it.
  useEffect(() => {
    const path = FIELD_ORDER.find((candidate) => startProblems?.problems[candidate]);
    if (path) document.getElementById(inputId(path))?.focus();
  }, [startProblems]);

  const revealUpTo = (last: TextPath | undefined) => {
    const upTo = last ? activeFields.slice(0, activeFields.indexOf(last) + 1) : activeFields;
    setRevealed((current) => ({ ...current, ...Object.fromEntries(upTo.map((path) => [path, true])) }));
  };

  // Enter in a field that is right moves to the next field in reading order that is still empty or wrong
  // ("Segundo apellido" included: it is where a keyboard cashier types next, even though only a DNI makes it
  // required; the document's support number and the address's second line are skipped while optional).
  // Enter in a wrong field says what is wrong there. With nothing left to fill, it sends.
  const onEnter = (event: FormEvent) => {
    event.preventDefault();
    const activePath = activeFields.find((path) => document.activeElement?.id === inputId(path));
    const isEmpty = (path: TextPath) => String(valueAtPath(shopper, path) ?? '').trim() === '';
    if (activePath && errors[activePath] && !isEmpty(activePath)) {
      revealUpTo(activePath);
      focusField(activePath);
      return;
    }
    const after = activePath ? activeFields.slice(activeFields.indexOf(activePath) + 1) : activeFields;
    const skippable = (path: TextPath) => (path === 'ninControl' && !requireNinControl) || path === 'address.line2';
    const next = after.find((path) => errors[path] || (isEmpty(path) && !skippable(path)));
    if (next) {
      focusField(next);
      return;
    }
    if (!firstError) return onStart();
    revealUpTo(firstError);
    focusField(firstError);
  };

  const send = () => {
    revealUpTo(undefined);
    if (firstError) focusField(firstError);
    else onStart();
  };

  const toggleAddress = (on: boolean) => {
    if (!on) lastAddress.current = shopper.address;
    // Unticking keeps what was typed, so ticking again brings it back.
    updateShopper((current) => ({ ...current, address: on ? (lastAddress.current ?? emptyShopperAddress()) : null }));
  };

  const fieldProps = (path: TextPath) => ({
    path,
    value: String(valueAtPath(shopper, path) ?? ''),
    error: visibleError(path),
    onChange: (value: string) => updateShopper((current) => setAtPath(current, path, value)),
    onLeave: () => setTouched((current) => ({ ...current, [path]: true })),
  });

  const mobile = validateSpanishMobile(shopper.mobile);
  const totals = cartTotals(sale.cart);
  const articles = sale.cart.lines.reduce((sum, line) => sum + line.quantity, 0);
  const sequraDown = status?.connectivity.state === 'unreachable' || status?.connectivity.state === 'offline';
  const starting = controller.busy === 'start';

  return (
    <StepFrame sale={sale} title={t('shopper.title')} showSummary={false}>
      <div className="cart-recap" data-testid="shopper-cart-recap">
        <span>
          {t('shopper.cartRecap', { count: articles })} ·{' '}
          <strong>
            {t('cart.totals.financed')}: {formatCents(totals.financedCents)}
          </strong>
        </span>
        <button
          type="button"
          className="button link"
          onClick={() => void editor.saveNow('cart')}
          data-testid="shopper-back-to-cart"
        >
          {t('shopper.backToCart')}
        </button>
      </div>

      {sequraDown && (
        <p className="notice notice-warn" data-testid="shopper-offline-note">
          {t('shopper.offlineNote')}
        </p>
      )}

      <form className="shopper-form" onSubmit={onEnter} noValidate aria-label={t('shopper.title')}>
        <div className="field-row three">
          <TextField
            {...fieldProps('givenNames')}
            label={t('shopper.givenNames')}
            maxLength={100}
            autoComplete="off"
            autoFocus
          />
          <TextField
            {...fieldProps('firstSurname')}
            label={t('shopper.firstSurname')}
            maxLength={100}
            autoComplete="off"
          />
          <TextField
            {...fieldProps('secondSurname')}
            label={t('shopper.secondSurname')}
            hint={t('shopper.secondSurnameHint')}
            maxLength={100}
            autoComplete="off"
          />
        </div>
        <div className="field-row three">
          <TextField
            {...fieldProps('nin')}
            label={t('shopper.nin')}
            hint={t('shopper.ninHint')}
            maxLength={20}
            autoComplete="off"
            upperCase
          />
          <TextField
            {...fieldProps('ninControl')}
            label={requireNinControl ? t('shopper.ninControlRequired') : t('shopper.ninControl')}
            hint={t('shopper.ninControlHint')}
            maxLength={20}
            autoComplete="off"
            upperCase
          />
          <DateOfBirthField
            {...fieldProps('dateOfBirth')}
            label={t('shopper.dateOfBirth')}
            hint={t('shopper.dateOfBirthHint')}
          />
        </div>
        <div className="field-row two">
          <TextField
            {...fieldProps('mobile')}
            label={t('shopper.mobile')}
            hint={t('shopper.mobileHint')}
            maxLength={20}
            inputMode="tel"
            autoComplete="off"
            extra={
              mobile.ok && (
                <p className="readback" data-testid="mobile-readback">
                  {t('shopper.mobileReadback')} <strong>{maskMobile(shopper.mobile)}</strong>
                </p>
              )
            }
          />
          <TextField
            {...fieldProps('email')}
            label={t('shopper.email')}
            maxLength={254}
            inputMode="email"
            autoComplete="off"
          />
        </div>

        <label className="checkbox">
          <input
            type="checkbox"
            checked={shopper.address !== null}
            onChange={(e) => toggleAddress(e.target.checked)}
            data-testid="shopper-address-toggle"
          />
          {t('shopper.addAddress')}
        </label>
        {shopper.address !== null && (
          <fieldset className="address">
            <legend>{t('shopper.address')}</legend>
            <div className="field-row two">
              <TextField
                {...fieldProps('address.line1')}
                label={t('shopper.addressLine1')}
                maxLength={200}
                autoComplete="off"
              />
              <TextField
                {...fieldProps('address.line2')}
                label={t('shopper.addressLine2')}
                maxLength={200}
                autoComplete="off"
              />
            </div>
            <div className="field-row two">
              <TextField
                {...fieldProps('address.postalCode')}
                label={t('shopper.postalCode')}
                maxLength={10}
                inputMode="numeric"
                autoComplete="off"
              />
              <TextField {...fieldProps('address.city')} label={t('shopper.city')} maxLength={100} autoComplete="off" />
            </div>
          </fieldset>
        )}
        {/* Enter in any field submits this form; the visible buttons below do the same as their labels say. */}
        <button type="submit" hidden />
      </form>

      <ErrorNotice error={controller.error ?? sale.lastError} />
      <div className="actions">
        <button
          type="button"
          className="button primary"
          onClick={send}
          disabled={controller.busy !== null}
          data-testid="shopper-start"
        >
          {starting ? t('shopper.starting') : t('shopper.start')}
        </button>
        <button
          type="button"
          className="button secondary"
          onClick={() => void editor.saveNow('cart')}
          data-testid="shopper-back"
        >
          {t('shopper.backToCart')}
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

interface FieldProps {
  path: TextPath;
  label: string;
  value: string;
  error: string | undefined;
  hint?: string;
  onChange: (value: string) => void;
  onLeave: () => void;
}

function FieldShell({
  path,
  label,
  error,
  hint,
  extra,
  children,
}: Pick<FieldProps, 'path' | 'label' | 'error' | 'hint'> & { extra?: ReactNode; children: ReactNode }) {
  const validationText = useValidationText();
  const id = inputId(path);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && !error && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`} data-testid={`${id}-error`}>
          {validationText(error)}
        </p>
      )}
      {extra}
    </div>
  );
}

function describedBy(path: TextPath, error: string | undefined, hint: string | undefined): string | undefined {
  const id = inputId(path);
  if (error) return `${id}-error`;
  return hint ? `${id}-hint` : undefined;
}

function TextField({
  path,
  label,
  value,
  error,
  hint,
  onChange,
  onLeave,
  maxLength,
  inputMode,
  autoComplete,
  autoFocus = false,
  upperCase = false,
  extra,
}: FieldProps & {
  maxLength: number;
  inputMode?: 'tel' | 'email' | 'numeric';
  autoComplete?: string;
  autoFocus?: boolean;
  /** Shown in capitals (DNI letters); the value keeps what was typed and the schema normalizes it. */
  upperCase?: boolean;
  extra?: ReactNode;
}) {
  return (
    <FieldShell path={path} label={label} error={error} hint={hint} extra={extra}>
      <input
        id={inputId(path)}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onBlur={onLeave}
        maxLength={maxLength}
        inputMode={inputMode}
        autoComplete={autoComplete}
        spellCheck={false}
        className={upperCase ? 'upper' : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(path, error, hint)}
        data-autofocus={autoFocus ? '' : undefined}
      />
    </FieldShell>
  );
}

/**
 * The date of birth is typed day first ('15/03/1990', as on a DNI) and kept in the draft as ISO, which is
 * what the shared schema checks. The text box keeps exactly what was typed while the cashier is in it.
 */
function DateOfBirthField({ path, label, value, error, hint, onChange, onLeave }: FieldProps) {
  const { t } = useI18n();
  const [text, setText] = useState(() => isoDateToDayFirst(value));
  return (
    <FieldShell path={path} label={label} error={error} hint={hint}>
      <input
        id={inputId(path)}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          onChange(dayFirstToIsoDate(event.target.value));
        }}
        onBlur={() => {
          // Tidy '15/3/1990' into '15/03/1990' once the cashier is done with it.
          setText(isoDateToDayFirst(value));
          onLeave();
        }}
        maxLength={10}
        inputMode="numeric"
        placeholder={t('shopper.dateOfBirthPlaceholder')}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(path, error, hint)}
      />
    </FieldShell>
  );
}
