#!/usr/bin/env bash
# Builds the same generated Chinese FAQ corpus with faqsite and its peers (Zola, Hugo, mdBook)
# and prints medians. See benches/README.md.
#
#   benches/compare.sh [N=10000] [RUNS=5]
#
# Environment: BENCH_DIR (work folder, default ${TMPDIR:-/tmp}/faqsite-bench), PEERS_DIR (where
# peers are installed / looked for, default /work/peers), ZOLA, HUGO, MDBOOK (explicit binaries),
# NO_INSTALL=1 (do not install missing peers), SMALL_N (default 1000, the linearity check),
# REPORT_ONLY=1 (no builds: print the report from an earlier (possibly interrupted) run's
# BENCH_DIR/results.tsv and outputs).
set -euo pipefail

N=${1:-10000}
RUNS=${2:-5}
SMALL_N=${SMALL_N:-1000}
REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/faqsite-bench}
PEERS_DIR=${PEERS_DIR:-/work/peers}
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
mkdir -p "$WORK/bin" "$WORK/out" "$WORK/time" "$WORK/trash"
RESULTS="$WORK/results.tsv"
[ -n "${REPORT_ONLY:-}" ] && NO_INSTALL=1
[ -n "${REPORT_ONLY:-}" ] || : >"$RESULTS"

note() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools
if [ ! -x /usr/bin/time ]; then
  note "installing GNU time (apt-get install -y time)"
  apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi

if [ -z "${REPORT_ONLY:-}" ]; then
note "building faqsite and the corpus generator (release)"
(cd "$REPO" && cargo build --release --quiet --bin faqsite --example gen-corpus)
# A private copy, so a rebuild of the working tree during the benchmark does not swap binaries.
cp "$TARGET/release/faqsite" "$WORK/bin/faqsite"
cp "$TARGET/release/examples/gen-corpus" "$WORK/bin/gen-corpus"
fi
FAQSITE="$WORK/bin/faqsite"

find_zola() {
  if [ -n "${ZOLA:-}" ]; then echo "$ZOLA"; return; fi
  command -v zola 2>/dev/null && return
  [ -x "$PEERS_DIR/zola-target/release/zola" ] && echo "$PEERS_DIR/zola-target/release/zola"
  return 0
}
find_hugo() {
  if [ -n "${HUGO:-}" ]; then echo "$HUGO"; return; fi
  if ! command -v hugo >/dev/null && [ -z "${NO_INSTALL:-}" ] && command -v apt-get >/dev/null; then
    note "installing hugo (apt-get install -y hugo)"
    apt-get install -y hugo >/dev/null 2>&1 || true
  fi
  command -v hugo 2>/dev/null
  return 0
}
find_mdbook() {
  if [ -n "${MDBOOK:-}" ]; then echo "$MDBOOK"; return; fi
  command -v mdbook 2>/dev/null && return
  if [ ! -x "$PEERS_DIR/mdbook/bin/mdbook" ] && [ -z "${NO_INSTALL:-}" ]; then
    note "installing mdbook (nice -n 19 cargo install mdbook --root $PEERS_DIR/mdbook)"
    CARGO_TARGET_DIR="$PEERS_DIR/mdbook-target" nice -n 19 cargo install --quiet mdbook --root "$PEERS_DIR/mdbook" >&2 || true
  fi
  [ -x "$PEERS_DIR/mdbook/bin/mdbook" ] && echo "$PEERS_DIR/mdbook/bin/mdbook"
  return 0
}
ZOLA_BIN=$(find_zola)
HUGO_BIN=$(find_hugo)
MDBOOK_BIN=$(find_mdbook)
[ -n "$ZOLA_BIN" ] || note "NOTICE: zola not found (PATH or $PEERS_DIR/zola-target/release/zola): Zola is skipped"
[ -n "$HUGO_BIN" ] || note "NOTICE: hugo not found and not installable: Hugo is skipped"
[ -n "$MDBOOK_BIN" ] || note "NOTICE: mdbook not found and not installable: mdBook is skipped"

# ---------------------------------------------------------------- corpus
if [ -z "${REPORT_ONLY:-}" ]; then
note "generating the corpus: $N questions (+ $SMALL_N for the linearity check) in $WORK"
"$WORK/bin/gen-corpus" "$N" "$WORK/corpus" --peers >/dev/null
"$WORK/bin/gen-corpus" "$SMALL_N" "$WORK/corpus-small" >/dev/null
fi

