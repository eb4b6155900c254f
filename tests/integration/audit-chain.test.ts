import { createHash, createHmac } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_HEAD_FILE, AuditLog, readAuditEntries } from '../../electron/core/audit/audit-log.ts';
import { deriveTillKeys, newTillKey } from '../../electron/core/security/till-key.ts';
import type { TillStatus } from '../../shared/ipc/status-schemas.ts';
import { call, makeDataDir, removeDir, startCore, TRAINING_CASHIER, TRAINING_MANAGER } from '../support/till.ts';

// The audit log as an attacker with the data folder (but not the keychain) would attack it: cut the tail, drop
// the latest month, drop a month in the middle, rewrite the whole chain with plain SHA-256 or with a key of
// their own, delete the head. Every one must be reported by the export's header; a restart must not hide it.
let dataDir: string;
let now: { t: number };
const clock = () => new Date(now.t);
const keys = deriveTillKeys({ key: Buffer.alloc(32, 9), source: 'keychain' });
const chain = { key: keys.auditKey, keyId: keys.keyId };

beforeEach(() => {
  dataDir = makeDataDir('sequra-pos-audit-');
  now = { t: Date.parse('2026-10-15T10:00:00Z') };
});
afterEach(() => removeDir(dataDir));

/** 30 entries over three months (October, November, December). */
function writeLog(log = new AuditLog(dataDir, clock, chain)): AuditLog {
  for (let i = 0; i < 30; i += 1) {
    if (i === 10) now.t = Date.parse('2026-11-15T10:00:00Z');
    if (i === 20) now.t = Date.parse('2026-12-15T10:00:00Z');
    log.record({ actor: 'M1', action: 'sale.confirm', outcome: 'ok', target: `sale-${i}` });
  }
  return log;
}

function exportHeader(log: AuditLog) {
  const path = join(dataDir, 'export.jsonl');
  log.exportTo(path);
  return JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!) as {
    chain: { ok: boolean; state: string; problem: string | null; brokenAtSeq: number | null; unverifiable: number };
  };
}

