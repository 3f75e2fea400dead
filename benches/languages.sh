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
: >"$DIR/rounds"
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
      cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
      echo "| $site | $threads | $run | $wall | $cpu | $((rss / 1024)) |"
      echo "$site $threads $run $wall $cpu" >>"$DIR/rounds"
    done
  done
done

# Two languages / one, per thread count: the median of the rounds' wall ratios (each round
# builds both sites back to back) and the ratio of the fastest builds (noise only adds time).
echo
echo "| threads | two / one, wall, the rounds (sorted) | median | fastest two / fastest one |"
echo "| --- | --- | ---: | ---: |"
for threads in 1 2; do
  awk -v t="$threads" '$2 == t { w[$1 "," $3] = $4; if (!($1 in min) || $4 < min[$1]) min[$1] = $4; runs[$3] = 1 }
    END {
      n = 0
      for (r in runs) if (("one," r) in w && ("two," r) in w) ratio[++n] = w["two," r] / w["one," r]
      for (i = 2; i <= n; i++) { x = ratio[i]; for (j = i - 1; j >= 1 && ratio[j] > x; j--) ratio[j + 1] = ratio[j]; ratio[j + 1] = x }
      list = ""; for (i = 1; i <= n; i++) list = list sprintf("%s%.2f", i > 1 ? ", " : "", ratio[i])
      med = n % 2 ? ratio[(n + 1) / 2] : (ratio[n / 2] + ratio[n / 2 + 1]) / 2
      printf "| %s | %s | %.2f | %.2f |\n", t, list, med, min["two"] / min["one"]
    }' "$DIR/rounds"
done
