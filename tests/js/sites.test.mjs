// node --test tests/js/sites.test.mjs  (FAQSITE_SITES_OUT=folder with one built site per
// tests/sites/<name>, as tests/browser.rs builds them)
// The public FAQs of tests/sites/: for each, the right question stays in faqsite's top 3 for
// at least as many of its tuned queries as when this floor was measured (benches/README.md,
// "Search quality on public FAQs"). Raise a floor when the ranking gets better; the held-out
// queries are not tested here, so that nobody tunes on them.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { faqsiteSearch, readQueries, evaluate, testSites } from './quality.mjs';

// Tuned queries answered in the top 3, measured on b008f87's search.
const FLOORS = {
  'dolphinscheduler-faq-zh': 16,
  'logingov-help-en': 16,
  'rust-faq-en': 19,
  'rust-faq-zh': 18,
};

const out = process.env.FAQSITE_SITES_OUT;

test('every test site has a floor and enough customer queries', () => {
  const sites = testSites();
  assert.deepEqual(sites.map((s) => s.name), Object.keys(FLOORS).sort());
  for (const { name, queries } of sites) {
    const qs = readQueries(queries);
    const held = qs.filter((q) => q.heldout).length;
    assert.ok(qs.length >= 20, `${name}: ${qs.length} queries`);
    assert.ok(held * 3 >= qs.length - 2, `${name}: a third held out (${held} of ${qs.length})`);
  }
});

for (const { name, queries } of testSites()) {
  test(`${name}: tuned queries keep their top-3 answers`, async () => {
    assert.ok(out, 'set FAQSITE_SITES_OUT');
    const r = await evaluate(faqsiteSearch(path.join(out, name)), readQueries(queries));
    const missed = r.rows.filter((x) => !x.heldout && !(x.rank && x.rank <= 3)).map((x) => x.q);
    assert.ok(r.tuned.hit3 >= FLOORS[name],
      `${name}: hit@3 ${r.tuned.hit3}/${r.tuned.n} < ${FLOORS[name]}; missed ${JSON.stringify(missed)}`);
  });
}
