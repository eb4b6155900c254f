import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import type { Core } from '../../electron/core/app-core.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';
import { startPreviewHost, type RunningPreviewHost } from '../../electron/preview/host.ts';
import { startCore, type CoreOptions } from '../support/till.ts';

export { makeDataDir, removeDir } from '../support/till.ts';

// End-to-end harness: the real core and preview host in this process, the real renderer build, Debian's
// Chromium driven by Playwright, and (for sale tests) a SeQura sandbox that outlives app restarts, so a
// test can stop the till mid-sale and start it again on the same data directory.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface RunningTill {
  core: Core;
  host: RunningPreviewHost;
  url: string;
  stop(): Promise<void>;
}

/** Starts the till (core + preview host) on a data directory, like `npm run preview` does. */
export async function startTill(options: CoreOptions & { port?: number; token?: string }): Promise<RunningTill> {
  const core = await startCore(options);
  const host = await startPreviewHost({
    core,
    rendererDir: resolve('dist/renderer'),
    port: options.port,
    token: options.token,
  });
  return {
    core,
    host,
    url: host.url,
    async stop() {
      await host.close();
      await core.stop();
    },
  };
}

export async function startStandaloneSandbox(): Promise<RunningSandbox> {
  return startSandbox({ port: 0, quiet: true, reviewDelayMs: 300 });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('docs/screenshots', { recursive: true });
  await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });
}
