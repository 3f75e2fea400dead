#!/usr/bin/env bash
# Theme quality gates on a built site (run `cargo run -- build` first):
#   1. axe-core on home, a chapter, a question, 404 and the manual, light and dark (audit.mjs)
#   2. Lighthouse accessibility / best-practices / SEO on home, a chapter and a question over
#      HTTP (127.0.0.1): every score must be 100
#   3. the Nu HTML checker (vnu.jar) on every .html file: 0 errors
# Prints one summary line per tool at the end; exits 1 if any gate fails.
#   bash tests/browser/audit.sh [public]
# Environment: CHROMIUM (default /usr/bin/chromium), AUDIT_PAGES (see audit.mjs),
# SKIP_LIGHTHOUSE=1 / SKIP_VNU=1 to leave a step out.
set -uo pipefail
cd "$(dirname "$0")/../.."
site=$(cd "${1:-public}" 2>/dev/null && pwd) || { echo "audit: no site folder ${1:-public}" >&2; exit 2; }
export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
status=0
summary=()

# 1. axe-core (light and dark)
echo "== axe-core"
if node tests/browser/audit.mjs "$site" | tee "$tmp/axe.log"; then
  summary+=("axe:        PASS  $(tail -n 1 "$tmp/axe.log" | sed 's/^axe: //')")
else
  summary+=("axe:        FAIL  $(tail -n 1 "$tmp/axe.log" | sed 's/^axe: //')")
  status=1
fi

# 2. Lighthouse on the home page, a chapter and a question, served over HTTP
if [ "${SKIP_LIGHTHOUSE:-}" = 1 ]; then
  summary+=("lighthouse: SKIPPED")
else
  echo "== Lighthouse"
  # The server's first line ("serving URL") comes through a pipe: read waits for that line,
  # or for the pipe to close should the server fail first (30 s at most, should it hang).
  mkfifo "$tmp/serve.out"
  node tests/browser/audit.mjs --serve "$site" >"$tmp/serve.out" 2>"$tmp/serve.log" &
  server_pid=$!
  exec 3<"$tmp/serve.out"
  url=
  if IFS= read -r -t 30 line <&3; then
    case $line in "serving "*) url=${line#serving } ;; *) echo "$line" >>"$tmp/serve.log" ;; esac
  fi
  if [ -z "$url" ]; then
    cat "$tmp/serve.log"
    summary+=("lighthouse: FAIL  (the audit server did not start)")
    status=1
  else
    lh_fail=0
    scores=()
    for p in $(node tests/browser/audit.mjs --list "$site" | head -n 3); do
      report="$tmp/lh-$(echo "$p" | tr '/' '_').json"
      profile=$(mktemp -d "$tmp/profile-XXXXXX")
      node_modules/.bin/lighthouse "$url$p" --quiet --output=json --output-path="$report" \
        --only-categories=accessibility,best-practices,seo --chrome-path="$CHROMIUM" \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync --user-data-dir=$profile" \
        >"$tmp/lh.log" 2>&1
      if [ ! -s "$report" ]; then
        tail -n 20 "$tmp/lh.log"
        echo "lighthouse $p: no report"
        scores+=("$p: no report")
        lh_fail=1
        continue
      fi
      # One line of scores, then every failing audit that counts towards a category.
      line=$(node -e '
        const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const cats = Object.values(r.categories);
        const short = { accessibility: "a11y", "best-practices": "bp", seo: "seo" };
        console.log(cats.map((c) => `${short[c.id] || c.id} ${Math.round(c.score * 100)}`).join(" / "));
        for (const c of cats) for (const ref of c.auditRefs) {
          const a = r.audits[ref.id];
          if (ref.weight > 0 && a.score !== null && a.score < 1) console.error(`  - ${c.id}: ${a.id}: ${a.title}`);
        }
        process.exit(cats.every((c) => c.score === 1) ? 0 : 1);
      ' "$report")
      ok=$?
      echo "lighthouse $p: $line"
      scores+=("$p: $line")
      [ $ok -eq 0 ] || lh_fail=1
    done
    joined=$(printf '%s; ' "${scores[@]}")
    if [ $lh_fail -eq 0 ]; then
      summary+=("lighthouse: PASS  ${joined%; }")
    else
      summary+=("lighthouse: FAIL  ${joined%; }")
      status=1
    fi
  fi
  kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=
  exec 3<&-
fi

# 3. Nu HTML checker
if [ "${SKIP_VNU:-}" = 1 ]; then
  summary+=("vnu:        SKIPPED")
else
  echo "== Nu HTML checker"
  pages=$(find "$site" -name '*.html' | wc -l)
  if java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only --skip-non-html "$site" 2>"$tmp/vnu.log"; then
    summary+=("vnu:        PASS  0 errors in $pages HTML files")
  else
    cat "$tmp/vnu.log"
    errors=$(grep -c 'error:' "$tmp/vnu.log")
    summary+=("vnu:        FAIL  $errors errors in $pages HTML files")
    status=1
  fi
fi

echo "== summary ($site)"
printf '%s\n' "${summary[@]}"
exit $status
