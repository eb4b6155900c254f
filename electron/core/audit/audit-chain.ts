import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// The audit log's tamper evidence, as pure functions over the log's lines and its head.
//
// - Each entry's `prev` is the HMAC-SHA256 of the line before it, keyed with the audit key derived from the till
//   key (security/till-key.ts), which the OS keychain holds and the data folder does not. Editing, inserting or
//   deleting a line breaks the link after it, and whoever can write the data folder but not use the keychain
//   cannot compute new links: rewriting the whole chain does not verify.
// - Links alone cannot show that the *last* lines (or the latest month's file) were removed: what is left is a
//   shorter chain that still links up. So the head (the last entry's sequence number and link, with a MAC over
//   both) is also kept apart from the log (audit-head.json). A log that ends before its head, or whose entry at
//   the head's sequence is not the one the head names, was cut.
// - A break found when the app starts is itself recorded as an entry (`audit.chain_alarm`) and numbering goes on
//   after the head, so the evidence stays in the chain even after new entries are written.
// - Entries from before the keyed chain (no `key` field; linked by plain SHA-256) are verified through the first
//   keyed entry that follows them. Entries written under another till key (the keychain was reset) cannot be
//   verified by this till: they are counted and reported, never called intact.
export const GENESIS = '0'.repeat(64);
export const CHAIN_ALARM_ACTION = 'audit.chain_alarm';

export interface AuditHead {
  seq: number;
  /** The link of the entry at `seq` (what the next entry's `prev` will be). */
  hash: string;
  keyId: string;
  /** HMAC over seq, hash and keyId: a head cannot be moved back without the key. */
  mac: string;
}

export interface ChainKey {
  key: Buffer;
  keyId: string;
}

export type ChainProblem =
  | 'unreadable_entry'
  | 'sequence_gap'
  | 'broken_link'
  | 'head_missing'
  | 'head_invalid'
  | 'tail_removed'
  | 'head_mismatch'
  | 'alarm_recorded';

export interface AuditChainReport {
  /** Intact and every entry verified with this till's key. */
  ok: boolean;
  state: 'ok' | 'broken' | 'unverifiable';
  entries: number;
  /** The first problem found (null when none). */
  problem: ChainProblem | null;
  /** Line index (0-based) and sequence number of the first problem. */
  brokenAt: number | null;
  brokenAtSeq: number | null;
  /** Entries this till cannot verify (written under another till key, or old entries not yet sealed). */
  unverifiable: number;
  headSeq: number | null;
}

export function chainLink(key: Buffer, line: string): string {
  return createHmac('sha256', key).update(line).digest('hex');
}

export function legacyLink(line: string): string {
  return createHash('sha256').update(line).digest('hex');
}

export function signHead(chain: ChainKey, seq: number, hash: string): AuditHead {
  return { seq, hash, keyId: chain.keyId, mac: headMac(chain.key, seq, hash, chain.keyId) };
}

function headMac(key: Buffer, seq: number, hash: string, keyId: string): string {
  return createHmac('sha256', key).update(`sequra-pos audit head ${seq} ${hash} ${keyId}`).digest('hex');
}

export function headIsAuthentic(chain: ChainKey, head: AuditHead): boolean {
  if (head.keyId !== chain.keyId || typeof head.mac !== 'string') return false;
  const expected = Buffer.from(headMac(chain.key, head.seq, head.hash, head.keyId), 'hex');
  const given = Buffer.from(head.mac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface ParsedEntry {
  seq?: unknown;
  prev?: unknown;
  key?: unknown;
  action?: unknown;
}

/** Verifies the lines (oldest first) against this till's key and the head kept apart from them. */
export function verifyAuditChain(lines: string[], chain: ChainKey, head: AuditHead | null): AuditChainReport {
  let problem: ChainProblem | null = null;
  let brokenAt: number | null = null;
  let brokenAtSeq: number | null = null;
  const fail = (what: ChainProblem, index: number | null, seq: number | null) => {
    if (problem !== null) return;
    problem = what;
    brokenAt = index;
    brokenAtSeq = seq;
  };

  let previousLine: string | null = null;
  let previousSeq = 0;
  let keyed = 0;
  // Entries not (yet) covered by a keyed link: legacy ones until a keyed entry seals them, foreign-key ones always.
  let pendingLegacy = 0;
  let foreign = 0;
  const seqByLine: number[] = [];

  lines.forEach((line, index) => {
    let entry: ParsedEntry;
    try {
      entry = JSON.parse(line) as ParsedEntry;
    } catch {
      fail('unreadable_entry', index, null);
      previousLine = line;
      seqByLine.push(NaN);
      return;
    }
    const seq = typeof entry.seq === 'number' ? entry.seq : NaN;
    seqByLine.push(seq);
    // A break the app found at start and wrote down explains the gap it leaves: report it first.
    if (entry.action === CHAIN_ALARM_ACTION && entry.key === chain.keyId) fail('alarm_recorded', index, seq);
    if (seq !== previousSeq + 1) fail('sequence_gap', index, Number.isFinite(seq) ? seq : null);
    if (entry.key === chain.keyId) {
      const expected = previousLine === null ? GENESIS : chainLink(chain.key, previousLine);
      if (entry.prev !== expected) fail('broken_link', index, seq);
      keyed += 1;
      pendingLegacy = 0;
    } else if (keyed > 0) {
      // Once this key has written, an entry under no key or another key can only be a forgery.
      fail('broken_link', index, seq);
    } else if (entry.key === undefined) {
      const expected = previousLine === null ? GENESIS : legacyLink(previousLine);
      if (entry.prev !== expected) fail('broken_link', index, seq);
      pendingLegacy += 1;
    } else {
      // Written under another till key: the keychain was reset (or the folder came from elsewhere).
      foreign += 1;
      pendingLegacy = 0;
    }
    previousLine = line;
    previousSeq = Number.isFinite(seq) ? seq : previousSeq + 1;
  });

  if (head === null) {
    if (keyed > 0) fail('head_missing', null, null);
  } else if (!headIsAuthentic(chain, head)) {
    // A head under another key is what a keychain reset leaves; it only matters once this key has written.
    if (head.keyId === chain.keyId || keyed > 0) fail('head_invalid', null, head.seq);
  } else {
    const index = seqByLine.lastIndexOf(head.seq);
    if (previousSeq < head.seq) fail('tail_removed', lines.length, head.seq);
    else if (index < 0 || chainLink(chain.key, lines[index]!) !== head.hash) fail('head_mismatch', index, head.seq);
  }

  const unverifiable = foreign + pendingLegacy;
  const state = problem !== null ? 'broken' : unverifiable > 0 ? 'unverifiable' : 'ok';
  return {
    ok: state === 'ok',
    state,
    entries: lines.length,
    problem,
    brokenAt,
    brokenAtSeq,
    unverifiable,
    headSeq: head?.seq ?? null,
  };
}

/**
 * The chain as version 0.1.0 wrote it (plain SHA-256 links, no key), checked on its own: the import from the old
 * files uses it to prove the database holds the same chain the files did.
 */
export function verifyLegacyChain(lines: string[]): { ok: boolean; brokenAt: number | null } {
  let prev = GENESIS;
  for (let index = 0; index < lines.length; index += 1) {
    let entry: { prev?: unknown };
    try {
      entry = JSON.parse(lines[index]!) as { prev?: unknown };
    } catch {
      return { ok: false, brokenAt: index };
    }
    if (entry.prev !== prev) return { ok: false, brokenAt: index };
    prev = legacyLink(lines[index]!);
  }
  return { ok: true, brokenAt: null };
}
