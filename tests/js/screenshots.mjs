// Screenshots of a built site for looking at (not a test):
//   node tests/js/screenshots.mjs path/to/public OUTDIR
// Home and a question page at 390 px and 1280 px, light and dark, from file://.
import path from 'node:path';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const site = path.resolve(process.argv[2] || 'public');
const outDir = path.resolve(process.argv[3] || 'screenshots');
fs.mkdirSync(outDir, { recursive: true });
const question = fs.readdirSync(site, { withFileTypes: true })
  .filter((d) => d.isDirectory() && /^\d/.test(d.name))
  .flatMap((d) => fs.readdirSync(path.join(site, d.name)).filter((f) => f.endsWith('.html') && f !== 'index.html').map((f) => `${d.name}/${f}`))[0];
const pages = { home: 'index.html', question, '404': '404.html' };
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const width of [390, 1280]) {
    for (const scheme of ['light', 'dark']) {
      const page = await browser.newPage({ viewport: { width, height: width === 390 ? 844 : 900 }, colorScheme: scheme });
      for (const [name, rel] of Object.entries(pages)) {
        await page.goto(pathToFileURL(path.join(site, rel)).href);
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
      await page.close();
    }
  }
} finally { await browser.close(); }
