import { createContext, useContext, type ReactNode } from 'react';
import type { Language } from '../../shared/ipc/status-schemas.ts';
import { en } from './en.ts';
import { es, type MessageKey } from './es.ts';

const catalogues: Record<Language, Record<MessageKey, string>> = { es, en };
const locales: Record<Language, string> = { es: 'es-ES', en: 'en-GB' };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(language: Language): Translate {
  const catalogue = catalogues[language];
  return (key, params) => {
    const template = catalogue[key] ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
  };
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
  // Prices are shown in Spanish euro format for both languages (es-ES, EUR) as the issue asks; only the
  // words change with the language.
  const money = new Intl.NumberFormat('es-ES', { style: 'currency', currency: 'EUR' });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
  return {
    language,
    locale,
    t: translator(language),
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
