// Lighthouse (accessibility, best practices, SEO) over HTTP on the home page, a chapter and a
// question, with Debian's chromium. Fails unless every score is 100.
//   node tests/browser/lighthouse.mjs public
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { serve } from './serve.mjs';

const dir = path.resolve(process.argv[2] || 'public');
const pages = ['index.html', '05-usb-key/index.html', '05-usb-key/forgot-or-locked-pin.html'];
const bin = path.resolve('node_modules/.bin/lighthouse');
const { server, url } = await serve(dir);
let failed = 0;
try {
  for (const p of pages) {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lh-')), 'report.json');
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lh-profile-'));
    await new Promise((resolve, reject) => {
      import('node:child_process').then(({ execFile }) => execFile(bin, [url + p, '--quiet', '--output=json', `--output-path=${out}`,
        '--only-categories=accessibility,best-practices,seo', `--chrome-path=${process.env.CHROMIUM || '/usr/bin/chromium'}`,
        `--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=${profile}`],
        { timeout: 180000 }, (err, stdout, stderr) => (err && !fs.existsSync(out) ? reject(new Error(stderr || String(err))) : resolve())));
    });
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    const scores = Object.fromEntries(Object.entries(report.categories).map(([k, v]) => [k, Math.round(v.score * 100)]));
    console.log(`lighthouse ${p}: ${JSON.stringify(scores)}`);
    for (const [k, v] of Object.entries(report.categories)) {
      if (v.score < 1) {
        failed++;
        for (const ref of v.auditRefs) {
          const a = report.audits[ref.id];
          if (a.score !== null && a.score < 1 && ref.weight > 0) console.log(`  - ${k}: ${a.id}: ${a.title}`);
        }
      }
    }
  }
} finally {
  server.close();
}
process.exit(failed ? 1 : 0);
