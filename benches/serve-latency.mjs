// Save → reload latency of `faqsite serve`: starts the server on a copy of a site, listens to
// its reload events, appends a sentence to one question N times and prints the median time
// from the save to the reload event (the 50 ms debounce included).
//
//   node benches/serve-latency.mjs SITE_DIR [SAVES=15] [QUESTION=first question found]
//   FAQSITE=target/release/faqsite (default)
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

const [site, savesArg, questionArg] = process.argv.slice(2);
if (!site) {
  console.error("usage: node benches/serve-latency.mjs SITE_DIR [SAVES] [QUESTION.md]");
  process.exit(2);
}
const saves = Number(savesArg || 15);
const bin = path.resolve(process.env.FAQSITE || "target/release/faqsite");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "faqsite-serve-latency-"));
const root = path.join(work, "site");
fs.cpSync(site, root, {
  recursive: true,
  filter: (p) => !/^(public|\.faqsite-cache)(\/|$)/.test(path.relative(site, p)),
});

function firstQuestion(dir) {
  for (const ch of fs.readdirSync(dir).sort()) {
    const d = path.join(dir, ch);
    if (!fs.statSync(d).isDirectory()) continue;
    const q = fs.readdirSync(d).sort().find((f) => f.endsWith(".md") && f !== "_index.md");
    if (q) return path.join(d, q);
  }
  throw new Error("no question found");
}
const question = questionArg ? path.join(root, questionArg) : firstQuestion(path.join(root, "content"));

const server = spawn(bin, ["serve", "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
const addr = await new Promise((resolve, reject) => {
  let buf = "";
  server.stdout.on("data", (d) => {
    buf += d;
    const m = buf.match(/http:\/\/([^/\s]+)\//);
    if (m) resolve(m[1]);
  });
  server.on("exit", () => reject(new Error("serve exited")));
});

let waiting = null;
http.get(`http://${addr}/__faqsite/events`, (res) => {
  res.setEncoding("utf8");
  res.on("data", (chunk) => {
    if (chunk.includes("event: reload") && waiting) waiting();
    if (chunk.includes("event: error-report")) console.error("build error during the benchmark");
  });
});
await new Promise((r) => setTimeout(r, 500));

const times = [];
for (let i = 0; i < saves; i++) {
  const reloaded = new Promise((resolve) => (waiting = resolve));
  const t0 = performance.now();
  fs.appendFileSync(question, `\n测量用的第 ${i} 句说明。\n`);
  await reloaded;
  waiting = null;
  times.push(performance.now() - t0);
  await new Promise((r) => setTimeout(r, 300));
}
server.kill();
fs.rmSync(work, { recursive: true, force: true });
times.sort((a, b) => a - b);
const med = times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
console.log(
  `save → reload: median ${med.toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms over ${saves} saves (${path.relative(root, question)})`,
);
process.exit(0);
