import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { TillDatabase } from '../db/database.ts';
import { redactText } from '../log/redact.ts';

// The append-only audit log: who did what, when, on this till (sign-ins, manager authorisations, credential
// and mode changes, every cashier action on a sale). One row per entry in the till database's `audit_log`
// table, holding the entry's JSON line exactly as it was hashed. An entry recorded inside a caller's
// transaction (`db.write`) commits or rolls back with it: a sale step and its audit entry are one write.
// Entries carry operator refs, channel names, sale ids and outcomes — never a shopper's
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

interface LastRow {
  seq: number;
  line: string;
}

export class AuditLog {
  private training = false;
  private readonly statements;

  constructor(
    private readonly db: TillDatabase,
    private readonly clock: () => Date,
  ) {
    this.statements = {
      last: db.sql.prepare<[], LastRow>('SELECT seq, line FROM audit_log ORDER BY seq DESC LIMIT 1'),
      insert: db.sql.prepare(
        'INSERT INTO audit_log (seq, at, actor, action, outcome, target, line) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      lines: db.sql.prepare<[], { line: string }>('SELECT line FROM audit_log ORDER BY seq'),
    };
  }

  /** Entries written from now on say whether the till was in training mode. */
  setTraining(training: boolean): void {
    this.training = training;
  }

  record(input: AuditEntryInput): AuditEntry {
    const now = this.clock();
    // The chain continues from the last committed entry (read in the same transaction as the insert, so an
    // entry rolled back with its caller's transaction never leaves a gap or a stale link behind).
    return this.db.write(() => {
      const last = this.statements.last.get();
      const entry = this.entry(input, now, last ? last.seq + 1 : 1, last ? sha256(last.line) : GENESIS);
      const line = JSON.stringify(entry);
      this.statements.insert.run(entry.seq, entry.at, entry.actor, entry.action, entry.outcome, entry.target, line);
      return entry;
    });
  }

  private entry(input: AuditEntryInput, now: Date, seq: number, prev: string): AuditEntry {
    return {
      seq,
      at: now.toISOString(),
      actor: clean(input.actor, 64),
      action: clean(input.action, 80),
      outcome: input.outcome,
      target: input.target ? clean(input.target, 120) : null,
      detail: input.detail ? clean(input.detail, 300) : null,
      training: this.training,
      prev,
    };
  }

  /** Every line, oldest first. */
  lines(): string[] {
    return this.db.read(() => this.statements.lines.all()).map((row) => row.line);
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

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function clean(text: string, max: number): string {
  // Control characters would let a value forge a new line in the file.
  return redactText(text.replace(/\p{Cc}/gu, ' ')).slice(0, max);
}
