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
  it('lets the app reach the sandbox only through its training entry', async () => {
    for (const filePath of ['electron/core/example.ts', 'electron/preview/example.ts', 'electron/main/example.ts']) {
      for (const internal of ['server.ts', 'faults.ts', 'control-api.ts', 'index.ts']) {
        const rules = await lintText(`import { x } from '../../sandbox/${internal}';\nexport const y = x;\n`, filePath);
        expect(rules, `${filePath} importing sandbox/${internal}`).toContain(
          '@typescript-eslint/no-restricted-imports',
        );
      }
      const training = await lintText(
        "import { startTrainingSandbox } from '../../sandbox/training.ts';\nexport const x = startTrainingSandbox;\n",
        filePath,
      );
      expect(training, filePath).not.toContain('@typescript-eslint/no-restricted-imports');
    }
  });
  it('lets tests and scripts use both public entries of the sandbox, and none of its internals', async () => {
    for (const filePath of ['tests/integration/example.test.ts', 'scripts/example.ts']) {
      const internal = await lintText(
        "import { startSandboxServer } from '../../sandbox/server.ts';\nexport const x = startSandboxServer;\n",
        filePath,
      );
      expect(internal, filePath).toContain('@typescript-eslint/no-restricted-imports');
      for (const entry of ['index.ts', 'training.ts']) {
        const rules = await lintText(`import { x } from '../../sandbox/${entry}';\nexport const y = x;\n`, filePath);
        expect(rules, `${filePath} importing sandbox/${entry}`).not.toContain(
          '@typescript-eslint/no-restricted-imports',
        );
      }
    }
  });
  it('refuses app imports from the sandbox', async () => {
    const rules = await lintText(
      "import { x } from '../electron/core/thing.ts';\nexport const y = x;\n",
      'sandbox/example.ts',
    );
    expect(rules).toContain('@typescript-eslint/no-restricted-imports');
  });
});
