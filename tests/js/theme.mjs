// The default theme in real headless Chromium (playwright-core):
//   node tests/js/theme.mjs path/to/public
// At 390 × 844: a question page's header is sticky and small, and its `tel:` call button is
// in view at first and after scrolling 2000 px; the home page shows the contact card with a
// tappable number; every answer ends with the number. The 404 page served at a nested path
// over HTTP (a static server answering misses with /404.html) is styled by style.css and its
// home link leads to the site root; so is it at addresses under no folder of the site
// (`/02-x/nope/`, `/faq/old-21.html`), at the host's root and under /faq/, with every link live.
// Exits non-zero on any failure.
import path from 'node:path';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import http from 'node:http';
import { serve } from '../browser/serve.mjs';

// The site at /faq/ of a server that answers every miss with /faq/404.html.
function subPathServer(dir) {
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = p.startsWith('/faq/') ? path.join(dir, p.slice(5)) : '';
    const hit = file.startsWith(dir) && fs.existsSync(file) && fs.statSync(file).isFile();
    const type = { '.css': 'text/css', '.js': 'text/javascript' }[path.extname(file)] || 'text/html; charset=utf-8';
    res.writeHead(hit ? 200 : 404, { 'content-type': hit ? type : 'text/html; charset=utf-8' });
    res.end(fs.readFileSync(hit ? file : path.join(dir, '404.html')));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` })));
}

const site = path.resolve(process.argv[2] || 'public');
const failures = [];
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };

// The 404 page's script has settled on the site root (html[data-root], set once the
// stylesheet is in place).
const rootFound = (page) => page.waitForSelector('html[data-root]', { state: 'attached', timeout: 10000 });

// The 404 page served at `root + miss`: styled by style.css (icons at their size), its links lead
// to pages of the site.
async function unknownFolder404(page, root, miss) {
  const resp = await page.goto(root + miss);
  const at = `404 at ${new URL(root + miss).pathname}:`;
  check(resp.status() === 404, `${at} answers 404 (${resp.status()})`);
  await rootFound(page);
  const styled = await page.locator('header.site-header').evaluate((el) => getComputedStyle(el).position);
  check(styled === 'sticky', `${at} styled by style.css (header position: ${styled})`);
  const mark = await page.locator('.brand-mark').evaluate((el) => el.getBoundingClientRect().width);
  check(mark <= 32, `${at} the brand mark keeps its size (${mark} px)`);
  const home = await page.locator('header a.brand').evaluate((a) => a.href);
  check(home === `${root}index.html`, `${at} home links to ${root}index.html (${home})`);
  const links = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.href)
    .filter((h) => h.startsWith('http://127.0.0.1') && !h.includes('#')));
  const status = await Promise.all(links.map((h) => fetch(h).then((r) => r.status)));
  const dead = links.filter((h, i) => status[i] !== 200);
  check(links.length > 5 && dead.length === 0, `${at} all ${links.length} links lead to pages (dead: ${dead.slice(0, 3).join(' ')})`);
}
const question = fs.readdirSync(site, { withFileTypes: true })
  .filter((d) => d.isDirectory() && /^\d/.test(d.name))
  .flatMap((d) => fs.readdirSync(path.join(site, d.name)).filter((f) => f.endsWith('.html') && f !== 'index.html').map((f) => `${d.name}/${f}`))
  .sort()[0];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const { server, url } = await serve(site);
try {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const inView = async (loc) => (await loc.count()) > 0 && loc.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth;
  });

  // A question page, long enough to scroll: padded when short.
  await page.goto(pathToFileURL(path.join(site, question)).href);
  await page.evaluate(() => { document.querySelector('main').style.minHeight = '4000px'; });
  const tel = page.locator('header a[href^="tel:"]');
  check(await tel.count() === 1, `the header of ${question} has one tel: link`);
  check(await inView(tel.first()), 'the tel: link is in the first viewport');
  const headerHeight = await page.locator('header.site-header').evaluate((el) => el.getBoundingClientRect().height);
  check(headerHeight <= 844 * 0.15, `the header is at most 15% of the screen (${headerHeight}px)`);
  check(await page.locator('header.site-header input[type="search"]').count() === 1, 'the header has the search');
  await page.evaluate(() => window.scrollTo(0, 2000));
  await page.waitForFunction(() => window.scrollY >= 2000);
  check(await inView(tel.first()), 'after scrolling 2000 px the tel: link is still in view');
  check(await inView(page.locator('header.site-header input[type="search"]')), 'after scrolling the search is still in view');
  check(await page.locator('main a[href^="tel:"]').count() >= 1, 'the answer ends with a tappable number');

  await page.goto(pathToFileURL(path.join(site, 'index.html')).href);
  const card = page.locator('main a[href^="tel:"]').first();
  check(await card.isVisible(), 'the home page shows the contact card with a tel: link at 390 px');

  // 404 at a nested path over HTTP.
  const resp = await page.goto(`${url}02-drivers/missing.html`);
  check(resp.status() === 404, `a missing nested page answers 404 (got ${resp.status()})`);
  await rootFound(page);
  const styled = await page.locator('header.site-header').evaluate((el) => getComputedStyle(el).position);
  check(styled === 'sticky', `the nested 404 page is styled by style.css (header position: ${styled})`);
  const home = await page.locator('header a.brand').evaluate((a) => a.href);
  check(home === `${url}index.html`, `the 404 page's home link leads to the site root (got ${home})`);
  const chapterLinks = await page.locator('main a[href]:not([href^="tel:"])').evaluateAll((as) => as.map((a) => a.href));
  check(chapterLinks.length > 0 && chapterLinks.every((h) => h.startsWith(url) && !h.includes('/02-drivers/0')),
    `the 404 page's links are live (${chapterLinks.slice(0, 3).join(' ')})`);
  const skip = await page.locator('a.skip-link').evaluate((a) => a.href);
  check(skip === `${url}02-drivers/missing.html#main`, `the skip link stays on the page (${skip})`);
  const ok = await Promise.all(chapterLinks.filter((h) => h.startsWith(url)).map((h) => fetch(h).then((r) => r.status)));
  check(ok.every((s) => s === 200), `the 404 page's links resolve (${ok.join(',')})`);

  // From disk: the 404 page opened as a file is styled and links next to it.
  await page.goto(pathToFileURL(path.join(site, '404.html')).href);
  const diskStyled = await page.locator('header.site-header').evaluate((el) => getComputedStyle(el).position);
  check(diskStyled === 'sticky', `404.html from file:// is styled (${diskStyled})`);
  const diskHome = await page.locator('header a.brand').evaluate((a) => a.href);
  check(diskHome === pathToFileURL(path.join(site, 'index.html')).href, `404.html from file:// links home (${diskHome})`);

  // Hosted under a sub-path (/faq/), a miss two folders down.
  const sub = await subPathServer(site);
  try {
    await page.goto(`${sub.url}faq/02-drivers/deeper/missing.html`);
    await rootFound(page);
    const subStyled = await page.locator('header.site-header').evaluate((el) => getComputedStyle(el).position);
    check(subStyled === 'sticky', `the 404 under /faq/ is styled (${subStyled})`);
    const subHome = await page.locator('header a.brand').evaluate((a) => a.href);
    check(subHome === `${sub.url}faq/index.html`, `the 404 under /faq/ links to /faq/index.html (${subHome})`);
    // Addresses under no folder of the site (old links of a previous site), at the host's root
    // and under /faq/: styled, and every link leads to a page.
    for (const [root, miss] of [[url, '02-x/nope/'], [url, 'faq/old-21.html'], [`${sub.url}faq/`, '02-x/nope/'],
      [`${sub.url}faq/`, 'faq/old-21.html'], [`${sub.url}faq/`, 'a/b/c/d.html']]) {
      await unknownFolder404(page, root, miss);
    }
  } finally { sub.server.close(); }
} finally {
  server.close();
  await browser.close();
}
if (failures.length) { console.error(`${failures.length} failure(s)`); process.exit(1); }
