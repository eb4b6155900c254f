import { isValidationCode } from '../../shared/sale/validation-codes.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { validationEn } from '../i18n/validation-en.ts';
import { validationEs } from '../i18n/validation-es.ts';

/**
 * The sentence for a validation code from the shared schemas (or from main's `problems`). Main sends codes as
 * plain strings, so an unknown one still gets a sentence ("not valid") instead of a raw key on screen.
 */
export function useValidationText(): (code: string) => string {
  const { language } = useI18n();
  const catalogue = language === 'en' ? validationEn : validationEs;
  return (code) => catalogue[isValidationCode(code) ? code : 'invalid'];
}
