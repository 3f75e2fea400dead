// Save → reload latency of `faqsite serve`: starts the server on a copy of a site, listens to
// its reload events, appends a sentence to one question N times and prints the median time
// from the save to the reload event (the 10 ms debounce included; a rebuild sends it once the
// pages are in place, then makes the search index and print.html), the server's own rebuild
// times (to the reload, and to the end), which output files the last rebuild wrote, and the target of issue 14 (≤ 200 ms at
// 10,000 questions, ≤ 50 ms for a site of this size: 50 ms below 1,000 questions, else 200 ms;
// TARGET_MS overrides).
//
//   node benches/serve-latency.mjs SITE_DIR [SAVES=15] [QUESTION=first question found]
//   FAQSITE=target/release/faqsite (default)
//   TIMINGS=1: run `serve --timings` and print the median of each stage over the saves (wall
//              and the server's CPU time)
//
//   node benches/serve-latency.mjs . 15                                  # this repository's site
//   node benches/serve-latency.mjs $BENCH_DIR/corpus/faqsite 12          # compare.sh's 10,000
//
// Only the site's inputs are copied (site.toml, content/, images/, themes/, templates/,
// static/), so SITE_DIR may be this repository (its target/ and node_modules/ stay out).
import { execSync, spawn } from "node:child_process";
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
const INPUTS = ["site.toml", "content", "images", "themes", "templates", "static"];
fs.mkdirSync(root);
for (const entry of INPUTS) {
  const from = path.join(site, entry);
  if (fs.existsSync(from)) fs.cpSync(from, path.join(root, entry), { recursive: true });
}

function firstQuestion(dir) {
  for (const ch of fs.readdirSync(dir).sort()) {
    const d = path.join(dir, ch);
    if (!fs.statSync(d).isDirectory()) continue;
    const q = fs.readdirSync(d).sort().find((f) => f.endsWith(".md") && f !== "_index.md");
    if (q) return path.join(d, q);
  }
  throw new Error("no question found");
}
function countQuestions(dir) {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += countQuestions(path.join(dir, e.name));
    else if (e.name.endsWith(".md") && e.name !== "_index.md") n++;
  }
  return n;
}
const questions = countQuestions(path.join(root, "content"));
const question = questionArg ? path.join(root, questionArg) : firstQuestion(path.join(root, "content"));
const target = Number(process.env.TARGET_MS || (questions < 1000 ? 50 : 200));
const uptime = () => execSync("uptime").toString().trim();
console.log(`${new Date().toISOString()}  ${uptime()}`);

const timed = process.env.TIMINGS === "1";
const serveArgs = ["serve", "--port", "0", ...(timed ? ["--timings"] : [])];
const server = spawn(bin, serveArgs, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
const rebuilt = []; // the server's "rebuilt in N ms" lines (the first build included)
// "reloaded after N ms": a rebuild sent the reload once the pages were in place, before it
// made the search index and print.html (it ends at "rebuilt in")
const reloadedAfter = [];
const stages = []; // with TIMINGS=1: each rebuild's "  ms: stage N, ..." line as {stage: ms}
const cpuStages = []; // and its "  cpu ms: ..." line (the process's CPU time per stage)
let out = "";
const ready = await new Promise((resolve, reject) => {
  let buf = "";
  server.stdout.on("data", (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const r = line.match(/^rebuilt in (\d+) ms/);
      if (r) rebuilt.push(Number(r[1]));
      const p = line.match(/^reloaded after (\d+) ms/);
      if (p) reloadedAfter.push(Number(p[1]));
      const laps = (text) => Object.fromEntries(text.split(", ").map((s) => [s.split(" ")[0], Number(s.split(" ")[1])]));
      const t = line.match(/^ {2}ms: (.*)/);
      if (t) stages.push(laps(t[1]));
      const c = line.match(/^ {2}cpu ms: (.*)/);
      if (c) cpuStages.push(laps(c[1]));
      const m = line.match(/^serving (.*) at http:\/\/([^/\s]+)\//);
      if (m) resolve({ out: m[1], addr: m[2] });
    }
  });
  server.on("exit", () => reject(new Error("serve exited")));
});
out = path.resolve(root, ready.out);
const firstBuild = rebuilt[0];

let waiting = null;
http.get(`http://${ready.addr}/__faqsite/events`, (res) => {
  res.setEncoding("utf8");
  res.on("data", (chunk) => {
    if (chunk.includes("event: reload") && waiting) waiting();
    if (chunk.includes("event: error-report")) console.error("build error during the benchmark");
  });
});
await new Promise((r) => setTimeout(r, 500));

// Files of the served output whose modification time is after `since` (ms since the epoch):
// what a rebuild wrote (unchanged files are kept, with their old times).
function writtenSince(dir, since, acc = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) writtenSince(p, since, acc);
    else if (fs.statSync(p).mtimeMs >= since) acc.push(path.relative(out, p));
  }
  return acc;
}

// CPU time the server used (user + system, ms; Linux): less sensitive to other load on the
// machine than wall times.
function cpuMs() {
  try {
    const f = fs.readFileSync(`/proc/${server.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}
const cpuBefore = cpuMs();
const times = [];
let written = [];
for (let i = 0; i < saves; i++) {
  const reloaded = new Promise((resolve) => (waiting = resolve));
  const wall = Date.now() - 5; // mtime granularity
  const t0 = performance.now();
  fs.appendFileSync(question, `\n测量用的第 ${i} 句说明。\n`);
  await reloaded;
  waiting = null;
  times.push(performance.now() - t0);
  if (i === saves - 1) {
    // what the whole rebuild wrote: the files made after the reload included
    while (rebuilt.length < saves + 1) await new Promise((r) => setTimeout(r, 20));
    if (fs.existsSync(out)) written = writtenSince(out, wall);
  }
  await new Promise((r) => setTimeout(r, 300));
}
const cpuPerSave = (cpuMs() - cpuBefore) / saves;
server.kill();
fs.rmSync(work, { recursive: true, force: true });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
times.sort((a, b) => a - b);
const med = median(times);
console.log(
  `${questions} questions, first build ${firstBuild} ms; save → reload: median ${med.toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms over ${saves} saves (${path.relative(root, question)})`,
);
const reloadNote = reloadedAfter.length
  ? `; the reload was sent after a median ${median(reloadedAfter)} ms (the pages in place; the search index and print.html after)`
  : "";
console.log(`server's "rebuilt in" after the saves: median ${median(rebuilt.slice(1))} ms${reloadNote}; CPU ${cpuPerSave.toFixed(0)} ms per save`);
if (timed && stages.length > 1) {
  const after = stages.slice(1);
  const names = Object.keys(after[0]);
  console.log(`stages (median ms over the saves): ${names.map((n) => `${n} ${median(after.map((s) => s[n] ?? 0)).toFixed(1)}`).join(", ")}`);
  const cpuAfter = cpuStages.slice(1);
  if (cpuAfter.length) {
    console.log(`CPU per stage (median ms; images' CPU is counted under search where they ran side by side): ${names.map((n) => `${n} ${median(cpuAfter.map((s) => s[n] ?? 0)).toFixed(1)}`).join(", ")}`);
  }
}
console.log(
  `files the last rebuild wrote: ${written.length}${written.length <= 12 ? ` (${written.sort().join(", ")})` : ""}`,
);
console.log(`target ≤ ${target} ms: ${med <= target ? "met" : "MISSED"}`);
console.log(`${new Date().toISOString()}  ${uptime()}`);
process.exit(0);