# ---------------------------------------------------------------- one build per tool
# prepare_<tool>: untimed (clean output and caches: every timed build is a full build);
# run_<tool>: the timed command.
S="$WORK/corpus"
# A timed build starts from an empty output folder, but the previous output is moved aside
# (into $WORK/trash, emptied at the end), not deleted: on ext4 without a journal (as here),
# creating files within a minute or so of deleting thousands makes the kernel scan the
# recently deleted inodes for every new file; measured, a 10,000-page build right after an
# `rm -rf` of the last one spent 7 s in the kernel instead of 1. That cost would hit every
# tool and say nothing about any of them.
discard() {
  local d
  for d in "$@"; do
    [ -e "$d" ] && mv "$d" "$WORK/trash/$(date +%s%N)-$RANDOM"
  done
  return 0
}
prepare_faqsite() { discard "$WORK/out/faqsite" "$S/faqsite/.faqsite-cache"; }
run_faqsite() { "$FAQSITE" build --root "$S/faqsite" --output-dir "$WORK/out/faqsite"; }
# The no-change rebuild: the output and cache of the full build just before stay in place
# (faqsite sees that no input changed and writes nothing).
prepare_faqsite_rebuild() { [ -f "$WORK/out/faqsite/index.html" ] || { prepare_faqsite; run_faqsite >/dev/null; }; }
run_faqsite_rebuild() { run_faqsite; }
# The same with --force: every stage runs again; files equal to the previous output's are
# kept (hard-linked), not written.
prepare_faqsite_force() { prepare_faqsite_rebuild; }
run_faqsite_force() { "$FAQSITE" build --force --root "$S/faqsite" --output-dir "$WORK/out/faqsite"; }
prepare_faqsite_t1() { discard "$WORK/out/faqsite-t1" "$S/faqsite/.faqsite-cache"; }
run_faqsite_t1() { RAYON_NUM_THREADS=1 "$FAQSITE" build --root "$S/faqsite" --output-dir "$WORK/out/faqsite-t1"; }
prepare_faqsite_t2() { discard "$WORK/out/faqsite-t2" "$S/faqsite/.faqsite-cache"; }
run_faqsite_t2() { RAYON_NUM_THREADS=2 "$FAQSITE" build --root "$S/faqsite" --output-dir "$WORK/out/faqsite-t2"; }
prepare_faqsite_small() { discard "$WORK/out/faqsite-small" "$WORK/corpus-small/faqsite/.faqsite-cache"; }
run_faqsite_small() { "$FAQSITE" build --root "$WORK/corpus-small/faqsite" --output-dir "$WORK/out/faqsite-small"; }
prepare_zola() { discard "$WORK/out/zola"; }
run_zola() { "$ZOLA_BIN" --root "$S/zola" build --output-dir "$WORK/out/zola"; }
prepare_zola_search() { discard "$WORK/out/zola-search"; }
run_zola_search() { "$ZOLA_BIN" --root "$S/zola" --config "$S/zola/config-search.toml" build --output-dir "$WORK/out/zola-search"; }
prepare_hugo() { discard "$WORK/out/hugo" "$S/hugo/resources" "$S/hugo/.hugo_build.lock"; }
run_hugo() { "$HUGO_BIN" --quiet --source "$S/hugo" --destination "$WORK/out/hugo"; }
prepare_mdbook() { discard "$WORK/out/mdbook"; }
run_mdbook() { "$MDBOOK_BIN" build "$S/mdbook" --dest-dir "$WORK/out/mdbook"; }

export FAQSITE ZOLA_BIN HUGO_BIN MDBOOK_BIN WORK S
export -f run_faqsite run_faqsite_rebuild run_faqsite_force run_faqsite_t1 run_faqsite_t2 run_faqsite_small \
  run_zola run_zola_search run_hugo run_mdbook

TOOLS=(faqsite faqsite_rebuild faqsite_force)
[ -n "$ZOLA_BIN" ] && TOOLS+=(zola zola_search)
[ -n "$HUGO_BIN" ] && TOOLS+=(hugo)
[ -n "$MDBOOK_BIN" ] && TOOLS+=(mdbook)
TOOLS+=(faqsite_small faqsite_t1 faqsite_t2)

