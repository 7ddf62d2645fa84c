#!/usr/bin/env bash
# README command 1 on this environment: installs, builds the extractors into an empty cache (as
# on a fresh machine: the natural-image ResNet cut and MiniLM written from its downloaded
# weights, no torch), starts `transfer-advisor serve` in a scratch directory, then
# checks that POST /assess answers 201 for embeddings, raw texts (minilm-l6-v2) and raw RGB
# images (open-nsfw-resnet50-pooled). Exits non-zero otherwise.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
port="${SMOKE_PORT:-8765}"
base="http://127.0.0.1:$port"
pip install -q -e "$repo"
work="$(mktemp -d)"
log="$work/serve.log"
export TRANSFER_ADVISOR_EXTRACTOR_CACHE_DIR="$work/extractors"
# README command 1: install, build the extractors (the install step that fetches weights), serve.
transfer-advisor extractors build >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
(cd "$work" && exec transfer-advisor serve --port "$port") >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
# The first start builds the extractors (downloads ~84 MB of weights): allow minutes.
for _ in $(seq 600); do
  curl -fs "$base/readyz" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "smoke: serve exited"; cat "$log"; exit 1; }
  sleep 1
done

fail() { echo "smoke: $1"; cat "$work/out.json" 2>/dev/null || true; echo; cat "$log"; exit 1; }

assess() {  # $1 = label, $2 = body file, $3 = extractor expected in the record ("" = none)
  local status
  status=$(curl -s -o "$work/out.json" -w '%{http_code}' -X POST "$base/assess" \
    -H 'content-type: application/json' --data-binary "@$2")
  [ "$status" = "201" ] || fail "$1 POST /assess answered $status"
  python - "$work/out.json" "$3" <<'PY' || fail "$1: unexpected record"
import json, sys
record = json.load(open(sys.argv[1]))
expected = sys.argv[2] or None
got = (record.get("extractor") or {}).get("name")
assert got == expected, f"extractor {got!r}, expected {expected!r}"
assert record["recommendation"]["strategy"] in {"fine_tune", "feature_extraction", "train_from_scratch"}
PY
  echo "smoke: $1 POST /assess → 201 (strategy $(python -c "import json,sys; print(json.load(open(sys.argv[1]))['recommendation']['strategy'])" "$work/out.json"))"
}

curl -fs "$base/extractors" -o "$work/extractors.json" || fail "GET /extractors failed"
python - "$work/extractors.json" <<'PY' || fail "bundled extractors not available after the first serve"
import json, sys
items = {e["name"]: e for e in json.load(open(sys.argv[1]))["items"]}
for name in ("minilm-l6-v2", "open-nsfw-resnet50-pooled"):
    assert items[name]["available"], f"{name}: {items[name]['reason']}"
PY

cat >"$work/embeddings.json" <<'JSON'
{"source":{"name":"s","embeddings":[[0,1],[1,0],[1,1],[0,0]]},
 "target":{"name":"t","embeddings":[[0,2],[2,0],[1,2],[0,1]]},
 "task":{"labeled_examples":0,"source_modality":"text","target_modality":"text"}}
JSON
python - "$work" <<'PY'
import base64, json, sys
import numpy as np
work = sys.argv[1]
texts = {"source": ["the movie was wonderful", "a dull and tedious plot", "great acting",
                    "i would not watch it again", "a delightful surprise", "boring"],
         "target": ["the phone battery died fast", "excellent screen", "stopped working",
                    "fast delivery and works well", "poor build quality", "love it"]}
with open(f"{work}/texts.json", "w") as fh:
    json.dump({"source": {"name": "reviews", "inputs": {"texts": texts["source"]}},
               "target": {"name": "products", "inputs": {"texts": texts["target"]},
                          "labels": [0, 1, 0, 1]},
               "task": {"labeled_examples": 4, "source_modality": "text",
                        "target_modality": "text"},
               "extractor": "minilm-l6-v2", "options": {"permutations": 20}}, fh)
rng = np.random.default_rng(0)

def images(n, low, high):
    x = rng.integers(low, high, size=(n, 224, 224, 3), dtype=np.uint8)  # RGB 0..255, NHWC
    return {"shape": list(x.shape), "dtype": "uint8", "data": base64.b64encode(x.tobytes()).decode()}

with open(f"{work}/images.json", "w") as fh:
    json.dump({"source": {"name": "photos", "inputs": {"images": images(4, 0, 256)}},
               "target": {"name": "darker-photos", "inputs": {"images": images(4, 0, 128)}},
               "task": {"labeled_examples": 0, "source_modality": "image",
                        "target_modality": "image"},
               "extractor": "open-nsfw-resnet50-pooled", "options": {"permutations": 20}}, fh)
PY

assess embeddings "$work/embeddings.json" ""
assess text "$work/texts.json" minilm-l6-v2
assess image "$work/images.json" open-nsfw-resnet50-pooled
test -f "$work/.transfer-advisor/advisor.db" || fail "no SQLite file created"
echo "smoke: fresh install served embeddings, text and image POST /assess → 201"
