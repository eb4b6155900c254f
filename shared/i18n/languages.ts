import { z } from 'zod';

// The till's languages. Adding one (Basque, Galician, Portuguese…) is: its code, locale and name here, one
// catalogue file `renderer/i18n/<code>.ts` (like ca.ts) registered in renderer/i18n/i18n.tsx, and the quit
// warning's five sentences in quit-warning.ts. TypeScript lists every missing sentence.
export const LANGUAGES = ['es', 'ca', 'en'] as const;
export const LanguageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof LanguageSchema>;

/** The BCP 47 locale each language formats numbers, dates and plurals with: the till's, never the OS's. */
export const LOCALES: Record<Language, string> = { es: 'es-ES', ca: 'ca-ES', en: 'en-GB' };

/** Each language's name in itself, as the language menu shows it. */
export const LANGUAGE_NAMES: Record<Language, string> = { es: 'Español', ca: 'Català', en: 'English' };
