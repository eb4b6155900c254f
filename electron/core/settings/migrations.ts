import { z } from 'zod';
import { LanguageSchema, type Language } from '../../../shared/ipc/status-schemas.ts';
import type { StoreSpec } from '../storage/versioned-store.ts';

// The till's own settings (settings.json; the machine config store IT deploys is separate and read-only).
// To change the format: bump `currentVersion`, add `migrations[old]` with a test, update `validate`.
//
//  v1 → v2: `acknowledgedRecoveries` — the set-aside files (relative paths) someone has already seen on the
//           recovery screen, so the notice shows until acknowledged and not after.
//  v2 → v3: `operatorLanguages` — each operator's language (operator reference → code), applied when they
//           sign in; `language` stays the till's own (the sign-in screen, and operators who never chose).
export interface SettingsFile extends Record<string, unknown> {
  schemaVersion: 3;
  language: Language | null;
  acknowledgedRecoveries: string[];
  operatorLanguages: Record<string, Language>;
}

export const DEFAULT_SETTINGS: SettingsFile = {
  schemaVersion: 3,
  language: null,
  acknowledgedRecoveries: [],
  operatorLanguages: {},
};

const SettingsShape = z.looseObject({
  schemaVersion: z.literal(3),
  language: LanguageSchema.nullable(),
  acknowledgedRecoveries: z.array(z.string().max(1000)).max(10_000),
  operatorLanguages: z.record(z.string().max(64), LanguageSchema),
});

export const SETTINGS_SPEC: StoreSpec = {
  currentVersion: 3,
  migrations: {
    1: (data) => ({ ...data, schemaVersion: 2, language: data.language ?? null, acknowledgedRecoveries: [] }),
    2: (data) => ({ ...data, schemaVersion: 3, operatorLanguages: {} }),
  },
  validate: (data) => {
    const parsed = SettingsShape.safeParse(data);
    if (parsed.success) return null;
    const issue = parsed.error.issues[0]!;
    return `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`;
  },
};
