import { createHash, createHmac } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_HEAD_FILE, AuditLog, HEAD_SYNC_MS } from '../../electron/core/audit/audit-log.ts';
import { openTillDatabase, type TillDatabase } from '../../electron/core/db/database.ts';
import { deriveTillKeys, newTillKey } from '../../electron/core/security/till-key.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import { call, makeDataDir, removeDir, startCore, TRAINING_CASHIER, TRAINING_MANAGER } from '../support/till.ts';

// The audit log as an attacker with the data folder (but not the keychain) would attack it, with any SQLite
// client on till.db: cut the tail, drop the latest month, drop a month in the middle, rewrite the whole chain
// with plain SHA-256 or with a key of their own, delete the head. Every one must be reported by the export's
// header; a restart must not hide it.
let dataDir: string;
let now: { t: number };
const clock = () => new Date(now.t);
const keys = deriveTillKeys({ key: Buffer.alloc(32, 9), source: 'keychain' });
const chain = { key: keys.auditKey, keyId: keys.keyId };

const connections: TillDatabase[] = [];
beforeEach(() => {
  dataDir = makeDataDir('sequra-pos-audit-');
  now = { t: Date.parse('2026-10-15T10:00:00Z') };
});
afterEach(() => {
  for (const db of connections.splice(0)) db.close();
  removeDir(dataDir);
});

function database(): TillDatabase {
  const db = openTillDatabase(join(dataDir, 'till.db'));
  connections.push(db);
  return db;
}

/** The log as the app opens it at a start (a new connection each time). */
function openLog(key: { key: Buffer; keyId: string } = chain): AuditLog {
  return new AuditLog(database(), clock, key, dataDir);
}

/** What an attacker with the database file does, through a connection of their own. */
function tamper(sql: string, ...params: unknown[]): void {
  database()
    .sql.prepare(sql)
    .run(...params);
}

function storedLines(): Array<{ seq: number; line: string }> {
  return database().sql.prepare('SELECT seq, line FROM audit_log ORDER BY seq').all() as Array<{
    seq: number;
    line: string;
  }>;
}

function rewriteEach(change: (entry: Record<string, unknown>, prev: string) => { line: string; link: string }): string {
  let prev = '0'.repeat(64);
  const db = database();
  for (const row of storedLines()) {
    const { line, link } = change(JSON.parse(row.line), prev);
    db.sql.prepare('UPDATE audit_log SET line = ? WHERE seq = ?').run(line, row.seq);
    prev = link;
  }
  return prev;
}

const entries = () => storedLines().map((row) => JSON.parse(row.line) as Record<string, unknown>);

/** 30 entries over three months (October, November, December), head written as the till does when it stops. */
function writeLog(log = openLog()): AuditLog {
  for (let i = 0; i < 30; i += 1) {
    if (i === 10) now.t = Date.parse('2026-11-15T10:00:00Z');
    if (i === 20) now.t = Date.parse('2026-12-15T10:00:00Z');
    log.record({ actor: 'M1', action: 'sale.confirm', outcome: 'ok', target: `sale-${i}` });
  }
  log.flushHead();
  return log;
}

function exportHeader(log: AuditLog) {
  const path = join(dataDir, 'export.jsonl');
  log.exportTo(path);
  return JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!) as {
    chain: { ok: boolean; state: string; problem: string | null; brokenAtSeq: number | null; unverifiable: number };
  };
}

