#!/usr/bin/env bash
# Everything a reviewer runs before merging: lint, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ruff check .
mypy service/transfer_advisor
# The hand-written client layer, typed against the generated client (not checked itself).
MYPYPATH=clients/python mypy --strict --follow-imports=silent clients/sdk/transfer_advisor_sdk
python -m pytest "$@"
