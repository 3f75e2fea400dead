#!/usr/bin/env bash
# Image pipeline benchmark: an image-heavy site (40 screenshots of 2400×1500) built with a cold
# image cache and with a warm one, RUNS times each, alternating; prints medians and the ratio.
#   bash benches/images.sh [RUNS=5]
#   FAQSITE_BIN=PATH: a prebuilt faqsite to measure (before/after) instead of building this one.
set -euo pipefail
RUNS=${1:-5}
REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/faqsite-images-bench}
if [ -n "${FAQSITE_BIN:-}" ]; then
  BIN=$FAQSITE_BIN
else
  cargo build --release --quiet --manifest-path "$REPO/Cargo.toml" --bin faqsite
  BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/faqsite"
fi

rm -rf "$WORK" && mkdir -p "$WORK/content/01-shots" "$WORK/images"
printf 'title = "Image bench"\n' > "$WORK/site.toml"
printf '+++\ntitle = "Shots"\nweight = 1\n+++\n' > "$WORK/content/01-shots/_index.md"
python3 - "$WORK" <<'PY'
import sys, zlib, struct, random
work = sys.argv[1]
def png(path, w, h, seed):
    rnd = random.Random(seed)
    rows = []
    for y in range(h):
        bar = y < 60 + seed
        text = (y // 24) % 3 == 0
        row = bytearray()
        for x in range(w):
            if bar: px = (27, 94, (186 + 7 * seed) % 256)
            elif text and 100 < x < 1800 and (x // 6 + seed) % 9 < 7: px = (40, 40, 40)
            elif x < 360: px = (236, 240, 245)
            else: px = (255, 255, 255)
            row += bytes(px)
        rows.append(b'\x00' + bytes(row))
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    data = zlib.compress(b''.join(rows), 6)
    open(path, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', data) + chunk(b'IEND', b''))
for i in range(40):
    png(f"{work}/images/shot{i}.png", 2400, 1500, i)
    open(f"{work}/content/01-shots/q{i}.md", "w").write(f'+++\ntitle = "Screenshot {i}"\nweight = {i}\n+++\n\n![截图 {i}](../../images/shot{i}.png)\n')
PY

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cold=(); warm=()
for r in $(seq "$RUNS"); do
  rm -rf "$WORK/.faqsite-cache"
  s=$(date +%s.%N); "$BIN" build --root "$WORK" --force >/dev/null; e=$(date +%s.%N)
  cold+=("$(echo "$e - $s" | bc)")
  s=$(date +%s.%N); out=$("$BIN" build --root "$WORK" --force); e=$(date +%s.%N)
  warm+=("$(echo "$e - $s" | bc)")
  echo "run $r: cold ${cold[-1]} s, warm ${warm[-1]} s ($out)"
done
c=$(printf '%s\n' "${cold[@]}" | median); w=$(printf '%s\n' "${warm[@]}" | median)
echo "images: 40 × 2400×1500 PNG; median cold build ${c} s, warm-cache build ${w} s, ratio $(echo "scale=1; $c / $w" | bc)×"
