"""The small source networks: `.body` maps the raw input to 64 features, `.head` is linear.

Normalisation (a fixed shift and scale) is the body's first layer, so the exported extractor
takes the raw stored input unchanged. No batch norm: labeled batches can be one per class.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

FEATURES = 64


class Normalise(nn.Module):
    def __init__(self, shift: float, scale: float) -> None:
        super().__init__()
        self.register_buffer("shift", torch.tensor(float(shift)))
        self.register_buffer("scale", torch.tensor(float(scale)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.shift) / self.scale


class ToChannelsFirst(nn.Module):
    """NHWC -> NCHW (2-D) or NLC -> NCL (1-D)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(0, 3, 1, 2) if x.dim() == 4 else x.permute(0, 2, 1)


class Net(nn.Module):
    def __init__(self, body: nn.Module, num_classes: int) -> None:
        super().__init__()
        self.body = body
        self.head = nn.Linear(FEATURES, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def cnn2d(num_classes: int, *, size: int, channels: int = 1, shift: float = 0.0,
          scale: float = 1.0) -> Net:
    """Input NHWC [N, size, size, channels]: 3 strided 3x3 convs 16/32/32 + FC 64 (as the dev CNN)."""
    side = size
    for _ in range(3):
        side = (side + 2 - 3) // 2 + 1
    body = nn.Sequential(
        Normalise(shift, scale), ToChannelsFirst(),
        nn.Conv2d(channels, 16, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(32, 32, 3, stride=2, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(32 * side * side, FEATURES), nn.ReLU())
    return Net(body, num_classes)


def cnn1d(num_classes: int, *, length: int, shift: float = 0.0, scale: float = 1.0) -> Net:
    """Input [N, length, 1]: 3 strided 1-D convs 16/32/32 (kernels 7/5/5) + FC 64."""
    side = length
    for k in (7, 5, 5):
        side = (side + 2 * (k // 2) - k) // 2 + 1
    body = nn.Sequential(
        Normalise(shift, scale), ToChannelsFirst(),
        nn.Conv1d(1, 16, 7, stride=2, padding=3), nn.ReLU(),
        nn.Conv1d(16, 32, 5, stride=2, padding=2), nn.ReLU(),
        nn.Conv1d(32, 32, 5, stride=2, padding=2), nn.ReLU(),
        nn.Flatten(), nn.Linear(32 * side, FEATURES), nn.ReLU())
    return Net(body, num_classes)


class ColumnNormalise(nn.Module):
    def __init__(self, mean: Any, std: Any) -> None:
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.as_tensor(std, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


def mlp(num_classes: int, *, mean: Any, std: Any) -> Net:
    """Input [N, d] columns: per-column standardisation (source statistics), 2 x FC 64."""
    d = len(mean)
    body = nn.Sequential(ColumnNormalise(mean, std), nn.Linear(d, FEATURES), nn.ReLU(),
                         nn.Linear(FEATURES, FEATURES), nn.ReLU())
    return Net(body, num_classes)
