// `npm run sandbox`: starts the local SeQura sandbox and prints how to reach it. Flags win over environment
// variables, which win over defaults. Stays up until Ctrl+C.
import { parseArgs } from 'node:util';
import { startSandbox } from './controlled.ts';
import type { SandboxOptions } from './server.ts';
import { SANDBOX_DEFAULTS } from './settings.ts';

const HELP = `Local SeQura sandbox (merchant Orders API + virtual shopper phone + control API)

Usage: npm run sandbox -- [options]

  --port N                 port on 127.0.0.1 (env SANDBOX_PORT, default ${SANDBOX_DEFAULTS.cliPort}; 0 = any free port)
  --username NAME          API username (env SANDBOX_USERNAME, default ${SANDBOX_DEFAULTS.username})
  --password SECRET        API password (env SANDBOX_PASSWORD, default ${SANDBOX_DEFAULTS.password})
  --merchants A,B          merchant refs owned by the credentials (env SANDBOX_MERCHANTS, default ${SANDBOX_DEFAULTS.merchants.join(',')})
  --sms-limit N            SMS per order per window before 429 (env SANDBOX_SMS_LIMIT, default ${SANDBOX_DEFAULTS.smsLimit})
  --sms-window-s N         window of the SMS limit (env SANDBOX_SMS_WINDOW_S, default ${SANDBOX_DEFAULTS.smsWindowS})
  --review-delay-ms N      time until a review resolves (env SANDBOX_REVIEW_DELAY_MS, default ${SANDBOX_DEFAULTS.reviewDelayMs})
  --ttl-s N                solicitation expiry (env SANDBOX_TTL_S, default ${SANDBOX_DEFAULTS.solicitationTtlS})
  --confirm-under-review conflict|on_hold
                           confirm PUT on an order under review (env SANDBOX_CONFIRM_UNDER_REVIEW, default ${SANDBOX_DEFAULTS.confirmUnderReview})
  --lenient                every strict SeQura rule off (env SANDBOX_LENIENT=1; docs/sandbox.md "Strict by default")
  --approval-ttl-s N       an approval not confirmed in this time expires (env SANDBOX_APPROVAL_TTL_S, default ${SANDBOX_DEFAULTS.approvalTtlS})
  --seed N                 seed of the fault generator (env SANDBOX_SEED)
  --verbose                print one line per SeQura request (env SANDBOX_VERBOSE=1)
  --quiet                  print nothing but errors of the CLI itself
  --help                   this text
`;

function numberSetting(name: string, flag: string | undefined, envName: string): number | undefined {
  const raw = flag ?? process.env[envName];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`Invalid ${name}: '${raw}' (expected a non-negative number)`);
    process.exit(2);
  }
  return value;
}

function flagSetting(flag: boolean | undefined, envName: string): boolean | undefined {
  if (flag) return true;
  const raw = process.env[envName];
  if (raw === undefined || raw === '') return undefined;
  return raw === '1' || raw.toLowerCase() === 'true';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      merchants: { type: 'string' },
      'sms-limit': { type: 'string' },
      'sms-window-s': { type: 'string' },
      'review-delay-ms': { type: 'string' },
      'ttl-s': { type: 'string' },
      'confirm-under-review': { type: 'string' },
      lenient: { type: 'boolean' },
      'approval-ttl-s': { type: 'string' },
      seed: { type: 'string' },
      verbose: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const merchants = (values.merchants ?? process.env.SANDBOX_MERCHANTS)
    ?.split(',')
    .map((ref) => ref.trim())
    .filter(Boolean);
  const confirmUnderReview = values['confirm-under-review'] ?? process.env.SANDBOX_CONFIRM_UNDER_REVIEW;
  if (confirmUnderReview !== undefined && confirmUnderReview !== 'conflict' && confirmUnderReview !== 'on_hold') {
    console.error(`Invalid --confirm-under-review '${confirmUnderReview}' (conflict or on_hold)`);
    process.exit(2);
  }
  const quiet = values.quiet ?? false;
  const options: SandboxOptions = {
    port: numberSetting('port', values.port, 'SANDBOX_PORT') ?? SANDBOX_DEFAULTS.cliPort,
    username: values.username ?? process.env.SANDBOX_USERNAME,
    password: values.password ?? process.env.SANDBOX_PASSWORD,
    merchants: merchants && merchants.length > 0 ? merchants : undefined,
    smsLimit: numberSetting('sms limit', values['sms-limit'], 'SANDBOX_SMS_LIMIT'),
    smsWindowS: numberSetting('sms window', values['sms-window-s'], 'SANDBOX_SMS_WINDOW_S'),
    reviewDelayMs: numberSetting('review delay', values['review-delay-ms'], 'SANDBOX_REVIEW_DELAY_MS'),
    solicitationTtlS: numberSetting('ttl', values['ttl-s'], 'SANDBOX_TTL_S'),
    confirmUnderReview,
    strict: !(flagSetting(values.lenient, 'SANDBOX_LENIENT') ?? false),
    approvalTtlS: numberSetting('approval ttl', values['approval-ttl-s'], 'SANDBOX_APPROVAL_TTL_S'),
    seed: numberSetting('seed', values.seed, 'SANDBOX_SEED'),
    logRequests: flagSetting(values.verbose, 'SANDBOX_VERBOSE'),
    quiet,
  };

  const sandbox = await startSandbox(options);
  const { config } = sandbox;
  if (!quiet) {
    process.stdout.write(`SeQura sandbox running

  Base URL      ${config.base_url}
  Username      ${config.username}
  Password      ${config.password}
  Merchants     ${config.merchants.map((merchant) => merchant.ref).join(', ')}
  Phone         ${config.base_url}/phone/<order-uuid>   (all orders: ${config.base_url}/phone)
  Control API   ${config.base_url}/__sandbox/   (config: ${config.base_url}/__sandbox/config)
  Settings      sms_limit=${config.sms_limit} review_delay_ms=${config.review_delay_ms} solicitation_ttl_s=${config.solicitation_ttl_s}

Press Ctrl+C to stop.
`);
  }

  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    console.error('The sandbox port is already in use; pick another with --port N (or --port 0).');
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
