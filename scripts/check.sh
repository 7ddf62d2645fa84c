#!/usr/bin/env bash
# Everything a reviewer runs before merging: lint, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ruff check .
mypy service/transfer_advisor
python -m pytest "$@"
