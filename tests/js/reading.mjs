// Reading the default theme in headless Chromium (playwright-core), at 390 × 844 and 1280 × 900:
//   node tests/js/reading.mjs path/to/public
// (this repo's site: a question with icons in its sentences, seven chapters). At each width:
// a question page's header is sticky and its `tel:` call button is in the first viewport and
// still in view after scrolling 2000 px; the home page's chapter cards are in reading order
// row by row, and those in the first viewport are the first ones; the home page has no pager
// card; icons inside sentences are no taller than the text line; a tag links to a page that
// lists the question. At 390 px the chapter page's breadcrumb names the chapter, not only the
// home page; the related list shows the chapter's other questions and not the page's own.
// Exits non-zero on any failure.
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

    // The chapter page's breadcrumb names the chapter (on a phone too).
    await page.goto(url(CHAPTER));
    const crumbs = await page.locator('nav.breadcrumb li').evaluateAll((lis) => lis.filter((li) => li.getBoundingClientRect().width > 0).map((li) => li.textContent.trim()));
    check(crumbs.length >= 2, `${at} the chapter page's breadcrumb shows ${JSON.stringify(crumbs)}`);
    await page.close();
  }
} finally {
  await browser.close();
}
if (failures.length) { console.error(`${failures.length} failure(s)`); process.exit(1); }
