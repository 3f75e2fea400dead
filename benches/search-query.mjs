// Bytes a visitor downloads before the first result, and query time, for a built site:
//   node benches/search-query.mjs SITE_DIR [--chromium]
// Works for the one-file index (search-index.js) and the sharded one (search/manifest.js).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { load, loadSharded } from '../tests/js/load.mjs';

const site = path.resolve(process.argv[2] || 'public');
const QUERIES = ['忘记密码', '安装驱动', 'USB Key 锁死', 'PIN码', '证书过期', '在线更新', '驱', '黑名单', '浏览器 保护模式', '客服电话', '无法打开', '证书链'];
const gz = (f) => zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

if (fs.existsSync(path.join(site, 'search/manifest.js'))) {
  const first = [], times = [];
  for (const q of QUERIES) {
    const { source, loaded } = loadSharded(site); // a fresh visitor: nothing cached
    const t0 = performance.now();
    const r = await source.search(q, 10);
    times.push(performance.now() - t0);
    const bytes = gz(path.join(site, 'search/manifest.js')) + loaded.reduce((n, f) => n + gz(f), 0);
    first.push(bytes);
    console.log(`${q}: ${r.length} results, first query downloads ${(bytes / 1024).toFixed(1)} KiB gzipped (${loaded.length} files)`);
  }
  // Repeated queries on a warm source (shards already loaded), like typing in one page.
  const { source } = loadSharded(site);
  for (const q of QUERIES) await source.search(q, 10);
  const warm = [];
  for (let i = 0; i < 20; i++) for (const q of QUERIES) { const t0 = performance.now(); await source.search(q, 10); warm.push(performance.now() - t0); }
  console.log(`sharded: median first-query download ${(median(first) / 1024).toFixed(1)} KiB gz, max ${(Math.max(...first) / 1024).toFixed(1)} KiB; median cold query ${median(times).toFixed(1)} ms (incl. parsing shards), warm ${median(warm).toFixed(2)} ms`);
  // Had the query found nothing: the search's files, then the closest questions' (the `c`
  // files of its characters and the closest questions' document files).
  const near = [];
  for (const q of QUERIES) {
    const { source, loaded } = loadSharded(site);
    await source.search(q, 10);
    await source.closest(q, 3);
    near.push(gz(path.join(site, 'search/manifest.js')) + loaded.reduce((n, f) => n + gz(f), 0));
  }
  console.log(`sharded, nothing found: search + closest questions download median ${(median(near) / 1024).toFixed(1)} KiB gz, max ${(Math.max(...near) / 1024).toFixed(1)} KiB`);
  if (process.argv.includes('--chromium')) await inChromium();
} else {
  const file = path.join(site, 'search-index.js');
  const t0 = performance.now();
  const { engine } = load(file);
  const loadMs = performance.now() - t0;
  const times = [];
  for (let i = 0; i < 20; i++) for (const q of QUERIES) { const t = performance.now(); engine.search(q, 10); times.push(performance.now() - t); }
  console.log(`one file: ${(fs.statSync(file).size / 1024).toFixed(1)} KiB raw, ${(gz(file) / 1024).toFixed(1)} KiB gz; load+parse ${loadMs.toFixed(0)} ms; median query ${median(times).toFixed(2)} ms`);
}

// Query time in Chromium from file://: a fresh page per query (cold: loading and parsing its
// files), then the same query again (warm).
async function inChromium() {
  const { launch } = await import('../tests/js/chromium.mjs');
  const { pathToFileURL } = await import('node:url');
  const browser = await launch();
  const cold = [], warm = [];
  try {
    for (const q of QUERIES) {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(path.join(site, 'index.html')).href);
      await page.waitForFunction(() => window.FAQSITE_SEARCH_ENGINE && window.FAQSITE_SEARCH_MANIFEST);
      const t = await page.evaluate(async (query) => {
        const api = window.FAQSITE_SEARCH_ENGINE;
        const source = new api.ShardedSource(window.FAQSITE_SEARCH_MANIFEST, '');
        const t0 = performance.now();
        await source.search(query, 10);
        const t1 = performance.now();
        await source.search(query, 10);
        return [t1 - t0, performance.now() - t1];
      }, q);
      cold.push(t[0]);
      warm.push(t[1]);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  console.log(`Chromium (file://): median cold query ${median(cold).toFixed(1)} ms, max ${Math.max(...cold).toFixed(1)} ms; median warm ${median(warm).toFixed(2)} ms, max ${Math.max(...warm).toFixed(2)} ms`);
}
