"""GBC: Gaussian Bhattacharyya Coefficient, class overlap of per-class Gaussians.

Per class c: mean μ_c and per-dimension population variance v_c (divisor n_c), floored at
1e-4; the spherical variant (the paper's default) replaces v_c by its average over dimensions.
For classes i ≠ j, with v = (v_i + v_j)/2:
    D_B(i, j) = ⅛ Σ_k (μ_ik − μ_jk)² / v_k + ½ [Σ log v − ½ Σ log v_i − ½ Σ log v_j]
    GBC = − Σ_i Σ_{j≠i} exp(−D_B(i, j))      in [−C(C − 1), 0]; higher = more separable.
The spherical variant is the isotropic Gaussian N(μ_c, v̄_c I_d): its log term counts all d
dimensions, d·[log v̄ − ½ log v̄_i − ½ log v̄_j] (as the golden values; a literal reading of the
TF code's reduce_sum over a scalar would count it once). `details["normalized"]` =
GBC / (C(C − 1)) lies in [−1, 0].

PCA (default `pca_dim=64`): GBC goes to 0 (every pair "perfectly separated") in high d with
few rows per class, so the paper reduces the features by PCA first. Here the rows are centred
and projected onto their top `pca_dim` principal directions (eigenvectors of the d × d
scatter, or equivalently of the n × n kernel when n ≤ d) whenever d > pca_dim; `pca_dim=None`
uses the raw features (the golden values are computed that way).

Reference: Pándy et al., "Transferability Estimation using Bhattacharyya Class Separability",
CVPR 2022; google-research `stable_transfer/transferability/gbc.py` (TensorFlow; golden values
from a numpy transliteration). Golden values: reference/transferability/values.json ("GBC").
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import scipy.linalg
from numpy.typing import ArrayLike

from ..results import MetricResult
from ._common import Matrix, as_features, encode_labels, finite_or_raise, require_variation

DEFAULT_PCA_DIM = 64
VARIANCE_FLOOR = 1e-4


def gbc_score(
    features: ArrayLike,
    labels: ArrayLike,
    *,
    pca_dim: int | None = DEFAULT_PCA_DIM,
    gaussian_type: Literal["spherical", "diagonal"] = "spherical",
) -> MetricResult:
    """GBC of features (n, d) for integer labels (n,), optionally after PCA to `pca_dim`.

    >>> rng = np.random.default_rng(0)
    >>> labels = np.repeat([0, 1, 2], 20)
    >>> features = 3.0 * np.eye(3)[labels] + rng.normal(size=(60, 3))  # 3 separated classes
    >>> result = gbc_score(features, labels)
    >>> round(result.value, 4), round(result.details["normalized"], 4)  # in [−1, 0]
    (-0.5741, -0.0957)
    """
    if gaussian_type not in ("spherical", "diagonal"):
        raise ValueError(f"gaussian_type must be 'spherical' or 'diagonal', got {gaussian_type!r}")
    if pca_dim is not None and pca_dim < 1:
        raise ValueError(f"pca_dim must be positive or None, got {pca_dim}")
    x = as_features(features)
    enc = encode_labels(labels, x.shape[0])
    require_variation(x)
    explained: float | None = None
    if pca_dim is not None and x.shape[1] > pca_dim:
        x, explained = pca_project(x, pca_dim)
    num_classes = enc.num_classes
    means = np.zeros((num_classes, x.shape[1]))
    variances = np.zeros_like(means)
    for c in range(num_classes):
        rows = x[enc.codes == c]
        means[c] = rows.mean(axis=0)
        variances[c] = np.maximum(rows.var(axis=0), VARIANCE_FLOOR)
    if gaussian_type == "spherical":
        variances = np.repeat(variances.mean(axis=1, keepdims=True), x.shape[1], axis=1)
    log_var = np.log(variances).sum(axis=1)
    total = 0.0
    for i in range(num_classes):
        avg = 0.5 * (variances[i] + variances)  # (C, d)
        mahalanobis = np.sum((means[i] - means) ** 2 / avg, axis=1) / 8.0
        log_term = np.log(avg).sum(axis=1) - 0.5 * log_var[i] - 0.5 * log_var
        coefficient = np.exp(-(mahalanobis + 0.5 * log_term))
        coefficient[i] = 0.0
        total += float(coefficient.sum())
    value = finite_or_raise(-total, "GBC")
    return MetricResult(value=value, p_value=None, details={
        "gaussian_type": gaussian_type, "pca_dim": int(x.shape[1]) if explained is not None
        else None, "explained_variance": explained, "num_classes": num_classes,
        "normalized": value / (num_classes * (num_classes - 1)),
        "variance_floor": VARIANCE_FLOOR})


def pca_project(x: Matrix, dim: int) -> tuple[Matrix, float]:
    """Scores (n, dim) of centred rows on their top `dim` principal directions; explained share.

    d × d scatter eigendecomposition when n > d, else the n × n kernel: scores = u_i √λ_i.
    """
    xc = x - x.mean(axis=0)
    n, d = xc.shape
    size = min(n, d)
    dim = min(dim, size)
    gram = xc.T @ xc if n > d else xc @ xc.T
    # Only the top `dim` eigenpairs are needed (largest last in LAPACK's order).
    values, vectors = scipy.linalg.eigh(gram, check_finite=False,
                                        subset_by_index=[size - dim, size - 1])
    values, vectors = np.clip(values[::-1], 0.0, None), vectors[:, ::-1]
    scores = xc @ vectors if n > d else vectors * np.sqrt(values)
    total = float(np.trace(gram))
    explained = float(values.sum()) / total if total > 0 else 0.0
    return scores, explained
