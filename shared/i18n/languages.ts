import { z } from 'zod';

// The till's languages. Adding one (Basque, Galician, Portuguese…) is: its code here, its locale below, and
// one catalogue file per area under renderer/i18n/ — TypeScript then lists every missing sentence.
export const LANGUAGES = ['es', 'en'] as const;
export const LanguageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof LanguageSchema>;

/** The BCP 47 locale each language formats numbers, dates and plurals with: the till's, never the OS's. */
export const LOCALES: Record<Language, string> = { es: 'es-ES', en: 'en-GB' };

/** Each language's name in itself, as the language menu shows it. */
export const LANGUAGE_NAMES: Record<Language, string> = { es: 'Español', en: 'English' };
