#!/usr/bin/env bash
# Installs with README command 1, starts `transfer-advisor serve` in a scratch directory and
# checks that POST /assess answers 201. Exits non-zero otherwise.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
port="${SMOKE_PORT:-8765}"
pip install -q -e "$repo"
work="$(mktemp -d)"
log="$work/serve.log"
(cd "$work" && exec transfer-advisor serve --port "$port") >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 60); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.5
done
status=$(curl -s -o "$work/out.json" -w '%{http_code}' -X POST "http://127.0.0.1:$port/assess" \
  -H 'content-type: application/json' \
  -d '{"source":{"name":"s","embeddings":[[0,1],[1,0],[1,1],[0,0]]},
       "target":{"name":"t","embeddings":[[0,2],[2,0],[1,2],[0,1]]},
       "task":{"labeled_examples":0,"source_modality":"text","target_modality":"text"}}')
if [ "$status" != "201" ]; then
  echo "smoke: POST /assess answered $status"; cat "$work/out.json"; cat "$log"; exit 1
fi
test -f "$work/.transfer-advisor/advisor.db" || { echo "smoke: no SQLite file created"; exit 1; }
echo "smoke: fresh install served POST /assess → 201 ($(head -c 120 "$work/out.json")…)"
