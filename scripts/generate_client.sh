#!/usr/bin/env bash
# Regenerates the Python client in clients/python/ from openapi.yaml (pinned generator: the
# `dev` extra). Run after any API change, after `transfer-advisor openapi -o openapi.yaml`.
# With an argument, writes there instead (the drift test uses a temp dir).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$repo/clients/python}"
spec="${OPENAPI:-$repo/openapi.yaml}"  # another spec file, e.g. to generate from a given commit
openapi-python-client generate \
  --path "$spec" \
  --config "$repo/clients/openapi-python-client.yaml" \
  --meta setup \
  --output-path "$out" \
  --overwrite \
  --fail-on-warning >/dev/null
echo "generated $out from $spec"
