#!/usr/bin/env bash
# Theme quality gates on a built site: axe-core (0 violations, light and dark), Lighthouse
# (100 for accessibility, best practices, SEO) and the Nu HTML checker (0 errors).
#   bash tests/browser/audit.sh [public]
set -euo pipefail
cd "$(dirname "$0")/../.."
site=${1:-public}
status=0
node tests/browser/axe.mjs "$site" || status=1
node tests/browser/lighthouse.mjs "$site" || status=1
if java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only --skip-non-html "$site"; then
  echo "vnu: 0 errors"
else
  echo "vnu: errors found"; status=1
fi
exit $status
