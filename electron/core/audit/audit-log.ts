import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TillDatabase } from '../db/database.ts';
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
// and mode changes, every cashier action on a sale). One row per entry in the till database's `audit_log`
// table, holding the entry's JSON line exactly as it was linked. An entry recorded inside a caller's
// transaction (`db.write`) commits or rolls back with it: a sale step and its audit entry are one write.
// Entries carry operator refs, channel names, sale ids and outcomes — never a shopper's
// personal data, a PIN or a credential: the fields are a fixed set, and free text is scrubbed on the way in.
//
// Each line carries an HMAC of the line before it, keyed from the till key the OS keychain holds, and the head
// (last sequence number and link, with a MAC) is also kept apart from the database in audit-head.json, so an
// edited, inserted or deleted entry, a removed tail or month, or a rewritten chain is detected (audit-chain.ts)
// and reported in the export's header and on the settings screen. Tamper-evident, not tamper-proof: whoever can
// also use this user's keychain could rewrite it, and a consistent older copy of both the database and the head
// is not told apart from the real one; exports kept off the till settle that.
//
// The head is written at most once per HEAD_SYNC_MS, not after every entry (an outbox drain links thousands of
// entries in a few seconds, and rewriting the file after each cost more than the entries themselves). What it
// will say is taken when an entry commits (never from an entry that could still roll back, and never re-read
// from the database, where an edit made meanwhile would be taken for the truth); only the file write waits.
// It may lag the log by the entries of the last HEAD_SYNC_MS when the process dies. A log longer than its head is
// what verifyAuditChain expects (a head names an entry the log must still hold, and the entries after it must
// link on from it), so a crash never raises a tamper alarm. What that lag costs: a tail cut of only those last
// entries, made while the till was not running, is not told apart from a crash. The head is written at once
// before the log is verified or exported, and when the till shuts down (`flushHead`).
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

/** The head, next to the database (never inside it): <dataDir>/audit-head.json. */
export const AUDIT_HEAD_FILE = 'audit-head.json';

/** How long the head may lag the log while the till runs (see the header). */
export const HEAD_SYNC_MS = 100;

interface LastRow {
  seq: number;
  line: string;
}

export class AuditLog {
  private training = false;
  private readonly statements;
  private readonly headPath: string;
  /** Numbering never goes below this: after a cut tail it goes on after the head, leaving the gap in sight. */
  private seqFloor = 0;
  private headSync: ReturnType<typeof setTimeout> | null = null;
  /** The last committed entry, while the head file does not name it yet. */
  private unwrittenHead: LastRow | null = null;
  private lastReport: AuditChainReport;

  constructor(
    private readonly db: TillDatabase,
    private readonly clock: () => Date,
    private readonly chain: ChainKey,
    dataDir: string,
  ) {
    this.headPath = join(dataDir, AUDIT_HEAD_FILE);
    this.statements = {
      last: db.sql.prepare<[], LastRow>('SELECT seq, line FROM audit_log ORDER BY seq DESC LIMIT 1'),
      insert: db.sql.prepare(
        'INSERT INTO audit_log (seq, at, actor, action, outcome, target, line) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      lines: db.sql.prepare<[], { line: string }>('SELECT line FROM audit_log ORDER BY seq'),
      count: db.sql.prepare<[], { count: number }>('SELECT COUNT(*) AS count FROM audit_log'),
    };
    // Check the log against its head before anything is added to either.
    const head = this.readHead();
    this.lastReport = verifyAuditChain(this.lines(), chain, head);
    if (head && headIsAuthentic(chain, head)) this.seqFloor = head.seq;
    const last = this.statements.last.get() ?? null;
    const alarmed = this.raiseStartupAlarm(head, last?.seq ?? 0);
    // Entries from before the keyed chain, or under a till key this till no longer has: the next entry links
    // them under the current key, and says why.
    const lastKey = last ? keyOf(last.line) : this.chain.keyId;
    if (!alarmed && lastKey !== chain.keyId)
      this.record({
        actor: 'system',
        action: 'audit.chain_keyed',
        outcome: 'ok',
        target: chain.keyId,
        detail: lastKey === null ? 'earlier entries linked by SHA-256' : 'till key changed',
      });
  }

  /** Entries written from now on say whether the till was in training mode. */
  setTraining(training: boolean): void {
    this.training = training;
  }

  record(input: AuditEntryInput): AuditEntry {
    const now = this.clock();
    // The chain continues from the last committed entry (read in the same transaction as the insert, so an
    // entry rolled back with its caller's transaction never leaves a gap or a stale link behind).
    const { entry, line } = this.db.write(() => {
      const last = this.statements.last.get();
      const seq = Math.max(last?.seq ?? 0, this.seqFloor) + 1;
      const entry = this.entry(input, now, seq, last ? chainLink(this.chain.key, last.line) : GENESIS);
      const line = JSON.stringify(entry);
      this.statements.insert.run(entry.seq, entry.at, entry.actor, entry.action, entry.outcome, entry.target, line);
      return { entry, line };
    });
    // Inside a caller's transaction the entry is not committed yet: the head takes it once it is (now, when
    // this was its own transaction), and never if it rolls back.
    this.db.afterCommit(() => {
      this.unwrittenHead = { seq: entry.seq, line };
      this.scheduleHeadSync();
    });
    return entry;
  }

  /**
   * Records an entry inside the caller's transaction (a cashier action's outcome, audit/action-audit.ts);
   * `onCommitted` runs once that transaction has committed, never if it rolls back.
   */
  recordInTransaction(input: AuditEntryInput, onCommitted: () => void): AuditEntry {
    const entry = this.record(input);
    this.db.afterCommit(onCommitted);
    return entry;
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
      key: this.chain.keyId,
      prev,
    };
  }

