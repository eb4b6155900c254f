import type { Translate } from './i18n.tsx';

// SeQura answers in English ("The order is under review; …"). The known answers are explained in the till's
// language; SeQura's own words stay available, verbatim, under "details" (and in the sale's timeline), because
// they are what SeQura support will ask for. Matched by meaning-bearing fragments, not whole sentences, so a
// reworded answer with the same meaning still finds its explanation; an unknown one is never guessed.
const KNOWN = [
  [/has not been approved yet/i, 'sequraWords.notApprovedYet'],
  [/under review|on hold/i, 'sequraWords.underReview'],
  [/was rejected/i, 'sequraWords.rejected'],
  [/expired/i, 'sequraWords.expired'],
  [/was cancelled/i, 'sequraWords.cancelled'],
  [/too many sms/i, 'sequraWords.smsLimit'],
  [/only sends sms to spanish mobile/i, 'sequraWords.notSpanishMobile'],
  [/no mobile phone number/i, 'sequraWords.noMobile'],
  [/outside min_amount|max_amount/i, 'sequraWords.outsideLimits'],
  [/is not available for merchant/i, 'sequraWords.productNotOffered'],
  [/campaign/i, 'sequraWords.campaign'],
  [/is already used by another confirmed order/i, 'sequraWords.duplicateReference'],
  [/total cannot be raised/i, 'sequraWords.totalRaised'],
  [/can only be sent while the order is solicited/i, 'sequraWords.formNotSolicited'],
  [/invalid data|param is missing/i, 'sequraWords.invalidData'],
] as const satisfies ReadonlyArray<readonly [RegExp, string]>;

/** The explanation of one of SeQura's reasons in the till's language, or null when the till does not know it. */
export function explainSequraReason(reason: string, t: Translate): string | null {
  const known = KNOWN.find(([pattern]) => pattern.test(reason));
  return known ? t(known[1]) : null;
}
