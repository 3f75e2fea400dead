// Loads search.js's engine and a built search-index.js into one sandbox, as a browser would.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');

export function load(indexPath = process.env.FAQSITE_SEARCH_INDEX || path.join(repo, 'public/search-index.js'),
  engineFile = path.join(repo, 'themes/default/static/search.js')) {
  const ctx = vm.createContext({});
  ctx.window = ctx; // as in a browser, window is the global object
  const window = ctx;
  vm.runInContext(fs.readFileSync(indexPath, 'utf8'), ctx, { filename: indexPath });
  vm.runInContext(fs.readFileSync(engineFile, 'utf8'), ctx, { filename: engineFile });
  const api = window.FAQSITE_SEARCH_ENGINE;
  return { api, data: window.FAQSITE_SEARCH, engine: new api.Engine(window.FAQSITE_SEARCH) };
}

// A sharded index (search/manifest.js + shards) in a fresh sandbox, with a loader that reads
// the shard files from disk instead of adding <script> tags. Returns the ShardedSource and a
// log of the files each query loaded.
export function loadSharded(siteDir) {
  const ctx = vm.createContext({});
  ctx.window = ctx;
  const manifestPath = path.join(siteDir, 'search/manifest.js');
  vm.runInContext(fs.readFileSync(manifestPath, 'utf8'), ctx, { filename: manifestPath });
  // The site's own client (a build by another faqsite version, in benchmarks, may use another
  // index format), else this repository's.
  const built = path.join(siteDir, 'static/search.js');
  const engineFile = fs.existsSync(built) ? built : path.join(repo, 'themes/default/static/search.js');
  vm.runInContext(fs.readFileSync(engineFile, 'utf8'), ctx, { filename: engineFile });
  const loaded = [];
  const loader = (url) => {
    const file = path.join(siteDir, url.split('?')[0]);
    loaded.push(file);
    let captured;
    ctx.__capture = (kind, n, data) => { captured = data; };
    vm.runInContext(`(function (FAQSITE_SEARCH_LOAD) {\n${fs.readFileSync(file, 'utf8')}\n})(__capture);`, ctx, { filename: file });
    return Promise.resolve(captured);
  };
  const source = new ctx.FAQSITE_SEARCH_ENGINE.ShardedSource(ctx.FAQSITE_SEARCH_MANIFEST, '', loader);
  return { source, loaded, manifest: ctx.FAQSITE_SEARCH_MANIFEST };
}

// search.js's engine alone (no index), for tests that make their own small indexes.
export function engineApi() {
  const ctx = vm.createContext({});
  ctx.window = ctx;
  const engineFile = path.join(repo, 'themes/default/static/search.js');
  vm.runInContext(fs.readFileSync(engineFile, 'utf8'), ctx, { filename: engineFile });
  return ctx.FAQSITE_SEARCH_ENGINE;
}

// An index as the Rust side writes it (elasticlunr's inverted index, tf = sqrt(count)), made
// from documents given as their fields' terms: [{title: [terms], body: [terms], …}]. Documents
// are numbered from 0; their urls are `<n>.html`.
export function smallIndex(docs, { fields = { title: 4, body: 1 }, weak = {}, stop = [] } = {}) {
  const index = {}, docInfo = {}, stored = {};
  for (const f of Object.keys(fields)) index[f] = { root: {} };
  docs.forEach((d, n) => {
    const ref = String(n);
    docInfo[ref] = {};
    for (const f of Object.keys(fields)) {
      const terms = d[f] || [];
      docInfo[ref][f] = terms.length;
      const counts = {};
      for (const t of terms) counts[t] = (counts[t] || 0) + 1;
      for (const [t, c] of Object.entries(counts)) {
        let node = index[f].root;
        for (const ch of t) node = node[ch] || (node[ch] = {});
        node.docs = node.docs || {};
        node.docs[ref] = { tf: Math.sqrt(c) };
        node.df = Object.keys(node.docs).length;
      }
    }
    const text = (f) => (d[f] || []).join(' ');
    stored[ref] = { url: `${n}.html`, title: text('title'), chapter: '', number: '', body: text('body') };
  });
  return {
    index: { index, documentStore: { docInfo, length: docs.length } },
    docs: stored,
    options: { fields, stop_words: stop, weak_words: weak, synonyms: [] },
    pinyin: {},
  };
}
