import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { LANGUAGES } from '../../shared/i18n/languages.ts';
import { quitWarning } from '../../shared/i18n/quit-warning.ts';
import { catalogues, translator } from '../../renderer/i18n/i18n.tsx';
import { explainSequraReason } from '../../renderer/i18n/sequra-words.ts';

// Every sentence of every language is ICU MessageFormat, read by FormatJS's own parser, and says the same
// things as the Spanish source: the same placeholders with the same kinds (a plural in Spanish is a plural
// in English). TypeScript already fails the build on a missing or extra key; this catches what types cannot.

type Kind = 'text' | 'number' | 'date' | 'time' | 'select' | 'plural';

function placeholders(elements: MessageFormatElement[], into = new Map<string, Set<Kind>>()): Map<string, Set<Kind>> {
  const add = (name: string, kind: Kind) => into.set(name, (into.get(name) ?? new Set()).add(kind));
  for (const element of elements) {
    if (element.type === TYPE.argument) add(element.value, 'text');
    else if (element.type === TYPE.number) add(element.value, 'number');
    else if (element.type === TYPE.date) add(element.value, 'date');
    else if (element.type === TYPE.time) add(element.value, 'time');
    else if (element.type === TYPE.select || element.type === TYPE.plural) {
      add(element.value, element.type === TYPE.select ? 'select' : 'plural');
      for (const option of Object.values(element.options)) placeholders(option.value, into);
    }
  }
  return into;
}

function signature(message: string): string {
  const found = placeholders(parse(message, { ignoreTag: true }));
  return [...found]
    .map(([name, kinds]) => `${name}:${[...kinds].sort().join('+')}`)
    .sort()
    .join(' ');
}

describe('catalogues', () => {
  const source = catalogues.es;

  it.each(LANGUAGES)('%s: every message parses as ICU and has the Spanish placeholders', (language) => {
    const catalogue: Record<string, string> = catalogues[language];
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(source).sort());
    const mismatches = Object.entries(source).flatMap(([key, spanish]) => {
      const theirs = catalogue[key] ?? '';
      return signature(theirs) === signature(spanish) ? [] : [`${key}: ${signature(theirs)} ≠ ${signature(spanish)}`];
    });
    expect(mismatches).toEqual([]);
  });

  it('no key is defined twice across the area files (a later spread would silently hide the first)', () => {
    const files = ['es.ts', 'admin.es.ts', 'after-sale.es.ts', 'recovery.es.ts'];
    const keys = files.flatMap((file) =>
      [
        ...readFileSync(new URL(`../../renderer/i18n/${file}`, import.meta.url), 'utf8').matchAll(
          /^ {2}'([\w.-]+)':/gm,
        ),
      ].map((match) => match[1]),
    );
    const twice = keys.filter((key, index) => keys.indexOf(key) !== index);
    expect(twice).toEqual([]);
    expect(keys.length).toBe(Object.keys(source).length);
  });

  it('no hand-made singular keys and no "(s)"/"(es)" plurals', () => {
    for (const language of LANGUAGES) {
      const catalogue: Record<string, string> = catalogues[language];
      expect(Object.keys(catalogue).filter((key) => /One$/.test(key))).toEqual([]);
      expect(Object.values(catalogue).filter((text) => /\w\((s|es)\)/.test(text))).toEqual([]);
    }
  });
});

describe('plurals follow the till language', () => {
  it.each([
    ['es', 1, '1 artículo'],
    ['es', 2, '2 artículos'],
    ['es', 0, '0 artículos'],
    ['en', 1, '1 item'],
    ['en', 3, '3 items'],
  ] as const)('%s, %d → %s', (language, count, text) => {
    expect(translator(language)('shopper.cartRecap', { count })).toBe(text);
  });

  it('keeps other placeholders inside plural branches', () => {
    expect(translator('es')('conn.pending', { count: 1, time: '10:05' })).toBe('1 pendiente · de las 10:05');
    expect(translator('en')('conn.pending', { count: 4, time: '10:05' })).toBe('4 pending · oldest from 10:05');
  });

  it('the quit dialog main shows by itself is pluralised too', () => {
    expect(quitWarning('es', 1, null).message).toBe(
      '1 operación todavía no ha llegado a SeQura (la más antigua de las —).',
    );
    expect(quitWarning('en', 2, null).message).toBe('2 operations have not reached SeQura yet (the oldest from —).');
  });
});

describe("SeQura's words in the till's language", () => {
  it.each([
    ['The order is under review; it can be confirmed once the review has approved it', 'SeQura está revisando'],
    [
      'The order has not been approved yet: the shopper has not completed the identification form',
      'aún no ha terminado',
    ],
    ['Too many SMS for this order: at most 3 every 600 s. Wait and try again later.', 'no envía más SMS'],
    ["seQura only sends SMS to Spanish mobile numbers; '+441234' is not one", 'móviles españoles'],
    [
      "merchant_reference.order_ref_1 'T-1' is already used by another confirmed order of merchant 'm'",
      'número de ticket',
    ],
  ])('%s', (reason, spanish) => {
    expect(explainSequraReason(reason, translator('es'))).toContain(spanish);
    expect(explainSequraReason(reason, translator('ca'))).not.toBeNull();
    expect(explainSequraReason(reason, translator('en'))).not.toMatch(/^The order/);
  });

  it('never guesses an unknown reason', () => {
    expect(explainSequraReason('Something entirely new happened', translator('es'))).toBeNull();
  });
});
