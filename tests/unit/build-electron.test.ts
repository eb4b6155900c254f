// The esbuild bundling of main and preload (scripts/build-electron.ts), checked on its real output. The
// app's bundles are never executed (they would load Electron); only a throwaway fixture is run. Shape is checked statically: each file must parse as a
// classic script (CommonJS, no ESM syntax), and esbuild's metafile says exactly what stays a require().
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildElectron,
  buildElectronBundle,
  NATIVE_PACKAGES,
  type ElectronBundle,
} from '../../scripts/build-electron.ts';

const outdir = mkdtempSync(join(tmpdir(), 'sequra-pos-electron-build-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function externalImports(bundle: ElectronBundle): Array<{ path: string; kind: string }> {
  const output = bundle.metafile.outputs[relative(process.cwd(), bundle.file)];
  expect(output, 'metafile output for the bundle').toBeDefined();
  return output!.imports.filter((i) => i.external).map((i) => ({ path: i.path, kind: i.kind }));
}

function expectCommonJsScript(code: string): void {
  // A classic script rejects `import`/`export` statements: what a sandboxed preload (and a .cjs main) needs.
  expect(() => new Script(code)).not.toThrow();
  expect(code).toMatch(/require\("electron"\)/);
}

describe('preload bundle', () => {
  it('is one small CommonJS file that requires only electron, with no zod and no Node built-ins', async () => {
    const preload = await buildElectronBundle('preload', { outdir });
    expect(preload.file).toBe(join(outdir, 'preload.cjs'));
    const code = readFileSync(preload.file, 'utf8');
    expectCommonJsScript(code);

    // A sandboxed preload's require knows `electron` (and a few polyfills); anything else would throw.
    expect(externalImports(preload)).toEqual([{ path: 'electron', kind: 'require-call' }]);

    const inputs = Object.keys(preload.metafile.inputs);
    expect(inputs.filter((path) => path.includes('node_modules'))).toEqual([]);
    expect(inputs.every((path) => path.startsWith('electron/preload/') || path.startsWith('shared/ipc/'))).toBe(true);
    expect(code).not.toMatch(/zod/i);

    expect(statSync(preload.file).size).toBeLessThan(20 * 1024);
    // It exposes exactly one global, under the name the renderer looks for.
    expect(code.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(code).toContain('exposeInMainWorld("pos"');
  });
});

describe('main bundle', () => {
  it('is CommonJS with every npm dependency inlined; only electron, the native database binding and Node built-ins stay require()s', async () => {
    const main = await buildElectronBundle('main', { outdir });
    expect(main.file).toBe(join(outdir, 'main.cjs'));
    const code = readFileSync(main.file, 'utf8');
    expectCommonJsScript(code);

    const externals = externalImports(main);
    expect(externals).toContainEqual({ path: 'electron', kind: 'require-call' });
    // The packaged app ships no node_modules but better-sqlite3's: any other external package would fail to load
    // on a till.
    const shipped = new Set<string>(['electron', ...NATIVE_PACKAGES]);
    expect(externals.filter((i) => !shipped.has(i.path) && !isBuiltin(i.path))).toEqual([]);
    // A native addon is never inlined: its .node file must be loaded from the package beside the bundle.
    expect(Object.keys(main.metafile.inputs).filter((path) => path.includes('node_modules/better-sqlite3/'))).toEqual(
      [],
    );

    // The ESM-only dependencies are really inside.
    const inputs = Object.keys(main.metafile.inputs);
    for (const pkg of ['electron-store', 'conf', 'ky', 'zod']) {
      expect(
        inputs.some((path) => path.includes(`node_modules/${pkg}/`)),
        pkg,
      ).toBe(true);
    }
    // Nothing from the renderer or the browser preview host is shipped in main.
    expect(inputs.filter((path) => path.startsWith('renderer/') || path.startsWith('electron/preview/'))).toEqual([]);
    // esbuild warns, among others, when import.meta would be left empty in CommonJS.
    expect(main.warnings.map((w) => w.text)).toEqual([]);
  });

  it('carries the training sandbox (SeQura API, shopper phone) but not its fault injection, control API or test driver', async () => {
    const main = await buildElectronBundle('main', { outdir });
    // What esbuild put in the output, not just what it read: a module tree-shaken to nothing would not count.
    const output = main.metafile.outputs[relative(process.cwd(), main.file)]!;
    const shipped = Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path)
      .filter((path) => path.startsWith('sandbox/'));
    for (const testOnly of [
      'sandbox/faults.ts',
      'sandbox/control-api.ts',
      'sandbox/controlled.ts',
      'sandbox/driver.ts',
      'sandbox/fixtures.ts',
      'sandbox/index.ts',
    ])
      expect(Object.keys(main.metafile.inputs), testOnly).not.toContain(testOnly);
    for (const needed of ['sandbox/training.ts', 'sandbox/server.ts', 'sandbox/sequra-api.ts', 'sandbox/phone-page.ts'])
      expect(shipped, needed).toContain(needed);
  });

  it('gives bundled ESM code a working import.meta.url: the bundle file itself', async () => {
    // A throwaway project whose main uses import.meta.url the way ESM packages locate files beside them.
    const root = mkdtempSync(join(tmpdir(), 'sequra-pos-import-meta-'));
    try {
      mkdirSync(join(root, 'electron', 'main'), { recursive: true });
      writeFileSync(
        join(root, 'electron', 'main', 'main.ts'),
        'process.stdout.write(new URL("./beside.txt", import.meta.url).href);\n',
      );
      const bundle = await buildElectronBundle('main', { root, outdir: join(root, 'out') });
      expect(bundle.warnings).toEqual([]);
      const printed = execFileSync(process.execPath, [bundle.file], { encoding: 'utf8' });
      expect(printed).toBe(pathToFileURL(join(root, 'out', 'beside.txt')).href);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('buildElectron', () => {
  it('writes both bundles where package.json "main" and the window expect them', async () => {
    const result = await buildElectron({ outdir });
    expect(existsSync(join(outdir, 'main.cjs'))).toBe(true);
    expect(existsSync(join(outdir, 'preload.cjs'))).toBe(true);
    expect(result.main.file).toBe(join(outdir, 'main.cjs'));
    expect(result.preload.file).toBe(join(outdir, 'preload.cjs'));

    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/electron/main.cjs');
    // main resolves the preload next to itself under the app path.
    expect(readFileSync(result.main.file, 'utf8')).toMatch(/"dist",\s*"electron",\s*"preload\.cjs"/);
  });
});
