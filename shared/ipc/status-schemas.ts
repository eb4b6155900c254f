import { z } from 'zod';

export const LanguageSchema = z.enum(['es', 'en']);
export type Language = z.infer<typeof LanguageSchema>;

const IsoDateTime = z.string().max(40);

/** What the till knows about reaching SeQura: from SeQura's own answers plus a light probe. */
export const ConnectivitySchema = z.object({
  state: z.enum(['unknown', 'online', 'unreachable', 'offline']),
  /** When the current state began (e.g. "SeQura unreachable since 10:42"). */
  since: IsoDateTime.nullable(),
  lastCheckedAt: IsoDateTime.nullable(),
  /** Network error name of the last failure, for store IT (never personal data). */
  lastError: z.string().max(200).nullable(),
  pendingCount: z.number().int().min(0),
  oldestPendingAt: IsoDateTime.nullable(),
});
export type Connectivity = z.infer<typeof ConnectivitySchema>;

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
});
export type TillStatus = z.infer<typeof TillStatusSchema>;
