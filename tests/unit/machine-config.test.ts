// The machine configuration file store IT deploys: every kind of bad file gives a message that names the key
// and says what is wrong, and none of them throws (a broken file must open the "fix the configuration"
// screen, never crash the till).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  defaultMachineConfigPath,
  loadMachineConfig,
  MachineConfigSchema,
  receiptPaperWidthMm,
  tillPolicy,
  type MachineConfigLoad,
} from '../../electron/core/config/machine-config.ts';
import { makeDataDir, removeDir } from '../support/till.ts';

const dir = makeDataDir('sequra-pos-config-');
afterAll(() => removeDir(dir));

const GOOD = {
  sequra: { environment: 'sandbox', merchantId: 'pos_demo_es' },
  storeRef: 'BCN-01',
  tillId: '03',
};

let n = 0;
function loadText(text: string | Buffer): MachineConfigLoad {
  const path = join(dir, `config-${(n += 1)}.json`);
  writeFileSync(path, text);
  return loadMachineConfig(path);
}
const load = (value: unknown) => loadText(JSON.stringify(value));

function problems(result: MachineConfigLoad): Array<{ key: string; problem: string }> {
  expect(result.kind).toBe('invalid');
  return result.kind === 'invalid' ? result.problems : [];
}

describe('loadMachineConfig', () => {
  it('a missing file is a fresh install (training), and says where it looked', () => {
    const path = join(dir, 'nope', 'config.json');
    expect(loadMachineConfig(path)).toEqual({ kind: 'absent', path });
  });

  it('a good file loads with every default filled in', () => {
    const result = load(GOOD);
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(result.config).toMatchObject({
      requireNinControl: false,
      usesShippedCart: false,
      offlineGoodsRelease: 'hold',
      retentionDays: 90,
      personalDataDays: 30,
      defaultLanguage: 'es',
      autoLockMinutes: 5,
    });
  });

  it('accepts a UTF-8 byte-order mark (Notepad writes one)', () => {
    expect(loadText(`\uFEFF${JSON.stringify(GOOD)}`).kind).toBe('ok');
  });

  it('a file that cannot be read (a folder in its place) → "(file)" cannot be read', () => {
    const path = join(dir, 'folder.json');
    mkdirSync(path);
    const [problem] = problems(loadMachineConfig(path));
    expect(problem).toMatchObject({ key: '(file)' });
    expect(problem!.problem).toMatch(/^cannot be read/);
  });

  it('an empty file, a truncated file and plain text → "(file)" is not valid JSON', () => {
    for (const text of ['', '{"sequra": {', 'environment = live']) {
      const [problem] = problems(loadText(text));
      expect(problem).toMatchObject({ key: '(file)' });
      expect(problem!.problem).toMatch(/^is not valid JSON/);
    }
  });

  it('JSON that is not an object → "(root)"', () => {
    for (const value of [[], 'live', 42, null]) {
      const list = problems(load(value));
      expect(list[0]!.key).toBe('(root)');
      expect(list[0]!.problem).toMatch(/^must be an object/);
    }
  });

  it('a required key missing → that key "is required"', () => {
    const { storeRef: _storeRef, ...rest } = GOOD;
    expect(problems(load(rest))).toEqual([{ key: 'storeRef', problem: 'is required (expected string)' }]);
    expect(problems(load({ ...GOOD, sequra: { environment: 'live' } }))).toEqual([
      { key: 'sequra.merchantId', problem: 'is required (expected string)' },
    ]);
  });

  it('a misspelt key → "unknown key(s)" at its level, naming it', () => {
    expect(problems(load({ ...GOOD, storeref: 'x' }))).toEqual([
      { key: '(root)', problem: 'unknown key(s): storeref (check the spelling; keys are case-sensitive)' },
    ]);
    expect(problems(load({ ...GOOD, sequra: { ...GOOD.sequra, merchantID: 'x' } }))[0]).toMatchObject({
      key: 'sequra',
      problem: expect.stringContaining('merchantID'),
    });
  });

  it('a wrong type → "must be a boolean, not string" and the like', () => {
    expect(problems(load({ ...GOOD, requireNinControl: 'yes' }))).toEqual([
      { key: 'requireNinControl', problem: 'must be a boolean, not string' },
    ]);
    expect(problems(load({ ...GOOD, allowedProducts: 'pp3' }))).toEqual([
      { key: 'allowedProducts', problem: 'must be an array, not string' },
    ]);
    expect(problems(load({ ...GOOD, retentionDays: '90' }))).toEqual([
      { key: 'retentionDays', problem: 'must be a number, not string' },
    ]);
  });

  it('a value outside its list → the allowed values', () => {
    expect(problems(load({ ...GOOD, sequra: { ...GOOD.sequra, environment: 'production' } }))).toEqual([
      { key: 'sequra.environment', problem: 'must be one of "sandbox", "live", "custom"' },
    ]);
    expect(problems(load({ ...GOOD, offlineGoodsRelease: 'always' }))).toEqual([
      { key: 'offlineGoodsRelease', problem: 'must be one of "hold", "manager_pin"' },
    ]);
    expect(problems(load({ ...GOOD, defaultLanguage: 'fr' }))[0]!.key).toBe('defaultLanguage');
  });

  it('numbers out of range → their limits', () => {
    expect(problems(load({ ...GOOD, retentionDays: 3 }))).toEqual([
      { key: 'retentionDays', problem: 'must be at least 7' },
    ]);
    expect(problems(load({ ...GOOD, personalDataDays: 0 }))).toEqual([
      { key: 'personalDataDays', problem: 'must be at least 1' },
    ]);
    expect(problems(load({ ...GOOD, autoLockMinutes: 1000 }))).toEqual([
      { key: 'autoLockMinutes', problem: 'must be at most 240' },
    ]);
  });

  it('formats: till id, product codes, empty merchant id', () => {
    expect(problems(load({ ...GOOD, tillId: 'caja 3' }))).toEqual([
      { key: 'tillId', problem: 'letters, digits, "-" or "_", at most 16' },
    ]);
    expect(problems(load({ ...GOOD, allowedProducts: ['pp3', 'Plazos'] }))).toEqual([
      { key: 'allowedProducts.1', problem: 'expected a SeQura product code such as "pp3"' },
    ]);
    expect(problems(load({ ...GOOD, sequra: { ...GOOD.sequra, merchantId: '' } }))).toEqual([
      { key: 'sequra.merchantId', problem: 'must not be empty' },
    ]);
  });

  it('custom environment: baseUrl required, and must be an http(s) URL', () => {
    expect(problems(load({ ...GOOD, sequra: { environment: 'custom', merchantId: 'm' } }))).toEqual([
      { key: 'sequra.baseUrl', problem: 'baseUrl is required when environment is "custom"' },
    ]);
    expect(
      problems(load({ ...GOOD, sequra: { environment: 'custom', merchantId: 'm', baseUrl: 'ftp://x.example' } }))[0]!
        .key,
    ).toBe('sequra.baseUrl');
    expect(
      load({
        ...GOOD,
        sequra: { environment: 'custom', merchantId: 'm', baseUrl: 'https://proxy.store.example/sequra' },
      }).kind,
    ).toBe('ok');
  });

  it('lists every problem of a file at once, so IT fixes it in one go', () => {
    const list = problems(load({ sequra: { environment: 'prod' }, tillId: 'a b', retentionDays: 1, extra: true }));
    expect(list.map((p) => p.key).sort()).toEqual([
      '(root)',
      'retentionDays',
      'sequra.environment',
      'sequra.merchantId',
      'storeRef',
      'tillId',
    ]);
  });
});

