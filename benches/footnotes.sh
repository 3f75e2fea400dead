#!/usr/bin/env bash
# Footnotes at 1x and 8x: one answer with N footnotes (5,000 and 40,000), built once each with
# a cold output; prints the CPU seconds (user + system: steadier than wall time on a shared
# machine) and the ratio (linear: about 8; quadratic: about 64).
#   bash benches/footnotes.sh [N=5000]
#   FAQSITE_BIN=PATH: a prebuilt faqsite to measure (before/after) instead of building this one.
set -euo pipefail
N=${1:-5000}
REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/faqsite-footnotes-bench}
if [ -n "${FAQSITE_BIN:-}" ]; then
  BIN=$FAQSITE_BIN
else
  cargo build --release --quiet --manifest-path "$REPO/Cargo.toml" --bin faqsite
  BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/faqsite"
fi

run() {
  local n=$1 site="$WORK/site-$1"
  rm -rf "$site" && mkdir -p "$site/content/01-a"
  printf 'title = "Footnote bench"\n' > "$site/site.toml"
  printf '+++\ntitle = "A"\nweight = 1\n+++\n' > "$site/content/01-a/_index.md"
  python3 - "$site/content/01-a/notes.md" "$n" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write('+++\ntitle = "脚注"\nweight = 1\n+++\n\n')
    f.writelines(f"第 {i} 句[^{i}]。\n" for i in range(1, n + 1))
    f.write("\n")
    f.writelines(f"[^{i}]: 注释 {i}\n" for i in range(1, n + 1))
PY
  /usr/bin/time -f '%U + %S' -o "$WORK/cpu" "$BIN" build --root "$site" >/dev/null
  bc <"$WORK/cpu"
}

one=$(run "$N")
eight=$(run $((N * 8)))
printf 'footnotes %d: %.2f s CPU\nfootnotes %d: %.2f s CPU\nratio 8x/1x: %.1f\n' \
  "$N" "$one" $((N * 8)) "$eight" "$(echo "$eight / $one" | bc -l)"
rm -rf "$WORK"
