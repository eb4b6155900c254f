import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { verifyLegacyChain } from '../audit/audit-chain.ts';
import type { Logger } from '../log/logger.ts';
import { OperatorDirectory, type StoredOperator } from '../operators/operator-directory.ts';
import type { TillDatabase } from './database.ts';
import type { SaleRecord } from '../../../shared/sale/sale-record.ts';
import { saleRow, saleStatements, type Realm } from '../journal/sale-rows.ts';
import type { Instruction } from '../outbox/instruction.ts';
import { OUTBOX_SPEC } from '../outbox/migrations.ts';
import { salvageTicketSequence } from '../journal/migrations.ts';
import { migrate as migrateStore } from '../storage/versioned-store.ts';
import { AfterSaleIntents, DayCloses } from '../after-sale/after-sale-store.ts';
import { getMeta, setMeta, setMetaOnce } from './meta.ts';
import { StorageError } from './storage-error.ts';

// Carries a data folder written by an earlier version (one JSON file per store) into the database, once,
// on the first start of this version. Each kind of data is imported in one transaction together with its
// "imported" mark, then read back and compared with the files, and only then are the files moved to
// `<dataDir>/before-database/` (same relative paths), kept for store IT. A crash anywhere in between is
// harmless: the mark and the rows commit together, and files of an already-imported kind are only moved.
export const LEGACY_FOLDER = 'before-database';

export interface LegacyKind {
  /** Short name, also the meta mark (`imported:<name>`). */
  name: string;
  /** The files of this kind, relative to the data folder, that exist now. */
  files(dataDir: string): string[];
  /**
   * Inserts the files' content (inside the import transaction) and returns how many records it brought in;
   * throws when a file cannot be read as what that version wrote.
   */
  import(db: TillDatabase, dataDir: string, files: string[]): number;
  /** Reads back what was imported and compares with the files; a short problem, or null when they agree. */
  verify(db: TillDatabase, dataDir: string, files: string[]): string | null;
  /** What to do when the files cannot be read: recorded in the database before the files are moved. */
  onUnreadable?(db: TillDatabase, detail: string, dataDir: string, files: string[]): void;
}

export interface LegacyImportOutcome {
  name: string;
  files: string[];
  records: number;
  /** null = imported and verified; otherwise why the files could not be imported (they are kept aside). */
  problem: string | null;
}

