import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { launchBrowser, makeDataDir, removeDir, startTill, type RunningTill } from './harness.ts';
import { walkEveryScreen } from './screen-walk.ts';

// The pseudo-locale walk: every screen and dialog at 1024 × 680 with every catalogue sentence accented,
// lengthened by a third and bracketed (renderer/i18n/pseudo.ts). Fails on visible text outside the brackets
// that is not data (amounts, dates, ids, what the cashier typed, SeQura's product names, language names), and
// on any text that overflows its box. The virtual phone is the sandbox's, not the till's, and is skipped.

/** Data the walk types or the sandbox returns: shown as it is, in any language. */
const DATA_WORDS = new Set(
  [
    'Lámpara',
    'LAMP-1',
    'María',
    'José',
    'García',
    'López',
    'maria@example.com',
    'Formación',
    'Encargado',
    'Encargada',
    'SeQura',
    'Paga',
    'Después',
    'Fraccionado',
    'Flexi',
    'Español',
    'Català',
    'English',
    'pos_demo_es',
    'UTC',
    's',
    'h',
    'min',
    '—',
  ].map((w) => w.toLowerCase()),
);

interface Problem {
  screen: string;
  kind: 'not-from-catalogue' | 'overflow';
  text: string;
}

async function pseudoProblems(page: Page): Promise<Array<{ kind: Problem['kind']; text: string }>> {
  return page.evaluate(() => {
    const found: Array<{ kind: 'not-from-catalogue' | 'overflow'; text: string }> = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const overflowing = new Set<Element>();
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const text = (node.textContent ?? '').trim();
      const element = node.parentElement;
      // translate="no": data shown as it is (SeQura's product names and descriptions).
      if (!text || !element || element.closest('script,style,.visually-hidden,[translate="no"]')) continue;
      if (!element.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const outside = text.replace(/⟦[^⟧]*⟧/g, ' ').trim();
      if (outside) found.push({ kind: 'not-from-catalogue', text: outside });
      const box = element.getBoundingClientRect();
      if (box.width > 2 && element.scrollWidth > element.clientWidth + 1 && !overflowing.has(element)) {
        overflowing.add(element);
        found.push({
          kind: 'overflow',
          text: `${element.tagName.toLowerCase()}.${element.className}: ${text.slice(0, 60)}`,
        });
      }
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) {
      // Name the innermost elements that stick out past the window.
      const outside = [...document.body.querySelectorAll('*')].filter(
        (e) => e.getBoundingClientRect().right > window.innerWidth + 1 && e.children.length === 0,
      );
      const names = outside.slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
      found.push({
        kind: 'overflow',
        text: `page is ${document.documentElement.scrollWidth}px wide: ${names.join(', ')}`,
      });
    }
    return found;
  });
}

function isData(outside: string): boolean {
  return outside.split(/\s+/).every(
    (word) =>
      word === '' ||
      /^[\p{P}\p{S}\d]+$/u.test(word) ||
      /^[A-Z0-9][A-Z0-9._:/-]*$/.test(word) ||
      /^[0-9a-f]{8}-[0-9a-f-]+$/.test(word) ||
      /^https?:\/\//.test(word) ||
      /^\d+\.\d+\.\d+[\w.-]*$/.test(word) || // the app's version
      /^[a-z]{1,2}\d{1,2}$/.test(word) || // SeQura's product codes (i1, pp3, sp1)
      /^\d[\d.,:/\s€%]*$/.test(word) ||
      DATA_WORDS.has(
        word
          .replace(/[\p{P}]+$/u, '')
          .replace(/^[\p{P}]+/u, '')
          .toLowerCase(),
      ),
  );
}

/** Found by this walk and not fixed yet; listed in docs/accessibility.md. Anything else fails. */
function isKnown(screen: string, problem: { kind: Problem['kind']; text: string }): boolean {
  // The sales list's filter row is ~30 px wider than 1024 px in the lengthened language.
  return screen === 'history' && problem.kind === 'overflow' && problem.text.startsWith('page is');
}

describe('pseudo-locale walk', () => {
  let browser: Browser;
  let till: RunningTill;
  const dataDir = makeDataDir();

  beforeAll(async () => {
    till = await startTill({ dataDir });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await till?.stop();
    removeDir(dataDir);
  });

  it('every screen: all visible text from the catalogue, nothing overflows at 1024 × 680', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 680 } });
    const page = await context.newPage();
    const problems: Problem[] = [];
    const visited: string[] = [];
    await walkEveryScreen({
      till,
      page,
      url: till.url,
      async visit(screen, current) {
        if (current !== page) return;
        visited.push(screen);
        await page.evaluate(() => localStorage.setItem('pos.pseudoLocale', '1'));
        await till.core.dispatch('app.setLanguage', { language: 'es' }, true);
        await page.waitForFunction(() => (document.querySelector('main')?.textContent ?? '').includes('⟦'));
        for (const problem of await pseudoProblems(page))
          if ((problem.kind === 'overflow' || !isData(problem.text)) && !isKnown(screen, problem))
            problems.push({ screen, ...problem });
        await page.screenshot({ path: `.tmp/pseudo-${screen}.png` });
        await page.evaluate(() => localStorage.removeItem('pos.pseudoLocale'));
        await till.core.dispatch('app.setLanguage', { language: 'es' }, true);
        await page.waitForFunction(() => !(document.querySelector('main')?.textContent ?? '').includes('⟦'));
      },
    });
    console.log(
      `pseudo-locale: ${visited.length} screens, ${problems.length} problems`,
      JSON.stringify(problems, null, 1),
    );
    expect(visited.length).toBeGreaterThanOrEqual(18);
    expect(problems).toEqual([]);
  }, 900_000);
});
