import { z } from 'zod';
import type { Channel } from './channels.ts';

// Requests and answers of the channels store IT and managers use: operators and sign-in, credentials,
// machine configuration, audit and diagnostics. Spread into the one contract (contract.ts).
//
// Nothing here ever carries a SeQura credential back to the renderer: credentials only travel renderer → main
// (typed once in the admin screen), and every answer says at most "credentials are stored" (a boolean).
// tests/integration/no-secrets-to-renderer.test.ts audits every response schema for that.

const IsoDateTime = z.string().max(40);
const Empty = z.object({}).strict();

/** Operator ids are what cashiers type at the sign-in screen and what SeQura receives as `operator_ref`. */
export const OperatorIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'letters, digits, "-" or "_", at most 16');
/** PINs are digits only (numeric keypad at the till), 4 to 8 of them. */
export const PinSchema = z.string().regex(/^\d{4,8}$/, '4 to 8 digits');
export const OperatorRoleSchema = z.enum(['cashier', 'manager']);
export type OperatorRole = z.infer<typeof OperatorRoleSchema>;
const DisplayNameSchema = z.string().trim().min(1).max(60);

/**
 * The documented training operators of a fresh install (docs/it-guide.md, "Training mode"). They exist only
 * while the till is in training mode, so their well-known PINs can never sign in to a live till, and they can
 * never store credentials or switch a till to live (that needs a real manager).
 */
export const TRAINING_OPERATORS = [
  { id: '0001', role: 'cashier', pin: '1111' },
  { id: '0009', role: 'manager', pin: '9999' },
] as const satisfies ReadonlyArray<{ id: string; role: OperatorRole; pin: string }>;

// ------------------------------------------------------------------------------------------- session

export const SessionSchema = z.object({
  operatorRef: z.string().max(64),
  displayName: z.string().max(60),
  role: OperatorRoleSchema,
  /** Signed in with one of TRAINING_OPERATORS. */
  trainingOperator: z.boolean(),
  signedInAt: IsoDateTime,
  /** Locked (manually or after the idle time): the sale in progress is kept; the same PIN unlocks. */
  locked: z.boolean(),
  lockedReason: z.enum(['manual', 'idle']).nullable(),
  /** A manager PIN opened the settings for a few minutes. */
  elevated: z.boolean(),
  /** That manager is a real (stored) one, not the training manager: only they can change live settings. */
  elevatedByRealManager: z.boolean(),
});
export type Session = z.infer<typeof SessionSchema>;

export const SessionResponse = z.object({ session: SessionSchema.nullable() });
export const SignInRequest = z.object({ operatorId: OperatorIdSchema, pin: PinSchema }).strict();
export const UnlockRequest = z.object({ pin: PinSchema }).strict();
export const ElevateRequest = z.object({ managerPin: PinSchema }).strict();

// ----------------------------------------------------------------------------------------- operators

export const OperatorViewSchema = z.object({
  id: z.string().max(16),
  displayName: z.string().max(60),
  role: OperatorRoleSchema,
  disabled: z.boolean(),
  createdAt: IsoDateTime,
});
export type OperatorView = z.infer<typeof OperatorViewSchema>;

export const OperatorsListResponse = z.object({ operators: z.array(OperatorViewSchema).max(500) });
export const CreateOperatorRequest = z
  .object({ id: OperatorIdSchema, displayName: DisplayNameSchema, role: OperatorRoleSchema, pin: PinSchema })
  .strict();
export const BootstrapManagerRequest = z
  .object({ id: OperatorIdSchema, displayName: DisplayNameSchema, pin: PinSchema })
  .strict();
export const SetPinRequest = z.object({ id: OperatorIdSchema, pin: PinSchema }).strict();
export const SetDisabledRequest = z.object({ id: OperatorIdSchema, disabled: z.boolean() }).strict();

// -------------------------------------------------------------------------------------- credentials

/** Typed by a manager; HTTP Basic forbids ':' in the user name, and control characters are never valid. */
export const CredentialsInputSchema = z
  .object({
    username: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[^:\p{Cc}]+$/u, 'no ":" or control characters'),
    password: z
      .string()
      .min(1)
      .max(500)
      .regex(/^[^\p{Cc}]+$/u, 'no control characters'),
  })
  .strict();

