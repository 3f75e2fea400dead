// Search quality on a built site: where the right question ranks for each query of a
// queries.json (tests/sites/*/queries.json), and hit@1, hit@3 and MRR over the tuned and the
// held-out queries. Shared by tests/js/sites.test.mjs and benches/search-quality.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { load, loadSharded, repo } from './load.mjs';

// Results considered per query (a right answer ranked below this counts as not found).
export const DEPTH = 10;

// faqsite's own search on a built site: (query) => Promise<[url…]>, best first. The site's
// own client (static/search.js) when it has one, so a build by another version is measured
// with its own engine; a sharded index (search/manifest.js) as the browser would load it.
export function faqsiteSearch(siteDir) {
  const built = path.join(siteDir, 'static/search.js');
  const engineFile = fs.existsSync(built) ? built : path.join(repo, 'themes/default/static/search.js');
  const oneFile = path.join(siteDir, 'search-index.js');
  if (fs.existsSync(oneFile)) {
    const { engine } = load(oneFile, engineFile);
    return async (q) => engine.search(q, DEPTH).map((r) => r.doc.url);
  }
  const { source } = loadSharded(siteDir);
  return async (q) => (await source.search(q, DEPTH)).map((r) => r.doc.url);
}

export function readQueries(file) {
  const queries = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const { q, expect } of queries) {
    if (typeof q !== 'string' || !Array.isArray(expect) || !expect.length) {
      throw new Error(`${file}: each query needs "q" and a non-empty "expect"`);
    }
  }
  return queries;
}

// Rank (1-based) of the first expected URL among `urls`, or null.
export function rankOf(urls, expect) {
  const clean = (u) => u.replace(/^\.?\//, '').replace(/[?#].*$/, '');
  const i = urls.map(clean).findIndex((u) => expect.includes(u));
  return i < 0 ? null : i + 1;
}

function summary(rows) {
  const n = rows.length;
  const hit = (k) => rows.filter((r) => r.rank !== null && r.rank <= k).length;
  const mrr = n ? rows.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0) / n : 0;
  return { n, hit1: hit(1), hit3: hit(3), mrr };
}

// Runs every query through `search` and returns { rows, tuned, heldout } (summaries).
export async function evaluate(search, queries) {
  const rows = [];
  for (const { q, expect, heldout } of queries) {
    const urls = await search(q);
    rows.push({ q, expect, heldout: !!heldout, rank: rankOf(urls, expect), top: urls.slice(0, 3) });
  }
  return {
    rows,
    tuned: summary(rows.filter((r) => !r.heldout)),
    heldout: summary(rows.filter((r) => r.heldout)),
  };
}

// The public FAQs of tests/sites/ (folders with a site.toml and a queries.json).
export function testSites() {
  const dir = path.join(repo, 'tests/sites');
  return fs.readdirSync(dir).sort()
    .filter((name) => fs.existsSync(path.join(dir, name, 'site.toml')))
    .map((name) => ({ name, dir: path.join(dir, name), queries: path.join(dir, name, 'queries.json') }));
}
