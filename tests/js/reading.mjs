// Reading the default theme in headless Chromium (playwright-core), at 390 × 844 and 1280 × 900:
//   node tests/js/reading.mjs path/to/public
// (this repo's site: a question with icons in its sentences, seven chapters). At each width:
// a question page's header is sticky and its `tel:` call button is in the first viewport and
// still in view after scrolling 2000 px; the home page's chapter cards are in reading order
// row by row, and those in the first viewport are the first ones; the home page has no pager
// card; icons inside sentences are no taller than the text line; a tag links to a page that
// lists the question. At 390 px the chapter page's breadcrumb names the chapter, not only the
// home page; the related list shows the chapter's other questions and not the page's own.
// Headings (h1, h2) of every question and chapter page end on a line of more than one character
// (CJK titles at 390 px); the home page's cards are as tall as their own chapter (not stretched
// to the tallest of their row); in dark mode every icon in a sentence has some part at 3:1 or
// more against the page around it.
// Exits non-zero on any failure.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const site = path.resolve(process.argv[2] || 'public');
const url = (rel) => pathToFileURL(path.join(site, rel)).href;
const QUESTION = '02-drivers/verify-driver.html';
const CHAPTER = '02-drivers/index.html';
const failures = [];
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };
const inView = (loc) => loc.evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth;
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  for (const [width, height] of [[390, 844], [1280, 900]]) {
    const at = `at ${width} px:`;
    const page = await browser.newPage({ viewport: { width, height } });

    // The question page: sticky header with the call button, before and after scrolling.
    await page.goto(url(QUESTION));
    const header = page.locator('header.site-header');
    check(await header.evaluate((el) => getComputedStyle(el).position) === 'sticky', `${at} the header is sticky`);
    const tel = page.locator('header.site-header a[href^="tel:"]');
    check(await tel.count() === 1 && await inView(tel), `${at} the header's tel: link is in the first viewport`);
    await page.evaluate(() => { document.querySelector('main').style.minHeight = '4000px'; window.scrollTo(0, 2000); });
    await page.waitForFunction(() => window.scrollY >= 2000);
    check(await inView(tel), `${at} the tel: link is in view after scrolling 2000 px`);
    await page.evaluate(() => window.scrollTo(0, 0));

    // Icons in sentences: as tall as the text line at most, so lines keep their spacing.
    const icons = await page.locator('.answer p img, .answer li img').evaluateAll((imgs) => imgs
      .filter((img) => img.closest('p, li').textContent.trim().length > 0)
      .map((img) => {
        const line = parseFloat(getComputedStyle(img.closest('p, li')).lineHeight);
        return { alt: img.alt, height: img.getBoundingClientRect().height, line };
      }));
    check(icons.length >= 2, `${at} the question has icons in its sentences (${icons.length})`);
    const tall = icons.filter((i) => i.height > i.line * 0.8);
    check(tall.length === 0, `${at} icons are at most 0.8 of the line (${icons.map((i) => `${i.height}/${i.line}`).join(' ')})`);

    // The chapter's other questions: every one but the page itself is shown, in order.
    const related = await page.locator('.related li').evaluateAll((lis) => lis
      .filter((li) => li.getBoundingClientRect().height > 0)
      .map((li) => li.querySelector('a').getAttribute('href')));
    const siblings = ['install-driver.html', 'usb-key-no-response.html'];
    check(related.length === siblings.length && siblings.every((s, i) => related[i].endsWith(s)),
      `${at} the related list shows the chapter's other questions, not this one (${related.join(' ')})`);

    // A tag leads to its page, which lists the question.
    const tag = page.locator('article.question .tags a').first();
    check(await tag.count() === 1, `${at} the question's tags are links`);
    if (await tag.count() === 1) {
      // Wait for the tag page itself: reading links right after the click could read the
      // question page still shown.
      await Promise.all([page.waitForURL(/\/tags\/[^/]+\.html$/), tag.click()]);
      const listed = await page.locator('main a').evaluateAll((as) => as.map((a) => a.href));
      check(listed.includes(url(QUESTION)), `${at} the tag page lists the question (${page.url()})`);
    }

    // Home: chapter cards row by row in reading order; no pager card.
    await page.goto(url('index.html'));
    const cards = await page.locator('.chapter-grid > *').evaluateAll((els) => els.map((el) => {
      const r = el.getBoundingClientRect();
      return { top: Math.round(r.top + scrollY), left: Math.round(r.left) };
    }));
    check(cards.length === 7, `${at} the home page has 7 chapter cards (${cards.length})`);
    const ordered = cards.every((c, i) => i === 0 || c.top > cards[i - 1].top || (c.top === cards[i - 1].top && c.left > cards[i - 1].left));
    check(ordered, `${at} chapter cards are in reading order (${cards.map((c) => `${c.left},${c.top}`).join(' ')})`);
    const firstScreen = cards.map((c) => c.top < height);
    check(firstScreen.every((v, i) => i === 0 || v <= firstScreen[i - 1]), `${at} the chapters in the first viewport are the first chapters (${firstScreen})`);
    check(await page.locator('nav.pager').count() === 0, `${at} the home page has no pager card`);

    // Cards as tall as their contents: a chapter of two questions is not stretched to the
    // height of a longer one beside it.
    const stretched = await page.locator('.chapter-card').evaluateAll((els) => els.map((el) => {
      const last = el.lastElementChild.getBoundingClientRect().bottom;
      return Math.round(el.getBoundingClientRect().bottom - last);
    }).filter((gap) => gap > 40));
    check(stretched.length === 0, `${at} no chapter card is stretched past its contents (empty space at the bottom: ${stretched.join(', ')} px)`);

    // No heading ends with a line of one character.
    const pages = fs.readdirSync(site).filter((d) => /^\d+-/.test(d) && fs.statSync(path.join(site, d)).isDirectory())
      .flatMap((d) => fs.readdirSync(path.join(site, d)).filter((f) => f.endsWith('.html')).map((f) => `${d}/${f}`));
    const orphans = [];
    for (const rel of pages) {
      await page.goto(url(rel));
      orphans.push(...await page.locator('main h1, main h2').evaluateAll((hs) => hs.flatMap((h) => {
        // The characters of the heading by line (their rects' tops).
        const lines = new Map();
        const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          for (let i = 0; i < n.length; i++) {
            if (!n.data[i].trim()) continue;
            const r = document.createRange();
            r.setStart(n, i); r.setEnd(n, i + 1);
            const rect = r.getClientRects()[0];
            if (rect) { const top = Math.round(rect.top); lines.set(top, (lines.get(top) || '') + n.data[i]); }
          }
        }
        const tops = [...lines.keys()].sort((a, b) => a - b);
        const last = lines.get(tops[tops.length - 1]) || '';
        return tops.length > 1 && Array.from(last.replace(/[\p{P}]/gu, '')).length < 2 ? [`${location.pathname.split('/').slice(-2).join('/')}: "${h.textContent.trim()}" ends "${last}"`] : [];
      })));
    }
    check(orphans.length === 0, `${at} no heading of ${pages.length} pages ends with a one-character line (${orphans.join('; ')})`);

    // The chapter page's breadcrumb names the chapter (on a phone too).
    await page.goto(url(CHAPTER));
    const crumbs = await page.locator('nav.breadcrumb li').evaluateAll((lis) => lis.filter((li) => li.getBoundingClientRect().width > 0).map((li) => li.textContent.trim()));
    check(crumbs.length >= 2, `${at} the chapter page's breadcrumb shows ${JSON.stringify(crumbs)}`);
    await page.close();
  }

  // Dark mode: each icon in a sentence stands out from the page at 3:1 (WCAG 1.4.11) somewhere.
  {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', deviceScaleFactor: 2 });
    const luminance = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
      .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const faint = [];
    let icons = 0;
    for (const rel of ['01-prerequisites/tool-running.html', QUESTION]) {
      await page.goto(url(rel));
      for (const img of await page.locator('.answer img.inline').all()) {
        await img.scrollIntoViewIfNeeded();
        await img.evaluate((el) => el.decode());
        const box = await img.boundingBox();
        const pad = 4;
        const shot = await page.screenshot({ clip: { x: box.x - pad, y: box.y - pad, width: box.width + 2 * pad, height: box.height + 2 * pad } });
        // The screenshot's pixels, read back through a canvas of the page.
        const pixels = await page.evaluate(async (b64) => {
          const im = new Image();
          im.src = `data:image/png;base64,${b64}`;
          await im.decode();
          const c = document.createElement('canvas');
          [c.width, c.height] = [im.width, im.height];
          const x = c.getContext('2d');
          x.drawImage(im, 0, 0);
          return Array.from(x.getImageData(0, 0, c.width, c.height).data);
        }, shot.toString('base64'));
        const around = pixels.slice(0, 3);
        let best = 1;
        for (let i = 0; i < pixels.length; i += 4) best = Math.max(best, contrast(around, pixels.slice(i, i + 3)));
        icons += 1;
        if (best < 3) faint.push(`${await img.getAttribute('alt')} ${best.toFixed(2)}:1`);
      }
    }
    check(icons > 4 && faint.length === 0, `in dark mode, ${icons} icons in sentences stand out at 3:1 (faint: ${faint.join('; ')})`);
    await page.close();
  }
} finally {
  await browser.close();
}
if (failures.length) { console.error(`${failures.length} failure(s)`); process.exit(1); }
