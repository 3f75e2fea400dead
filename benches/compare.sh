#!/usr/bin/env bash
# Builds the same generated Chinese FAQ corpus with faqsite and its peers (Zola bare and with a
# chapter sidebar, Hugo, optionally mdBook), round-robin, and prints medians, faqsite's
# per-stage times and the targets of issue 14. See benches/README.md.
#
#   benches/compare.sh [N=10000] [RUNS=5]
#   TOOLS=faqsite benches/compare.sh 100000 1        # faqsite only (linearity vs N/10)
#
# Environment:
#   TOOLS        what to build, names separated by spaces or commas (default
#                "faqsite zola zola_sidebar zola_search hugo"): faqsite (= all faqsite rows:
#                faqsite faqsite_rebuild faqsite_force faqsite_small faqsite_t1 faqsite_t2
#                faqsite_pair (two 1-thread builds at once: what the machine's 2 cores give), each
#                also accepted alone; faqsite_full is the cold full build row alone), zola (bare templates), zola_sidebar, zola_search, hugo,
#                mdbook (opt-in: ~3 min per build at 10,000), all (everything).
#   GEN_CORPUS_BIN a prebuilt corpus generator (examples/gen-corpus.rs) instead of building it.
#   BENCH_DIR    work folder (default ${TMPDIR:-/tmp}/faqsite-bench)
#   FAQSITE_TREE the source tree faqsite is built from (default: this repository); its
#                tests/js/load.mjs replays the first search query. The corpus generator is
#                always this repository's. Use CARGO_TARGET_DIR to share a target folder.
#   FAQSITE_BIN  a prebuilt faqsite binary to measure instead of building one (FAQSITE_TREE
#                then only names the tree it was built from; FAQSITE_REV labels it).
#   FAQSITE_ALT  more prebuilt faqsite binaries, "NAME=PATH NAME2=PATH2" (NAME: letters,
#                digits), each measured in the same rounds as row "faqsite_NAME" (a cold full
#                build, 2 threads): before/after, or several branches, under the same load.
#   FAQSITE_BASE=PATH is FAQSITE_ALT="base=PATH".
#   PEERS_DIR    where peers are installed / looked for (default /work/peers); ZOLA, HUGO,
#                MDBOOK name binaries explicitly; NO_INSTALL=1 installs nothing.
#   SMALL_N      the smaller corpus of the linearity check (default N/10).
#   WARMUP=0     no untimed warm-up round (for long runs: 100,000 questions, RUNS=1); a tool
#                that fails in round 1 is then reported with its log and left out.
#   REPORT_ONLY=1 no builds: print the report from an earlier (possibly interrupted) run's
#                BENCH_DIR/results.tsv and outputs.
set -euo pipefail

N=${1:-10000}
RUNS=${2:-5}
SMALL_N=${SMALL_N:-$((N / 10))}
REPO=$(cd "$(dirname "$0")/.." && pwd)
FAQSITE_TREE=$(cd "${FAQSITE_TREE:-$REPO}" && pwd)
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/faqsite-bench}
PEERS_DIR=${PEERS_DIR:-/work/peers}
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
mkdir -p "$WORK/bin" "$WORK/out" "$WORK/time" "$WORK/trash"
RESULTS="$WORK/results.tsv"
LOADLOG="$WORK/uptime.log"
[ -n "${REPORT_ONLY:-}" ] && NO_INSTALL=1
[ -n "${REPORT_ONLY:-}" ] || : >"$RESULTS"
[ -n "${REPORT_ONLY:-}" ] || : >"$LOADLOG"

note() { printf '%s\n' "$*" >&2; }
# The machine is shared: the load is recorded at the start and at every round.
load_note() { printf '%s  %s\n' "$1" "$(uptime)" >>"$LOADLOG"; }

