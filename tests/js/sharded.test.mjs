// The sharded index (large sites) gives exactly the results of the one-file index:
//   FAQSITE_SEARCH_INDEX=full/search-index.js FAQSITE_SHARDED_SITE=sharded-site node --test tests/js/sharded.test.mjs
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { load, loadSharded } from './load.mjs';

const QUERIES = fs.readFileSync(new URL('./search.test.mjs', import.meta.url), 'utf8')
  .match(/\[\s*'[^']+',\s*'[^']+'\s*\]/g)
  .map((row) => row.match(/'([^']+)'/g).map((s) => s.slice(1, -1)))
  .filter(([, url]) => url.endsWith('.html'));
const site = process.env.FAQSITE_SHARDED_SITE;

test('sharded and one-file indexes rank every query of the table identically', async () => {
  assert.ok(site, 'set FAQSITE_SHARDED_SITE');
  assert.ok(QUERIES.length >= 20);
  const full = load();
  const { source } = loadSharded(site);
  for (const [q] of QUERIES) {
    const a = full.engine.search(q, 10).map((r) => [r.doc.url, r.score.toFixed(9)]);
    const b = (await source.search(q, 10)).map((r) => [r.doc.url, r.score.toFixed(9)]);
    assert.deepEqual(JSON.parse(JSON.stringify(b)), JSON.parse(JSON.stringify(a)), `query ${q}`);
  }
});

test('packed numbers read back as src/search/pack.rs wrote them', () => {
  const { api } = load();
  const values = [0, 1, 63, 64, 65, 127, 128, 1599, 1600, 1000000, 4294967295];
  assert.deepEqual([...api.unpack('#$fg#g$gfh#~fhg#hjjg#oqmsquf')], values);
});

test('a query loads only the shards of its characters and its results\' documents', async () => {
  const { source, loaded, manifest } = loadSharded(site);
  const results = await source.search('忘记密码', 10);
  assert.ok(results.length > 0);
  const terms = loaded.filter((f) => path.basename(f).startsWith('t'));
  assert.ok(terms.length <= 4, `at most one shard per character: ${terms}`);
  assert.ok(terms.length < manifest.shards);
});

test('a query loads the vocabularies of its characters and the postings of its words only', async () => {
  const { source, loaded, manifest } = loadSharded(site);
  const results = await source.search('忘记密码', 10);
  assert.ok(results.length > 0);
  const kind = (k) => loaded.filter((f) => path.basename(f).startsWith(k)).map((f) => +path.basename(f).slice(1, -3)).sort();
  const shard = (ch) => ch.codePointAt(0) % manifest.shards;
  assert.deepEqual(kind('v'), [...new Set([...'忘记密码'].map(shard))].sort(), 'a vocabulary per character');
  // 忘记 and 密码 (and the term of 密码's synonym group): not the postings of 记 and 码.
  const alts = source.engine.tokens('忘记密码').flatMap((t) => t.alts.map((a) => a.term));
  assert.ok(alts.includes('忘记') && alts.includes('密码'), alts.join());
  // The postings shard of a term: from its first two characters (postings_shard_of).
  const postings = (w) => { const [a, b] = [...w]; return (a.codePointAt(0) * 31 + (b ? b.codePointAt(0) : 0)) % manifest.shards; };
  const typed = source.engine.tokens('忘记密码').flatMap((t) => t.alts);
  const forms = Object.keys(source.vocab).filter((w) => typed.some((a) => (a.exact ? w === a.term : w.startsWith(a.term))));
  assert.ok(forms.includes('忘记') && forms.includes('密码'), forms.join());
  assert.deepEqual(kind('t'), [...new Set(forms.map(postings))].sort(), 'the postings of its words and their longer forms');
  assert.deepEqual(kind('l'), [0], 'the field lengths, once');
});

// Queries sharing characters or words with some titles (the first three find nothing).
const NOTHING = ['录统示', '魑截录魉', '魑魅 tw15 统', '魍魉证书丢', '魑魅 usb 魍', '网页魑魅魍魉'];

test('nothing found: the sharded index offers the same closest questions as the one-file index', async () => {
  const full = load();
  const { source, loaded } = loadSharded(site);
  for (const q of NOTHING) {
    const a = full.engine.closest(q, 3).map((r) => [r.doc.url, r.shared]);
    const b = (await source.closest(q, 3)).map((r) => [r.doc.url, r.shared]);
    assert.ok(a.length > 0, `${q} shares characters with some title`);
    assert.deepEqual(JSON.parse(JSON.stringify(b)), JSON.parse(JSON.stringify(a)), `query ${q}`);
  }
  const closest = loaded.filter((f) => path.basename(f).startsWith('c'));
  assert.ok(closest.length > 0, 'closest questions come from the c files of the query\'s characters');
});
