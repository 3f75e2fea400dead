// What a reader meets first, in headless Chromium (playwright-core) on this repo's site:
//   node tests/js/reader.mjs path/to/public
// - Search loads only when wanted: a question page requests neither the index nor search.js
//   until the field is focused (or "/" is typed); then search works, from file://. Prints the
//   page's bytes before any search (raw and gzipped) and checks them under 21 KB gzipped.
// - The print page: a real print button calling window.print(), dark on a dark screen, light
//   on paper.
// - At 390 px, every link and control of every page kind is at least 44 × 44 px with 8 px
//   between targets (WCAG 2.5.5); links inside sentences are exempt.
// - First screen at 390 × 844 (and the same order at 1280): the home page shows the search and
//   the first questions; a question page its title and its answer's first lines, the tags,
//   menu and contact after the answer; no link twice in a page's main part; a chapter page's
//   next is the next chapter, not its own first question; it ends with the help box.
// Exits non-zero on any failure.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launch, checks } from './chromium.mjs';

const site = path.resolve(process.argv[2] || 'public');
const url = (rel) => pathToFileURL(path.join(site, rel)).href;
const QUESTION = '02-drivers/verify-driver.html';
const CHAPTER = '02-drivers/index.html';
const { check, finish } = checks();
const inView = (loc) => loc.evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight;
});

// Every page kind: home, chapter, question, a tag, the tag index, 404, print.
function pageKinds() {
  const tags = fs.readdirSync(path.join(site, 'tags')).filter((f) => f !== 'index.html');
  return ['index.html', CHAPTER, QUESTION, `tags/${tags[0]}`, 'tags/index.html', '404.html', 'print.html'];
}

