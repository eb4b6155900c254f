import { z } from 'zod';
import { ConfigStatusSchema, PolicySchema, SessionSchema, SetupSchema } from './admin-schemas.ts';

import { LanguageSchema } from '../i18n/languages.ts';

export { LanguageSchema, type Language } from '../i18n/languages.ts';

const IsoDateTime = z.string().max(40);

/** What the till knows about reaching SeQura: from SeQura's own answers plus a light probe. */
export const ConnectivitySchema = z.object({
  /**
   * `not_used`: the till does not call SeQura at all right now (the database recovery screen), so it neither
   * checks nor claims to.
   */
  state: z.enum(['unknown', 'online', 'unreachable', 'offline', 'not_used']),
  /** When the current state began (e.g. "SeQura unreachable since 10:42"). */
  since: IsoDateTime.nullable(),
  lastCheckedAt: IsoDateTime.nullable(),
  /** Network error name of the last failure, for store IT (never personal data). */
  lastError: z.string().max(200).nullable(),
  pendingCount: z.number().int().min(0),
  oldestPendingAt: IsoDateTime.nullable(),
});
export type Connectivity = z.infer<typeof ConnectivitySchema>;

/**
 * A store file (journal, outbox, settings, a history month) the till could not use at start: set aside
 * (renamed, kept for support), never silently replaced. `corrupt`: not JSON or not the shape we write;
 * `newer_version`: written by a newer app version (the till was downgraded).
 */
export const RecoveryFileSchema = z.object({
  name: z.string().max(100),
  setAsidePath: z.string().max(1000),
  reason: z.enum(['corrupt', 'newer_version']),
  /** What was wrong, when known (only for files set aside during this run of the app). */
  detail: z.string().max(300).nullable(),
  at: IsoDateTime,
});
export type RecoveryFile = z.infer<typeof RecoveryFileSchema>;

export const RecoveryNoticeSchema = z.object({ files: z.array(RecoveryFileSchema).max(50) });
export type RecoveryNotice = z.infer<typeof RecoveryNoticeSchema>;

/**
 * The till database could not be used at start, and the till does not sell until store IT acts
 * (docs/it-guide.md): `damaged` (it failed its integrity check and was moved, untouched, to `keptAt`) or
 * `missing` (a database existed in this data folder and is gone). Never an empty start in its place.
 */
export const DatabaseNoticeSchema = z.object({
  kind: z.enum(['damaged', 'missing']),
  /** The folder the damaged database (with its -wal and -shm) was moved to. */
  keptAt: z.string().max(1000).nullable(),
  /** What SQLite's check said, for store IT. */
  detail: z.string().max(300).nullable(),
  at: IsoDateTime,
  /** The last ticket number this till is known to have handed out. */
  lastTicket: z.string().max(100).nullable(),
  /** Where store IT puts the one-time permission to start a new, empty database. */
  permissionFile: z.string().max(1000).nullable(),
});
export type DatabaseNotice = z.infer<typeof DatabaseNoticeSchema>;

export const TillStatusSchema = z.object({
  appVersion: z.string().max(40),
  mode: z.enum(['training', 'live']),
  environment: z.object({
    kind: z.enum(['training-sandbox', 'sandbox', 'live', 'custom']),
    baseUrl: z.string().max(500),
  }),
  merchantId: z.string().max(100),
  storeRef: z.string().max(100),
  tillId: z.string().max(100),
  language: LanguageSchema,
  connectivity: ConnectivitySchema,
  /** Only in training mode: where a trainee opens the virtual shopper phone. */
  trainingPhoneBaseUrl: z.string().max(500).nullable(),
  /** Files set aside at start that nobody has acknowledged yet; the renderer shows the recovery screen. */
  recovery: RecoveryNoticeSchema.nullable(),
  /** The till database could not be used at start: the renderer shows only the database recovery screen. */
  database: DatabaseNoticeSchema.nullable(),
  /** The machine configuration file: state, problems naming the key, values shown read-only. */
  config: ConfigStatusSchema,
  /** Store policy the sale screens follow (nin_control, offline goods release, …). */
  policy: PolicySchema,
  /**
   * The signed-in operator; `null`: nobody is signed in and the sign-in screen shows. Always present: a status
   * without a session must never read as "unlocked".
   */
  session: SessionSchema.nullable(),
  /** First-run and credential enrolment state for the sign-in and admin screens. */
  setup: SetupSchema,
});
export type TillStatus = z.infer<typeof TillStatusSchema>;
