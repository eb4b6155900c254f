import { isValidationCode } from '../../shared/sale/validation-codes.ts';
import { useI18n, validationCatalogues } from '../i18n/i18n.tsx';

/**
 * The sentence for a validation code from the shared schemas (or from main's `problems`). Main sends codes as
 * plain strings, so an unknown one still gets a sentence ("not valid") instead of a raw key on screen.
 */
export function useValidationText(): (code: string) => string {
  const { language } = useI18n();
  const catalogue = validationCatalogues[language];
  return (code) => catalogue[isValidationCode(code) ? code : 'invalid'];
}