function readJson(dataDir: string, file: string): Record<string, unknown> {
  const data = JSON.parse(readFileSync(join(dataDir, file), 'utf8')) as unknown;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${file}: not a JSON object`);
  return data as Record<string, unknown>;
}

function existing(dataDir: string, ...files: string[]): string[] {
  return files.filter((file) => existsSync(join(dataDir, file)));
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

function moveAside(dataDir: string, files: string[], corruptStamp: string | null = null): void {
  for (const file of files) {
    const kept = corruptStamp ? file.replace(/\.(json|jsonl)$/, `.corrupt-${corruptStamp}.$1`) : file;
    const target = join(dataDir, LEGACY_FOLDER, kept);
    mkdirSync(dirname(target), { recursive: true });
    // Never overwrite something already kept aside: a second copy gets a suffix.
    let name = target;
    for (let n = 1; existsSync(name); n += 1) name = `${target}.${n}`;
    renameSync(join(dataDir, file), name);
  }
}

const LEGACY_KEPT_ASIDE_AT = 'legacy-kept-aside-at';

/**
 * Retention reaches the files kept aside too: they hold the shopper data of the sales they carried (names, NIN,
 * date of birth), which the database itself no longer keeps after `retentionDays`. Once the import is older
 * than that, the folder is deleted. Returns whether it was.
 */
export function removeLegacyFilesKeptBefore(db: TillDatabase, dataDir: string, cutoffIso: string): boolean {
  const keptAt = getMeta(db, LEGACY_KEPT_ASIDE_AT);
  const folder = join(dataDir, LEGACY_FOLDER);
  if (keptAt === null || keptAt >= cutoffIso || !existsSync(folder)) return false;
  rmSync(folder, { recursive: true, force: true });
  return true;
}

export function importLegacyData(
  db: TillDatabase,
  dataDir: string,
  kinds: readonly LegacyKind[],
  log: Logger,
): LegacyImportOutcome[] {
  const outcomes: LegacyImportOutcome[] = [];
  for (const kind of kinds) {
    const files = kind.files(dataDir);
    if (files.length === 0) continue;
    const mark = `imported:${kind.name}`;
    if (getMeta(db, mark) !== null) {
      // Imported by an earlier start that stopped before moving the files.
      moveAside(dataDir, files);
      continue;
    }
    let records = 0;
    let problem: string | null = null;
    try {
      records = db.write(() => {
        const count = kind.import(db, dataDir, files);
        const mismatch = kind.verify(db, dataDir, files);
        // Throwing rolls the import back: nothing half-imported ever stays.
        if (mismatch) throw new Error(`verification failed: ${mismatch}`);
        setMeta(db, mark, String(count));
        return count;
      });
    } catch (error) {
      // A full or failing disk is not a problem of the old files: stop, and import at the next start.
      if (error instanceof StorageError) throw error;
      problem = (error instanceof Error ? error.message : String(error)).slice(0, 300);
      db.write(() => {
        kind.onUnreadable?.(db, `${files.join(', ')}: ${problem}`, dataDir, files);
        setMeta(db, mark, `unreadable: ${problem}`);
      });
    }
    // Unreadable files are kept under the set-aside name the recovery screen lists (name.corrupt-<time>.json).
    // The time the first files were kept aside: retention removes them once it is older than retentionDays.
    setMetaOnce(db, LEGACY_KEPT_ASIDE_AT, new Date().toISOString());
    moveAside(dataDir, files, problem ? stamp(new Date()) : null);
    outcomes.push({ name: kind.name, files, records, problem });
    if (problem) log.error('storage.legacy_import_failed', { kind: kind.name, files, problem });
    else log.info('storage.legacy_imported', { kind: kind.name, files, records });
  }
  return outcomes;
}

// ------------------------------------------------------------------------------------------ kinds

/** operators.json → operators. An unreadable file means operators existed: first-run stays closed. */
export const LEGACY_OPERATORS: LegacyKind = {
  name: 'operators',
  files: (dataDir) => existing(dataDir, 'operators.json'),
  import(db, dataDir, [file]) {
    const operators = Object.values((readJson(dataDir, file!).operators ?? {}) as Record<string, StoredOperator>);
    const directory = new OperatorDirectory(db);
    for (const operator of operators) {
      if (typeof operator.id !== 'string' || typeof operator.pin?.hash !== 'string')
        throw new Error(`${file}: an operator without id or PIN hash`);
      directory.put(operator);
    }
    return operators.length;
  },
  verify(db, dataDir, [file]) {
    const expected = Object.values((readJson(dataDir, file!).operators ?? {}) as Record<string, StoredOperator>);
    const directory = new OperatorDirectory(db);
    for (const operator of expected) {
      const stored = directory.get(operator.id);
      if (!stored || JSON.stringify(stored.pin) !== JSON.stringify(operator.pin) || stored.role !== operator.role)
        return `operator ${operator.id} differs`;
    }
    const count = db.sql.prepare<[], { n: number }>('SELECT count(*) AS n FROM operators').get()!.n;
    return count === expected.length ? null : `${count} operators stored, ${expected.length} in the file`;
  },
  onUnreadable: (db, detail) => new OperatorDirectory(db).markLost(detail),
};

interface LegacyKeyState {
  failures: number;
  lockedUntil: string | null;
  lastFailureAt: string | null;
}

/** pin-attempts.json → pin_attempts. An unreadable file locks nobody out but is reported. */
export const LEGACY_PIN_ATTEMPTS: LegacyKind = {
  name: 'pin-attempts',
  files: (dataDir) => existing(dataDir, 'pin-attempts.json'),
  import(db, dataDir, [file]) {
    const keys = (readJson(dataDir, file!).keys ?? {}) as Record<string, LegacyKeyState>;
    const insert = db.sql.prepare(
      'INSERT INTO pin_attempts (key, failures, locked_until, last_failure_at) VALUES (?, ?, ?, ?)',
    );
    for (const [key, state] of Object.entries(keys))
      insert.run(key, Math.max(0, Math.floor(Number(state.failures) || 0)), state.lockedUntil, state.lastFailureAt);
    return Object.keys(keys).length;
  },
  verify(db, dataDir, [file]) {
    const keys = Object.keys((readJson(dataDir, file!).keys ?? {}) as Record<string, unknown>);
    const count = db.sql.prepare<[], { n: number }>('SELECT count(*) AS n FROM pin_attempts').get()!.n;
    return count === keys.length ? null : `${count} counters stored, ${keys.length} in the file`;
  },
};

function auditFiles(dataDir: string): string[] {
  const dir = join(dataDir, 'audit');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^audit-\d{4}-\d{2}\.jsonl$/.test(name))
    .sort()
    .map((name) => relative(dataDir, join(dir, name)));
}

function auditLines(dataDir: string, files: string[]): string[] {
  return files.flatMap((file) =>
    readFileSync(join(dataDir, file), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== ''),
  );
}

/**
 * audit/audit-YYYY-MM.jsonl → audit_log, every line kept byte for byte (the chain hashes the text), so the
 * imported chain verifies exactly as the files did and new entries continue it. A torn line (a power cut in
 * the middle of an append) is kept too: verification shows the break where it happened.
 */
export const LEGACY_AUDIT: LegacyKind = {
  name: 'audit',
  files: auditFiles,
  import(db, dataDir, files) {
    const insert = db.sql.prepare(
      'INSERT INTO audit_log (seq, at, actor, action, outcome, target, line) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const lines = auditLines(dataDir, files);
    lines.forEach((line, index) => {
      let entry: Record<string, unknown> = {};
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        // kept as is (see above)
      }
      const str = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);
      insert.run(
        index + 1,
        str(entry.at, ''),
        str(entry.actor, ''),
        str(entry.action, ''),
        str(entry.outcome, ''),
        typeof entry.target === 'string' ? entry.target : null,
        line,
      );
    });
    return lines.length;
  },
  verify(db, dataDir, files) {
    const expected = auditLines(dataDir, files);
    const stored = db.sql
      .prepare<[], { line: string }>('SELECT line FROM audit_log ORDER BY seq')
      .all()
      .map((row) => row.line);
    if (stored.length !== expected.length) return `${stored.length} entries stored, ${expected.length} in the files`;
    if (stored.some((line, i) => line !== expected[i])) return 'an entry differs from its line in the files';
    const before = verifyLegacyChain(expected);
    const after = verifyLegacyChain(stored);
    return before.ok === after.ok && before.brokenAt === after.brokenAt ? null : 'the chain verifies differently';
  },
};

const TILL_LEGACY_KINDS: readonly LegacyKind[] = [LEGACY_OPERATORS, LEGACY_PIN_ATTEMPTS, LEGACY_AUDIT];

// ------------------------------------------------------------------------------- sales (0.1.0 files)

interface LegacyJournal {
  currentSaleId: string | null;
  ticketSequence: number;
  sales: Record<string, SaleRecord>;
}

function salesKinds(folder: string, realm: Realm): LegacyKind[] {
  const at = (file: string) => (folder ? `${folder}/${file}` : file);
  const historyFiles = (dataDir: string) => {
    const dir = join(dataDir, folder, 'history');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => /^history-\d{4}-\d{2}\.json$/.test(name))
      .sort()
      .map((name) => at(`history/${name}`));
  };
  const count = (db: TillDatabase, archived: 0 | 1) =>
    db.sql
      .prepare<[Realm, number], { n: number }>('SELECT count(*) AS n FROM sales WHERE realm = ? AND archived = ?')
      .get(realm, archived)!.n;
  const upsert = (db: TillDatabase) => saleStatements(db).upsert;
  return [
    {
      // Finished sales first, so a sale found in both (archived while the journal still held it) ends up as
      // the journal's copy, as 0.1.0's history view did.
      name: `${realm}-history`,
      files: historyFiles,
      import(db, dataDir, files) {
        let n = 0;
        for (const file of files) {
          const sales = Object.values((readJson(dataDir, file).sales ?? {}) as Record<string, SaleRecord>);
          for (const sale of sales) upsert(db).run(saleRow(sale, realm, 1));
          n += sales.length;
        }
        return n;
      },
      verify(db, dataDir, files) {
        const ids = new Set(
          files.flatMap((file) => Object.keys((readJson(dataDir, file).sales ?? {}) as Record<string, unknown>)),
        );
        return count(db, 1) >= ids.size ? null : `${count(db, 1)} archived sales stored, ${ids.size} in the files`;
      },
    },
    {
      name: `${realm}-journal`,
      files: (dataDir) => existing(dataDir, at('journal.json')),
      import(db, dataDir, [file]) {
        const journal = readJson(dataDir, file!) as unknown as LegacyJournal;
        const sales = Object.values(journal.sales ?? {});
        for (const sale of sales) upsert(db).run(saleRow(sale, realm, 0));
        db.sql.prepare('INSERT OR IGNORE INTO sale_journal (realm) VALUES (?)').run(realm);
        db.sql
          .prepare(
            'UPDATE sale_journal SET current_sale_id = ?, ticket_sequence = max(ticket_sequence, ?) WHERE realm = ?',
          )
          .run(
            journal.currentSaleId && journal.sales?.[journal.currentSaleId] ? journal.currentSaleId : null,
            Math.max(0, Math.floor(Number(journal.ticketSequence) || 0)),
            realm,
          );
        return sales.length;
      },
      verify(db, dataDir, [file]) {
        const journal = readJson(dataDir, file!) as unknown as LegacyJournal;
        const expected = Object.keys(journal.sales ?? {}).length;
        const sequence = db.sql
          .prepare<[Realm], { ticket_sequence: number }>('SELECT ticket_sequence FROM sale_journal WHERE realm = ?')
          .get(realm)!.ticket_sequence;
        if (sequence < journal.ticketSequence) return `ticket sequence ${sequence} < ${journal.ticketSequence}`;
        return count(db, 0) === expected ? null : `${count(db, 0)} active sales stored, ${expected} in the file`;
      },
      // A damaged journal: its sales in progress are kept aside for IT, and the ticket sequence continues above
      // everything readable in it (and in the history), so no number SeQura may have seen is handed out again.
      onUnreadable(db, _detail, dataDir, [file]) {
        let text = '';
        try {
          text = readFileSync(join(dataDir, file!), 'utf8');
        } catch {
          // unreadable even as text: the history alone gives the floor
        }
        const tickets = db.sql
          .prepare<[Realm], { ticket_number: string }>(
            'SELECT ticket_number FROM sales WHERE realm = ? AND ticket_number IS NOT NULL',
          )
          .all(realm)
          .map((row) => row.ticket_number);
        const floor = salvageTicketSequence({ setAsideText: [text], ticketNumbers: tickets });
        db.sql.prepare('INSERT OR IGNORE INTO sale_journal (realm) VALUES (?)').run(realm);
        db.sql
          .prepare('UPDATE sale_journal SET ticket_sequence = max(ticket_sequence, ?) WHERE realm = ?')
          .run(floor, realm);
      },
    },
    {
      name: `${realm}-outbox`,
      files: (dataDir) => existing(dataDir, at('outbox.json')),
      import(db, dataDir, [file]) {
        let data = readJson(dataDir, file!);
        // 0.1.0 wrote version 2; an older file is brought up with its own tested migrations first.
        if (typeof data.schemaVersion === 'number' && data.schemaVersion < OUTBOX_SPEC.currentVersion)
          data = migrateStore(OUTBOX_SPEC, data.schemaVersion, data);
        const instructions = Object.values((data.instructions ?? {}) as Record<string, Instruction>);
        const insert = db.sql.prepare(
          'INSERT INTO outbox (id, realm, sale_id, state, created_at, record) VALUES (?, ?, ?, ?, ?, ?)',
        );
        for (const i of instructions) insert.run(i.id, realm, i.saleId, i.state, i.createdAt, JSON.stringify(i));
        return instructions.length;
      },
      verify(db, dataDir, [file]) {
        const expected = Object.keys((readJson(dataDir, file!).instructions ?? {}) as Record<string, unknown>).length;
        const stored = db.sql
          .prepare<[Realm], { n: number }>('SELECT count(*) AS n FROM outbox WHERE realm = ?')
          .get(realm)!.n;
        return stored === expected ? null : `${stored} instructions stored, ${expected} in the file`;
      },
    },
    {
      name: `${realm}-after-sale-intents`,
      files: (dataDir) => existing(dataDir, at('after-sale-intents.json')),
      import(db, dataDir, [file]) {
        const intents = Object.entries(legacyIntents(dataDir, file!));
        const store = new AfterSaleIntents(db, realm);
        for (const [instructionId, intent] of intents) {
          if (typeof intent.saleId !== 'string' || (intent.kind !== 'cancel' && intent.kind !== 'return'))
            throw new Error(`${file}: intent ${instructionId} has no sale or kind`);
          store.add(instructionId, {
            saleId: intent.saleId,
            kind: intent.kind,
            entryId: String(intent.entryId ?? ''),
            at: String(intent.at ?? ''),
          });
        }
        return intents.length;
      },
      verify(db, dataDir, [file]) {
        const expected = Object.keys(legacyIntents(dataDir, file!)).sort();
        const stored = new AfterSaleIntents(db, realm)
          .all()
          .map(([id]) => id)
          .sort();
        return JSON.stringify(stored) === JSON.stringify(expected)
          ? null
          : `${stored.length} intents stored, ${expected.length} in the file`;
      },
    },
    {
      name: `${realm}-day-closes`,
      files: (dataDir) => existing(dataDir, at('day-closes.json')),
      import(db, dataDir, [file]) {
        const closes = new DayCloses(db, realm);
        let n = 0;
        for (const [day, closures] of Object.entries(legacyCloses(dataDir, file!))) {
          for (const closure of closures) {
            closes.add(day, {
              closedAt: String(closure.closedAt),
              pendingConfirmations: Math.max(0, Math.floor(Number(closure.pendingConfirmations) || 0)),
              netFinancedCents: Math.round(Number(closure.netFinancedCents) || 0),
            });
            n += 1;
          }
        }
        return n;
      },
      verify(db, dataDir, [file]) {
        const closes = new DayCloses(db, realm);
        for (const [day, closures] of Object.entries(legacyCloses(dataDir, file!))) {
          // The report shows a day's last 100 closings, as the file kept them.
          const expected = closures.slice(-100).map((c) => String(c.closedAt));
          const stored = closes.of(day).map((c) => c.closedAt);
          if (stored.join('\n') !== expected.join('\n')) return `the closings of ${day} differ`;
        }
        return null;
      },
    },
  ];
}

type LegacyIntent = { saleId?: unknown; kind?: unknown; entryId?: unknown; at?: unknown };
type LegacyClosure = { closedAt?: unknown; pendingConfirmations?: unknown; netFinancedCents?: unknown };

function legacyIntents(dataDir: string, file: string): Record<string, LegacyIntent> {
  return (readJson(dataDir, file).intents ?? {}) as Record<string, LegacyIntent>;
}

function legacyCloses(dataDir: string, file: string): Record<string, LegacyClosure[]> {
  const closes = (readJson(dataDir, file).closes ?? {}) as Record<string, unknown>;
  for (const [day, list] of Object.entries(closes))
    if (!Array.isArray(list)) throw new Error(`${file}: the closings of ${day} are not a list`);
  return closes as Record<string, LegacyClosure[]>;
}

/**
 * What this version imports from a 0.1.0 data folder: operators, PIN attempts, the audit log, and the live
 * and training sales (history, journal with the ticket sequence, outbox, after-sale intents, day closings).
 */
export const LEGACY_KINDS: readonly LegacyKind[] = [
  ...TILL_LEGACY_KINDS,
  ...salesKinds('', 'live'),
  ...salesKinds('training', 'training'),
];
