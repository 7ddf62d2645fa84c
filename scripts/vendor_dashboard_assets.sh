#!/usr/bin/env bash
# Refreshes the dashboard's vendored chart library from the npm registry (no CDN at run time).
# The minified file is committed so installs need no Node and no build step; run this only to
# change the version: CHART_JS_VERSION=4.x.y bash scripts/vendor_dashboard_assets.sh
set -euo pipefail
version="${CHART_JS_VERSION:-4.6.1}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
dest="$repo/service/transfer_advisor/dashboard/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "chart.js@$version" >/dev/null)
tar -xzf "$work"/chart.js-*.tgz -C "$work"
mkdir -p "$dest"
cp "$work/package/dist/chart.umd.min.js" "$dest/chart.umd.min.js" 2>/dev/null \
  || cp "$work/package/dist/chart.umd.js" "$dest/chart.umd.min.js"
cp "$work/package/LICENSE.md" "$dest/chart.js.LICENSE.md"
echo "chart.js $version" > "$dest/VERSIONS"
sha256sum "$dest/chart.umd.min.js" | cut -d' ' -f1 >> "$dest/VERSIONS"
echo "vendored chart.js $version into ${dest#"$repo/"} ($(wc -c <"$dest/chart.umd.min.js") bytes)"