describe('tamper-evident audit log', () => {
  it('an untouched log verifies, in the export and after a restart', () => {
    const log = writeLog();
    expect(exportHeader(log).chain).toMatchObject({ ok: true, state: 'ok', problem: null });
    expect(openLog().chainReport()).toMatchObject({ ok: true, entries: 30 });
  });

  it('removing the last entries is reported (the head names a later entry), and a restart does not bury it', () => {
    writeLog();
    tamper('DELETE FROM audit_log WHERE seq > 27');
    const log = openLog();
    // The restart records the finding in the chain itself, so new entries cannot bury it.
    expect(entries().at(-1)).toMatchObject({ seq: 31, action: 'audit.chain_alarm', target: 'tail_removed' });
    log.record({ actor: 'M1', action: 'sale.create', outcome: 'ok' });
    const header = exportHeader(openLog());
    expect(header.chain).toMatchObject({ ok: false, state: 'broken', problem: 'alarm_recorded', brokenAtSeq: 31 });
  });

  it('the same cut is reported by an export made before any restart', () => {
    const log = writeLog();
    tamper('DELETE FROM audit_log WHERE seq = 30');
    expect(exportHeader(log).chain).toMatchObject({ ok: false, problem: 'tail_removed', brokenAtSeq: 30 });
  });

  it('removing the latest month is reported', () => {
    const log = writeLog();
    tamper("DELETE FROM audit_log WHERE at >= '2026-12'");
    expect(exportHeader(log).chain).toMatchObject({ ok: false, problem: 'tail_removed' });
  });

  it('removing a month in the middle is reported', () => {
    const log = writeLog();
    tamper("DELETE FROM audit_log WHERE at LIKE '2026-11%'");
    expect(exportHeader(log).chain).toMatchObject({ ok: false, problem: 'sequence_gap', brokenAtSeq: 21 });
  });

  it('a whole chain rewritten with plain SHA-256 links (and the head deleted) is reported', () => {
    const log = writeLog();
    rewriteEach((entry, prev) => {
      entry.outcome = 'refused';
      delete entry.key;
      entry.prev = prev;
      const line = JSON.stringify(entry);
      return { line, link: createHash('sha256').update(line).digest('hex') };
    });
    // With the head in place the rewrite cannot match it...
    expect(exportHeader(log).chain).toMatchObject({ ok: false, problem: 'head_mismatch' });
    // ...and without it, nothing in the log can be verified with this till's key.
    rmSync(join(dataDir, AUDIT_HEAD_FILE));
    expect(exportHeader(log).chain).toMatchObject({ ok: false, state: 'unverifiable', unverifiable: 30 });
  });

  it('a chain rewritten with an HMAC key of the attacker’s own, head included, is reported', () => {
    writeLog();
    const forged = Buffer.alloc(32, 1);
    const last = rewriteEach((entry, prev) => {
      entry.actor = 'M2';
      entry.prev = prev;
      const line = JSON.stringify(entry);
      return { line, link: createHmac('sha256', forged).update(line).digest('hex') };
    });
    const mac = createHmac('sha256', forged).update(`sequra-pos audit head 30 ${last} ${keys.keyId}`).digest('hex');
    writeFileSync(join(dataDir, AUDIT_HEAD_FILE), JSON.stringify({ seq: 30, hash: last, keyId: keys.keyId, mac }));
    expect(exportHeader(openLog()).chain).toMatchObject({ ok: false, problem: 'broken_link' });
  });

  it('a deleted head is reported, and stays reported after the restart writes a new one', () => {
    writeLog();
    rmSync(join(dataDir, AUDIT_HEAD_FILE));
    const log = openLog();
    log.record({ actor: 'M1', action: 'sale.create', outcome: 'ok' });
    expect(exportHeader(log).chain).toMatchObject({ ok: false, problem: 'alarm_recorded' });
    expect(entries().find((e) => e.action === 'audit.chain_alarm')?.target).toBe('head_missing');
  });

  it('an entry rolled back with its caller’s transaction leaves the head on the last committed entry', async () => {
    const db = database();
    const log = new AuditLog(db, clock, chain, dataDir);
    log.record({ actor: 'M1', action: 'sale.create', outcome: 'ok' });
    expect(() =>
      db.write(() => {
        log.record({ actor: 'M1', action: 'sale.confirm', outcome: 'ok' });
        throw new Error('the sale step failed');
      }),
    ).toThrow('the sale step failed');
    db.write(() => log.record({ actor: 'M1', action: 'sale.close', outcome: 'ok' }));
    log.flushHead();
    expect(JSON.parse(readFileSync(join(dataDir, AUDIT_HEAD_FILE), 'utf8')).seq).toBe(2);
    expect(log.verify()).toMatchObject({ ok: true, entries: 2 });
  });

  it('the head file is written at most every HEAD_SYNC_MS, and names the last committed entry', async () => {
    const log = openLog();
    for (let i = 0; i < 50; i += 1) log.record({ actor: 'M1', action: 'sale.confirm', outcome: 'ok' });
    expect(existsSync(join(dataDir, AUDIT_HEAD_FILE))).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, HEAD_SYNC_MS * 3));
    expect(JSON.parse(readFileSync(join(dataDir, AUDIT_HEAD_FILE), 'utf8')).seq).toBe(50);
  });

  it('a crash before the head caught up is not taken for tampering', () => {
    const log = openLog();
    for (let i = 0; i < 5; i += 1) log.record({ actor: 'M1', action: 'sale.confirm', outcome: 'ok' });
    log.flushHead();
    for (let i = 0; i < 3; i += 1) log.record({ actor: 'M1', action: 'sale.close', outcome: 'ok' });
    // The process dies here: entries 6-8 are committed, the head on disk still names entry 5. The folder as the
    // crash leaves it is copied (the database with its -wal, and the head) and a new process opens the copy.
    const crashed = makeDataDir('sequra-pos-audit-crashed-');
    try {
      for (const file of readdirSync(dataDir).filter((name) => /^(till\.db(-wal)?|audit-head\.json)$/.test(name)))
        copyFileSync(join(dataDir, file), join(crashed, file));
      expect(JSON.parse(readFileSync(join(crashed, AUDIT_HEAD_FILE), 'utf8')).seq).toBe(5);
      const db = openTillDatabase(join(crashed, 'till.db'));
      connections.push(db);
      const reopened = new AuditLog(db, clock, chain, crashed);
      expect(reopened.chainReport()).toMatchObject({ ok: true, state: 'ok', problem: null, entries: 8 });
      reopened.record({ actor: 'M1', action: 'sale.create', outcome: 'ok' });
      const lines = db.sql.prepare('SELECT line FROM audit_log ORDER BY seq').all() as Array<{ line: string }>;
      const actions = lines.map((row) => (JSON.parse(row.line) as { action: string; seq: number }).action);
      expect(actions).not.toContain('audit.chain_alarm');
      expect(actions).toHaveLength(9);
      expect(reopened.verify()).toMatchObject({ ok: true, entries: 9, headSeq: 9 });
    } finally {
      removeDir(crashed);
    }
  });

  it('after a keychain reset: older entries are reported as unverifiable, never as intact, and new ones verify', () => {
    writeLog();
    const reset = deriveTillKeys({ key: newTillKey(), source: 'replaced' });
    const log = openLog({ key: reset.auditKey, keyId: reset.keyId });
    expect(log.chainReport()).toMatchObject({ ok: false, state: 'unverifiable', problem: null, unverifiable: 30 });
    expect(entries().at(-1)).toMatchObject({ action: 'audit.chain_keyed', detail: 'till key changed' });
    log.record({ actor: 'M1', action: 'sale.create', outcome: 'ok' });
    expect(exportHeader(log).chain).toMatchObject({ state: 'unverifiable', problem: null, unverifiable: 30 });
  });

  it('a log from before the keyed chain (plain SHA-256) is sealed by the first keyed entry and then verifies', () => {
    let prev = '0'.repeat(64);
    const legacy = Array.from({ length: 5 }, (_, i) => {
      const line = JSON.stringify({
        seq: i + 1,
        at: '2026-09-01T10:00:00.000Z',
        actor: 'M1',
        action: 'session.signed_in',
        outcome: 'ok',
        target: 'M1',
        detail: null,
        training: false,
        prev,
      });
      prev = createHash('sha256').update(line).digest('hex');
      return line;
    });
    const db = database();
    for (const [i, line] of legacy.entries())
      db.sql
        .prepare('INSERT INTO audit_log (seq, at, actor, action, outcome, target, line) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(i + 1, '2026-09-01T10:00:00.000Z', 'M1', 'session.signed_in', 'ok', 'M1', line);
    const log = openLog();
    expect(entries().at(-1)).toMatchObject({ seq: 6, action: 'audit.chain_keyed' });
    expect(exportHeader(log).chain).toMatchObject({ ok: true, unverifiable: 0 });
    // An edit inside the sealed part still shows.
    tamper('UPDATE audit_log SET line = ? WHERE seq = 3', legacy[2]!.replace('signed_in', 'signed_out'));
    expect(exportHeader(log).chain).toMatchObject({ ok: false, problem: 'broken_link', brokenAtSeq: 4 });
  });
});

