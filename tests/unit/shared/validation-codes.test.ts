import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  codeForIssue,
  fieldErrors,
  isValidationCode,
  VALIDATION_CODES,
} from '../../../shared/sale/validation-codes.ts';

const SHARED_DIRS = ['shared/money', 'shared/spain', 'shared/sale', 'shared/order'];

/** Every string literal used as an issue message or error code in the sale domain's sources. */
function codesUsedInSources(): Set<string> {
  const found = new Set<string>();
  const patterns = [
    /\bmessage: '([^']+)'/g,
    /\berror: '([^']+)'/g,
    /\bcode\('([^']+)'\)/g,
    /\bproblem = '([^']+)'/g,
    /\bcode: '([a-z_]+\.[a-z_]+)'/g,
    /new OrderBuildError\('([^']+)'/g,
  ];
  for (const dir of SHARED_DIRS) {
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.add(match[1]!);
    }
  }
  return found;
}

describe('VALIDATION_CODES', () => {
  it('lists every code the schemas and builders produce', () => {
    const used = codesUsedInSources();
    // Guard against the scan silently finding nothing.
    expect(used.size).toBeGreaterThan(30);
    const missing = [...used].filter((code) => !isValidationCode(code));
    expect(missing).toEqual([]);
  });

  it('has no duplicates and no prose', () => {
    expect(new Set(VALIDATION_CODES).size).toBe(VALIDATION_CODES.length);
    for (const code of VALIDATION_CODES) expect(code).toMatch(/^[a-z0-9_]+(\.[a-z0-9_]+)?$/);
  });
});

describe('fieldErrors', () => {
  const schema = z
    .object({
      name: z.string().min(1, { error: 'required' }).max(3, { error: 'too_long' }),
      tags: z.array(z.string()).max(1),
      nested: z.object({ amount: z.number().max(10) }).strict(),
    })
    .strict();

  it('maps issues to dotted paths, first issue per field winning', () => {
    const result = schema.safeParse({ name: '', tags: ['a', 'b'], nested: { amount: 11, extra: 1 }, other: true });
    expect(result.success).toBe(false);
    expect(fieldErrors(result.error!)).toEqual({
      name: 'required',
      tags: 'too_many',
      'nested.amount': 'too_large',
      'nested.extra': 'unexpected_field',
      other: 'unexpected_field',
    });
  });

  it('never returns zod prose for an unannotated schema', () => {
    const result = z.object({ a: z.string(), b: z.number(), c: z.enum(['x']) }).safeParse({ b: 'nope', c: 'y' });
    const errors = fieldErrors(result.error!);
    expect(errors).toEqual({ a: 'required', b: 'invalid', c: 'invalid' });
    for (const issue of result.error!.issues) expect(isValidationCode(codeForIssue(issue))).toBe(true);
  });

  it('reports object-level issues under the empty path', () => {
    const result = z.string().safeParse(5);
    expect(fieldErrors(result.error!)).toEqual({ '': 'invalid' });
  });
});
