import { HISTORY_SPEC, JOURNAL_SPEC } from '../journal/migrations.ts';
import { OUTBOX_SPEC } from '../outbox/migrations.ts';
import { SETTINGS_SPEC } from '../settings/migrations.ts';
import type { StoreSpec } from './versioned-store.ts';

/** Which format spec (versions, migrations, shape check) governs each of the till's files. */
export function storeSpecFor(name: string): StoreSpec | null {
  if (name === 'journal') return JOURNAL_SPEC;
  if (name === 'outbox') return OUTBOX_SPEC;
  if (name === 'settings') return SETTINGS_SPEC;
  if (/^history-\d{4}-\d{2}$/.test(name)) return HISTORY_SPEC;
  return null;
}
