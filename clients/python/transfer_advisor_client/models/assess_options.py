from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.assess_options_metrics_type_0_item import AssessOptionsMetricsType0Item
from ..models.assess_options_metrics_type_0_item import check_assess_options_metrics_type_0_item
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="AssessOptions")



@_attrs_define
class AssessOptions:
    """ How the metrics run.

        Attributes:
            permutations (int | Unset): Permutations B of the permutation tests (MMD, probes): p = (1 + #≥)/(1 + B).
                Default: 200.
            seed (int | Unset): Seed of every random choice (permutations, subsamples, folds): the same request gives the
                same answer. Default: 0.
            metrics (list[AssessOptionsMetricsType0Item] | None | Unset): Metrics to compute, by name; null = the default
                set (frechet_distance, coral_distance, mean_cosine_distance, gaussian_kl, bhattacharyya_distance, mmd,
                proxy_a_distance, sliced_wasserstein, logme, hscore, hscore_shrinkage, leep, nce, transrate, gbc,
                linear_probe_accuracy, knn_accuracy, scratch_probe_accuracy, scratch_knn_accuracy). A metric that cannot run on
                the input is listed in the answer's `omitted` with the reason.
            kernel_bandwidth (float | None | Unset): RBF bandwidth σ of kernel metrics, k(a, b) = exp(−‖a − b‖² / (2σ²));
                null = median heuristic on the source.
     """

    permutations: int | Unset = 200
    seed: int | Unset = 0
    metrics: list[AssessOptionsMetricsType0Item] | None | Unset = UNSET
    kernel_bandwidth: float | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        permutations = self.permutations

        seed = self.seed

        metrics: list[str] | None | Unset
        if isinstance(self.metrics, Unset):
            metrics = UNSET
        elif isinstance(self.metrics, list):
            metrics = []
            for metrics_type_0_item_data in self.metrics:
                metrics_type_0_item: str = metrics_type_0_item_data
                metrics.append(metrics_type_0_item)


        else:
            metrics = self.metrics

        kernel_bandwidth: float | None | Unset
        if isinstance(self.kernel_bandwidth, Unset):
            kernel_bandwidth = UNSET
        else:
            kernel_bandwidth = self.kernel_bandwidth


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if permutations is not UNSET:
            field_dict["permutations"] = permutations
        if seed is not UNSET:
            field_dict["seed"] = seed
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if kernel_bandwidth is not UNSET:
            field_dict["kernel_bandwidth"] = kernel_bandwidth

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        permutations = d.pop("permutations", UNSET)

        seed = d.pop("seed", UNSET)

        def _parse_metrics(data: object) -> list[AssessOptionsMetricsType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                metrics_type_0 = []
                _metrics_type_0 = data
                for metrics_type_0_item_data in (_metrics_type_0):
                    metrics_type_0_item = check_assess_options_metrics_type_0_item(metrics_type_0_item_data)



                    metrics_type_0.append(metrics_type_0_item)

                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[AssessOptionsMetricsType0Item] | None | Unset, data)

        metrics = _parse_metrics(d.pop("metrics", UNSET))


        def _parse_kernel_bandwidth(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        kernel_bandwidth = _parse_kernel_bandwidth(d.pop("kernel_bandwidth", UNSET))


        assess_options = cls(
            permutations=permutations,
            seed=seed,
            metrics=metrics,
            kernel_bandwidth=kernel_bandwidth,
        )

        return assess_options

