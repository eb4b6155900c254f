// docs/architecture.md shows the sale's state table; this keeps it the table the code runs
// (shared/sale/sale-machine.ts), so a change to one without the other fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SALE_MACHINE, type SaleAction } from '../../shared/sale/sale-machine.ts';
import type { SaleStep } from '../../shared/sale/sale-record.ts';

interface DocumentedRule {
  actions: Record<string, string[]>;
  till: string[];
}

/** Drops "(…)" notes: "start (reload products)" → "start". */
const withoutNotes = (text: string) => text.replace(/\([^)]*\)/g, '').trim();

function documentedTable(): Map<string, DocumentedRule> {
  const doc = readFileSync('docs/architecture.md', 'utf8');
  const section = doc.slice(doc.indexOf('### The state machine'));
  const header = '| Step | Cashier actions → next step | The till moves it to |';
  expect(section).toContain(header);
  const rows = section
    .slice(section.indexOf(header))
    .split('\n')
    .slice(2)
    .filter((line) => line.startsWith('|'));
  const table = new Map<string, DocumentedRule>();
  for (const row of rows) {
    const [stepsCell, actionsCell, tillCell] = row
      .split('|')
      .slice(1, 4)
      .map((cell) => cell.trim());
    const steps = [...stepsCell!.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!);
    for (const step of steps) {
      const actions: Record<string, string[]> = {};
      for (const part of actionsCell!.split(';').filter((p) => p.trim() !== '')) {
        const [name, target] = part.split('→').map(withoutNotes);
        expect(target, `${step}: "${part.trim()}" names where it leads`).toBeTruthy();
        actions[name!] = target === 'the same step' ? [step] : [target!];
      }
      const till = tillCell!
        .split(',')
        .map(withoutNotes)
        .filter((t) => t !== '');
      table.set(step, { actions, till });
    }
  }
  return table;
}

describe('docs/architecture.md', () => {
  it("shows the sale's state table exactly as shared/sale/sale-machine.ts has it", () => {
    const documented = documentedTable();
    expect([...documented.keys()].sort()).toEqual(Object.keys(SALE_MACHINE).sort());
    for (const [step, rule] of Object.entries(SALE_MACHINE) as Array<[SaleStep, (typeof SALE_MACHINE)[SaleStep]]>) {
      const doc = documented.get(step)!;
      const actions = Object.fromEntries(
        (Object.entries(rule.actions) as Array<[SaleAction, readonly SaleStep[]]>).map(([action, targets]) => [
          action,
          [...targets],
        ]),
      );
      expect(doc.actions, `${step}: cashier actions`).toEqual(actions);
      expect([...doc.till].sort(), `${step}: where the till moves it`).toEqual([...rule.till].sort());
    }
  });
});
