// The help center's loop in real Chromium over HTTP (a site built with [feedback] enabled,
// served by nginx): at 390 px a reader searches for something the site does not have, then
// for something it has and opens the result, votes "no" and taps a contact in what opens,
// then votes "yes" on another question; each event is a request for _/e.gif awaited as it is
// made. The page is also checked from file:// (a vote is kept, nothing is requested).
//   node tests/js/feedback-loop.mjs http://127.0.0.1:PORT/ path/to/public [screenshots-dir]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, checks, phonePage } from './chromium.mjs';

const base = process.argv[2];
const site = path.resolve(process.argv[3] || 'public');
const shots = process.argv[4];
// A site without [feedback] enabled: its box's script loads only when a reader reaches for it.
const askOnly = process.argv[5];
const { check, finish } = checks();

const browser = await launch();
try {
  const { context, page, errors } = await phonePage(browser);
  const sent = [];
  page.on('request', (r) => { if (r.url().includes('/_/e.gif?')) sent.push(new URL(r.url()).search); });
  // The next event request of kind `e`, started by `act`.
  async function event(e, act) {
    const waiting = page.waitForRequest((r) => r.url().includes('/_/e.gif?e=' + e + '&'), { timeout: 10000 });
    await act();
    const r = await waiting;
    return new URL(r.url()).searchParams;
  }
  const input = page.locator('#search-input');
  // Plausible's page function, as the site's own script would define it ([feedback] analytics).
  await context.addInitScript(() => { window.plausible = (name, o) => { window.toService = (window.toService || []).concat([[name, o.props]]); }; });

  await page.goto(base + 'index.html');
  let p = await event('search', async () => { await input.tap(); await input.fill('信用卡年费'); });
  check(p.get('q') === '信用卡年费' && p.get('n') === '0', `a search with no result is sent: ${p}`);
  await input.fill('');
  p = await event('search', async () => { await input.fill('忘记密码'); await page.locator('a.search-hit').first().waitFor(); });
  check(p.get('q') === '忘记密码' && Number(p.get('n')) > 0, `a search with results is sent: ${p}`);
  p = await event('open', () => page.locator('a.search-hit').first().tap());
  check(p.get('p') === '01-account/reset-password.html', `the opened result is sent: ${p}`);
  await page.waitForURL(/reset-password\.html/);

  const box = page.locator('.feedback');
  check(await box.isVisible(), 'the question page asks whether the answer helped');
  p = await event('vote', () => box.locator('button[value="no"]').tap());
  check(p.get('v') === 'no' && p.get('p') === '01-account/reset-password.html', `the "no" is sent: ${p}`);
  check(await box.locator('.feedback-thanks').innerText() !== '', 'thanks in the live region');
  check(await box.locator('.feedback-next').isVisible(), '"no" opens what to do next');
  const form = await box.locator('a.feedback-form').getAttribute('href');
  check(form.startsWith('https://support.example.com/new?subject=%E5%BF%98') && form.includes('&page=http%3A%2F%2F127.0.0.1'),
    `the form link carries the title and URL, percent-encoded: ${form}`);
  check(await page.evaluate(() => document.activeElement.getAttribute('data-contact')) === '客服电话', 'focus moves to the first contact');
  if (shots) await page.screenshot({ path: path.join(shots, 'widget-390-light.png'), fullPage: false });
  // Headless Chromium has no phone app: a tel: link's navigation would race the next one.
  await page.evaluate(() => document.addEventListener('click', (e) => { if (e.target.closest('a[href^="tel:"]')) e.preventDefault(); }));
  p = await event('contact', () => box.locator('a[data-contact="客服电话"]').tap());
  check(p.get('c') === '客服电话' && p.get('p') === '01-account/reset-password.html', `the contact used is sent: ${p}`);

  await page.reload();
  check(await box.locator('button[value="no"]').getAttribute('aria-pressed') === 'true' && await box.locator('button[value="no"]').isDisabled(),
    'the vote is remembered: no second vote');

  await page.goto(base + '02-ukey/ukey-lost.html');
  p = await event('vote', () => box.locator('button[value="yes"]').tap());
  check(p.get('v') === 'yes' && p.get('p') === '02-ukey/ukey-lost.html', `the "yes" is sent: ${p}`);
  check(await box.locator('.feedback-next').isHidden(), '"yes" opens nothing more');
  const service = await page.evaluate(() => window.toService);
  check(JSON.stringify(service) === JSON.stringify([['faqsite_vote', { p: '02-ukey/ukey-lost.html', v: 'yes' }]]),
    `the vote also went to the analytics service: ${JSON.stringify(service)}`);

  // From file:// the box works and nothing is requested.
  const before = sent.length;
  const local = await context.newPage();
  local.on('request', (r) => { if (r.url().includes('e.gif')) sent.push(r.url()); });
  await local.goto(pathToFileURL(path.join(site, '01-account/change-phone.html')).href);
  await local.locator('.feedback button[value="no"]').tap();
  await local.locator('.feedback-next').waitFor();
  check(sent.length === before, 'nothing is sent from file://');
  await local.close();
  // A browser that asks not to be tracked sends nothing: after its vote, a request made
  // later (the stylesheet, fetched) arrives with no event before it.
  const quiet = await browser.newContext({ viewport: { width: 390, height: 844 } });
  await quiet.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  const dnt = await quiet.newPage();
  const seen = [];
  dnt.on('request', (r) => seen.push(r.url()));
  await dnt.goto(base + '01-account/change-phone.html');
  await dnt.locator('.feedback button[value="yes"]').click();
  const later = dnt.waitForRequest((r) => r.url().includes('marker'));
  await dnt.evaluate(() => fetch('../static/style.css?marker').catch(() => {}));
  await later;
  check(await dnt.locator('.feedback-thanks').innerText() !== '' && !seen.some((u) => u.includes('e.gif')),
    'Global Privacy Control: the vote is kept, nothing is sent');
  await quiet.close();
  if (askOnly) {
    const lazy = await context.newPage();
    const loaded = [];
    lazy.on('request', (r) => loaded.push(r.url()));
    await lazy.goto(pathToFileURL(path.join(askOnly, '01-basics/first.html')).href, { waitUntil: 'load' });
    check(!loaded.some((u) => u.includes('feedback.js')) && await lazy.locator('.feedback').isVisible(),
      'without events the box is shown and its script not yet loaded');
    await lazy.locator('.feedback button[value="no"]').tap();
    await lazy.locator('.feedback-thanks:not(:empty)').waitFor();
    check(await lazy.locator('.feedback button[value="no"]').getAttribute('aria-pressed') === 'true', 'the tap that loaded the script is the vote');
    await lazy.reload({ waitUntil: 'load' });
    await lazy.locator('.feedback-thanks:not(:empty)').waitFor();
    check(true, 'a vote of this device loads the script at once and shows it');
    await lazy.close();
  }
  check(sent.length === 6, `six events in all: ${sent.join(' ')}`);
  check(errors.length === 0, `no page errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
}
finish('feedback loop');
