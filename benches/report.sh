#!/usr/bin/env bash
# `faqsite report` on generated nginx access logs of 100,000 and 1,000,000 lines (one line in
# five an event of the feedback box: searches from 2,000 different queries, a tenth of them
# with no result, opened results, votes, contacts; the rest page and asset requests), plain and
# gzip-compressed; prints wall time, CPU seconds and peak memory (GNU time) of each. Memory
# that does not grow from 100,000 lines to 1,000,000 is the stream at work.
#   bash benches/report.sh
#   FAQSITE_BIN=PATH: a prebuilt faqsite to measure instead of building this one.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/faqsite-report-bench}
if [ -n "${FAQSITE_BIN:-}" ]; then
  BIN=$FAQSITE_BIN
else
  cargo build --release --quiet --manifest-path "$REPO/Cargo.toml" --bin faqsite
  BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/faqsite"
fi
mkdir -p "$WORK"
SITE="$WORK/site"
rm -rf "$SITE" && cp -r "$REPO/tests/fixtures/feedback" "$SITE"

for n in 100000 1000000; do
  log="$WORK/access-$n.log"
  [ -s "$log" ] || python3 - "$log" "$n" <<'PY'
import sys, random
from urllib.parse import quote
path, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
words = ["密码", "UKey", "U盾", "证书", "驱动", "手机号", "登录", "挂失", "更新", "网银", "转账", "限额", "验证码", "插入", "没有反应"]
queries = [" ".join(rnd.sample(words, rnd.randint(1, 3))) + ("" if i % 3 else f" {i}") for i in range(2000)]
pages = ["01-account/reset-password.html", "01-account/change-phone.html", "02-ukey/ukey-lost.html", "02-ukey/ukey-no-response.html"]
day = ["01/Dec/2026", "02/Dec/2026", "03/Dec/2026", "04/Dec/2026", "05/Dec/2026"]
with open(path, "w") as f:
    for i in range(n):
        d = day[i * len(day) // n]
        r = rnd.random()
        if r < 0.8:
            target = "/" + rnd.choice(pages + ["index.html", "static/style.css?v=1a2b3c4d", "static/search.js?v=5e6f7a8b"])
        else:
            k = rnd.random()
            q = quote(rnd.choice(queries), safe="")
            p = quote(rnd.choice(pages), safe="")
            if k < 0.5:
                target = f"/_/e.gif?e=search&q={q}&n={0 if rnd.random() < 0.1 else rnd.randint(1, 9)}"
            elif k < 0.7:
                target = f"/_/e.gif?e=open&q={q}&p={p}"
            elif k < 0.9:
                target = f"/_/e.gif?e=vote&p={p}&v={rnd.choice(['yes', 'no'])}"
            else:
                target = f"/_/e.gif?e=contact&c=%E5%AE%A2%E6%9C%8D%E7%94%B5%E8%AF%9D&p={p}"
        f.write(f'203.0.113.{i % 250} - - [{d}:10:{i // 60 % 60:02d}:{i % 60:02d} +0800] "GET {target} HTTP/1.1" 200 {rnd.randint(43, 40000)} "https://help.example.com/" "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"\n')
PY
  [ -s "$log.gz" ] || gzip -kf "$log"
  for f in "$log" "$log.gz"; do
    /usr/bin/time -f "$(basename "$f"): %e s wall, %U+%S s CPU, %M KB peak" \
      "$BIN" report "$f" --root "$SITE" --html "$WORK/report.html" > "$WORK/report.txt"
  done
done
head -3 "$WORK/report.txt"