# ---------------------------------------------------------------- what to build
FAQSITE_ROWS="faqsite faqsite_rebuild faqsite_force faqsite_small faqsite_t1 faqsite_t2 faqsite_pair"
KNOWN=" $FAQSITE_ROWS zola zola_sidebar zola_search hugo mdbook "
WANT=()
for w in ${TOOLS:-faqsite zola zola_sidebar zola_search hugo}; do
  w=${w//,/ }
  for x in $w; do
    case $x in
      faqsite) WANT+=($FAQSITE_ROWS) ;;
      faqsite_full) WANT+=(faqsite) ;;
      all) WANT+=($FAQSITE_ROWS zola zola_sidebar zola_search hugo mdbook) ;;
      *) [[ $KNOWN == *" $x "* ]] || { note "unknown tool '$x' in TOOLS (known:$KNOWN)"; exit 2; }
         WANT+=("$x") ;;
    esac
  done
done
ALT=${FAQSITE_ALT:-}
[ -n "${FAQSITE_BASE:-}" ] && ALT="base=$FAQSITE_BASE $ALT"
ALT_NAMES=()
for a in $ALT; do
  [[ $a =~ ^[a-z0-9]+=.+ ]] || { note "FAQSITE_ALT: '$a' is not NAME=PATH (NAME: a-z, 0-9)"; exit 2; }
  ALT_NAMES+=("${a%%=*}")
  WANT+=("faqsite_${a%%=*}")
done
wants() { local x; for x in "${WANT[@]}"; do [ "$x" = "$1" ] && return 0; done; return 1; }
wants_peer() { wants zola || wants zola_sidebar || wants zola_search || wants hugo || wants mdbook; }

# ---------------------------------------------------------------- tools
if [ ! -x /usr/bin/time ]; then
  note "installing GNU time (apt-get install -y time)"
  apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi

if [ -z "${REPORT_ONLY:-}" ]; then
load_note start
note "building the corpus generator and faqsite (release, from $FAQSITE_TREE)"
# Private copies, so a rebuild of the working tree during the benchmark does not swap binaries.
# The generator first: with a shared CARGO_TARGET_DIR, building it rebuilds this repository's
# faqsite library, which must not replace the faqsite binary of FAQSITE_TREE.
if [ -n "${GEN_CORPUS_BIN:-}" ]; then
  cp "$GEN_CORPUS_BIN" "$WORK/bin/gen-corpus"
else
  (cd "$REPO" && cargo build --release --quiet --example gen-corpus)
  cp "$TARGET/release/examples/gen-corpus" "$WORK/bin/gen-corpus"
fi
if [ -n "${FAQSITE_BIN:-}" ]; then
  cp "$FAQSITE_BIN" "$WORK/bin/faqsite"
  printf '%s\n' "${FAQSITE_REV:-$FAQSITE_BIN}" >"$WORK/bin/faqsite.rev"
else
  TREE_TARGET=${CARGO_TARGET_DIR:-$FAQSITE_TREE/target}
  (cd "$FAQSITE_TREE" && cargo build --release --quiet --bin faqsite)
  cp "$TREE_TARGET/release/faqsite" "$WORK/bin/faqsite"
  (cd "$FAQSITE_TREE" && git rev-parse --short HEAD; git status --porcelain -- src themes Cargo.toml Cargo.lock 2>/dev/null | grep -q . && echo "(+ uncommitted changes)" || true) | paste -sd' ' >"$WORK/bin/faqsite.rev"
fi
for a in $ALT; do
  cp "${a#*=}" "$WORK/bin/faqsite-${a%%=*}"
  printf '%s\n' "${a#*=}" >"$WORK/bin/faqsite-${a%%=*}.rev"
done
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
ZOLA_BIN= HUGO_BIN= MDBOOK_BIN=
if wants zola || wants zola_sidebar || wants zola_search; then
  ZOLA_BIN=$(find_zola)
  [ -n "$ZOLA_BIN" ] || note "NOTICE: zola not found (PATH or $PEERS_DIR/zola-target/release/zola): Zola is skipped"
fi
if wants hugo; then
  HUGO_BIN=$(find_hugo)
  [ -n "$HUGO_BIN" ] || note "NOTICE: hugo not found and not installable: Hugo is skipped"
fi
if wants mdbook; then
  MDBOOK_BIN=$(find_mdbook)
  [ -n "$MDBOOK_BIN" ] || note "NOTICE: mdbook not found and not installable: mdBook is skipped"
fi

