import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactText } from '../log/redact.ts';

// The append-only audit log: who did what, when, on this till (sign-ins, manager authorisations, credential
// and mode changes, every cashier action on a sale). One JSON line per entry in monthly files under
// <dataDir>/audit/. Entries carry operator refs, channel names, sale ids and outcomes — never a shopper's
// personal data, a PIN or a credential: the fields are a fixed set, and free text is scrubbed on the way in.
//
// Each line carries the SHA-256 of the line before it, so an edited or deleted line breaks the chain and
// `verifyAuditChain` (and whoever reads an export) can tell. It is tamper-evident, not tamper-proof: whoever
// can write the files can rewrite the whole chain; store IT keeps exports off the till if that matters.
export interface AuditEntryInput {
  /** Operator ref, 'system' (the app itself) or 'it' (store IT's files). */
  actor: string;
  /** A dotted name: 'session.signed_in', 'sale.confirm', 'credentials.saved'… */
  action: string;
  outcome: 'ok' | 'refused' | 'failed';
  /** What it was done to: a sale id, an operator id, a file name. Never personal data. */
  target?: string | null;
  /** Error code or short reason (scrubbed of anything shaped like personal data). */
  detail?: string | null;
}

export interface AuditEntry extends Required<AuditEntryInput> {
  seq: number;
  at: string;
  training: boolean;
  prev: string;
}

const GENESIS = '0'.repeat(64);

export class AuditLog {
  private readonly dir: string;
  private seq = 0;
  private prev = GENESIS;
  private training = false;

  constructor(
    dataDir: string,
    private readonly clock: () => Date,
  ) {
    this.dir = join(dataDir, 'audit');
    mkdirSync(this.dir, { recursive: true });
    // Continue the chain from the last line on disk.
    const months = this.months();
    const last = months.length ? lastLine(join(this.dir, months[months.length - 1]!)) : null;
    if (last) {
      try {
        const entry = JSON.parse(last) as AuditEntry;
        this.seq = entry.seq;
        this.prev = sha256(last);
      } catch {
        // A torn last line (power cut mid-write): start a new link from it; verification will show the break.
        this.prev = sha256(last);
      }
    }
  }

  /** Entries written from now on say whether the till was in training mode. */
  setTraining(training: boolean): void {
    this.training = training;
  }

  record(input: AuditEntryInput): AuditEntry {
    const now = this.clock();
    const entry: AuditEntry = {
      seq: this.seq + 1,
      at: now.toISOString(),
      actor: clean(input.actor, 64),
      action: clean(input.action, 80),
      outcome: input.outcome,
      target: input.target ? clean(input.target, 120) : null,
      detail: input.detail ? clean(input.detail, 300) : null,
      training: this.training,
      prev: this.prev,
    };
    const line = JSON.stringify(entry);
    appendFileSync(join(this.dir, `audit-${now.toISOString().slice(0, 7)}.jsonl`), `${line}\n`, { mode: 0o600 });
    this.seq = entry.seq;
    this.prev = sha256(line);
    return entry;
  }

  months(): string[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((name) => /^audit-\d{4}-\d{2}\.jsonl$/.test(name))
      .sort();
  }

  /** Every line, oldest first. */
  lines(): string[] {
    return this.months().flatMap((name) =>
      readFileSync(join(this.dir, name), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== ''),
    );
  }

  entries(): AuditEntry[] {
    return this.lines().flatMap((line) => {
      try {
        return [JSON.parse(line) as AuditEntry];
      } catch {
        return [];
      }
    });
  }

  /** Writes every entry to one file (a header line first, saying whether the chain verifies). */
  exportTo(filePath: string): { bytes: number; entries: number } {
    const lines = this.lines();
    const verification = verifyAuditChain(lines);
    const header = JSON.stringify({
      kind: 'sequra-pos-audit-export',
      exportedAt: this.clock().toISOString(),
      entries: lines.length,
      chain: verification,
    });
    const text = [header, ...lines].join('\n') + '\n';
    writeFileSync(filePath, text, { mode: 0o600 });
    return { bytes: Buffer.byteLength(text), entries: lines.length };
  }
}

/** Checks each line's `prev` against the hash of the line before it. */
export function verifyAuditChain(lines: string[]): { ok: boolean; brokenAt: number | null } {
  let prev = GENESIS;
  for (let index = 0; index < lines.length; index += 1) {
    let entry: { prev?: unknown };
    try {
      entry = JSON.parse(lines[index]!);
    } catch {
      return { ok: false, brokenAt: index };
    }
    if (entry.prev !== prev) return { ok: false, brokenAt: index };
    prev = sha256(lines[index]!);
  }
  return { ok: true, brokenAt: null };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function clean(text: string, max: number): string {
  // Control characters would let a value forge a new line in the file.
  return redactText(text.replace(/\p{Cc}/gu, ' ')).slice(0, max);
}

function lastLine(path: string): string | null {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return lines.length ? lines[lines.length - 1]! : null;
}
