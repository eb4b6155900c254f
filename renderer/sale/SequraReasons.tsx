import { useI18n } from '../i18n/i18n.tsx';
import { explainSequraReason } from '../i18n/sequra-words.ts';

// SeQura's reasons for a refusal: what each means in the cashier's language, then SeQura's own words
// verbatim (English, marked so) under "details" for support.
export function SequraReasons({ reasons, testId }: { reasons: readonly string[]; testId?: string }) {
  const { t } = useI18n();
  if (reasons.length === 0) return null;
  const explained = [...new Set(reasons.map((reason) => explainSequraReason(reason, t) ?? t('sequraWords.unknown')))];
  return (
    <div className="sequra-reasons" data-testid={testId}>
      <ul className="reasons" data-testid="sequra-explained">
        {explained.map((text) => (
          <li key={text}>{text}</li>
        ))}
      </ul>
      <details className="sequra-details">
        <summary>{t('sequraWords.details')}</summary>
        <ul lang="en" data-testid="sequra-original">
          {reasons.map((reason, index) => (
            <li key={index}>{reason}</li>
          ))}
        </ul>
      </details>
    </div>
  );
}