# ---------------------------------------------------------------- corpus
if [ -z "${REPORT_ONLY:-}" ]; then
note "generating the corpus: $N questions (+ $SMALL_N for the linearity check) in $WORK"
if wants_peer; then
  "$WORK/bin/gen-corpus" "$N" "$WORK/corpus" --peers >/dev/null
else
  "$WORK/bin/gen-corpus" "$N" "$WORK/corpus" >/dev/null
fi
wants faqsite_small && "$WORK/bin/gen-corpus" "$SMALL_N" "$WORK/corpus-small" >/dev/null
# The second copy of the corpus for faqsite_pair, made again with the corpus (same N).
if wants faqsite_pair; then
  rm -rf "$WORK/corpus-pair" && mkdir -p "$WORK/corpus-pair"
  cp -r "$WORK/corpus/faqsite/content" "$WORK/corpus/faqsite/images" "$WORK/corpus/faqsite/site.toml" "$WORK/corpus-pair/"
fi
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
# Full builds print their per-stage times (--timings), reported as medians below.
run_faqsite() { "$FAQSITE" build --timings --root "$S/faqsite" --output-dir "$WORK/out/faqsite"; }
# The no-change rebuild: the output and cache of the full build just before stay in place
# (faqsite sees that no input changed and writes nothing).
prepare_faqsite_rebuild() { [ -f "$WORK/out/faqsite/index.html" ] || { prepare_faqsite; run_faqsite >/dev/null; }; }
run_faqsite_rebuild() { "$FAQSITE" build --root "$S/faqsite" --output-dir "$WORK/out/faqsite"; }
# The same with --force: every stage runs again; files equal to the previous output's are
# kept (hard-linked), not written.
prepare_faqsite_force() { prepare_faqsite_rebuild; }
run_faqsite_force() { "$FAQSITE" build --force --timings --root "$S/faqsite" --output-dir "$WORK/out/faqsite"; }
prepare_faqsite_t1() { discard "$WORK/out/faqsite-t1" "$S/faqsite/.faqsite-cache"; }
run_faqsite_t1() { RAYON_NUM_THREADS=1 "$FAQSITE" build --timings --root "$S/faqsite" --output-dir "$WORK/out/faqsite-t1"; }
prepare_faqsite_t2() { discard "$WORK/out/faqsite-t2" "$S/faqsite/.faqsite-cache"; }
run_faqsite_t2() { RAYON_NUM_THREADS=2 "$FAQSITE" build --timings --root "$S/faqsite" --output-dir "$WORK/out/faqsite-t2"; }
# Two 1-thread builds at once, of two copies of the corpus: the most two threads can give on
# this machine now. On a shared virtual machine the two cores can be slower when both are
# busy (measured: each of two independent builds then took 15 % more CPU time than alone),
# which no program can win back; the speed-up of 2 threads is shown against this too.
prepare_faqsite_pair() {
  discard "$WORK/out/faqsite-pair-a" "$WORK/out/faqsite-pair-b" "$S/faqsite/.faqsite-cache" "$WORK/corpus-pair/.faqsite-cache"
}
run_faqsite_pair() {
  RAYON_NUM_THREADS=1 "$FAQSITE" build --root "$S/faqsite" --output-dir "$WORK/out/faqsite-pair-a" &
  RAYON_NUM_THREADS=1 "$FAQSITE" build --root "$WORK/corpus-pair" --output-dir "$WORK/out/faqsite-pair-b"
  local b=$?
  wait $! && return $b
}
prepare_faqsite_small() { discard "$WORK/out/faqsite-small" "$WORK/corpus-small/faqsite/.faqsite-cache"; }
run_faqsite_small() { "$FAQSITE" build --timings --root "$WORK/corpus-small/faqsite" --output-dir "$WORK/out/faqsite-small"; }
# The extra binaries (FAQSITE_ALT): a cold full build each, like run_faqsite.
for a in "${ALT_NAMES[@]}"; do
  eval "prepare_faqsite_$a() { discard \"\$WORK/out/faqsite-$a\" \"\$S/faqsite/.faqsite-cache\"; }"
  eval "run_faqsite_$a() { \"\$WORK/bin/faqsite-$a\" build --timings --root \"\$S/faqsite\" --output-dir \"\$WORK/out/faqsite-$a\"; }"
  export -f "run_faqsite_$a"
