// Every command in scripts/ parses its flags with node:util parseArgs (scripts/script-args.ts): it answers
// --help with its usage and refuses a flag it does not know, before doing any work. Run as a user runs them.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const tsx = join('node_modules', '.bin', 'tsx');

/** The files that run as commands; the rest of scripts/ are modules they import. */
const commands = readdirSync('scripts')
  .filter((name) => name.endsWith('.ts') && name !== 'script-args.ts')
  .filter((name) => /\bparseScriptArgs\(/.test(readFileSync(join('scripts', name), 'utf8')));

async function runScript(name: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(tsx, [join('scripts', name), ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('scripts', () => {
  it('every script that is not a module parses its flags with parseScriptArgs', () => {
    const modules = ['bench-renderer.ts', 'dist-signing.ts', 'script-args.ts'];
    const all = readdirSync('scripts').filter((name) => name.endsWith('.ts'));
    expect([...commands, ...modules].sort()).toEqual(all.sort());
    // Nothing reads process.argv by hand any more (script-args.ts hands it to parseArgs).
    for (const name of all.filter((file) => file !== 'script-args.ts'))
      expect(readFileSync(join('scripts', name), 'utf8'), name).not.toMatch(/process\.argv\.(indexOf|slice|includes)/);
  });

  it('answers --help with its usage and does nothing else', async () => {
    const results = await Promise.all(commands.map(async (name) => [name, await runScript(name, ['--help'])] as const));
    for (const [name, result] of results) {
      expect(result.code, `${name}: ${result.stderr}`).toBe(0);
      expect(result.stdout, name).toMatch(/\n\nUsage: \S/);
      expect(result.stdout, name).toContain('-h, --help');
    }
  }, 120_000);

  it('refuses an unknown flag with the usage, exit code 2', async () => {
    const result = await runScript('bench-flow.ts', ['--sales=5', '--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--no-such-flag'/);
    expect(result.stderr).toContain('Usage: npm run bench:flow -- [options]');
    expect(result.stderr).toContain('--sales VALUE');
    expect(result.stderr).toContain('(default 200)');
  });
});
