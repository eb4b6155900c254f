import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Code comments cite SeQura's API facts as `sequra-api.md §N`: each cited section must exist in the document
// the repository carries (docs/sequra-api.md), so a reader can always follow the reference.
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('docs/sequra-api.md', () => {
  it('has every section the code cites', () => {
    const doc = readFileSync('docs/sequra-api.md', 'utf8');
    const sections = new Set([...doc.matchAll(/(?:^#+ |\*\*)§([0-9]+(?:\.[0-9]+)*)/gm)].map((m) => m[1]));
    const cited = new Map<string, string>();
    for (const file of ['electron', 'shared', 'renderer', 'sandbox', 'scripts', 'tests'].flatMap(sourceFiles)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/§([0-9]+(?:\.[0-9]+)*)/g)) cited.set(match[1]!, file);
    }
    expect(cited.size).toBeGreaterThan(20);
    const missing = [...cited].filter(([section]) => !sections.has(section)).map(([s, file]) => `§${s} (${file})`);
    expect(missing).toEqual([]);
  });

  it('is cited by name, never as an outside "spec"; comments explain themselves without issue numbers', () => {
    const files = ['electron', 'shared', 'renderer', 'sandbox', 'scripts', 'tests'].flatMap(sourceFiles);
    for (const file of files.filter((f) => !f.endsWith('sequra-api-doc.test.ts'))) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/spec §/i);
      expect(text, file).not.toMatch(/\bissue \d+|\(#\d+\)/i);
    }
  });
});
