import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactText } from '../log/redact.ts';
import {
  CHAIN_ALARM_ACTION,
  chainLink,
  GENESIS,
  headIsAuthentic,
  signHead,
  verifyAuditChain,
  type AuditChainReport,
  type AuditHead,
  type ChainKey,
} from './audit-chain.ts';

// The append-only audit log: who did what, when, on this till (sign-ins, manager authorisations, credential
// and mode changes, every cashier action on a sale). One JSON line per entry in monthly files under
// <dataDir>/audit/. Entries carry operator refs, channel names, sale ids and outcomes — never a shopper's
// personal data, a PIN or a credential: the fields are a fixed set, and free text is scrubbed on the way in.
//
// Each line carries an HMAC of the line before it, keyed from the till key the OS keychain holds, and the head
// (last sequence number and link) is also kept apart from the log in audit-head.json, so an edited, inserted or
// deleted line, a removed tail or month, or a rewritten chain is detected (audit-chain.ts) and reported in the
// export's header and on the admin screen. Tamper-evident, not tamper-proof: whoever can also use this user's
// keychain could rewrite it, and a consistent older copy of both the log and its head is not told apart from
// the real one; exports kept off the till settle that.
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
  /** Id of the till key whose audit key made the link (never the key). */
  key: string;
  prev: string;
}

export const AUDIT_HEAD_FILE = 'audit-head.json';

export class AuditLog {
  private readonly dir: string;
  private readonly headPath: string;
  private seq = 0;
  private prev = GENESIS;
  private training = false;
  private lastReport: AuditChainReport;

  constructor(
    dataDir: string,
    private readonly clock: () => Date,
    private readonly chain: ChainKey,
  ) {
    this.dir = join(dataDir, 'audit');
    this.headPath = join(dataDir, AUDIT_HEAD_FILE);
    mkdirSync(this.dir, { recursive: true });
    // Continue the chain from the last line on disk, after checking it against its head.
    const lines = this.lines();
    const head = this.readHead();
    this.lastReport = verifyAuditChain(lines, chain, head);
    const last = lines.at(-1) ?? null;
    let lastSeq = 0;
    if (last !== null) {
      lastSeq = lines.length;
      try {
        lastSeq = (JSON.parse(last) as AuditEntry).seq;
      } catch {
        // A torn last line (power cut mid-write): the next link covers it as it is; verification shows it.
      }
      this.prev = chainLink(chain.key, last);
    }
    // Numbering goes on after the head even when the log ends before it: the gap stays in the chain.
    this.seq = Math.max(lastSeq, head && headIsAuthentic(chain, head) ? head.seq : 0);
    const alarmed = this.raiseStartupAlarm(head);
    // Entries from before the keyed chain, or under a till key this till no longer has: the next entry links
    // them under the current key, and says why.
    if (last !== null && !alarmed && this.lastEntryKey(last) !== chain.keyId)
      this.record({
        actor: 'system',
        action: 'audit.chain_keyed',
        outcome: 'ok',
        target: chain.keyId,
        detail: this.lastEntryKey(last) === null ? 'earlier entries linked by SHA-256' : 'till key changed',
      });
  }

  /** The chain as verified at start or at the last export (for the admin screen). */
  chainReport(): AuditChainReport {
    return this.lastReport;
  }

  /** Verifies the whole log against its head now. */
  verify(): AuditChainReport {
    this.lastReport = verifyAuditChain(this.lines(), this.chain, this.readHead());
    return this.lastReport;
  }

  private raiseStartupAlarm(head: AuditHead | null): boolean {
    const problem = this.lastReport.problem;
    // Head problems would be hidden by the next head written: record them in the chain itself first.
    if (
      problem !== 'tail_removed' &&
      problem !== 'head_mismatch' &&
      problem !== 'head_missing' &&
      problem !== 'head_invalid'
    )
      return false;
    this.record({
      actor: 'system',
      action: CHAIN_ALARM_ACTION,
      outcome: 'failed',
      target: problem,
      detail: `head at seq ${head?.seq ?? 'none'}; log ends at seq ${this.seq}`,
    });
    this.verify();
    return true;
  }

  private lastEntryKey(line: string): string | null {
    try {
      const key = (JSON.parse(line) as { key?: unknown }).key;
      return typeof key === 'string' ? key : null;
    } catch {
      return null;
    }
  }

  private readHead(): AuditHead | null {
    try {
      const head = JSON.parse(readFileSync(this.headPath, 'utf8')) as AuditHead;
      return typeof head.seq === 'number' && typeof head.hash === 'string' ? head : null;
    } catch {
      return null;
    }
  }

  private writeHead(head: AuditHead): void {
    // Write then rename: a crash leaves the old head or the new one, never half of one.
    const temporary = `${this.headPath}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(head), { mode: 0o600 });
    renameSync(temporary, this.headPath);
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
      key: this.chain.keyId,
      prev: this.prev,
    };
    const line = JSON.stringify(entry);
    appendFileSync(join(this.dir, `audit-${now.toISOString().slice(0, 7)}.jsonl`), `${line}\n`, { mode: 0o600 });
    this.seq = entry.seq;
    this.prev = chainLink(this.chain.key, line);
    this.writeHead(signHead(this.chain, entry.seq, this.prev));
    return entry;
  }

  months(): string[] {
    return auditMonths(this.dir);
  }

  /** Every line, oldest first. */
  lines(): string[] {
    return auditLines(this.dir);
  }

  entries(): AuditEntry[] {
    return parseEntries(this.lines());
  }

  /** Writes every entry to one file (a header line first, saying whether the chain verifies). */
  exportTo(filePath: string): { bytes: number; entries: number; chain: AuditChainReport } {
    const lines = this.lines();
    const verification = verifyAuditChain(lines, this.chain, this.readHead());
    this.lastReport = verification;
    const header = JSON.stringify({
      kind: 'sequra-pos-audit-export',
      exportedAt: this.clock().toISOString(),
      entries: lines.length,
      chain: verification,
    });
    const text = [header, ...lines].join('\n') + '\n';
    writeFileSync(filePath, text, { mode: 0o600 });
    return { bytes: Buffer.byteLength(text), entries: lines.length, chain: verification };
  }
}

/** The entries on disk, read only (no key needed, nothing verified or written): for tests and tools. */
export function readAuditEntries(dataDir: string): AuditEntry[] {
  return parseEntries(auditLines(join(dataDir, 'audit')));
}

function auditMonths(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^audit-\d{4}-\d{2}\.jsonl$/.test(name))
    .sort();
}

function auditLines(dir: string): string[] {
  return auditMonths(dir).flatMap((name) =>
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== ''),
  );
}

function parseEntries(lines: string[]): AuditEntry[] {
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as AuditEntry];
    } catch {
      return [];
    }
  });
}

function clean(text: string, max: number): string {
  // Control characters would let a value forge a new line in the file.
  return redactText(text.replace(/\p{Cc}/gu, ' ')).slice(0, max);
}
