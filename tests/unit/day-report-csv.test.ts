import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvAmount, csvCell, reportCsv } from '../../electron/core/after-sale/day-report.ts';
import type { DayReport } from '../../shared/ipc/after-sale-schemas.ts';

// The CSV must open cleanly in a Spanish Excel: BOM, ';' separators, decimal commas, quoted text where
// needed, and no cell that the spreadsheet would run as a formula.
describe('report CSV', () => {
  it('formats integer cents with a decimal comma and no grouping', () => {
    expect(csvAmount(0)).toBe('0,00');
    expect(csvAmount(5)).toBe('0,05');
    expect(csvAmount(46_890)).toBe('468,90');
    expect(csvAmount(123_456_789)).toBe('1234567,89');
  });

  it('quotes separators, quotes and line breaks, and defuses formula-like text', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell('María José')).toBe('María José');
  });

  it('starts with a BOM, has one header and one CRLF line per row', () => {
    const report = {
      storeRef: 'T;1',
      tillId: '03',
      training: false,
      rows: [
        {
          saleId: 's1',
          kind: 'sale',
          createdAt: '2026-05-04T10:15:00.000Z',
          ticketNumber: 'T-03-000001',
          uuid: 'u-1',
          product: 'pp3',
          productTitle: 'Paga en 3 plazos',
          status: 'returned',
          financedCents: 46_890,
          reducedCents: 1_000,
          currentFinancedCents: 45_890,
          reducedOnDayCents: 1_000,
          confirmedAt: '2026-05-04T10:20:00.000Z',
          referenceRegistered: true,
          pendingInstructions: 0,
          attention: null,
          returnsCount: 1,
          cancelledAt: null,
          operatorRef: 'Ana',
        },
      ],
    } as unknown as DayReport;
    const csv = reportCsv(report);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(3); // header, one row, and the final line break
    expect(lines[2]).toBe('');
    expect(lines[0]).toBe(CSV_COLUMNS.join(';'));
    const cells = lines[1]!.split(';');
    expect(cells[2]).toBe('"T');
    expect(lines[1]).toContain(
      ';"T;1";03;T-03-000001;u-1;pp3;Paga en 3 plazos;devuelta;venta;468,90;10,00;458,90;10,00;',
    );
  });
});