done
prepare_zola() { discard "$WORK/out/zola"; }
run_zola() { "$ZOLA_BIN" --root "$S/zola" build --output-dir "$WORK/out/zola"; }
prepare_zola_search() { discard "$WORK/out/zola-search"; }
prepare_zola_sidebar() { discard "$WORK/out/zola-sidebar"; }
run_zola_sidebar() { "$ZOLA_BIN" --root "$S/zola-sidebar" build --output-dir "$WORK/out/zola-sidebar"; }
run_zola_search() { "$ZOLA_BIN" --root "$S/zola" --config "$S/zola/config-search.toml" build --output-dir "$WORK/out/zola-search"; }
prepare_hugo() { discard "$WORK/out/hugo" "$S/hugo/resources" "$S/hugo/.hugo_build.lock"; }
run_hugo() { "$HUGO_BIN" --quiet --source "$S/hugo" --destination "$WORK/out/hugo"; }
prepare_mdbook() { discard "$WORK/out/mdbook"; }
run_mdbook() { "$MDBOOK_BIN" build "$S/mdbook" --dest-dir "$WORK/out/mdbook"; }

export FAQSITE ZOLA_BIN HUGO_BIN MDBOOK_BIN WORK S
export -f run_faqsite run_faqsite_rebuild run_faqsite_force run_faqsite_t1 run_faqsite_t2 run_faqsite_pair run_faqsite_small \
  run_zola run_zola_sidebar run_zola_search run_hugo run_mdbook

# The order of the rows (and of the round-robin): the no-change and --force rebuilds follow the
# full build whose output and cache they reuse.
SEL=()
for t in faqsite faqsite_rebuild faqsite_force "${ALT_NAMES[@]/#/faqsite_}" zola zola_sidebar zola_search hugo mdbook \
  faqsite_small faqsite_t1 faqsite_t2 faqsite_pair; do
  wants "$t" || continue
  case $t in
    zola*) [ -n "$ZOLA_BIN" ] || continue ;;
    hugo) [ -n "$HUGO_BIN" ] || continue ;;
    mdbook) [ -n "$MDBOOK_BIN" ] || continue ;;
  esac
  SEL+=("$t")
done

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
  mapfile -t SEL < <(cut -f1 "$RESULTS" | awk '!seen[$0]++')
  # The last round every tool completed.
  RUNS=$(awk -F'\t' '{ if (!($1 in m) || $2 > m[$1]) m[$1] = $2 } END { r = -1; for (t in m) if (r < 0 || m[t] < r) r = m[t]; print r }' "$RESULTS")
else
# A warm-up build of each tool (untimed): checks that it works and fills the page cache.
if [ "${WARMUP:-1}" != 0 ]; then
  note "warm-up: one untimed build per tool"
  load_note warm-up
  ok=()
  for t in "${SEL[@]}"; do
    if measure "$t" 0; then ok+=("$t"); else note "NOTICE: $t is left out of the comparison"; fi
  done
  SEL=("${ok[@]}")
fi

# Round-robin: tool A run 1, tool B run 1, …, tool A run 2, … so that load from the other users
# of the machine is spread evenly over the tools.
for r in $(seq 1 "$RUNS"); do
  note "round $r of $RUNS"
  load_note "round $r"
  for t in "${SEL[@]}"; do measure "$t" "$r" || true; done
done
load_note end
fi

