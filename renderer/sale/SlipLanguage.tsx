import { useState } from 'react';
import { LANGUAGES, LANGUAGE_NAMES, type Language } from '../../shared/i18n/languages.ts';
import { makeI18n, useI18n, type I18n } from '../i18n/i18n.tsx';

// The slip is the shopper's: the cashier picks its language per sale (a Catalan-speaking shopper at a till
// run in Spanish takes home a Catalan slip). The choice is kept per sale for as long as the app is open, so
// leaving the screen and coming back, or printing a copy from the history, keeps it.
const chosen = new Map<string, Language>();

/** The slip's language for a sale (the till's language until the cashier picks another) and its formatter. */
export function useSlipLanguage(saleId: string): { language: Language; slip: I18n; choose(next: Language): void } {
  const { language: uiLanguage } = useI18n();
  const [language, setLanguage] = useState<Language>(chosen.get(saleId) ?? uiLanguage);
  return {
    language,
    slip: makeI18n(language),
    choose(next) {
      chosen.set(saleId, next);
      setLanguage(next);
    },
  };
}

export function SlipLanguagePicker({ value, onChange }: { value: Language; onChange(next: Language): void }) {
  const { t } = useI18n();
  return (
    <label className="field slip-language no-print">
      <span>{t('slip.language')}</span>
      <select value={value} onChange={(e) => onChange(e.target.value as Language)} data-testid="slip-language">
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LANGUAGE_NAMES[code]}
          </option>
        ))}
      </select>
    </label>
  );
}