describe('through the core: status and export report a cut log', () => {
  it('a restart after the tail was cut shows a broken chain in the status and in the export', async () => {
    let core = await startCore({ dataDir });
    await call(core, 'session.lock');
    await call(core, 'session.unlock', { pin: TRAINING_CASHIER.pin });
    expect((await call<TillStatus>(core, 'app.getStatus')).setup?.auditChain).toMatchObject({ state: 'ok' });
    await core.stop();
    const last = storedLines().at(-1)!.seq;
    tamper('DELETE FROM audit_log WHERE seq > ?', last - 2);
    for (const db of connections.splice(0)) db.close();

    core = await startCore({ dataDir, signIn: false });
    try {
      expect((await call<TillStatus>(core, 'app.getStatus')).setup?.auditChain.state).toBe('broken');
      await call(core, 'session.signIn', TRAINING_MANAGER);
      await call(core, 'session.elevate', { managerPin: TRAINING_MANAGER.pin });
      const exported = await call<{ path: string; chain: { state: string } }>(core, 'audit.export');
      expect(exported.chain.state).toBe('broken');
      expect(JSON.parse(readFileSync(exported.path, 'utf8').split('\n')[0]!).chain.ok).toBe(false);
    } finally {
      await core.stop();
    }
  });
});

describe('the settings screen’s count', () => {
  it('counts the entries written since the last check', () => {
    const log = openLog();
    expect(log.chainReport()).toMatchObject({ state: 'ok', entries: 0 });
    log.record({ actor: 'M1', action: 'sale.create', outcome: 'ok' });
    log.record({ actor: 'M1', action: 'sale.close', outcome: 'ok' });
    expect(log.chainReport()).toMatchObject({ state: 'ok', entries: 2 });
  });
});
