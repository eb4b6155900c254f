import type { SaleRecord } from '../../../shared/sale/sale-record.ts';
import { emptyShopperDraft } from '../../../shared/sale/shopper.ts';

const MAX_TIMELINE = 200;

export function newSaleRecord(input: {
  id: string;
  now: string;
  training: boolean;
  storeRef: string;
  tillId: string;
  operatorRef: string;
}): SaleRecord {
  return withTimeline(
    {
      schemaVersion: 1,
      id: input.id,
      training: input.training,
      createdAt: input.now,
      updatedAt: input.now,
      storeRef: input.storeRef,
      tillId: input.tillId,
      operatorRef: input.operatorRef,
      step: 'draft',
      draftStage: 'cart',
      cart: { lines: [], discounts: [], tillPayments: [] },
      shopper: emptyShopperDraft(),
      attempt: 1,
      solicitation: null,
      abandonedSolicitations: [],
      paymentOptions: null,
      product: null,
      sms: { sentCount: 0, lastSentAt: null, uncertain: false, blockedUntil: null, queued: false },
      ticketNumber: null,
      confirmation: { requestedAt: null, confirmedAt: null, refusal: null, goodsReleasedBy: null },
      referenceRegisteredAt: null,
      handover: { requestedAt: null, doneAt: null },
      finishedAt: null,
      waitUntil: null,
      autoRetries: 0,
      lastError: null,
      pendingInstructions: 0,
      needsAttention: null,
      timeline: [],
      returns: [],
      postSale: null,
    },
    input.now,
    'created',
  );
}

/** Appends to the sale's timeline (kept bounded: the oldest entries after the first go first). */
export function withTimeline(sale: SaleRecord, at: string, event: string, detail?: string): SaleRecord {
  const entry = { at, event, ...(detail ? { detail: detail.slice(0, 300) } : {}), operator: sale.operatorRef };
  const timeline = [...sale.timeline, entry];
  return {
    ...sale,
    timeline: timeline.length > MAX_TIMELINE ? [timeline[0]!, ...timeline.slice(-(MAX_TIMELINE - 1))] : timeline,
  };
}