# One timed build: appends "tool run wall_s rss_kib" to $RESULTS.
measure() {
  local tool=$1 run=$2 tf="$WORK/time/$1.$2"
  "prepare_$tool" >/dev/null 2>&1
  sync
  if ! /usr/bin/time -v -o "$tf" bash -c "run_$tool" \
      >"$WORK/time/$tool.$run.log" 2>&1; then
    note "NOTICE: $tool failed (run $run), see $WORK/time/$tool.$run.log:"
    tail -5 "$WORK/time/$tool.$run.log" >&2
    return 1
  fi
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$tf")
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tf")
  printf '%s\t%s\t%s\t%s\n' "$tool" "$run" "$wall" "$rss" >>"$RESULTS"
  note "  $tool run $run: ${wall}s, $((rss / 1024)) MiB"
}

if [ -n "${REPORT_ONLY:-}" ]; then
  mapfile -t TOOLS < <(cut -f1 "$RESULTS" | awk '!seen[$0]++')
  # The last round every tool completed.
  RUNS=$(awk -F'\t' '{ if (!($1 in m) || $2 > m[$1]) m[$1] = $2 } END { r = -1; for (t in m) if (r < 0 || m[t] < r) r = m[t]; print r }' "$RESULTS")
else
# A warm-up build of each tool (untimed): checks that it works and fills the page cache.
note "warm-up: one untimed build per tool"
ok=()
for t in "${TOOLS[@]}"; do
  if measure "$t" 0; then ok+=("$t"); else note "NOTICE: $t is left out of the comparison"; fi
done
TOOLS=("${ok[@]}")

# Round-robin: tool A run 1, tool B run 1, …, tool A run 2, … so that load from the other users
# of the machine is spread evenly over the tools.
for r in $(seq 1 "$RUNS"); do
  note "round $r of $RUNS"
  for t in "${TOOLS[@]}"; do measure "$t" "$r" || true; done
done
fi

# ---------------------------------------------------------------- reporting
median() { # median of column $2 for tool $1, runs >= 1
  awk -F'\t' -v t="$1" -v c="$2" -v n="$RUNS" '$1 == t && $2 >= 1 && $2 <= n { print $c }' "$RESULTS" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
gzsize() { gzip -9 -c "$1" | wc -c; }
kib() { awk -v b="$1" 'BEGIN { printf "%.0f KiB", b / 1024 }'; }

# Bytes of faqsite's search index a visitor downloads before the first result. With the one-file
# index that is search-index.js. With the sharded layout (search/manifest.js, above
# [search] shard_above questions) it is the manifest + the shards and document files the client
# loads for one typical query ("安装驱动"), replayed with the real client (tests/js/load.mjs).
# Prints "raw gz".
faqsite_first_query_bytes() {
  local out=$1
  if [ -f "$out/search/manifest.js" ]; then
    (cd "$REPO" && node --input-type=module -e '
      import fs from "node:fs"; import zlib from "node:zlib"; import path from "node:path";
      import { loadSharded } from "./tests/js/load.mjs";
      const site = process.argv[1];
      const { source, loaded } = loadSharded(site);
      await source.search("安装驱动", 10);
      const files = [path.join(site, "search/manifest.js"), ...new Set(loaded)];
      let raw = 0, gz = 0;
      for (const f of files) { const b = fs.readFileSync(f); raw += b.length; gz += zlib.gzipSync(b, { level: 9 }).length; }
      console.log(raw, gz);' "$out")
  elif [ -f "$out/search-index.js" ]; then
    echo "$(wc -c <"$out/search-index.js") $(gzsize "$out/search-index.js")"
  else
    echo "- -"
  fi
}
peer_index_bytes() { # the one index file of a peer (glob), "raw gz"
  local f
  f=$(ls $1 2>/dev/null | head -1 || true)
  if [ -n "$f" ]; then echo "$(wc -c <"$f") $(gzsize "$f")"; else echo "- -"; fi
}

label() {
  case $1 in
    faqsite) echo "faqsite $N (2 threads)" ;;
    faqsite_rebuild) echo "faqsite $N, no-change rebuild" ;;
    faqsite_force) echo "faqsite $N, rebuild --force" ;;
    faqsite_small) echo "faqsite $SMALL_N" ;;
    faqsite_t1) echo "faqsite $N, RAYON_NUM_THREADS=1" ;;
    faqsite_t2) echo "faqsite $N, RAYON_NUM_THREADS=2" ;;
    zola) echo "Zola $N, no search" ;;
    zola_search) echo "Zola $N, search (en)" ;;
    hugo) echo "Hugo $N (no search)" ;;
    mdbook) echo "mdBook $N (default search)" ;;
  esac
}
outdir() { case $1 in faqsite_rebuild | faqsite_force) echo "$WORK/out/faqsite" ;; *) echo "$WORK/out/${1//_/-}" ;; esac; }

