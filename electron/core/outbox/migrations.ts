import { z } from 'zod';
import type { StoreSpec } from '../storage/versioned-store.ts';
import { INSTRUCTION_KINDS } from './instruction.ts';

// Versions of the outbox file (outbox.json). To change the format: bump `currentVersion`, add
// `migrations[old]` with a test (tests/integration/persistence.test.ts), update `validate`. Never edit a
// released migration: a till may be upgraded from any earlier version.
//
//  v1 → v2: settled instructions carry their `outcome` (done / refused with reasons / gave up), written with
//           the final state, so a crash between settling an instruction and updating its sale is replayed at
//           the next start instead of leaving the sale "confirming" forever. For v1 files it is rebuilt from
//           the state and the last error recorded with it.
const REFUSAL_CODES = ['conflict', 'validation', 'not_found', 'invalid_payload'];

const InstructionShape = z.looseObject({
  id: z.string().min(1),
  saleId: z.string().min(1),
  kind: z.enum(INSTRUCTION_KINDS),
  state: z.enum(['pending', 'in_flight', 'done', 'resolved', 'needs_attention']),
  request: z.looseObject({ target: z.enum(['solicited_order', 'order_update']) }),
  attempts: z.number().int().min(0),
  createdAt: z.string(),
  giveUpAt: z.string(),
});

const OutboxShape = z.looseObject({
  schemaVersion: z.literal(2),
  instructions: z.record(z.string(), InstructionShape),
});

function outcomeOfV1(instruction: Record<string, unknown>): Record<string, unknown> | null {
  const code = typeof instruction.lastErrorCode === 'string' ? instruction.lastErrorCode : 'unknown';
  const message = typeof instruction.lastError === 'string' ? instruction.lastError : '';
  if (instruction.state === 'done') return { kind: 'done' };
  if (instruction.state === 'needs_attention' || instruction.state === 'resolved') {
    if (instruction.state === 'resolved' && !instruction.lastErrorCode) return null;
    return REFUSAL_CODES.includes(code)
      ? { kind: 'refused', code, reasons: [message], status: null }
      : { kind: 'gave_up', code, message };
  }
  return null;
}

export const OUTBOX_SPEC: StoreSpec = {
  currentVersion: 2,
  migrations: {
    1: (data) => {
      const instructions = (data.instructions ?? {}) as Record<string, Record<string, unknown>>;
      const migrated: Record<string, unknown> = {};
      for (const [id, instruction] of Object.entries(instructions))
        migrated[id] = { ...instruction, outcome: outcomeOfV1(instruction) };
      return { ...data, schemaVersion: 2, instructions: migrated };
    },
  },
  validate: (data) => {
    const parsed = OutboxShape.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`;
    }
    for (const [key, instruction] of Object.entries(parsed.data.instructions))
      if (instruction.id !== key) return `instructions.${key}: id is "${instruction.id}"`;
    return null;
  },
};
