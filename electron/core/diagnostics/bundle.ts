import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, release, type as osType } from 'node:os';
import { join } from 'node:path';
import type { EnrolmentStatus } from '../../../shared/ipc/admin-schemas.ts';
import type { OutboxItem } from '../../../shared/ipc/sale-schemas.ts';
import type { TillStatus } from '../../../shared/ipc/status-schemas.ts';
import type { MachineConfigLoad } from '../config/machine-config.ts';
import { redactText } from '../log/redact.ts';
import type { RecordedCall } from './call-recorder.ts';

// "Export diagnostics": one JSON file store IT can mail to support. It holds what explains a till's trouble —
// version, OS, configuration, proxy, the last SeQura calls, outbox, connectivity history, the log's tail — and
// nothing that identifies a shopper or unlocks the merchant's account:
//  - credentials are never read into it (only "stored: yes/no");
//  - sales appear as id, step, ticket and amounts, never their shopper;
//  - every string is scrubbed of NIN, phone and e-mail shapes, and keys that name secrets are dropped.
// tests/integration/redaction.test.ts runs a full sale and searches the file for the shopper's data.
export interface DiagnosticsInput {
  generatedAt: string;
  appVersion: string;
  platformUname: string;
  status: TillStatus;
  machineConfig: MachineConfigLoad;
  credentialsStored: boolean;
  enrolmentFilePath: string | null;
  enrolment: EnrolmentStatus | null;
  proxy: { url: string; rule: string | null };
  calls: RecordedCall[];
  connectivityHistory: unknown[];
  outbox: { items: OutboxItem[]; counts: unknown };
  activeSales: Array<{
    id: string;
    step: string;
    ticketNumber: string | null;
    updatedAt: string;
    pendingInstructions: number;
    training: boolean;
  }>;
  logFilePath: string;
  logLines?: number;
}

export function buildDiagnostics(input: DiagnosticsInput): Record<string, unknown> {
  const { status } = input;
  const bundle = {
    kind: 'sequra-pos-diagnostics',
    formatVersion: 1,
    generatedAt: input.generatedAt,
    app: {
      version: input.appVersion,
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      chrome: process.versions.chrome ?? null,
    },
    os: { type: osType(), release: release(), arch: arch(), platform: process.platform, uname: input.platformUname },
    till: {
      mode: status.mode,
      environment: status.environment,
      merchantId: status.merchantId,
      storeRef: status.storeRef,
      tillId: status.tillId,
      language: status.language,
      // Who is signed in, as the operator ref SeQura also sees; never the operator's name.
      session: status.session
        ? { operatorRef: status.session.operatorRef, role: status.session.role, locked: status.session.locked }
        : null,
      policy: status.policy ?? null,
      recovery: (status as Record<string, unknown>).recovery ?? null,
    },
    configuration: describeConfig(input.machineConfig),
    credentials: {
      stored: input.credentialsStored,
      enrolmentFilePath: input.enrolmentFilePath,
      lastEnrolment: input.enrolment,
    },
    network: { proxyForSequra: input.proxy, connectivity: status.connectivity, history: input.connectivityHistory },
    sequraCalls: input.calls,
    outbox: input.outbox,
    activeSales: input.activeSales,
    logTail: tail(input.logFilePath, input.logLines ?? 300),
  };
  return scrub(bundle) as Record<string, unknown>;
}

export function writeDiagnostics(
  exportsDir: string,
  bundle: Record<string, unknown>,
  now: Date,
): { path: string; bytes: number } {
  mkdirSync(exportsDir, { recursive: true });
  const path = join(exportsDir, `diagnostics-${stamp(now)}.json`);
  const text = `${JSON.stringify(bundle, null, 2)}\n`;
  writeFileSync(path, text, { mode: 0o600 });
  return { path, bytes: Buffer.byteLength(text) };
}

export function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function describeConfig(load: MachineConfigLoad): Record<string, unknown> {
  if (load.kind === 'absent') return { state: 'absent', path: load.path ?? null };
  if (load.kind === 'invalid') return { state: 'invalid', path: load.path, problems: load.problems };
  // The machine configuration holds no secret by design (credentials are enrolled separately); it is copied whole.
  return { state: 'ok', path: load.path, values: load.config };
}

function tail(path: string, lines: number): string[] {
  if (!existsSync(path)) return [];
  try {
    const text = readFileSync(path, 'utf8');
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-lines);
  } catch {
    return [];
  }
}

const SECRET_KEY = /password|passwd|secret|authorization|token|credential_value|^pin$|username|api_?key/i;

/** Every string scrubbed of personal-data shapes; keys that name secrets removed whole. */
export function scrub(value: unknown, depth = 0): unknown {
  if (depth > 16) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (SECRET_KEY.test(key)) continue;
      out[key] = scrub(v, depth + 1);
    }
    return out;
  }
  return value;
}
