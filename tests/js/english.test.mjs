// node --test tests/js/english.test.mjs  (FAQSITE_SEARCH_INDEX=path/to/search-index.js)
// An English site (tests/fixtures/english, language = "en"): its question words weigh little
// and its stop words are dropped, so the symptom words of a query decide the ranking.
import test from 'node:test';
import assert from 'node:assert/strict';
import { load } from './load.mjs';

const { engine } = load();
const plain = (x) => JSON.parse(JSON.stringify(x));

const CASES = [
  ['How do I reset my PIN?', '02-problems/reset-pin.html'],
  ['what do i do when my certificate expired', '02-problems/expired.html'],
  ['why is the light off', '02-problems/light-off.html'],
  ['how can I install the driver', '01-start/install-driver.html'],
];

test('an English query\'s symptom words decide, not its question words', () => {
  for (const [q, url] of CASES) {
    const r = engine.search(q, 10);
    assert.equal(r[0] && r[0].doc.url, url, `${q} → ${JSON.stringify(r.map((x) => x.doc.url))}`);
    r.slice(1).forEach((x) => assert.ok(x.words < r[0].words, `${q}: ${x.doc.url} matches as much`));
  }
});

test('English stop words are dropped and nothing is read as pinyin', () => {
  assert.deepEqual(plain(engine.segment('How do I reset the PIN')), ['how', 'do', 'reset', 'pin']);
  assert.deepEqual(plain(engine.search('the', 10)), []);
});