describe('defaultMachineConfigPath', () => {
  it('per OS, with the environment variable winning', () => {
    expect(defaultMachineConfigPath('win32', { ProgramData: 'D:\\PD' })).toBe('D:\\PD\\sequra-pos\\config.json');
    expect(defaultMachineConfigPath('win32', {})).toBe('C:\\ProgramData\\sequra-pos\\config.json');
    expect(defaultMachineConfigPath('linux', {})).toBe('/etc/sequra-pos/config.json');
    expect(defaultMachineConfigPath('linux', { SEQURA_POS_CONFIG: '/opt/pos/config.json' })).toBe(
      '/opt/pos/config.json',
    );
  });
});

describe('one source for the defaults', () => {
  const optionalKeys = [
    'requireNinControl',
    'usesShippedCart',
    'offlineGoodsRelease',
    'retentionDays',
    'personalDataDays',
    'defaultLanguage',
    'autoLockMinutes',
  ] as const;

  it('a key missing from the file gets the schema default, and a till without a file runs with the same', () => {
    const loaded = load(GOOD);
    if (loaded.kind !== 'ok') throw new Error(JSON.stringify(loaded));
    const withoutFile = tillPolicy(null);
    for (const key of optionalKeys) {
      // The schema is the one place a default is written: what it fills in for a missing key…
      expect(loaded.config[key], key).toEqual(MachineConfigSchema.shape[key].parse(undefined));
      // …is what a training till (no configuration file) runs with.
      expect(withoutFile[key], key).toEqual(loaded.config[key]);
    }
    expect(Object.keys(withoutFile).sort()).toEqual([...optionalKeys].sort());
  });

  it('a key present in the file wins over the default, for the policy as for the receipt roll', () => {
    const loaded = load({
      ...GOOD,
      autoLockMinutes: 0,
      retentionDays: 400,
      receiptPrinter: { name: 'TM-T20' },
    });
    if (loaded.kind !== 'ok') throw new Error(JSON.stringify(loaded));
    expect(tillPolicy(loaded.config)).toMatchObject({ autoLockMinutes: 0, retentionDays: 400, personalDataDays: 30 });
    expect(receiptPaperWidthMm(loaded.config)).toBe(80);
    expect(receiptPaperWidthMm(null)).toBe(80);
    const narrow = load({ ...GOOD, receiptPrinter: { name: 'TM-T20', paperWidthMm: 58 } });
    if (narrow.kind !== 'ok') throw new Error(JSON.stringify(narrow));
    expect(receiptPaperWidthMm(narrow.config)).toBe(58);
  });
});