const monthFile = (month: string) => join(dataDir, 'audit', `audit-2026-${month}.jsonl`);
const fileLines = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('tamper-evident audit log', () => {
  it('an untouched log verifies, in the export and after a restart', () => {
    const log = writeLog();
    expect(exportHeader(log).chain).toMatchObject({ ok: true, state: 'ok', problem: null });
    expect(new AuditLog(dataDir, clock, chain).chainReport()).toMatchObject({ ok: true, entries: 30 });
  });

  it('removing the last lines is reported (the head names a later entry)', () => {
    writeLog();
    const december = fileLines(monthFile('12'));
    writeFileSync(monthFile('12'), december.slice(0, -3).join('\n') + '\n');
    const log = new AuditLog(dataDir, clock, chain);
    // The restart records the finding in the chain itself, so new entries cannot bury it.
    expect(readAuditEntries(dataDir).at(-1)).toMatchObject({ action: 'audit.chain_alarm', target: 'tail_removed' });
    log.record({ actor: 'M1', action: 'sale.create', outcome: 'ok' });
    const header = exportHeader(new AuditLog(dataDir, clock, chain));
    expect(header.chain.ok).toBe(false);
    expect(header.chain.state).toBe('broken');
  });

  it('the same cut is reported by an export made before any restart', () => {
    const log = writeLog();
    const december = fileLines(monthFile('12'));
    writeFileSync(monthFile('12'), december.slice(0, -1).join('\n') + '\n');
    expect(exportHeader(log).chain).toMatchObject({ ok: false, problem: 'tail_removed', brokenAtSeq: 30 });
  });

  it('removing the latest month’s file is reported', () => {
    const log = writeLog();
    rmSync(monthFile('12'));
    expect(exportHeader(log).chain).toMatchObject({ ok: false, problem: 'tail_removed' });
  });

  it('removing a month in the middle is reported', () => {
    const log = writeLog();
    rmSync(monthFile('11'));
    expect(exportHeader(log).chain).toMatchObject({ ok: false, problem: 'sequence_gap', brokenAtSeq: 21 });
  });

  it('a whole chain rewritten with plain SHA-256 links (and the head deleted) is reported', () => {
    const log = writeLog();
    let prev = '0'.repeat(64);
    for (const month of ['10', '11', '12']) {
      const rewritten = fileLines(monthFile(month)).map((line) => {
        const entry = JSON.parse(line);
        entry.outcome = 'refused';
        delete entry.key;
        entry.prev = prev;
        const text = JSON.stringify(entry);
        prev = createHash('sha256').update(text).digest('hex');
        return text;
      });
      writeFileSync(monthFile(month), rewritten.join('\n') + '\n');
    }
    // With the head in place the rewrite cannot match it...
    expect(exportHeader(log).chain).toMatchObject({ ok: false, problem: 'head_mismatch' });
    // ...and without it, nothing in the log can be verified with this till's key.
    rmSync(join(dataDir, AUDIT_HEAD_FILE));
    expect(exportHeader(log).chain).toMatchObject({ ok: false, state: 'unverifiable', unverifiable: 30 });
  });

  it('a chain rewritten with an HMAC key of the attacker’s own, head included, is reported', () => {
    writeLog();
    const forged = { key: Buffer.alloc(32, 1), keyId: keys.keyId };
    let prev = '0'.repeat(64);
    let last = '';
    for (const month of ['10', '11', '12']) {
      const rewritten = fileLines(monthFile(month)).map((line) => {
        const entry = JSON.parse(line);
        entry.actor = 'M2';
        entry.prev = prev;
        last = JSON.stringify(entry);
        prev = createHmac('sha256', forged.key).update(last).digest('hex');
        return last;
      });
      writeFileSync(monthFile(month), rewritten.join('\n') + '\n');
    }
    const mac = createHmac('sha256', forged.key).update(`sequra-pos audit head 30 ${prev} ${keys.keyId}`).digest('hex');
    writeFileSync(join(dataDir, AUDIT_HEAD_FILE), JSON.stringify({ seq: 30, hash: prev, keyId: keys.keyId, mac }));
    const header = exportHeader(new AuditLog(dataDir, clock, chain));
    expect(header.chain.ok).toBe(false);
    expect(header.chain.problem).toBe('broken_link');
  });

  it('a deleted head is reported, and stays reported after the restart writes a new one', () => {
    writeLog();
    rmSync(join(dataDir, AUDIT_HEAD_FILE));
    const log = new AuditLog(dataDir, clock, chain);
    log.record({ actor: 'M1', action: 'sale.create', outcome: 'ok' });
    expect(exportHeader(log).chain).toMatchObject({ ok: false, problem: 'alarm_recorded' });
    expect(readAuditEntries(dataDir).find((e) => e.action === 'audit.chain_alarm')?.target).toBe('head_missing');
  });

  it('after a keychain reset: older entries are reported as unverifiable, never as intact, and new ones verify', () => {
    writeLog();
    const reset = deriveTillKeys({ key: newTillKey(), source: 'replaced' });
    const log = new AuditLog(dataDir, clock, { key: reset.auditKey, keyId: reset.keyId });
    const report = log.chainReport();
    expect(report).toMatchObject({ ok: false, state: 'unverifiable', problem: null, unverifiable: 30 });
    expect(readAuditEntries(dataDir).at(-1)).toMatchObject({ action: 'audit.chain_keyed', detail: 'till key changed' });
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
    new AuditLog(dataDir, clock, chain); // creates the folder
    writeFileSync(join(dataDir, 'audit', 'audit-2026-09.jsonl'), legacy.join('\n') + '\n');
    const log = new AuditLog(dataDir, clock, chain);
    expect(readAuditEntries(dataDir).at(-1)).toMatchObject({ seq: 6, action: 'audit.chain_keyed' });
    expect(exportHeader(log).chain).toMatchObject({ ok: true, unverifiable: 0 });
    // An edit inside the sealed part still shows.
    const edited = legacy.map((line, i) => (i === 2 ? line.replace('signed_in', 'signed_out') : line));
    writeFileSync(join(dataDir, 'audit', 'audit-2026-09.jsonl'), edited.join('\n') + '\n');
    expect(exportHeader(log).chain).toMatchObject({ ok: false, problem: 'broken_link', brokenAtSeq: 4 });
    expect(readdirSync(join(dataDir, 'audit'))).toContain('audit-2026-09.jsonl');
  });
});

describe('through the core: status and export report a cut log', () => {
  it('a restart after the tail was cut shows a broken chain in the status and in the export', async () => {
    let core = await startCore({ dataDir });
    await call(core, 'session.lock');
    await call(core, 'session.unlock', { pin: TRAINING_CASHIER.pin });
    expect((await call<TillStatus>(core, 'app.getStatus')).setup?.auditChain).toMatchObject({ state: 'ok' });
    await core.stop();
    const month = readdirSync(join(dataDir, 'audit')).sort().at(-1)!;
    const lines = fileLines(join(dataDir, 'audit', month));
    writeFileSync(join(dataDir, 'audit', month), lines.slice(0, -2).join('\n') + '\n');

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