echo
echo "## faqsite vs peers: $N generated Chinese questions, median of $RUNS runs"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores (shared with other jobs), $(uname -sm)"
ver() { "$@" 2>/dev/null | head -1 | cut -d' ' -f1-2 || true; }
echo "faqsite $(cd "$REPO" && git rev-parse --short HEAD)$( [ -n "$ZOLA_BIN" ] && echo ", $(ver "$ZOLA_BIN" --version)")$( [ -n "$HUGO_BIN" ] && echo ", $(ver "$HUGO_BIN" version)")$( [ -n "$MDBOOK_BIN" ] && echo ", $(ver "$MDBOOK_BIN" --version)")"
echo
echo "| build | wall time | peak RSS | output | files | search index, first query (raw / gzip) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for t in "${TOOLS[@]}"; do
  w=$(median "$t" 3); m=$(median "$t" 4)
  [ -n "$w" ] || continue
  o=$(outdir "$t")
  case $t in
    faqsite*) read -r raw gz < <(faqsite_first_query_bytes "$o") ;;
    zola_search) read -r raw gz < <(peer_index_bytes "$o/search_index.*.js") ;;
    mdbook) read -r raw gz < <(peer_index_bytes "$o/searchindex*.js") ;;
    *) raw=-; gz=- ;;
  esac
  idx="–"; [ "$raw" != "-" ] && idx="$(kib "$raw") / $(kib "$gz")"
  printf '| %s | %.2f s | %.0f MiB | %.0f MiB | %s | %s |\n' "$(label "$t")" "$w" "$(awk -v k="$m" 'BEGIN { print k / 1024 }')" \
    "$(du -sk "$o" | awk '{ print $1 / 1024 }')" "$(find "$o" -type f | wc -l)" "$idx"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
check() { awk -v v="$1" -v op="$2" -v lim="$3" 'BEGIN { if (v == "n/a") print "n/a"; else if ((op == "<=" && v <= lim) || (op == ">=" && v >= lim) || (op == "<" && v < lim)) print "met"; else print "MISSED" }'; }
F=$(median faqsite 3)
Z=$(median zola 3)
ZS=$(median zola_search 3)
FM=$(median faqsite 4)
ZM=$(median zola 4)
lin=$(ratio "$F" "$(median faqsite_small 3)")
spd=$(ratio "$(median faqsite_t1 3)" "$(median faqsite_t2 3)")
reb=$(ratio "$(median faqsite_rebuild 3)" "$F")
fz=$(ratio "$F" "$Z")
fmib=$(awk -v k="$FM" 'BEGIN { printf "%.0f", k / 1024 }')
echo
echo "| measure | value | target | |"
echo "| --- | ---: | --- | --- |"
echo "| wall time faqsite / Zola (no search) | $fz | ≤ 0.33 | $(check "$fz" '<=' 0.3334) |"
echo "| wall time faqsite / Zola (search on) | $(ratio "$F" "$ZS") | | |"
echo "| peak RSS faqsite / Zola (no search) | $(ratio "$FM" "$ZM") | | |"
echo "| peak RSS faqsite $N | $fmib MiB | < 250 MiB | $(check "$fmib" '<' 250) |"
echo "| time $N / time $SMALL_N (linearity) | $lin | ≤ $((11 * N / SMALL_N / 10)).$((11 * N / SMALL_N % 10)) | $(check "$lin" '<=' "$(awk -v n="$N" -v s="$SMALL_N" 'BEGIN { print 1.1 * n / s }')") |"
echo "| speed-up 2 threads vs 1 | $spd | ≥ 1.7 | $(check "$spd" '>=' 1.7) |"
echo "| no-change rebuild / full build | $reb | ≤ 0.20 | $(check "$reb" '<=' 0.2) |"
echo "| rebuild --force / full build | $(ratio "$(median faqsite_force 3)" "$F") | | |"
read -r _ fq_gz < <(faqsite_first_query_bytes "$(outdir faqsite)")
fq_kb=$(awk -v b="$fq_gz" 'BEGIN { if (b == "-") print "n/a"; else printf "%.0f", b / 1000 }')
echo "| search index downloaded before the first result (gzip) | $fq_kb kB | ≤ 300 kB | $(check "$fq_kb" '<=' 300) |"
echo
rm -rf "$WORK/trash" &
echo "raw measurements: $RESULTS (tool, run, wall s, peak RSS KiB; run 0 = warm-up, not counted)"
