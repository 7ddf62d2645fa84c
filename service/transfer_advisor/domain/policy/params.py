"""The fitted policy as loaded from `policy_params.json`; its version is a hash of the file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

PARAMS_PATH = Path(__file__).parent.with_name("policy_params.json")


@dataclass(frozen=True)
class Head:
    """logit = intercept + Σ coef·(x − center)/scale, then calibrated: σ(a·logit + b)."""

    intercept: float
    coef: Mapping[str, float]
    calibration: tuple[float, float] = (1.0, 0.0)

    def logit(self, x: Mapping[str, float], center: Mapping[str, float],
              scale: Mapping[str, float]) -> float:
        """Calibrated log-odds at feature values x."""
        z = self.intercept + sum(c * (x[f] - center[f]) / scale[f] for f, c in self.coef.items())
        return self.calibration[0] * z + self.calibration[1]

    def contributions(self, x: Mapping[str, float], center: Mapping[str, float],
                      scale: Mapping[str, float]) -> dict[str, float]:
        """Each feature's calibrated push on the log-odds."""
        return {f: self.calibration[0] * c * (x[f] - center[f]) / scale[f]
                for f, c in self.coef.items()}


@dataclass(frozen=True)
class GainHead:
    """Expected gain (accuracy points of transfer over scratch) = intercept + Σ coef·z.

    The interval comes from out-of-family residual quantiles.
    """

    intercept: float
    coef: Mapping[str, float]
    residual_low: float
    residual_high: float
    coverage: float

    def value(self, x: Mapping[str, float], center: Mapping[str, float],
              scale: Mapping[str, float]) -> float:
        """The expected gain at feature values x."""
        return self.intercept + sum(self.contributions(x, center, scale).values())

    def contributions(self, x: Mapping[str, float], center: Mapping[str, float],
                      scale: Mapping[str, float]) -> dict[str, float]:
        """Each feature's push on the expected gain."""
        return {f: c * (x[f] - center[f]) / scale[f] for f, c in self.coef.items()}


@dataclass(frozen=True)
class Tier:
    """One fitted model: its features, standardisation, range and heads."""
    name: str
    features: tuple[str, ...]
    center: Mapping[str, float]
    scale: Mapping[str, float]
    low: Mapping[str, float]
    high: Mapping[str, float]
    transfer: Head
    negative: Head
    lofo_accuracy: float
    gain: GainHead | None = None


@dataclass(frozen=True)
class PolicyParams:
    """The whole fitted policy as loaded from the parameter file."""
    version: str
    tiers: tuple[Tier, ...]
    strategy_tiers: tuple[Tier, ...]
    best_lofo_accuracy: float
    prior_transfer: float
    raw: Mapping[str, Any]
    shift_tiers: tuple[Tier, ...] = ()
    # On a modality mismatch: "largest" imputes the largest calibrated shift in the transfer
    # head, "measured" uses the measured one (the fit picks whichever does better out of family).
    mismatch_shift: str = "largest"
    # The calibration scenarios' share of negative transfer (without label evidence, a shift
    # risk above it is high).
    prior_negative: float = 1.0


def _head(d: Mapping[str, Any]) -> Head:
    cal = d.get("calibration", [1.0, 0.0])
    return Head(float(d["intercept"]), {k: float(v) for k, v in d["coef"].items()},
                (float(cal[0]), float(cal[1])))


def _floats(m: Mapping[str, Any]) -> dict[str, float]:
    return {k: float(v) for k, v in m.items()}


def _gain(d: Mapping[str, Any] | None) -> GainHead | None:
    if not d:
        return None
    return GainHead(float(d["intercept"]), _floats(d["coef"]), float(d["residual_low"]),
                    float(d["residual_high"]), float(d.get("coverage", 0.8)))


def _tier(d: Mapping[str, Any]) -> Tier:
    neg = d.get("negative") or {"intercept": 0.0, "coef": {}}
    # a shift tier has only a negative head
    return Tier(d["name"], tuple(d["features"]), _floats(d["center"]), _floats(d["scale"]),
                _floats(d["low"]), _floats(d["high"]), _head(d.get("transfer") or neg), _head(neg),
                float(d.get("lofo_accuracy", 0.0)), _gain(d.get("gain")))


def params_version(raw_bytes: bytes) -> str:
    """Short hash of the parameter file's bytes."""
    return hashlib.sha256(raw_bytes).hexdigest()[:12]


def parse_params(raw_bytes: bytes) -> PolicyParams:
    """Parse a parameter file into the fitted policy."""
    raw = json.loads(raw_bytes)
    tiers = tuple(_tier(t) for t in raw["tiers"])
    strategy = tuple(_tier(t) for t in raw.get("strategy_tiers", []))
    shift = tuple(_tier(t) for t in raw.get("shift_tiers", []))
    best = max((t.lofo_accuracy for t in tiers), default=1.0) or 1.0
    version = f"{raw.get('schema', 'logit')}-{params_version(raw_bytes)}"
    return PolicyParams(version, tiers, strategy, best, float(raw.get("prior_transfer", 0.5)), raw,
                        shift, str(raw.get("mismatch_shift", "largest")),
                        float(raw.get("prior_negative", 1.0)))


@lru_cache(maxsize=1)
def load_params(path: Path = PARAMS_PATH) -> PolicyParams:
    """The shipped parameter file, parsed once."""
    return parse_params(path.read_bytes())


def _policy_version() -> str:
    try:
        return load_params().version
    except (OSError, ValueError, KeyError):
        return "unfitted"


POLICY_VERSION = _policy_version()