export const ConnectionProblemSchema = z.enum([
  'no_config', //           no valid machine configuration: no SeQura host or merchant to test against
  'no_credentials', //      nothing typed and nothing stored
  'auth', //                SeQura answered 401/403: wrong user or password
  'merchant_not_found', //  the credentials work but do not reach the configured merchant id
  'unreachable', //         no answer (network, proxy, firewall, TLS)
  'unexpected', //          an answer we could not understand
]);

export const ConnectionTestResultSchema = z.object({
  ok: z.boolean(),
  testedAt: IsoDateTime,
  baseUrl: z.string().max(500).nullable(),
  /** The merchant id from the machine configuration the till will sell for. */
  merchantId: z.string().max(100).nullable(),
  /** What `GET /merchants/credentials` answered: the merchant accounts these credentials reach. */
  merchants: z
    .array(
      z.object({
        ref: z.string().max(100),
        name: z.string().max(200).nullable(),
        country: z.string().max(10),
        allowedCountries: z.array(z.string().max(10)).max(50),
      }),
    )
    .max(100),
  problem: ConnectionProblemSchema.nullable(),
  /** Network error name or SeQura's status, for store IT (never a credential). */
  detail: z.string().max(500).nullable(),
});
export type ConnectionTestResult = z.infer<typeof ConnectionTestResultSchema>;

export const TestConnectionRequest = z.object({ credentials: CredentialsInputSchema.optional() }).strict();
export const SaveCredentialsRequest = z.object({ credentials: CredentialsInputSchema, managerPin: PinSchema }).strict();
export const SaveCredentialsResponse = z.object({ test: ConnectionTestResultSchema, restarting: z.boolean() });
export const ManagerPinRequest = z.object({ managerPin: PinSchema }).strict();
const DiagnosticsExportRequest = z.object({ managerPin: PinSchema.optional() }).strict();
export const RestartResponse = z.object({ restarting: z.boolean() });

/** The last attempt to enrol credentials from the one-time file (docs/it-guide.md, "Credentials"). */
export const EnrolmentStatusSchema = z.object({
  at: IsoDateTime,
  outcome: z.enum(['enrolled', 'rejected', 'unreachable', 'waiting_for_config', 'invalid_file', 'not_stored']),
  /** Whether the file was deleted (kept while SeQura cannot be reached, the config is missing or the OS keychain cannot store). */
  fileDeleted: z.boolean(),
  detail: z.string().max(500).nullable(),
});
export type EnrolmentStatus = z.infer<typeof EnrolmentStatusSchema>;
export const EnrolFromFileResponse = z.object({ enrolment: EnrolmentStatusSchema.nullable(), restarting: z.boolean() });

// ------------------------------------------------------------------------------------ audit, diagnostics

/**
 * The audit log's tamper check (electron/core/audit/audit-chain.ts): ok; broken (an entry edited, inserted or
 * removed, the tail or a month cut, the chain rewritten; `problem` and `brokenAtSeq` say what and where); or
 * unverifiable (entries written under a till key this till no longer has, after a keychain reset).
 */
export const AuditChainSchema = z.object({
  state: z.enum(['ok', 'broken', 'unverifiable']),
  entries: z.number().int().min(0),
  problem: z
    .enum([
      'unreadable_entry',
      'sequence_gap',
      'broken_link',
      'head_missing',
      'head_invalid',
      'tail_removed',
      'head_mismatch',
      'alarm_recorded',
    ])
    .nullable(),
  brokenAtSeq: z.number().int().nullable(),
  unverifiable: z.number().int().min(0),
});
export type AuditChain = z.infer<typeof AuditChainSchema>;

export const ExportResponse = z.object({
  path: z.string().max(1000),
  bytes: z.number().int().min(0),
  entries: z.number().int().min(0),
  /** Audit export only: what the export's header says about the chain. */
  chain: AuditChainSchema.optional(),
});

// ------------------------------------------------------------------------------------- till status parts

/** The machine configuration as the till read it; values shown read-only (they come from store IT's file). */
export const ConfigStatusSchema = z.object({
  state: z.enum(['absent', 'ok', 'invalid']),
  path: z.string().max(1000).nullable(),
  problems: z.array(z.object({ key: z.string().max(200), problem: z.string().max(500) })).max(100),
  values: z.array(z.object({ key: z.string().max(100), value: z.string().max(500) })).max(50),
});
export type ConfigStatus = z.infer<typeof ConfigStatusSchema>;