  /**
   * The chain as verified at start or at the last export (for the settings screen), counting the entries this
   * app has linked since: those are its own.
   */
  chainReport(): AuditChainReport {
    const count = this.db.read(() => this.statements.count.get())?.count ?? this.lastReport.entries;
    return { ...this.lastReport, entries: Math.max(count, this.lastReport.entries) };
  }

  /** Verifies the whole log against its head now. */
  verify(): AuditChainReport {
    this.flushHead();
    this.lastReport = verifyAuditChain(this.lines(), this.chain, this.readHead());
    return this.lastReport;
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
  exportTo(filePath: string): { bytes: number; entries: number; chain: AuditChainReport } {
    this.flushHead();
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

  private raiseStartupAlarm(head: AuditHead | null, lastSeq: number): boolean {
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
      detail: `head at seq ${head?.seq ?? 'none'}; log ends at seq ${lastSeq}`,
    });
    this.verify();
    return true;
  }

  /**
   * The head file at most once per HEAD_SYNC_MS. Unref'd: a pending head write never keeps the process alive;
   * shutting down flushes it (flushHead), and a process that dies first leaves a head that lags (see header).
   */
  private scheduleHeadSync(): void {
    if (this.headSync) return;
    this.headSync = setTimeout(() => {
      this.headSync = null;
      this.syncHead();
    }, HEAD_SYNC_MS);
    this.headSync.unref?.();
  }

  /** Writes a pending head now: before the log is verified or exported, and before the database is closed. */
  flushHead(): void {
    if (this.headSync) clearTimeout(this.headSync);
    this.headSync = null;
    this.syncHead();
  }

  /** Writes the head for the last committed entry. */
  private syncHead(): void {
    const last = this.unwrittenHead;
    if (!last) return;
    this.unwrittenHead = null;
    const head = signHead(this.chain, last.seq, chainLink(this.chain.key, last.line));
    // Write then rename: a crash leaves the old head or the new one, never half of one.
    const temporary = `${this.headPath}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify(head), { mode: 0o600 });
      renameSync(temporary, this.headPath);
    } catch {
      // A full or read-only disk: the entry itself is committed; the next entry or the flush at shutdown
      // writes the head again. Never thrown: from the timer it would be an uncaught exception, and after a
      // committed entry a caller would take the whole step for failed.
      this.unwrittenHead ??= last;
      try {
        rmSync(temporary, { force: true });
      } catch {
        // a read-only folder: nothing was written either
      }
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
}

function keyOf(line: string): string | null {
  try {
    const key = (JSON.parse(line) as { key?: unknown }).key;
    return typeof key === 'string' ? key : null;
  } catch {
    return null;
  }
}

function clean(text: string, max: number): string {
  // Control characters would let a value forge a new line in the file.
  return redactText(text.replace(/\p{Cc}/gu, ' ')).slice(0, max);
}
