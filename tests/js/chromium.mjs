// What the Chromium scripts of tests/js share: the browser (playwright-core, the Chromium of
// $CHROMIUM or /usr/bin/chromium, file:// pages may load their scripts) and the check log.
import { chromium } from 'playwright-core';

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--allow-file-access-from-files'],
  });
}

// `check(ok, what)` prints each result; `finish(name)` exits non-zero if any failed.
export function checks() {
  const failures = [];
  const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };
  const finish = (name) => {
    if (failures.length) {
      console.error(`${failures.length} check(s) failed`);
      process.exit(1);
    }
    console.log(`all ${name} checks passed`);
  };
  return { check, finish };
}

// A phone's page (390 × 844, touch) in a new context of `browser`, and the page errors it
// collects.
export async function phonePage(browser) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}
