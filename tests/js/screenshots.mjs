// Screenshots of a built site for looking at (not a test):
//   node tests/js/screenshots.mjs path/to/public OUTDIR
// Home, a chapter, a question page and print.html at 390 px and 1280 px, light and dark, from
// file://; search with results and with none (on the home page); the 404 page over HTTP at an address under no folder of the site (/02-x/nope/).
import path from 'node:path';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../browser/serve.mjs';

const site = path.resolve(process.argv[2] || 'public');
const outDir = path.resolve(process.argv[3] || 'screenshots');
fs.mkdirSync(outDir, { recursive: true });
const question = fs.readdirSync(site, { withFileTypes: true })
  .filter((d) => d.isDirectory() && /^\d/.test(d.name))
  .flatMap((d) => fs.readdirSync(path.join(site, d.name)).filter((f) => f.endsWith('.html') && f !== 'index.html').map((f) => `${d.name}/${f}`))[0];
const pages = { home: 'index.html', chapter: `${path.dirname(question)}/index.html`, question, print: 'print.html', '404': '02-x/nope/' };
const http = await serve(site);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const width of [390, 1280]) {
    for (const scheme of ['light', 'dark']) {
      const page = await browser.newPage({ viewport: { width, height: width === 390 ? 844 : 900 }, colorScheme: scheme });
      for (const [name, rel] of Object.entries(pages)) {
        if (name === '404') {
          await page.goto(http.url + rel);
          await page.waitForSelector('html[data-root]', { state: 'attached', timeout: 5000 }).catch(() => {});
        } else await page.goto(pathToFileURL(path.join(site, rel)).href);
        const file = path.join(outDir, `${name}-${width}-${scheme}.png`);
        await page.screenshot({ path: file });
        if (name === 'question') {
          // Scrolled at once, then two frames: the second starts after the scrolled one is painted.
          await page.evaluate(() => new Promise((done) => {
            window.scrollTo({ top: 2000, behavior: 'instant' });
            requestAnimationFrame(() => requestAnimationFrame(() => done()));
          }));
          await page.screenshot({ path: path.join(outDir, `${name}-${width}-${scheme}-scrolled.png`) });
        }
        console.log(file);
      }
      // Search: results (the site's first example word, else its first question's first word),
      // then a query nothing matches.
      await page.goto(pathToFileURL(path.join(site, 'index.html')).href);
      const word = await page.evaluate(() => (document.querySelector('#search-input').placeholder.match(/[\p{L}\p{N}]+/gu) || []).slice(-2)[0] || 'a');
      for (const [name, q] of [['search', word], ['search-none', 'zzqxv']]) {
        await page.locator('#search-input').fill(q);
        await page.locator(name === 'search' ? '.search-count' : '.search-empty').first().waitFor();
        const file = path.join(outDir, `${name}-${width}-${scheme}.png`);
        await page.screenshot({ path: file });
        console.log(file);
      }
      await page.close();
    }
  }
} finally { await browser.close(); http.server.close(); }