/** Store policy that the sale screens follow (from the machine configuration, or the training defaults). */
export const PolicySchema = z.object({
  requireNinControl: z.boolean(),
  usesShippedCart: z.boolean(),
  offlineGoodsRelease: z.enum(['hold', 'manager_pin']),
  allowedProducts: z.array(z.string().max(20)).max(20).nullable(),
  autoLockMinutes: z.number().int().min(0),
  personalDataDays: z.number().int().min(1),
  retentionDays: z.number().int().min(1),
  /** The slip's roll: printed silently by main when a receipt printer is configured, else the print dialog. */
  receipt: z.object({
    printerConfigured: z.boolean(),
    paperWidthMm: z.union([z.literal(58), z.literal(80)]),
  }),
});
export type Policy = z.infer<typeof PolicySchema>;

export const SetupSchema = z.object({
  /** A real (stored) manager exists; until then the sign-in screen offers to create one. */
  managerExists: z.boolean(),
  /**
   * Operators existed on this till and are gone (a damaged or lost database): the sign-in screen says so and
   * never offers to create a first manager; store IT restores them (docs/it-guide.md).
   */
  operatorsLost: z.boolean(),
  credentialsStored: z.boolean(),
  /** Where store IT drops the one-time credentials file (null when the config location is unknown). */
  enrolmentFilePath: z.string().max(1000).nullable(),
  enrolment: EnrolmentStatusSchema.nullable(),
  /** Why the till is in training although credentials are stored (e.g. no valid configuration). */
  liveBlockedReason: z.enum(['no_config', 'config_invalid', 'no_credentials']).nullable(),
  /** The audit log's tamper check, as of the start or the last export. */
  auditChain: AuditChainSchema,
});
export type Setup = z.infer<typeof SetupSchema>;

/** The full integrity check of the till database (PRAGMA integrity_check), run from the settings. */
export const DatabaseCheckResponse = z.object({
  ok: z.boolean(),
  /** SQLite's own words for each problem found (the first few). */
  problems: z.array(z.string().max(300)).max(20),
  checkedAt: z.string().max(40),
  durationMs: z.number().int().min(0),
});
export type DatabaseCheck = z.infer<typeof DatabaseCheckResponse>;

// ----------------------------------------------------------------------------------------- contract

export const adminContract = {
  'session.signIn': { request: SignInRequest, response: SessionResponse },
  'session.signOut': { request: Empty, response: SessionResponse },
  'session.lock': { request: Empty, response: SessionResponse },
  'session.unlock': { request: UnlockRequest, response: SessionResponse },
  'session.activity': { request: Empty, response: z.object({ locked: z.boolean() }) },
  'session.elevate': { request: ElevateRequest, response: SessionResponse },
  'session.endElevation': { request: Empty, response: SessionResponse },
  'operators.list': { request: Empty, response: OperatorsListResponse },
  'operators.create': { request: CreateOperatorRequest, response: OperatorsListResponse },
  'operators.bootstrapManager': { request: BootstrapManagerRequest, response: OperatorsListResponse },
  'operators.setPin': { request: SetPinRequest, response: OperatorsListResponse },
  'operators.setDisabled': { request: SetDisabledRequest, response: OperatorsListResponse },
  'admin.testConnection': { request: TestConnectionRequest, response: ConnectionTestResultSchema },
  'admin.saveCredentials': { request: SaveCredentialsRequest, response: SaveCredentialsResponse },
  'admin.removeCredentials': { request: ManagerPinRequest, response: RestartResponse },
  'admin.enrolFromFile': { request: Empty, response: EnrolFromFileResponse },
  'admin.reloadConfig': { request: Empty, response: RestartResponse },
  'admin.checkDatabase': { request: Empty, response: DatabaseCheckResponse },
  'audit.export': { request: Empty, response: ExportResponse },
  // A manager's session, or (on the configuration-problem screen, where nobody can sign in to sell) a manager PIN.
  'diagnostics.export': { request: DiagnosticsExportRequest, response: ExportResponse },
} satisfies Partial<Record<Channel, { request: z.ZodType; response: z.ZodType }>>;

export type AdminChannel = keyof typeof adminContract;
