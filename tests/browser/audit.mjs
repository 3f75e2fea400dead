// axe-core audit of a built faqsite, served over HTTP on 127.0.0.1 by a tiny node server.
//
//   node tests/browser/audit.mjs [public]          axe on home, a chapter, a question (+ 404 and
//                                                   the print manual), light and dark; exit 1 on
//                                                   any violation
//   node tests/browser/audit.mjs --serve [public]  only serve the folder; prints "serving URL"
//                                                   and runs until killed (used by audit.sh)
//   node tests/browser/audit.mjs --list [public]   print the pages audited, one a line
//
// Each page is checked at a desktop and a phone width (the sidebar is a collapsed menu there).
// Environment: CHROMIUM (default /usr/bin/chromium), AUDIT_PAGES (comma-separated paths
// relative to the site root, overriding the default pages), AUDIT_WIDTHS (default "1280,390").
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const serveOnly = args.includes('--serve');
const listOnly = args.includes('--list');
const dir = path.resolve(args.find((a) => !a.startsWith('--')) || 'public');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp', '.avif': 'image/avif', '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon', '.xml': 'application/xml', '.txt': 'text/plain; charset=utf-8', '.pdf': 'application/pdf',
};

/** Serves `root` on 127.0.0.1 (a free port); unknown paths get 404.html with status 404. */
export function serve(root) {
  const server = http.createServer((req, res) => {
    let p;
    try {
      p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      p = '/';
    }
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(root, path.normalize(p));
    const ok = file.startsWith(root + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile();
    if (!ok) {
      const notFound = path.join(root, '404.html');
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(fs.existsSync(notFound) ? fs.readFileSync(notFound) : 'not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` })));
}

/** Home, the first chapter with the most questions, its first question, 404 and print. */
function defaultPages(root) {
  const pages = ['index.html'];
  const chapters = fs.readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, d.name, 'index.html')))
    .map((d) => ({ name: d.name, questions: fs.readdirSync(path.join(root, d.name)).filter((f) => f.endsWith('.html') && f !== 'index.html').sort() }))
    .filter((c) => c.questions.length)
    .sort((a, b) => b.questions.length - a.questions.length || a.name.localeCompare(b.name));
  if (chapters.length) {
    pages.push(`${chapters[0].name}/index.html`, `${chapters[0].name}/${chapters[0].questions[0]}`);
  }
  for (const extra of ['404.html', 'print.html']) if (fs.existsSync(path.join(root, extra))) pages.push(extra);
  return pages;
}

if (!fs.existsSync(path.join(dir, 'index.html'))) {
  console.error(`audit: ${dir}/index.html not found (run \`cargo run -- build\` first)`);
  process.exit(2);
}

if (listOnly) {
  console.log((process.env.AUDIT_PAGES ? process.env.AUDIT_PAGES.split(',').filter(Boolean) : defaultPages(dir)).join('\n'));
  process.exit(0);
}

const { server, url } = await serve(dir);

if (serveOnly) {
  console.log(`serving ${url}`);
  const stop = () => { server.close(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  const { chromium } = await import('playwright-core');
  const require = createRequire(import.meta.url);
  const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const pages = process.env.AUDIT_PAGES ? process.env.AUDIT_PAGES.split(',').filter(Boolean) : defaultPages(dir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const widths = (process.env.AUDIT_WIDTHS || '1280,390').split(',').map(Number).filter(Boolean);
  let total = 0;
  let checked = 0;
  const consoleErrors = [];
  try {
    for (const scheme of ['light', 'dark']) for (const width of widths) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${scheme} ${page.url()}: ${m.text()}`); });
      page.on('pageerror', (e) => consoleErrors.push(`${scheme} ${page.url()}: ${e.message}`));
      for (const p of pages) {
        const response = await page.goto(url + p, { waitUntil: 'load' });
        if (!response || response.status() !== 200) {
          console.log(`axe ${scheme.padEnd(5)} ${String(width).padStart(4)}px ${p}: HTTP ${response && response.status()}`);
          total++;
          continue;
        }
        await page.addScriptTag({ content: axeSource });
        const result = await page.evaluate(async () =>
          await window.axe.run(document, { resultTypes: ['violations'] }));
        checked++;
        total += result.violations.length;
        console.log(`axe ${scheme.padEnd(5)} ${String(width).padStart(4)}px ${p}: ${result.violations.length} violations`);
        for (const v of result.violations) {
          console.log(`  - ${v.id} (${v.impact}): ${v.help} [${v.nodes.length} nodes] ${v.helpUrl}`);
          for (const n of v.nodes.slice(0, 5)) {
            console.log(`      ${n.target.join(' ')}`);
            const why = (n.failureSummary || '').split('\n').slice(1, 3).map((s) => s.trim()).join(' ');
            if (why) console.log(`        ${why}`);
          }
        }
      }
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  for (const e of consoleErrors) console.log(`console error: ${e}`);
  console.log(`axe: ${total} violations on ${checked} page checks (${pages.length} pages × light, dark × ${widths.join(', ')}px); ${consoleErrors.length} console errors`);
  process.exit(total || consoleErrors.length ? 1 : 0);
}
