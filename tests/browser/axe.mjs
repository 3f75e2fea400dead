// axe-core on the home page, a chapter, a question, the manual and 404, light and dark:
//   node tests/browser/axe.mjs public
import path from 'node:path';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const dir = path.resolve(process.argv[2] || 'public');
const pages = ['index.html', '05-usb-key/index.html', '05-usb-key/forgot-or-locked-pin.html', '01-prerequisites/tool-running.html', 'print.html', '404.html'];

const { server, url } = await serve(dir);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let total = 0;
try {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    for (const p of pages) {
      await page.goto(url + p);
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
      total += result.violations.length;
      console.log(`axe ${scheme.padEnd(5)} ${p}: ${result.violations.length} violations`);
      for (const v of result.violations) {
        console.log(`  - ${v.id} (${v.impact}): ${v.help}`);
        for (const n of v.nodes.slice(0, 3)) console.log(`      ${n.target.join(' ')} ${n.failureSummary.split('\n').slice(1, 2).join('')}`);
      }
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`axe: ${total} violations in total`);
process.exit(total ? 1 : 0);
