import { isValidationCode } from '../../shared/sale/validation-codes.ts';
import { useI18n, validationCatalogues } from '../i18n/i18n.tsx';
import { pseudoLocaleOn, pseudoLocalize } from '../i18n/pseudo.ts';

/**
 * The sentence for a validation code from the shared schemas (or from main's `problems`). Main sends codes as
 * plain strings, so an unknown one still gets a sentence ("not valid") instead of a raw key on screen.
 */
export function useValidationText(): (code: string) => string {
  const { language } = useI18n();
  const catalogue = validationCatalogues[language];
  const pseudo = pseudoLocaleOn();
  return (code) => {
    const text = catalogue[isValidationCode(code) ? code : 'invalid'];
    return pseudo ? pseudoLocalize(text) : text;
  };
}
