import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LanguageSchema } from '../../../shared/i18n/languages.ts';

// The machine-wide configuration file store IT deploys (docs/it-guide.md). Validated at start with
// messages that name the key; a bad file never crashes the app: the core reports it and the renderer
// opens a screen that says what to fix. Absent file = a fresh install = training mode.
const ProductCode = z.string().regex(/^[a-z]{1,4}\d{0,2}$/, 'expected a SeQura product code such as "pp3"');

/**
 * How the till sells and keeps data. Each key's default is declared here and nowhere else: a till without a
 * configuration file (training) runs with exactly these defaults (`tillPolicy(null)`).
 */
const TillPolicySchema = z.object({
  requireNinControl: z.boolean().default(false),
  usesShippedCart: z.boolean().default(false),
  offlineGoodsRelease: z.enum(['hold', 'manager_pin']).default('hold'),
  retentionDays: z.number().int().min(7).max(3650).default(90),
  personalDataDays: z.number().int().min(1).max(3650).default(30),
  defaultLanguage: LanguageSchema.default('es'),
  /** Minutes without activity before the till locks itself (the sale in progress is kept); 0 = never. */
  autoLockMinutes: z.number().int().min(0).max(240).default(5),
});
export type TillPolicy = z.output<typeof TillPolicySchema>;

/**
 * The till's receipt printer, as the OS names it: slips print on it silently (no dialog), laid out for its
 * roll. Without it the cashier gets the system's print dialog.
 */
const ReceiptPrinterSchema = z
  .object({
    name: z.string().min(1).max(200),
    paperWidthMm: z.union([z.literal(58), z.literal(80)]).default(80),
    copies: z.number().int().min(1).max(5).default(1),
  })
  .strict();

export const MachineConfigSchema = z
  .object({
    sequra: z
      .object({
        environment: z.enum(['sandbox', 'live', 'custom']),
        baseUrl: z.url({ protocol: /^https?$/ }).optional(),
        merchantId: z.string().min(1).max(100),
      })
      .strict()
      .refine((s) => s.environment !== 'custom' || !!s.baseUrl, {
        message: 'baseUrl is required when environment is "custom"',
        path: ['baseUrl'],
      }),
    storeRef: z.string().min(1).max(64),
    tillId: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'letters, digits, "-" or "_", at most 16'),
    allowedProducts: z.array(ProductCode).max(20).optional(),
    ...TillPolicySchema.shape,
    receiptPrinter: ReceiptPrinterSchema.optional(),
  })
  .strict();
export type MachineConfig = z.output<typeof MachineConfigSchema>;

const TILL_POLICY_DEFAULTS: TillPolicy = TillPolicySchema.parse({});

/** The policy a till runs with: its configuration's (defaults filled in by the schema), or the defaults without one. */
export function tillPolicy(config: MachineConfig | null): TillPolicy {
  return config ?? TILL_POLICY_DEFAULTS;
}

/** The roll the slip is laid out for: the configured printer's, or the schema's default without a printer. */
export function receiptPaperWidthMm(config: MachineConfig | null): 58 | 80 {
  return config?.receiptPrinter?.paperWidthMm ?? ReceiptPrinterSchema.shape.paperWidthMm.parse(undefined);
}

const SEQURA_BASE_URLS = { sandbox: 'https://sandbox.sequrapi.com', live: 'https://live.sequrapi.com' } as const;

/** The SeQura host a configuration points at: the one place the environment becomes a URL. */
export function sequraBaseUrl(config: MachineConfig): string {
  // The schema refuses `custom` without a baseUrl.
  return config.sequra.environment === 'custom' ? config.sequra.baseUrl! : SEQURA_BASE_URLS[config.sequra.environment];
}

export type MachineConfigLoad =
  /** `path`: where the file was looked for (the one-time credentials file goes next to it). */
  | { kind: 'absent'; path?: string }
  | { kind: 'ok'; config: MachineConfig; path: string }
  | { kind: 'invalid'; path: string; problems: Array<{ key: string; problem: string }> };

export function defaultMachineConfigPath(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  if (env.SEQURA_POS_CONFIG) return env.SEQURA_POS_CONFIG;
  if (platform === 'win32') return `${env.ProgramData ?? 'C:\\ProgramData'}\\sequra-pos\\config.json`;
  if (platform === 'darwin') return '/Library/Application Support/sequra-pos/config.json';
  return '/etc/sequra-pos/config.json';
}

export function loadMachineConfig(path: string): MachineConfigLoad {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent', path };
    return {
      kind: 'invalid',
      path,
      problems: [{ key: '(file)', problem: `cannot be read: ${(error as Error).message}` }],
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return {
      kind: 'invalid',
      path,
      problems: [{ key: '(file)', problem: `is not valid JSON: ${(error as Error).message}` }],
    };
  }
  const parsed = MachineConfigSchema.safeParse(json);
  if (!parsed.success) {
    return {
      kind: 'invalid',
      path,
      problems: parsed.error.issues.map((issue) => ({
        key: issue.path.length ? issue.path.map(String).join('.') : '(root)',
        problem: describeIssue(issue),
      })),
    };
  }
  return { kind: 'ok', config: parsed.data, path };
}

/** Words store IT can act on: "is required", "unknown key", the allowed values — not zod's internals. */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key(s): ${issue.keys.join(', ')} (check the spelling; keys are case-sensitive)`;
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message))
    return `is required (expected ${issue.expected})`;
  if (issue.code === 'invalid_type')
    return `must be ${article(issue.expected)}${issue.message.match(/received (\w+)$/) ? `, not ${issue.message.match(/received (\w+)$/)![1]}` : ''}`;
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'too_small' && issue.origin === 'number') return `must be at least ${String(issue.minimum)}`;
  if (issue.code === 'too_big' && issue.origin === 'number') return `must be at most ${String(issue.maximum)}`;
  if (issue.code === 'too_small' && issue.origin === 'string') return 'must not be empty';
  if (issue.code === 'too_big' && (issue.origin === 'string' || issue.origin === 'array'))
    return `is too long (at most ${String(issue.maximum)})`;
  return issue.message;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