# ---------------------------------------------------------------- reporting
# The median of the numbers on stdin, one a line, printed with the printf format $1 (default
# %s), or $2 when there are none.
med() {
  sort -g | awk -v f="${1:-%s}" -v none="${2-}" '{ v[NR] = $1 }
    END { if (NR == 0) print none; else if (NR % 2) printf f "\n", v[(NR + 1) / 2]; else printf f "\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
median() { # median of column $2 for tool $1, runs >= 1
  awk -F'\t' -v t="$1" -v c="$2" -v n="$RUNS" '$1 == t && $2 >= 1 && $2 <= n { print $c }' "$RESULTS" | med
}
gzsize() { gzip -9 -c "$1" | wc -c; }
kib() { awk -v b="$1" 'BEGIN { printf "%.0f KiB", b / 1024 }'; }

# Bytes of faqsite's search index a visitor downloads before the first result. With the one-file
# index that is search-index.js. With the sharded layout (search/manifest.js, above
# [search] shard_above questions) it is the manifest + the shards and document files the client
# loads for one typical query ("安装驱动"), replayed with the real client (tests/js/load.mjs).
# Prints "raw gz".
faqsite_first_query_bytes() { # OUTPUT_DIR [SOURCE_TREE whose tests/js/load.mjs to use]
  local out=$1 tree=${2:-$FAQSITE_TREE}
  if [ -f "$out/search/manifest.js" ]; then
    (cd "$tree" && node --input-type=module -e '
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
    faqsite_pair) echo "faqsite $N, two RAYON_NUM_THREADS=1 builds at once (both done; peak RSS: one of them)" ;;
    zola) echo "Zola $N, bare templates, no search" ;;
    zola_sidebar) echo "Zola $N, chapter sidebar (get_section), no search" ;;
    zola_search) echo "Zola $N, bare, search (en)" ;;
    hugo) echo "Hugo $N (no search)" ;;
    mdbook) echo "mdBook $N (default search)" ;;
    faqsite_*) echo "faqsite $N, ${1#faqsite_}: $(cat "$WORK/bin/faqsite-${1#faqsite_}.rev" 2>/dev/null) (2 threads)" ;;
  esac
}
outdir() { case $1 in faqsite_rebuild | faqsite_force) echo "$WORK/out/faqsite" ;; faqsite_pair) echo "$WORK/out/faqsite-pair-a" ;; *) echo "$WORK/out/${1//_/-}" ;; esac; }
has() { local x; for x in "${SEL[@]}"; do [ "$x" = "$1" ] && return 0; done; return 1; }

echo
echo "## faqsite vs peers: $N generated Chinese questions, median of $RUNS runs"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores (shared with other jobs), $(uname -sm), $(free -g | awk '/^Mem:/ { print $2 " GiB RAM" }')"
ver() { "$@" 2>/dev/null | head -1 | cut -d' ' -f1-2 || true; }
echo "faqsite $(cat "$WORK/bin/faqsite.rev" 2>/dev/null || echo "?")$( [ -n "$ZOLA_BIN" ] && echo ", $(ver "$ZOLA_BIN" --version)")$( [ -n "$HUGO_BIN" ] && echo ", $(ver "$HUGO_BIN" version)")$( [ -n "$MDBOOK_BIN" ] && echo ", $(ver "$MDBOOK_BIN" --version)")"
echo
echo "load (uptime):"
sed 's/^/    /' "$LOADLOG" 2>/dev/null || true
echo
echo "| build | wall time | peak RSS | output | files | search index, first query (raw / gzip) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for t in "${SEL[@]}"; do
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

# faqsite's own account of where the time went (`build --timings`: wall ms, then "(CPU N ms)"
# since 0ed2c5b), median wall time per stage over the timed runs, for every faqsite row that
# printed it.
stage_median() { # tool stage
  local r
  for r in $(seq 1 "$RUNS"); do
    awk -v s="$2" '$1 == s && $3 == "ms" && (NF == 3 || $4 == "(CPU") { print $2 }' "$WORK/time/$1.$r.log" 2>/dev/null
  done | med "%.0f" "–"
}
TT=()
for t in "${SEL[@]}"; do
  case $t in faqsite_rebuild) continue ;; faqsite*) grep -qE '^  [a-z]+ +[0-9.]+ ms( +\(CPU [0-9.]+ ms\))?$' "$WORK/time/$t.1.log" 2>/dev/null && TT+=("$t") ;; esac
