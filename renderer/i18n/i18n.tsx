import { createContext, useContext, type ReactNode } from 'react';
import { IntlMessageFormat } from 'intl-messageformat';
import { LOCALES, type Language } from '../../shared/i18n/languages.ts';
import type { ValidationCode } from '../../shared/sale/validation-codes.ts';
import { ca, validationCa } from './ca.ts';
import { en } from './en.ts';
import { es, type MessageKey } from './es.ts';
import { validationEn } from './validation-en.ts';
import { validationEs } from './validation-es.ts';
import type { IcuParams } from './icu-params.ts';
import { pseudoLocaleOn, pseudoLocalize } from './pseudo.ts';

// Every message is ICU MessageFormat ("{count, plural, one {# artículo} other {# artículos}}"), formatted by
// FormatJS's intl-messageformat with the till's language: plural rules, numbers and dates follow the
// language the operator chose, never the browser's or the operating system's.
export const catalogues: Record<Language, Record<MessageKey, string>> = { es, ca, en };
/** The sentence for each validation code of the shared schemas, per language. */
export const validationCatalogues: Record<Language, Record<ValidationCode, string>> = {
  es: validationEs,
  ca: validationCa,
  en: validationEn,
};
const locales = LOCALES;

type Catalogue = typeof es;
type AllUses<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** The values a key needs, read from the Spanish source text; for a union of keys, what all of them need. */
export type MessageParams<K extends MessageKey> = AllUses<K extends MessageKey ? IcuParams<Catalogue[K]> : never>;
type ParamsArgument<K extends MessageKey> = [keyof MessageParams<K>] extends [never]
  ? [params?: Record<string, never>]
  : [params: MessageParams<K>];

export type Translate = <K extends MessageKey>(key: K, ...params: ParamsArgument<K>) => string;

const translators = new Map<string, Translate>();

export function translator(language: Language, pseudo = false): Translate {
  const cacheKey = `${language}${pseudo ? ':pseudo' : ''}`;
  const cached = translators.get(cacheKey);
  if (cached) return cached;
  const catalogue = catalogues[language];
  const locale = locales[language];
  const compiled = new Map<MessageKey, IntlMessageFormat>();
  const translate = (key: MessageKey, params?: Record<string, string | number | Date>): string => {
    let message = compiled.get(key);
    if (!message) {
      // ignoreTag: "<" is plain text in our messages, not FormatJS rich-text markup.
      message = new IntlMessageFormat(catalogue[key] ?? key, locale, undefined, { ignoreTag: true });
      compiled.set(key, message);
    }
    const text = String(message.format(params));
    return pseudo ? pseudoLocalize(text) : text;
  };
  translators.set(cacheKey, translate as Translate);
  return translate as Translate;
}

export interface I18n {
  language: Language;
  locale: string;
  t: Translate;
  /** Money is integer cents everywhere; it becomes euros only here, at the edge. */
  formatCents(cents: number): string;
  formatTime(iso: string | null): string;
  formatDateTime(iso: string | null): string;
}

export function makeI18n(language: Language): I18n {
  const locale = locales[language];
  // Prices are shown in Spanish euro format in every language (es-ES, EUR), as the shop's own price labels
  // are; only the words change with the language. Never the browser's locale.
  const money = new Intl.NumberFormat('es-ES', { style: 'currency', currency: 'EUR' });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
  return {
    language,
    locale,
    t: translator(language, pseudoLocaleOn()),
    formatCents: (cents) => money.format(cents / 100),
    formatTime: (iso) => (iso ? time.format(new Date(iso)) : '—'),
    formatDateTime: (iso) => (iso ? dateTime.format(new Date(iso)) : '—'),
  };
}

const I18nContext = createContext<I18n>(makeI18n('es'));

export function I18nProvider({ language, children }: { language: Language; children: ReactNode }) {
  return <I18nContext.Provider value={makeI18n(language)}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
