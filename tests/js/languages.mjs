// A help center in two languages (tests/fixtures/bilingual built) in headless Chromium:
//   node tests/js/languages.mjs path/to/public
// At 390 and 1280 px the switcher is in the header, in view, tappable (44 px) and without
// sideways scrolling; it leads to the same question in the other language, or to that
// language's home when the page has no translation; the choice is remembered (the default
// language's home then opens the chosen one). Search on each language's pages finds only
// that language's questions. A missing address under en/ gets the English 404 page, also on
// a site served under a folder whose own path begins with /en/ (the second output, built with
// base_url https://help.example.com/en/help/; the first one is served there too, outside its
// base_url's path).
//   node tests/js/languages.mjs path/to/public [path/to/public-under-en-help]
// Exits non-zero on any failure.
import path from 'node:path';
import fs from 'node:fs';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { launch, checks } from './chromium.mjs';

const site = path.resolve(process.argv[2] || 'public');
const url = (rel) => pathToFileURL(path.join(site, rel)).href;
const { check, finish } = checks();

async function switcherAt(browser, width) {
  const context = await browser.newContext({ viewport: { width, height: 844 } });
  const page = await context.newPage();
  await page.goto(url('01-start/install.html'));
  const link = page.locator('.lang-switch a');
  check(await link.count() === 1, `${width}px: one other language in the switcher`);
  const box = await link.boundingBox();
  check(box && box.x >= 0 && box.x + box.width <= width && box.y < 120, `${width}px: the switcher is in the header, in view (${JSON.stringify(box)})`);
  check(box && box.height >= 44, `${width}px: the switcher is 44 px tall (${box && box.height})`);
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(sideways <= 0, `${width}px: no sideways scrolling (${sideways} px)`);
  await link.click();
  await page.waitForURL(/\/en\/01-start\/install\.html$/);
  check(await page.getAttribute('html', 'lang') === 'en', `${width}px: lands on the English question`);
  // Untranslated: the switcher leads to the other language's home.
  await page.goto(url('en/01-start/visa.html'));
  await page.locator('.lang-switch a').click();
  await page.waitForURL(/\/index\.html$/);
  check(page.url() === url('index.html'), `${width}px: an untranslated page's switcher leads to the home (${page.url()})`);
  // Remembered: the last choice was 中文, then English again; the home opens the English one.
  await page.locator('.lang-switch a').click();
  await page.waitForURL(/\/en\/index\.html$/);
  await page.goto(url('index.html'));
  await page.waitForURL(/\/en\/index\.html$/);
  check(page.url() === url('en/index.html'), `${width}px: the chosen language is remembered (${page.url()})`);
  await context.close();
}

async function search(page, home, query) {
  await page.goto(url(home));
  await page.locator('#search-input').fill(query);
  await page.locator('[data-search-results]').waitFor({ state: 'visible', timeout: 5000 });
  await page.waitForFunction(() => document.querySelector('[data-search-results] a, .search-empty'), null, { timeout: 5000 });
  // The questions found (the contact entries a search may show are no pages).
  return page.locator('[data-search-results] a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.innerText])
    .filter(([h]) => !/^(tel|mailto|sms):/.test(h)));
}

async function searchPerLanguage(browser) {
  const page = await browser.newPage();
  const en = await search(page, 'en/index.html', 'password');
  check(en.length > 0 && en[0][0] === '01-start/password.html', `English search finds the English answer (${JSON.stringify(en)})`);
  const enZh = await search(page, 'en/index.html', '密码');
  check(enZh.length === 0, `English search finds no Chinese page (${JSON.stringify(enZh)})`);
  const zh = await search(page, 'index.html', '密码');
  check(zh.length > 0 && zh.every(([h, t]) => !h.startsWith('en/') && /[\u4e00-\u9fff]/.test(t)), `Chinese search finds Chinese answers only (${JSON.stringify(zh)})`);
  const zhEn = await search(page, 'index.html', 'visa');
  check(zhEn.length === 0, `Chinese search finds no English-only page (${JSON.stringify(zhEn)})`);
  await page.close();
}

// A server answering misses with the root's 404.html, as static hosts do; `dir` served at
// `mount` (the site's folder, "/" or "/en/help/").
function server(dir = site, mount = '/') {
  const s = http.createServer((req, res) => {
    const whole = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const p = whole.startsWith(mount) ? whole.slice(mount.length - 1) : '/404.html';
    const file = path.join(dir, p);
    const hit = file.startsWith(dir) && fs.existsSync(file) && fs.statSync(file).isFile();
    const type = { '.css': 'text/css', '.js': 'text/javascript' }[path.extname(file)] || 'text/html; charset=utf-8';
    res.writeHead(hit ? 200 : 404, { 'content-type': hit ? type : 'text/html; charset=utf-8' });
    res.end(fs.readFileSync(hit ? file : path.join(dir, '404.html')));
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

async function notFoundInItsLanguage(browser) {
  const s = await server();
  const page = await browser.newPage();
  const root = `http://127.0.0.1:${s.address().port}/`;
  await page.goto(`${root}en/01-start/gone.html`);
  await page.waitForURL(/\/en\/404\.html$/, { timeout: 5000 });
  check(await page.getAttribute('html', 'lang') === 'en', 'a missing English address shows the English 404 page');
  const resp = await page.goto(`${root}01-start/gone.html`);
  check(resp.status() === 404 && await page.getAttribute('html', 'lang') === 'zh-CN' && page.url().endsWith('/01-start/gone.html'), 'a missing Chinese address keeps the Chinese 404 page');
  await page.close();
  s.close();
}

// A site served under /en/help/: the language is the folder after the site's own path, never
// the /en/ of that path. `dir` built for that path (base_url) or for another one.
async function notFoundUnderAFolder(browser, dir, what) {
  const s = await server(dir, '/en/help/');
  const page = await browser.newPage();
  const root = `http://127.0.0.1:${s.address().port}/en/help/`;
  await page.goto(`${root}en/01-start/gone.html`);
  await page.waitForURL(/\/en\/help\/en\/404\.html$/, { timeout: 5000 });
  check(await page.getAttribute('html', 'lang') === 'en', `${what}: a missing English address under /en/help/ shows the English 404 page (${page.url()})`);
  for (const missing of ['01-start/gone.html', 'gone.html']) {
    const resp = await page.goto(`${root}${missing}`);
    // Any redirect would have happened by the page's load: its script runs in the head.
    await page.waitForLoadState('load');
    check(resp.status() === 404 && page.url() === `${root}${missing}` && await page.getAttribute('html', 'lang') === 'zh-CN',
      `${what}: a missing Chinese address under /en/help/ keeps the Chinese 404 page (${page.url()})`);
  }
  await page.close();
  s.close();
}

const browser = await launch();
try {
  await switcherAt(browser, 390);
  await switcherAt(browser, 1280);
  await searchPerLanguage(browser);
  await notFoundInItsLanguage(browser);
  await notFoundUnderAFolder(browser, site, 'base_url elsewhere');
  if (process.argv[3]) await notFoundUnderAFolder(browser, path.resolve(process.argv[3]), 'base_url /en/help/');
} finally {
  await browser.close();
}
finish('languages');
