// Bytes a visitor downloads before the first result, and query time, for a built site:
//   node benches/search-query.mjs SITE_DIR
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
} else {
  const file = path.join(site, 'search-index.js');
  const t0 = performance.now();
  const { engine } = load(file);
  const loadMs = performance.now() - t0;
  const times = [];
  for (let i = 0; i < 20; i++) for (const q of QUERIES) { const t = performance.now(); engine.search(q, 10); times.push(performance.now() - t); }
  console.log(`one file: ${(fs.statSync(file).size / 1024).toFixed(1)} KiB raw, ${(gz(file) / 1024).toFixed(1)} KiB gz; load+parse ${loadMs.toFixed(0)} ms; median query ${median(times).toFixed(2)} ms`);
}
