// End-to-end search in real headless Chromium, from file:// (no server):
//   node tests/js/e2e.mjs path/to/public
// Types a Chinese query the way an input method does (compositionstart, text inserted while
// composing, compositionend), expects the right answer first, presses Enter and checks the
// page it lands on. Exits non-zero on any failure.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, checks } from './chromium.mjs';

const site = path.resolve(process.argv[2] || 'public');
const home = pathToFileURL(path.join(site, 'index.html')).href;
const { check, finish } = checks();

const browser = await launch();
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.clock.install();
  await page.goto(home);

  // IME-style typing: no key events for the Chinese characters, composition events around them.
  // While composing, the page's clock stands still (Playwright's fake timers) and is then run
  // a second ahead: a search scheduled by the composing input would have run by then, and it
  // puts its query into the address (?q=) at once. Returns what the page showed meanwhile.
  async function imeType(text) {
    const input = page.locator('#search-input');
    await input.focus();
    // A minute ahead: the page's clock runs on meanwhile, and pausing in its past is refused.
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 60000));
    await input.evaluate((el) => el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' })));
    await input.evaluate((el, t) => {
      el.value = t;
      el.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true, data: t, inputType: 'insertCompositionText' }));
    }, text);
    await page.clock.runFor(1000);
    const during = await page.evaluate(() => ({
      links: document.querySelectorAll('[data-search-results] a').length,
      q: new URL(location.href).searchParams.get('q'),
    }));
    await input.evaluate((el, t) => el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: t })), text);
    await page.clock.resume();
    return during;
  }

  const during = await imeType('忘记密码');
  check(during.links === 0 && during.q === null, `no search while the IME is composing (${JSON.stringify(during)})`);
  const first = page.locator('[data-search-results] a').first();
  await first.waitFor({ timeout: 5000 });
  const href = await first.getAttribute('href');
  check(href === '05-usb-key/forgot-or-locked-pin.html', `first result for 忘记密码 is 5.4 (got ${href})`);
  const marks = await page.locator('[data-search-results] mark').count();
  check(marks > 0, 'matched words are highlighted');
  check(page.url().includes('q=%E5%BF%98') || page.url().startsWith('file:'), 'query kept in the URL where the browser allows it');

  await page.locator('#search-input').press('Enter');
  await page.waitForURL(/forgot-or-locked-pin\.html/, { timeout: 5000 });
  const h1 = await page.locator('h1').innerText();
  check(h1.includes('密码忘记'), `Enter lands on the answer page (h1: ${h1})`);

  // From a question page (one folder down) results still link correctly.
  await imeType('初始口令');
  const first2 = page.locator('[data-search-results] a').first();
  await first2.waitFor({ timeout: 5000 });
  const href2 = await first2.getAttribute('href');
  check(href2 === '../05-usb-key/initial-pin.html', `relative result links from a sub-folder (got ${href2})`);

  // Keyboard: ArrowDown focuses the first result, Escape closes.
  await page.locator('#search-input').press('ArrowDown');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute('href'));
  check(focused === '../05-usb-key/initial-pin.html', 'ArrowDown moves to the first result');
  await page.keyboard.press('Escape');
  check(await page.locator('[data-search-results]').isHidden(), 'Escape closes the results');

  // No hits: a clear message.
  await imeType('魑魅魍魉');
  await page.locator('.search-empty').waitFor({ timeout: 5000 });
  check((await page.locator('.search-empty').innerText()).includes('没有找到'), '没有找到 shown when nothing matches');

  // ?q= on load runs the search (shareable searches).
  await page.goto(home + '?q=' + encodeURIComponent('黑名单'));
  const first3 = page.locator('[data-search-results] a').first();
  await first3.waitFor({ timeout: 5000 });
  check((await first3.getAttribute('href')) === '04-network/no-blacklist.html', '?q=黑名单 shows results on load');

  // Pinyin typed without an input method; the matched words are highlighted in the title too.
  await page.locator('#search-input').fill('mima wangji');
  const first4 = page.locator('[data-search-results] a').first();
  await first4.waitFor({ timeout: 5000 });
  await page.waitForFunction(() => {
    const a = document.querySelector('[data-search-results] a');
    return a && a.getAttribute('href').includes('forgot-or-locked-pin');
  }, null, { timeout: 5000 }).catch(() => {});
  check((await first4.getAttribute('href')) === '05-usb-key/forgot-or-locked-pin.html', 'pinyin "mima wangji" finds 5.4');
  const titleMarks = await page.locator('[data-search-results] .search-title mark').allInnerTexts();
  check(titleMarks.includes('密码') && titleMarks.includes('忘记'), `titles highlighted (${titleMarks.join(',')})`);

  // Asking how to reach the company: the contact entry first, linked.
  await imeType('客服电话');
  await page.locator('[data-search-results] .search-contact').first().waitFor({ timeout: 5000 });
  const contact = page.locator('[data-search-results] a').first();
  check((await contact.getAttribute('href')) === 'tel:0574-87304500', 'contact entry first, with a tel: link');
  check((await contact.innerText()).includes('0574-87304500'), 'label and value on the result line');

  // A phone (390 px): open search covers the screen; Escape closes it, focus stays in the box.
  await page.setViewportSize({ width: 390, height: 844 });
  await imeType('黑名单');
  await page.locator('[data-search-results] a').first().waitFor({ timeout: 5000 });
  const area = await page.locator('[data-search]').boundingBox();
  check(area && area.width >= 380 && area.height >= 800, `full-screen search at 390 px (${JSON.stringify(area)})`);
  await page.locator('#search-input').press('Escape');
  const open = await page.locator('[data-search]').evaluate((el) => el.classList.contains('search-open'));
  check(!open && await page.evaluate(() => document.activeElement.id === 'search-input'), 'Escape closes it, focus in the box');
  await page.setViewportSize({ width: 1280, height: 800 });

  // "/" focuses the search box.
  await page.locator('#search-input').press('Escape');
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('/');
  check(await page.evaluate(() => document.activeElement.id === 'search-input'), '"/" focuses the search box');

  check(errors.length === 0, `no console errors (${errors.join('; ')})`);
} finally {
  await browser.close();
}
finish('browser');