done
if [ ${#TT[@]} -gt 0 ]; then
  mapfile -t STAGES < <(for t in "${TT[@]}"; do awk '/^  [a-z]+ +[0-9.]+ ms( +\(CPU [0-9.]+ ms\))?$/ { print $1 }' "$WORK/time/$t.1.log"; done | awk '!seen[$0]++')
  echo
  echo "faqsite stages (\`build --timings\`, median ms):"
  echo
  printf '| stage |'; for t in "${TT[@]}"; do printf ' %s |' "$(label "$t")"; done; echo
  printf '| --- |'; for t in "${TT[@]}"; do printf ' ---: |'; done; echo
  for st in "${STAGES[@]}"; do
    printf '| %s |' "$st"; for t in "${TT[@]}"; do printf ' %s |' "$(stage_median "$t" "$st")"; done; echo
  done
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }
check() { awk -v v="$1" -v op="$2" -v lim="$3" 'BEGIN { if (v == "n/a" || v == "") print "n/a"; else if ((op == "<=" && v <= lim) || (op == ">=" && v >= lim) || (op == "<" && v < lim)) print "met"; else print "MISSED" }'; }
# row LABEL VALUE [TARGET OP LIMIT [NUMERIC VALUE, default VALUE]]
row() { echo "| $1 | $2 | ${3:-} | $( [ -n "${3:-}" ] && check "${6:-$2}" "$4" "$5") |"; }
F=$(median faqsite 3)
FM=$(median faqsite 4)
fmib=$(awk -v k="$FM" 'BEGIN { if (k == "") print "n/a"; else printf "%.0f", k / 1024 }')
# Peak memory: < 250 MiB up to 10,000 questions, < 1 GiB at 100,000 (issue 14).
if [ "$N" -le 10000 ]; then rss_lim=250; else rss_lim=1024; fi
lin_lim=$(awk -v n="$N" -v s="$SMALL_N" 'BEGIN { printf "%.1f", 1.1 * n / s }')
echo
echo "| measure | value | target | |"
echo "| --- | ---: | --- | --- |"
has zola && row "wall time faqsite / Zola bare (no search)" "$(ratio "$F" "$(median zola 3)")" "≤ 1.0" '<=' 1.0
has zola_sidebar && row "wall time faqsite / Zola with the chapter sidebar" "$(ratio "$F" "$(median zola_sidebar 3)")" "" 
has zola_search && row "wall time faqsite / Zola bare, search on" "$(ratio "$F" "$(median zola_search 3)")" ""
has hugo && row "wall time faqsite / Hugo" "$(ratio "$F" "$(median hugo 3)")" ""
has zola && row "peak RSS faqsite / Zola bare" "$(ratio "$FM" "$(median zola 4)")" ""
for t in "${SEL[@]}"; do
  case " $FAQSITE_ROWS " in *" $t "*) continue ;; esac
  case $t in
    faqsite_*)
      has zola && row "wall time $t / Zola bare" "$(ratio "$(median "$t" 3)" "$(median zola 3)")" "≤ 1.0" '<=' 1.0
      has zola_sidebar && row "wall time $t / Zola sidebar" "$(ratio "$(median "$t" 3)" "$(median zola_sidebar 3)")" ""
      has faqsite && row "wall time $t / faqsite" "$(ratio "$(median "$t" 3)" "$F")" ""
      row "peak RSS $t" "$(awk -v k="$(median "$t" 4)" 'BEGIN { printf "%.0f", k / 1024 }') MiB" "< $rss_lim MiB" '<' "$rss_lim" "$(awk -v k="$(median "$t" 4)" 'BEGIN { printf "%.0f", k / 1024 }')"
      ;;
  esac
done
has faqsite && row "peak RSS faqsite $N" "$fmib MiB" "< $rss_lim MiB" '<' "$rss_lim" "$fmib"
if has faqsite && has faqsite_small; then
  row "time $N / time $SMALL_N (linearity)" "$(ratio "$F" "$(median faqsite_small 3)")" "≤ $lin_lim" '<=' "$lin_lim"
  row "output size $N / $SMALL_N" "$(ratio "$(du -sk "$(outdir faqsite)" | cut -f1)" "$(du -sk "$(outdir faqsite_small)" | cut -f1)")" "≤ $lin_lim" '<=' "$lin_lim"
