// The full-screen search on a phone (390 × 844, touch), in headless Chromium from file://:
//   node tests/js/phone-search.mjs path/to/public
// Types as an input method does (composition events), checks the highlighted titles, the
// contact answer, snippets without holes where inline icons were, that the back button closes
// the search (and Escape and the close button leave history as it was, focus back where it
// was), and the closest questions when nothing is found. Exits non-zero on any failure.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, checks } from './chromium.mjs';

const site = path.resolve(process.argv[2] || 'public');
const url = (p) => pathToFileURL(path.join(site, p)).href;
const { check, finish } = checks();

const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const input = page.locator('#search-input');
  const box = page.locator('[data-search]');
  const results = page.locator('[data-search-results] a.search-hit');
  const isOpen = () => box.evaluate((el) => el.classList.contains('search-open'));
  const active = () => page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.className));

  // Composition events around text inserted while composing, as an IME commits Chinese.
  async function imeType(text) {
    await input.evaluate((el) => el.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' })));
    await input.evaluate((el, t) => {
      el.value = t;
      el.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true, data: t, inputType: 'insertCompositionText' }));
    }, text);
    await input.evaluate((el, t) => el.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: t })), text);
  }
  // Closing the search leaves its history entry with history.back(), which ends in a popstate
  // event: listen before closing, then wait for it (false if none came within 5 s).
  const awaitPopstate = () => page.evaluate(() => {
    window.__popped = new Promise((done) => addEventListener('popstate', () => done(true), { once: true }));
  });
  const popped = () => page.evaluate(() => Promise.race([window.__popped, new Promise((done) => setTimeout(() => done(false), 5000))]));
  // Focus the page's call button, then move into the search box (where focus should return).
  async function openFromCallButton(query) {
    await page.locator('a.call-link').first().focus();
    await input.focus();
    await imeType(query);
    await results.first().waitFor({ timeout: 5000 });
  }

  // A history to go back through: the home page, then a question page.
  await page.goto(url('index.html'));
  await page.goto(url('02-drivers/verify-driver.html'));
  const question = page.url();

  await openFromCallButton('忘记密码');
  const area = await box.boundingBox();
  check(area && area.width >= 380 && area.height >= 800, `full screen at 390 px (${JSON.stringify(area)})`);
  check(await page.locator('.search-close').isVisible(), 'a close button is shown');
  const titleMarks = await page.locator('[data-search-results] .search-title mark').allInnerTexts();
  check(titleMarks.includes('忘记') && titleMarks.includes('密码'), `titles highlighted (${titleMarks.join(',')})`);
  // One control beside the field: a tap where the field's own clear × would be clears nothing.
  const field = await input.boundingBox();
  await page.touchscreen.tap(field.x + field.width - 14, field.y + field.height / 2);
  check((await input.inputValue()) === '忘记密码', `no clear × of the field's own beside the close button (value: ${await input.inputValue()})`);

  // The back button closes the search and stays on the page; focus returns to the call button.
  await page.goBack();
  await page.waitForFunction(() => !document.querySelector('[data-search]').classList.contains('search-open'), null, { timeout: 5000 }).catch(() => {});
  check(!(await isOpen()) && page.url().split('?')[0] === question, `back closes the search, same page (${page.url()})`);
  check(await page.locator('[data-search-results]').isHidden(), 'the results are hidden');
  check((await active()) === 'call-link', `focus back where it was (${await active()})`);

  // The contact answer first, with a tel: link.
  await openFromCallButton('客服电话');
  const contact = results.first();
  check((await contact.getAttribute('href')) === 'tel:0574-87304500', 'the contact answer comes first, linked');
  check((await contact.innerText()).includes('0574-87304500'), 'label and value on its line');

  // Snippets read on where an inline icon was: no "出现图标或" or "就是图标。" holes.
  await imeType('托盘图标');
  await page.waitForFunction(() => /图标/.test(document.querySelector('[data-search-results]').innerText), null, { timeout: 5000 }).catch(() => {});
  const snippets = (await page.locator('[data-search-results] .search-snippet').allInnerTexts()).join('\n');
  // Where the icons were, the old text read "出现图标或即说明", "就是图标，如果", "如：；".
  check(/托盘图标/.test(snippets) && !/出现图标或|就是图标[，。]|如：；/.test(snippets), `no hole where an icon was:\n${snippets}`);
  check(/\[[^\]]*图标[^\]]*\]/.test(snippets), `an icon's alt text reads as its description, in brackets:\n${snippets}`);

  // Snippets of at most three lines, whole: nothing clamped away, every highlight inside.
  for (const q of ['驱动', '证书', 'USB Key']) {
    await imeType(q);
    await page.waitForFunction((w) => document.querySelector('#search-input').value === w && document.querySelector('.search-count'), q, { timeout: 5000 }).catch(() => {});
    const bad = await page.locator('[data-search-results] .search-snippet').evaluateAll((els) => els.map((s) => {
      const box = s.getBoundingClientRect();
      const lines = Math.round(box.height / parseFloat(getComputedStyle(s).lineHeight));
      const cut = [...s.querySelectorAll('mark')].filter((m) => [...m.getClientRects()].some((r) => r.bottom > box.bottom + 1));
      return lines > 3 || s.scrollHeight > s.clientHeight + 1 || cut.length ? `${lines} lines, ${cut.length} cut: ${s.textContent}` : '';
    }).filter(String));
    const n = await page.locator('[data-search-results] .search-snippet').count();
    check(n > 2 && bad.length === 0, `${q}: ${n} snippets of at most 3 lines, highlights whole (${bad.join(' | ')})`);
  }

  // Escape closes it and goes back past its own history entry: the next back leaves the page.
  await awaitPopstate();
  await input.press('Escape');
  check(!(await isOpen()), 'Escape closes the search');
  check((await active()) === 'call-link', `Escape: focus back where it was (${await active()})`);
  check(await popped(), 'Escape leaves the search\'s history entry');

  // Nothing found: the closest questions and the contact card, not a dead end.
  await openFromCallButton('录统示');
  await page.locator('.search-near a').first().waitFor({ timeout: 5000 });
  check((await page.locator('.search-near a').first().getAttribute('href')) === '../04-network/no-blacklist.html', 'closest question offered');
  check(await page.locator('[data-search-results] .search-contact').count() > 0, 'the contact card too');
  // The address is no link and does not look like one; the phone number is a link.
  const colour = (sel) => page.locator(sel).first().evaluate((e) => getComputedStyle(e).color);
  const [plain, linked, body] = [await colour('.search-plain .search-title'), await colour('a.search-contact .search-title'), await colour('.search-empty-title')];
  check(await page.locator('div.search-contact').count() > 0 && plain === body && plain !== linked, `a contact value that is no link is styled as text (${plain}; links ${linked}; text ${body})`);
  // The suggested words are buttons that search for them.
  const example = page.locator('.search-example').first();
  const word = await example.innerText();
  await example.click();
  await page.waitForFunction((w) => document.querySelector('#search-input').value === w && document.querySelector('.search-count'), word, { timeout: 5000 }).catch(() => {});
  check((await input.inputValue()) === word && await results.count() > 0, `a suggested word (${word}) runs a search for it (${await results.count()} results)`);
  check(new URL(page.url()).searchParams.get('q') === word, `…and the address keeps it (${page.url()})`);
  await awaitPopstate();
  await page.locator('.search-close').click();
  check(!(await isOpen()), 'the close button closes the search');
  check((await active()) === 'call-link', `close button: focus back where it was (${await active()})`);
  check(await popped(), 'the close button leaves the search\'s history entry');

  await page.goBack();
  await page.waitForURL((u) => u.href.split('?')[0].endsWith('/index.html'), { timeout: 5000 }).catch(() => {});
  check(page.url().split('?')[0].endsWith('/index.html'), `after closing, back goes to the previous page (${page.url()})`);

  check(errors.length === 0, `no console errors (${errors.join('; ')})`);
} finally {
  await browser.close();
}
finish('phone search');
