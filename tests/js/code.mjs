// Code blocks of the default theme in real headless Chromium (playwright-core), from file://:
//   node tests/js/code.mjs path/to/public   (the tests/fixtures/docs site)
// At 390 px a long line scrolls its block sideways instead of wrapping; each block has a real
// "Copy code" button that copies the block's text with the Clipboard API, or, without it, by
// the copy command, and then says "Copied"; a wide table scrolls in its box; a search result's
// title has the page title's inline markup (code, emphasis), built safely from the index.
// Exits non-zero on any failure.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const site = path.resolve(process.argv[2] || 'public');
const failures = [];
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const url = pathToFileURL(path.join(site, '01-cli/run-with-sudo.html')).href;

// What a page copied, by either way (recorded instead of touching the machine's clipboard).
const recordCopies = (withClipboardApi) => `(() => {
  window.copied = [];
  if (${withClipboardApi}) {
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: (t) => { window.copied.push(['api', t]); return Promise.resolve(); } } });
  } else {
    Object.defineProperty(navigator, 'clipboard', { value: undefined });
    document.execCommand = (cmd) => { window.copied.push([cmd, document.activeElement.value]); return true; };
  }
})()`;

for (const api of [true, false]) {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.addInitScript(recordCopies(api));
  await page.goto(url);
  const buttons = page.getByRole('button', { name: 'Copy code' });
  check(await buttons.count() === 5, `${api ? 'api' : 'fallback'}: a Copy code button on each of the 5 blocks`);
  const python = page.locator('.code-block', { hasText: 'def is_root' });
  await python.getByRole('button').click();
  await page.waitForFunction(() => window.copied.length > 0);
  const [[how, text]] = await page.evaluate(() => window.copied);
  const code = await python.locator('pre').textContent();
  check(how === (api ? 'api' : 'copy') && text === code && text.includes('sys.exit(1)'), `${api ? 'Clipboard API' : 'copy command'} copies the block's text (${how})`);
  await page.waitForFunction(() => [...document.querySelectorAll('.copy-code')].some((b) => b.textContent === 'Copied'));
  if (api) {
    const pre = await page.evaluate(() => {
      const p = document.querySelector('.code-block pre');
      return { ws: getComputedStyle(p).whiteSpace, wide: p.scrollWidth > p.clientWidth, lines: p.getBoundingClientRect().height };
    });
    check(pre.ws === 'pre' && pre.wide, `a long line scrolls sideways at 390 px (white-space ${pre.ws}, wider: ${pre.wide})`);
    check(await page.locator('.hl-keyword').count() > 0, 'highlighted without any script of its own');
    await page.goto(pathToFileURL(path.join(site, '01-cli/index.html')).href);
    const wrap = await page.evaluate(() => {
      const w = document.querySelector('.table-wrap');
      return { scrolls: w.scrollWidth > w.clientWidth, overflow: getComputedStyle(w).overflowX };
    });
    check(wrap.overflow === 'auto' && wrap.scrolls, `the wide table scrolls in its box at 390 px (${JSON.stringify(wrap)})`);
  }
  await page.close();
}
// Search results show a title's inline code and emphasis as the page does, the words marked
// inside them; the index's markup gives only those tags: anything else in it stays text.
{
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(pathToFileURL(path.join(site, 'index.html')).href);
  await page.locator('#search-input').fill('sudo');
  const title = page.locator('.search-hit .search-title').first();
  await title.waitFor({ timeout: 5000 });
  const shown = await title.evaluate((t) => ({ code: t.querySelector('code')?.textContent, em: t.querySelector('em mark')?.textContent, text: t.textContent }));
  check(shown.code === 'toolbox' && shown.em === 'sudo' && !/[`*]/.test(shown.text), `a result title with inline code and emphasis, marked inside (${JSON.stringify(shown)})`);
  const hostile = await page.evaluate(async () => {
    const doc = Object.values(window.FAQSITE_SEARCH.docs).find((d) => d.html);
    doc.title = 'Run <img src=x onerror="window.pwned=1"> with sudo';
    doc.html = 'Run <code>&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;</code> with <em>sudo</em>';
    const input = document.querySelector('#search-input');
    input.value = 'sudo toolbox';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((done) => new MutationObserver((m, o) => { o.disconnect(); done(); }).observe(document.querySelector('[data-search-results]'), { childList: true }));
    await new Promise((done) => setTimeout(done, 50)); // the image's error event, were there one
    const t = document.querySelector('.search-hit .search-title');
    return { img: document.querySelectorAll('.search-results img').length, code: t.querySelector('code')?.textContent, pwned: window.pwned };
  });
  check(hostile.img === 0 && hostile.pwned === undefined && hostile.code === '<img src=x onerror="window.pwned=1">', `markup in a title's text stays text (${JSON.stringify(hostile)})`);
  await page.close();
}
await browser.close();
if (failures.length) { console.error(`${failures.length} failure(s)`); process.exit(1); }