fi
has faqsite_t1 && has faqsite_t2 && row "speed-up 2 threads vs 1" "$(ratio "$(median faqsite_t1 3)" "$(median faqsite_t2 3)")" "≥ 1.8" '>=' 1.8
# The same, as the median of each round's own ratio (the two builds ran minutes apart at most:
# the machine's speed, which drifts over a run, cancels out).
paired() { # median over rounds of tool $1's wall / tool $2's wall
  awk -F'\t' -v a="$1" -v b="$2" -v n="$RUNS" '$2 >= 1 && $2 <= n { if ($1 == a) x[$2] = $3; if ($1 == b) y[$2] = $3 }
    END { for (r in x) if ((r in y) && y[r] > 0) print x[r] / y[r] }' "$RESULTS" | med "%.2f" "n/a"
}
# How many of the 2 cores a build kept busy: its CPU time (user + system) over its wall time,
# median over the timed runs. Unlike the speed-up, this barely moves with the machine's speed.
busy() { # tool
  local r
  for r in $(seq 1 "$RUNS"); do
    awk -F': ' '/Percent of CPU this job got/ { sub("%", "", $2); print $2 / 100 }' "$WORK/time/$1.$r" 2>/dev/null
  done | med "%.2f" "n/a"
}
has faqsite_t1 && has faqsite_t2 && row "speed-up 2 threads vs 1, median of each round's ratio" "$(paired faqsite_t1 faqsite_t2)" ""
has faqsite_t2 && row "cores the 2-thread build kept busy (CPU time / wall time, of 2)" "$(busy faqsite_t2)" ""
if has faqsite_t1 && has faqsite_pair; then
  # Two builds' work in the pair's wall time, against one build's alone: the machine's ceiling.
  ceiling=$(awk -v a="$(median faqsite_t1 3)" -v p="$(median faqsite_pair 3)" 'BEGIN { if (a == "" || p == "" || p == 0) print "n/a"; else printf "%.2f", 2 * a / p }')
  row "the machine's 2 cores vs 1 (two 1-thread builds at once)" "$ceiling" ""
  has faqsite_t2 && row "speed-up 2 threads vs 1, as a share of that" "$(awk -v a="$(median faqsite_t1 3)" -v b="$(median faqsite_t2 3)" -v c="$ceiling" 'BEGIN { if (b == "" || b == 0 || c == "n/a" || c == 0) print "n/a"; else printf "%.0f %%", 100 * a / b / c }')" ""
fi
if has faqsite_t1 && has faqsite_t2; then
  if diff -rq "$(outdir faqsite_t1)" "$(outdir faqsite_t2)" >"$WORK/t1-t2.diff" 2>&1; then
    echo "| output of 1 thread vs 2 threads | identical | identical | met |"
  else
    echo "| output of 1 thread vs 2 threads | $(wc -l <"$WORK/t1-t2.diff") files differ ($WORK/t1-t2.diff) | identical | MISSED |"
  fi
fi
has faqsite_rebuild && row "no-change rebuild / full build" "$(ratio "$(median faqsite_rebuild 3)" "$F")" "≤ 0.20" '<=' 0.2
has faqsite_force && row "rebuild --force / full build" "$(ratio "$(median faqsite_force 3)" "$F")" ""
if has faqsite; then
  read -r _ fq_gz < <(faqsite_first_query_bytes "$(outdir faqsite)")
  fq_kb=$(awk -v b="$fq_gz" 'BEGIN { if (b == "-") print "n/a"; else printf "%.0f", b / 1000 }')
  row "search index downloaded before the first result (gzip)" "$fq_kb kB" "≤ 300 kB" '<=' 300 "$fq_kb"
fi
echo
echo "raw measurements: $RESULTS (tool, run, wall s, peak RSS KiB; run 0 = warm-up, not counted); build logs: $WORK/time/"
# The outputs set aside are removed before the script ends, not in the background: whatever
# runs next would run beside the removal (minutes for 7 rounds on ext4 without a journal).
# Measured: a 100,000-question build in memory took 29.1 s beside it and 21.3 s after it.
note "removing the outputs of this run ($WORK/trash) before exiting, so that nothing timed next runs beside it"
rm -rf "$WORK/trash"
