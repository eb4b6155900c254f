import { describe, expect, it } from 'vitest';
import {
  SALE_ACTIONS,
  SALE_MACHINE,
  allows,
  canLeaveForNextSale,
  canMove,
  stepsAllowing,
} from '../../../shared/sale/sale-machine.ts';
import { FINAL_STEPS, SALE_STEPS, type SaleStep } from '../../../shared/sale/sale-record.ts';

// Walks the sale's state machine: every step is reachable from a new draft, every step can reach an end, the
// ends only close, and the in-flight steps are left only by the till itself.
function successors(step: SaleStep): SaleStep[] {
  const rule = SALE_MACHINE[step];
  return [...new Set([...rule.till, ...Object.values(rule.actions).flat()])];
}

function reachableFrom(start: SaleStep): Set<SaleStep> {
  const seen = new Set<SaleStep>([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const next of successors(queue.shift()!)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

describe('the sale state machine', () => {
  it('reaches every step from a new draft, and an end from every step', () => {
    expect([...reachableFrom('draft')].sort()).toEqual([...SALE_STEPS].sort());
    for (const step of SALE_STEPS) {
      const ends = [...reachableFrom(step)].filter((s) => FINAL_STEPS.includes(s));
      expect(ends.length, step).toBeGreaterThan(0);
    }
  });

  it('lets an ended sale only be closed, where it stays', () => {
    for (const step of FINAL_STEPS) {
      expect(Object.keys(SALE_MACHINE[step].actions), step).toEqual(['close']);
      expect(successors(step), step).toEqual([step]);
    }
  });

  it('leaves the in-flight steps only to the till (SeQura answers, a resumed crash)', () => {
    for (const step of ['starting', 'sending_sms'] as const) {
      expect(Object.keys(SALE_MACHINE[step].actions), step).toEqual([]);
      expect(SALE_MACHINE[step].till.length, step).toBeGreaterThan(0);
    }
  });

  it('never goes back once SeQura confirmed; a confirmation in flight is neither edited nor cancelled', () => {
    for (const step of ['handing_over', 'done'] as const) {
      expect(reachableFrom(step).has('draft'), step).toBe(false);
      expect(reachableFrom(step).has('cancelled'), step).toBe(false);
    }
    // Only SeQura's refusal of it reopens the choices (confirm_refused: restart, cancel, reject).
    expect(successors('confirming').sort()).toEqual(['confirm_refused', 'confirming', 'done', 'handing_over']);
  });

  it('answers the questions the services and the screen ask', () => {
    expect(stepsAllowing('cancel').sort()).toEqual(
      ['draft', 'start_queued', 'start_uncertain', 'choose_product', 'awaiting_approval', 'confirm_refused'].sort(),
    );
    expect(stepsAllowing('confirm').sort()).toEqual(['awaiting_approval', 'confirm_refused']);
    expect(SALE_STEPS.filter(canLeaveForNextSale).sort()).toEqual(
      ['confirming', 'handing_over', 'done', 'rejected', 'cancelled'].sort(),
    );
    expect(allows('draft', 'confirm')).toBe(false);
    expect(canMove('awaiting_approval', 'done')).toBe(false);
    // Every action is possible somewhere.
    for (const action of SALE_ACTIONS) expect(stepsAllowing(action).length, action).toBeGreaterThan(0);
  });
});
