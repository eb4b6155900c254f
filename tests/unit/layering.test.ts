// The layering rule is part of lint; this test proves the rule itself bites, so a config edit cannot
// silently switch it off.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

async function lintText(code: string, filePath: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: process.cwd() });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('layering lint rule', () => {
  it('refuses an Electron value import in the core', async () => {
    const rules = await lintText(
      "import { app } from 'electron';\nexport const x = app;\n",
      'electron/core/example.ts',
    );
    expect(rules).toContain('@typescript-eslint/no-restricted-imports');
  });
  it('allows an Electron type-only import in the core', async () => {
    const rules = await lintText(
      "import type { App } from 'electron';\nexport type X = App;\n",
      'electron/core/example.ts',
    );
    expect(rules).not.toContain('@typescript-eslint/no-restricted-imports');
  });
  it('refuses Node built-ins in shared/', async () => {
    const rules = await lintText(
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      'shared/example.ts',
    );
    expect(rules).toContain('@typescript-eslint/no-restricted-imports');
  });
  it('refuses electron/ imports from the renderer', async () => {
    const rules = await lintText(
      "import { x } from '../electron/core/thing';\nexport const y = x;\n",
      'renderer/example.ts',
    );
    expect(rules).toContain('@typescript-eslint/no-restricted-imports');
  });
  it('allows Electron values in electron/main', async () => {
    const rules = await lintText(
      "import { app } from 'electron';\nexport const x = app;\n",
      'electron/main/example.ts',
    );
    expect(rules).not.toContain('@typescript-eslint/no-restricted-imports');
  });
  it('refuses a sandbox internal from the app, and allows its public entry', async () => {
    const internal = await lintText(
      "import { startSandbox } from '../../sandbox/server.ts';\nexport const x = startSandbox;\n",
      'electron/core/example.ts',
    );
    expect(internal).toContain('@typescript-eslint/no-restricted-imports');
    const entry = await lintText(
      "import { startSandbox } from '../../sandbox/index.ts';\nexport const x = startSandbox;\n",
      'electron/core/example.ts',
    );
    expect(entry).not.toContain('@typescript-eslint/no-restricted-imports');
  });
  it('refuses app imports from the sandbox', async () => {
    const rules = await lintText(
      "import { x } from '../electron/core/thing.ts';\nexport const y = x;\n",
      'sandbox/example.ts',
    );
    expect(rules).toContain('@typescript-eslint/no-restricted-imports');
  });
});