// Targets too small or too close (WCAG 2.5.5 with 8 px spacing), of the page as shown.
const targetProblems = () => {
  const inline = (el) => el.closest('.answer p, .answer li, .answer td, .answer blockquote, .intro, .lead, .chapter-desc');
  const boxes = [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
    .filter((el) => !inline(el) && !el.closest('.visually-hidden, .skip-link'))
    .map((el) => ({ el, r: el.getBoundingClientRect() }))
    .filter(({ el, r }) => r.width > 1 && r.height > 1 && getComputedStyle(el).visibility !== 'hidden');
  const name = (el) => `${el.tagName.toLowerCase()}.${el.className || ''}[${(el.textContent || el.getAttribute('placeholder') || '').trim().slice(0, 12)}]`;
  const out = [];
  for (const { el, r } of boxes) {
    if (r.width < 43.5 || r.height < 43.5) out.push(`${name(el)} ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const dx = Math.max(a.r.left, b.r.left) - Math.min(a.r.right, b.r.right);
      const dy = Math.max(a.r.top, b.r.top) - Math.min(a.r.bottom, b.r.bottom);
      if (Math.max(dx, dy) < 7.5) out.push(`${name(a.el)} ${name(b.el)} ${Math.round(Math.max(dx, dy))} px apart`);
    }
  }
  return out;
};

const browser = await launch();
// A page whose waits end after 10 s (a missing element fails its check, not the whole run).
const open = async (options) => { const p = await browser.newPage(options); p.setDefaultTimeout(10000); return p; };
try {
  // 1. Search loads when wanted; the bytes of a question page before any search.
  {
    const page = await open({ viewport: { width: 390, height: 844 } });
    const files = [];
    page.on('request', (r) => files.push(r.url()));
    await page.goto(url(QUESTION), { waitUntil: 'load' });
    const searchFiles = () => files.filter((f) => /search(-index)?\.js|\/search\//.test(f));
    check(searchFiles().length === 0, `a question page requests no search file before search (${searchFiles().join(' ')})`);
    check(await page.evaluate(() => !window.FAQSITE_SEARCH && !window.FAQSITE_SEARCH_ENGINE), 'no search script ran before search');
    const local = [...new Set(files)].filter((f) => f.startsWith('file:')).map((f) => fileURLToPath(f.split('?')[0]));
    const raw = local.reduce((n, f) => n + fs.statSync(f).size, 0);
    const gz = local.reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length, 0);
    console.log(`bytes of ${QUESTION} before any search: ${local.length} files, ${raw} raw, ${gz} gzipped`);
    // 21 KB since the "was this helpful?" box (its markup and the few lines that load its script
    // when reached for) joined every answer: 20,499 bytes measured then, 16.7 KB before lazy search
    // took 51.9 KB off.
    check(gz < 21 * 1024, `the question page weighs under 21 KB gzipped before search (${gz})`);

    await page.locator('#search-input').fill('驱动');
    await page.locator('[data-search-results] a').first().waitFor();
    check(searchFiles().length === 2, `focusing the field loaded the index and the script (${searchFiles().length})`);

    // "/" on a fresh page focuses the field and loads search.
    await page.goto(url('index.html'));
    await page.keyboard.press('/');
    check(await page.evaluate(() => document.activeElement && document.activeElement.id === 'search-input'), '"/" focuses the search field');
    await page.keyboard.type('PIN');
    await page.locator('[data-search-results] a').first().waitFor();
    check(true, 'words typed right after "/" are searched once search has loaded');
    await page.close();
  }

  // 2. The print page: a print button, dark on a dark screen, light on paper.
  {
    const page = await open({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    await page.goto(url('print.html'));
    const button = page.locator('button.print-button');
    check(await button.count() === 1 && await button.isVisible(), 'the print page has a visible print button');
    await page.evaluate(() => { window.printed = 0; window.print = () => { window.printed += 1; }; });
    if (await button.count() === 1) await button.click();
    check(await page.evaluate(() => window.printed) === 1, 'the print button calls window.print()');
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const dark = (c) => { const [r, g, b] = c.match(/\d+/g).map(Number); return r + g + b < 150; };
    check(dark(await bg()), `the print page is dark on a dark screen (${await bg()})`);
    await page.emulateMedia({ media: 'print' });
    check(!dark(await bg()), `the print page is light on paper (${await bg()})`);
    check(await button.count() === 1 && !(await button.isVisible()), 'the print button is not printed');
    await page.close();
  }

  // 2b. On a desktop the results panel lies under the search field, no wider: it never hides
  // the header's buttons beside the field.
  for (const width of [1280, 960]) {
    const page = await open({ viewport: { width, height: 800 } });
    await page.goto(url('index.html'));
    const input = page.locator('.site-header .search input[type="search"]');
    await input.click();
    await input.fill('驱动');
    await page.locator('.search-results .search-hit').first().waitFor();
    const box = (sel) => page.locator(sel).first().evaluate((el) => { const r = el.getBoundingClientRect(); return [r.left, r.right]; });
    const [fl, fr] = await box('.site-header .search input[type="search"]');
    const [pl, pr] = await box('.search-results');
    check(pl >= fl - 1 && pr <= fr + 1, `${width}px: the results panel (${Math.round(pl)}-${Math.round(pr)}) lies under the field (${Math.round(fl)}-${Math.round(fr)})`);
    check(fr - fl >= Math.min(520, width * 0.4), `${width}px: the field widens while searching (${Math.round(fr - fl)} px)`);
    await page.close();
  }

  // 3. Touch targets of every page kind at 390 px, with the menu open.
  {
    const page = await open({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    for (const rel of pageKinds()) {
      await page.goto(url(rel));
      await page.evaluate(() => { const d = document.querySelector('details.sidebar'); if (d) d.open = true; });
      const problems = await page.evaluate(targetProblems);
      check(problems.length === 0, `${rel}: every target is 44 x 44 px, 8 px apart (${problems.slice(0, 8).join('; ')}${problems.length > 8 ? ` … ${problems.length}` : ''})`);
    }
    await page.close();
  }

  // 4. The first screen, and each link once.
  for (const [width, height] of [[390, 844], [1280, 800]]) {
    const at = `at ${width} px:`;
    const page = await open({ viewport: { width, height } });
    await page.goto(url('index.html'));
    check(await inView(page.locator('#search-input')), `${at} the home page shows the search field at once`);
    check(await inView(page.locator('main .question-list a').first()), `${at} the home page shows its first question at once`);

    await page.goto(url(QUESTION));
    check(await inView(page.locator('main h1')), `${at} the question's title is on the first screen`);
    const answerTop = await page.locator('main .answer > *').first().evaluate((el) => el.getBoundingClientRect().top);
    check(answerTop + 3 * 28 < height, `${at} the answer's first lines are on the first screen (answer at y=${Math.round(answerTop)})`);
    const y = (sel) => page.locator(sel).first().evaluate((el) => el.getBoundingClientRect().top + scrollY);
    const answerY = await y('main .answer');
    check(await y('main .tags') > answerY, `${at} the tags follow the answer`);
    check(await y('main .help-box') > answerY, `${at} the contact box follows the answer`);
    if (width < 900) check(await y('details.sidebar') > answerY, `${at} the menu follows the answer`);

    for (const rel of [QUESTION, '02-drivers/install-driver.html', '02-drivers/usb-key-no-response.html', CHAPTER]) {
      await page.goto(url(rel));
      const hrefs = await page.locator('main a[href]').evaluateAll((as) => as
        .filter((a) => a.getBoundingClientRect().height > 0 && !a.closest('.answer'))
        .map((a) => a.href.split('#')[0]).filter((h) => h !== location.href.split('#')[0]));
      const twice = hrefs.filter((h, i) => hrefs.indexOf(h) !== i);
      check(twice.length === 0, `${at} ${rel} links each page once (twice: ${twice.join(' ')})`);
    }
    await page.goto(url(CHAPTER));
    const helpLast = await page.locator('article.chapter > :last-child').evaluate((el) => el.matches('.help-box') && !!el.querySelector('a[href^="tel:"]')).catch(() => false);
    check(helpLast, `${at} the chapter page ends with the help box and its number`);
    const next = await page.locator('nav.pager a.next').evaluate((a) => a.href).catch(() => '');
    check(next === url('03-environment/index.html'), `${at} the chapter page's next is the next chapter (${next})`);
    await page.close();
  }
} finally {
  await browser.close();
}
finish('reader');
