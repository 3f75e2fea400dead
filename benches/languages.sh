#!/usr/bin/env bash
# Build time of one generated site in one language and in two (every page translated:
# `q.en.md` beside each `q.md`, the same text, so both languages index as much), cold builds
# (--force, a fresh output folder, no segmentation cache), 1 and 2 threads, alternating,
# RUNS rounds.
#   benches/languages.sh            # N=10000 questions
# Env: N, RUNS (default 3), BENCH_DIR (default /tmp/faqsite-languages), FAQSITE_BIN and
# GEN_CORPUS_BIN (default: built here with --release).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-/tmp/faqsite-languages}
if [ -z "${FAQSITE_BIN:-}" ] || [ -z "${GEN_CORPUS_BIN:-}" ]; then
  cargo build --release --bin faqsite --example gen-corpus
fi
BIN=${FAQSITE_BIN:-target/release/faqsite}
GEN=${GEN_CORPUS_BIN:-target/release/examples/gen-corpus}
rm -rf "$DIR"
mkdir -p "$DIR"
"$GEN" "$N" "$DIR/one" >/dev/null
cp -r "$DIR/one" "$DIR/two"
find "$DIR/two/faqsite/content" -name '*.md' -exec sh -c 'for f; do cp "$f" "${f%.md}.en.md"; done' sh {} +
printf '\n[languages.en]\ntitle = "Help center"\n' >>"$DIR/two/faqsite/site.toml"

echo "| site | threads | run | wall s | CPU s (user+sys) | max RSS MB |"
echo "| --- | --- | --- | --- | --- | --- |"
for run in $(seq "$RUNS"); do
  for threads in 1 2; do
    for site in one two; do
      out="$DIR/out-$site"
      # Cold: no output to compare with, no segmentation cache.
      rm -rf "$out" "$DIR/$site/faqsite/.faqsite-cache"
      RAYON_NUM_THREADS=$threads /usr/bin/time -f "%e %U %S %M" -o "$DIR/time" "$BIN" build --force \
        --root "$DIR/$site/faqsite" --output-dir "$out" >/dev/null 2>&1
      read -r wall user sys rss <"$DIR/time"
      cpu=$(echo "$user + $sys" | bc)
      echo "| $site | $threads | $run | $wall | $cpu | $((rss / 1024)) |"
    done
  done
done
