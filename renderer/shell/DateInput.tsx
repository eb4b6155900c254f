import { useEffect, useRef, useState } from 'react';
import { parseIsoDate } from '../../shared/sale/shopper.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { dayFirstToIsoDate, isoDateToDayFirst } from '../sale/dates.ts';

// A date typed as dd/mm/aaaa in every language and whatever the browser's or the operating system's locale
// (the browser's own `type="date"` follows the OS: mm/dd/yyyy on an English Windows). The value is an ISO
// 'YYYY-MM-DD' day, or '' while the field is empty or not yet a real date. What is wrong is said in words:
// a wrong format ("3/2010") is not the same mistake as a date that does not exist ("31/02/2010").
export function DateInput({
  id,
  value,
  onChange,
  required = false,
  testId,
}: {
  id: string;
  value: string;
  onChange(iso: string): void;
  required?: boolean;
  testId?: string;
}) {
  const { t } = useI18n();
  const [text, setText] = useState(() => isoDateToDayFirst(value));
  const [touched, setTouched] = useState(false);
  // A value set from outside (a "clear" button, a default day) replaces what is shown; our own don't.
  const emitted = useRef(value);
  useEffect(() => {
    if (value === emitted.current) return;
    emitted.current = value;
    setText(isoDateToDayFirst(value));
  }, [value]);
  const emit = (iso: string) => {
    emitted.current = iso;
    onChange(iso);
  };

  const iso = dayFirstToIsoDate(text);
  const problem =
    text.trim() === ''
      ? null
      : !/^\d{4}-\d{2}-\d{2}$/.test(iso)
        ? t('dateInput.format')
        : parseIsoDate(iso) === null
          ? t('dateInput.impossible', { date: text.trim() })
          : null;
  const showProblem = touched && problem !== null;
  return (
    <>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        placeholder={t('dateInput.placeholder')}
        value={text}
        required={required}
        aria-invalid={showProblem || undefined}
        aria-describedby={showProblem ? `${id}-error` : undefined}
        data-testid={testId}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          const nextIso = dayFirstToIsoDate(next);
          emit(parseIsoDate(nextIso) ? nextIso : '');
        }}
        onBlur={() => setTouched(true)}
      />
      {showProblem && (
        <span
          className="field-error"
          id={`${id}-error`}
          role="alert"
          data-testid={testId ? `${testId}-error` : undefined}
        >
          {problem}
        </span>
      )}
    </>
  );
}
