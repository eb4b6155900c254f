// `npm run build:electron`: bundles Electron's main process and the preload with esbuild.
//
// - main → dist/electron/main.cjs (package.json "main"): Node 24 (Electron 45's Node), CommonJS, with every
//   dependency inlined, including the ESM-only electron-store / conf / ky, so the packaged app needs no
//   node_modules but one. `electron` stays a require() (the runtime provides it), and so does `better-sqlite3`:
//   a native addon cannot be inlined; its package (JS + Node-API prebuilt `.node` files) is shipped beside
//   the bundle and its `.node` files unpacked from the asar (electron-builder.yml).
// - preload → dist/electron/preload.cjs: one CommonJS file, because a sandboxed preload gets a minimal
//   `require` that knows `electron` and little else, and cannot load ESM. Built for the browser platform so
//   that any Node built-in sneaking into it fails the build instead of failing in the till.
import { build, type BuildOptions, type Message, type Metafile } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseScriptArgs } from './script-args.ts';

/** npm packages with a native addon: required at run time from the packaged node_modules, never bundled. */
export const NATIVE_PACKAGES = ['better-sqlite3'] as const;

export type ElectronBundleName = 'main' | 'preload';

export interface ElectronBundle {
  file: string;
  metafile: Metafile;
  warnings: Message[];
}

export interface ElectronBuildOptions {
  /** Project root (holds electron/ and shared/). Default: the current directory. */
  root?: string;
  /** Where main.cjs and preload.cjs go. Default: <root>/dist/electron. */
  outdir?: string;
}

// Bundled ESM code may use `import.meta.url` (e.g. to find a file next to itself). A CommonJS bundle has
// no `import.meta`, so esbuild would leave it empty; define it as the bundle's own file URL instead.
const IMPORT_META_URL_SHIM = 'const __import_meta_url = require("node:url").pathToFileURL(__filename).href;';

const BUNDLES: Record<ElectronBundleName, { entry: string[]; outfile: string; options: BuildOptions }> = {
  main: {
    entry: ['electron', 'main', 'main.ts'],
    outfile: 'main.cjs',
    options: {
      platform: 'node',
      // Electron 45 embeds Node 24.
      target: 'node24',
      banner: { js: IMPORT_META_URL_SHIM },
      define: { 'import.meta.url': '__import_meta_url' },
    },
  },
  preload: {
    entry: ['electron', 'preload', 'preload.ts'],
    outfile: 'preload.cjs',
    // Electron 45 runs a newer Chromium than 142; targeting 142 only means nothing newer is assumed.
    options: { platform: 'browser', target: 'chrome142' },
  },
};

/** Bundles one of the two entry points; rejects with esbuild's formatted errors if it cannot. */
export async function buildElectronBundle(
  name: ElectronBundleName,
  options: ElectronBuildOptions = {},
): Promise<ElectronBundle> {
  const root = resolve(options.root ?? process.cwd());
  const outdir = resolve(options.outdir ?? join(root, 'dist', 'electron'));
  mkdirSync(outdir, { recursive: true });
  const bundle = BUNDLES[name];
  const file = join(outdir, bundle.outfile);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, ...bundle.entry)],
    outfile: file,
    bundle: true,
    format: 'cjs',
    // `electron` is provided by the runtime (in a sandboxed preload it is the one module `require` knows);
    // the native database binding is loaded from the package shipped next to the bundle.
    external: name === 'main' ? ['electron', ...NATIVE_PACKAGES] : ['electron'],
    metafile: true,
    logLevel: 'silent',
    // Readable stack traces in the field matter more than a few hundred kB inside an asar.
    minify: false,
    legalComments: 'eof',
    ...bundle.options,
  });
  return { file, metafile: result.metafile!, warnings: result.warnings };
}

/** Both bundles, as `npm run build:electron` produces them. */
export async function buildElectron(
  options: ElectronBuildOptions = {},
): Promise<Record<ElectronBundleName, ElectronBundle>> {
  const [main, preload] = await Promise.all([
    buildElectronBundle('main', options),
    buildElectronBundle('preload', options),
  ]);
  return { main, preload };
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  parseScriptArgs({
    command: 'npm run build:electron',
    summary: "Bundles Electron's main process and the preload into dist/electron/ with esbuild.",
    options: {},
  });
  try {
    const result = await buildElectron();
    for (const bundle of [result.main, result.preload]) {
      for (const warning of bundle.warnings) {
        console.warn(
          `warning: ${warning.text}${warning.location ? ` (${warning.location.file}:${warning.location.line})` : ''}`,
        );
      }
      console.log(`Built ${bundle.file}`);
    }
  } catch (error) {
    // esbuild already formats its errors; print them and fail the npm script.
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
