import { z } from 'zod';
import { OrderPayloadSchema, OrderUpdatePayloadSchema } from '../../../shared/order/payload.ts';

// An outbox instruction: a SeQura call that must eventually happen. Written to disk before its first try
// and never deleted: done, resolved (superseded by a later action of the cashier) and needs-attention
// instructions stay for the sale's history until the sale itself is archived.
export const INSTRUCTION_KINDS = ['confirm', 'register_reference', 'handover', 'cancel', 'return'] as const;

export const InstructionSchema = z.object({
  id: z.string(),
  saleId: z.string(),
  kind: z.enum(INSTRUCTION_KINDS),
  request: z.discriminatedUnion('target', [
    // PUT /orders/{uuid}: confirmation and order reference (full-state, safe to replay)
    z.object({ target: z.literal('solicited_order'), uuid: z.string(), payload: OrderPayloadSchema }),
    // PUT /merchants/{id}/orders/{order_ref_1}: handover, cancellation, returns (full-state, safe to replay)
    z.object({ target: z.literal('order_update'), orderRef1: z.string(), payload: OrderUpdatePayloadSchema }),
  ]),
  state: z.enum(['pending', 'in_flight', 'done', 'resolved', 'needs_attention']),
  attempts: z.number().int().min(0),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  /**
   * SeQura's last `Retry-After` as a time: no attempt before it, whatever wakes the outbox (reconnection,
   * a cashier's "try now"). Absent in files written before it existed.
   */
  retryAfterUntil: z.string().nullable().optional(),
  lastAttemptAt: z.string().nullable(),
  giveUpAt: z.string(),
  lastError: z.string().nullable(),
  lastErrorCode: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /**
   * When the personal-data purge removed the shopper's data from its payload (privacy/purge.ts). An order
   * update can still be sent without it; a confirmation or order reference cannot.
   */
  personalDataRemovedAt: z.string().nullable().optional(),
  /** For the pending list: what the cashier recognises. */
  ticketNumber: z.string().nullable(),
  amountCents: z.number().int(),
  /**
   * The final outcome, written in the same atomic write as the final state (outbox schemaVersion 2), so a
   * crash between that write and the sale's own update can be replayed at the next start.
   */
  outcome: z
    .lazy(() => InstructionOutcomeSchema)
    .nullable()
    .optional(),
});
export type Instruction = z.infer<typeof InstructionSchema>;

export const InstructionOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('done') }),
  /** SeQura refused it (409, 404…): replaying will not help; a person must look. */
  z.object({
    kind: z.literal('refused'),
    code: z.string(),
    reasons: z.array(z.string()),
    status: z.number().nullable(),
  }),
  /** Retried until the give-up horizon without an answer. */
  z.object({ kind: z.literal('gave_up'), code: z.string(), message: z.string() }),
]);
export type InstructionOutcome = z.infer<typeof InstructionOutcomeSchema>;

export function isOpen(instruction: Instruction): boolean {
  return instruction.state === 'pending' || instruction.state === 'in_flight';
}
