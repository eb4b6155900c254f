import { randomInt } from 'node:crypto';
import { encodeTime } from 'ulid';
import type { TillDatabase } from '../db/database.ts';
import { getMeta, setMeta, setMetaOnce } from '../db/meta.ts';

// Ticket numbers, sent to SeQura as order_ref_1, which must never repeat for the merchant:
//
//   TIENDA-01-03-7K3Q-1CZ8-M4XA
//   └ store ┘└till┘└inst┘└─ stamp ─┘
//
// - store and till: what the cashier and IT recognise (cut short if the configured names are very long);
// - installation: 4 random characters created once per database, so two data folders (a reinstall, a second
//   OS user, two tills given the same tillId) never share a number even at the same instant;
// - stamp: milliseconds since 2025-01-01 UTC, always above the last stamp this database issued. Time-ordered
//   rather than counted, so an older copy of the database put back (which forgets the numbers issued after
//   the copy) still issues numbers above them; and kept above the last one issued, so a clock set backwards
//   does not go back either. A restored copy with the clock also set back would only know its own last stamp:
//   the preferences file (till-database.json, outside the database) remembers the last number issued, and
//   its stamp is a floor too (`keepStampsAbove` at start).
//
// Characters are Crockford base32 (digits and capitals without I, L, O, U): nothing to confuse when read
// aloud or typed back from a slip. A stamp has 8 characters until 2059, then 9 (still unique, still growing).
export const TICKET_MAX_LENGTH = 64;
export const TICKET_EPOCH_MS = Date.UTC(2025, 0, 1);
const INSTALLATION_ID_LENGTH = 4;
const STAMP_MIN_LENGTH = 8;
const INSTALLATION_ID_KEY = 'installation_id';
const LAST_STAMP_KEY = 'ticket_last_stamp';

export function newInstallationId(): string {
  return encodeTime(randomInt(32 ** INSTALLATION_ID_LENGTH), INSTALLATION_ID_LENGTH);
}

/** The stamp to issue now: the clock's, unless that is not above the last one issued. */
export function nextStamp(nowMs: number, lastIssued: number): number {
  return Math.max(Math.floor(nowMs) - TICKET_EPOCH_MS, lastIssued + 1);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The stamp inside a ticket number this format produced, or null for anything else (an older format, a
 * number from a file edited by hand). From the right: two groups of four, plus a shorter group left of them
 * once stamps pass 8 characters (the installation id left of the stamp always has 4).
 */
export function stampOfTicketNumber(ticket: string): number | null {
  const groups = ticket.split('-');
  if (groups.length < 3) return null;
  const stampGroups = groups.slice(-2);
  if (stampGroups.some((group) => group.length !== 4)) return null;
  const third = groups.at(-3)!;
  if (third.length < INSTALLATION_ID_LENGTH && groups.length >= 4) stampGroups.unshift(third);
  const installationId = groups.at(-1 - stampGroups.length)!;
  const digits = stampGroups.join('');
  if (installationId.length !== INSTALLATION_ID_LENGTH || !/^[0-9A-HJKMNP-TV-Z]+$/.test(installationId + digits))
    return null;
  let stamp = 0;
  for (const digit of digits) stamp = stamp * 32 + CROCKFORD.indexOf(digit);
  return Number.isSafeInteger(stamp) ? stamp : null;
}

/**
 * Raises the last stamp issued to at least the stamps of these numbers (those the preferences remember),
 * so that a database put back from an older copy continues above the numbers issued after the copy.
 */
export function keepStampsAbove(db: TillDatabase, tickets: ReadonlyArray<string | null | undefined>): void {
  const floor = Math.max(0, ...tickets.map((ticket) => (ticket ? (stampOfTicketNumber(ticket) ?? 0) : 0)));
  db.write(() => {
    if (floor > Number(getMeta(db, LAST_STAMP_KEY) ?? 0)) setMeta(db, LAST_STAMP_KEY, String(floor));
  });
}

export function formatTicketNumber(input: {
  storeRef: string;
  tillId: string;
  installationId: string;
  stamp: number;
}): string {
  let length = STAMP_MIN_LENGTH;
  while (32 ** length <= input.stamp) length++;
  const stamp = encodeTime(input.stamp, length);
  // Groups of four from the right: 1CZ8-M4XA, later X-1CZ8-M4XA.
  const groups: string[] = [];
  for (let end = stamp.length; end > 0; end -= 4) groups.unshift(stamp.slice(Math.max(0, end - 4), end));
  const suffix = [input.installationId, ...groups].join('-');
  // The suffix alone makes the number unique; the store and till part is shortened to fit if need be.
  const prefix = `${input.storeRef}-${input.tillId}`
    .slice(0, TICKET_MAX_LENGTH - suffix.length - 1)
    .replace(/[-\s]+$/, '');
  return prefix ? `${prefix}-${suffix}` : suffix;
}

/** Issues ticket numbers from the till database (its installation id and the last stamp issued). */
export class TicketNumbers {
  constructor(
    private readonly db: TillDatabase,
    private readonly clock: () => Date,
  ) {
    setMetaOnce(db, INSTALLATION_ID_KEY, newInstallationId());
  }

  installationId(): string {
    return getMeta(this.db, INSTALLATION_ID_KEY)!;
  }

  /** The next number; the caller stores it on its sale in the same transaction. */
  next(storeRef: string, tillId: string): string {
    return this.db.write(() => {
      const stamp = nextStamp(this.clock().getTime(), Number(getMeta(this.db, LAST_STAMP_KEY) ?? 0));
      setMeta(this.db, LAST_STAMP_KEY, String(stamp));
      return formatTicketNumber({ storeRef, tillId, installationId: this.installationId(), stamp });
    });
  }
}
