// Search quality on public FAQs: faqsite's own search beside Pagefind, on the same built pages.
//
//   node benches/search-quality.mjs BUILT_SITE QUERIES.json [BUILT_SITE QUERIES.json …]
//     [--no-pagefind] [--misses] [--json FILE]
//
// BUILT_SITE is a folder `faqsite build` wrote (e.g. of tests/sites/rust-faq-en); nothing is
// built here. For each site it reports hit@1, hit@3 and MRR (over the top 10) of the tuned
// queries and of the held-out ones ("heldout": true), separately:
// - faqsite: the site's own static/search.js on its search-index.js (or sharded index), loaded
//   as tests/js/load.mjs loads it;
// - Pagefind (devDependency `pagefind`, its extended binary: CJK segmentation): a copy of the
//   site whose question pages mark the question (title and answer) with data-pagefind-body,
//   the related list, date and numbers with data-pagefind-ignore, so Pagefind indexes the
//   content area of the question pages only, as faqsite does; indexed through pagefind's node
//   API and queried in headless Chromium (tests/js/chromium.mjs) through pagefind.js over HTTP,
//   the search its default UI runs.
// --misses lists the tuned queries whose answer is not in faqsite's top 3 (never the held-out
// ones: they must not be used for tuning). --json FILE writes every row.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { faqsiteSearch, readQueries, evaluate, DEPTH } from '../tests/js/quality.mjs';

const args = process.argv.slice(2);
const flag = (name) => { const i = args.indexOf(name); if (i < 0) return false; args.splice(i, 1); return true; };
const option = (name) => { const i = args.indexOf(name); if (i < 0) return null; const v = args[i + 1]; args.splice(i, 2); return v; };
const noPagefind = flag('--no-pagefind');
const misses = flag('--misses');
const jsonOut = option('--json');
if (!args.length || args.length % 2) {
  console.error('usage: node benches/search-quality.mjs BUILT_SITE QUERIES.json [BUILT_SITE QUERIES.json …] [--no-pagefind] [--misses] [--json FILE]');
  process.exit(2);
}
const pairs = [];
for (let i = 0; i < args.length; i += 2) pairs.push({ site: path.resolve(args[i]), queries: path.resolve(args[i + 1]) });

// A copy of the built site in which only the question pages' question is indexed.
function pagefindCopy(site, dest) {
  fs.cpSync(site, dest, { recursive: true });
  const marked = new Set();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.html')) {
        const html = fs.readFileSync(p, 'utf8');
        if (!html.includes('<article class="question"')) continue;
        fs.writeFileSync(p, html
          .replace('<article class="question"', '<article data-pagefind-body class="question"')
          .replace(/<(section|p|span) class="(related|updated|num)"/g, '<$1 data-pagefind-ignore class="$2"'));
        marked.add(path.relative(dest, p).split(path.sep).join('/'));
      }
    }
  };
  walk(dest);
  return marked;
}

async function pagefindIndex(dir) {
  const pagefind = await import('pagefind');
  const { index, errors } = await pagefind.createIndex({});
  if (errors.length) throw new Error(errors.join('\n'));
  const added = await index.addDirectory({ path: dir });
  if (added.errors.length) throw new Error(added.errors.join('\n'));
  const written = await index.writeFiles({ outputPath: path.join(dir, 'pagefind') });
  if (written.errors.length) throw new Error(written.errors.join('\n'));
  await pagefind.close();
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };
function serveStatic(root) {
  const server = http.createServer((req, res) => {
    const file = path.join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404); res.end(); return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// (query) => Promise<[url…]> through pagefind.js in Chromium; close() when done.
async function pagefindSearch(dir) {
  const { launch } = await import('../tests/js/chromium.mjs');
  const server = await serveStatic(dir);
  const browser = await launch();
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  await page.evaluate(async () => {
    window.pf = await import('/pagefind/pagefind.js');
    await window.pf.init();
  });
  const search = (q) => page.evaluate(async ([q, depth]) => {
    const r = await window.pf.search(q);
    const data = await Promise.all(r.results.slice(0, depth).map((x) => x.data()));
    return data.map((d) => d.url);
  }, [q, DEPTH]);
  search.close = async () => { await browser.close(); server.close(); };
  return search;
}

const pct = (s, k) => `${s[k]}/${s.n}`;
const table = [];
const report = [];
for (const { site, queries: qfile } of pairs) {
  const name = path.basename(path.dirname(qfile));
  const queries = readQueries(qfile);
  const ours = await evaluate(faqsiteSearch(site), queries);
  const entry = { name, site, faqsite: ours };
  if (!noPagefind) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faqsite-pagefind-'));
    try {
      const marked = pagefindCopy(site, tmp);
      await pagefindIndex(tmp);
      const search = await pagefindSearch(tmp);
      // Only the marked question pages may be found (else the comparison is not like for like).
      const questionsOnly = async (q) => {
        const urls = (await search(q)).map((u) => u.replace(/^\//, ''));
        const other = urls.find((u) => !marked.has(u));
        if (other) throw new Error(`pagefind found ${other}, not a question page`);
        return urls;
      };
      try { entry.pagefind = await evaluate(questionsOnly, queries); } finally { await search.close(); }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  report.push(entry);
  for (const part of ['tuned', 'heldout']) {
    const row = [name, part, pct(ours[part], 'hit3'), pct(ours[part], 'hit1'), ours[part].mrr.toFixed(2)];
    if (entry.pagefind) {
      const p = entry.pagefind[part];
      row.push(pct(p, 'hit3'), pct(p, 'hit1'), p.mrr.toFixed(2));
    }
    table.push(row);
  }
  if (misses) {
    for (const r of ours.rows.filter((r) => !r.heldout && !(r.rank && r.rank <= 3))) {
      console.log(`miss ${name}: ${JSON.stringify(r.q)} → rank ${r.rank ?? `>${DEPTH}`}; top ${JSON.stringify(r.top)}; want ${JSON.stringify(r.expect)}`);
    }
  }
}

const head = ['site', 'queries', 'faqsite hit@3', 'hit@1', 'MRR'];
if (!noPagefind) head.push('Pagefind hit@3', 'hit@1', 'MRR');
console.log(`| ${head.join(' | ')} |\n|${head.map(() => ' --- ').join('|')}|`);
for (const row of table) console.log(`| ${row.join(' | ')} |`);
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(report, null, 1));
