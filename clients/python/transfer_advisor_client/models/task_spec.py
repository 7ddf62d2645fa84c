from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.modality import check_modality
from ..models.modality import Modality
from ..models.task_spec_type import check_task_spec_type
from ..models.task_spec_type import TaskSpecType
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="TaskSpec")



@_attrs_define
class TaskSpec:
    """ What the target task is and how much labeled data it has.

        Attributes:
            labeled_examples (int): Labeled target examples available for training.
            source_modality (Modality): The kind of data a source model was trained on, or a target holds.
            target_modality (Modality): The kind of data a source model was trained on, or a target holds.
            type_ (TaskSpecType | Unset): The target task. Default: 'classification'.
            num_classes (int | None | Unset): Target classes (null: the distinct target labels; null for regression).
            compute_budget_gpu_hours (float | None | Unset): Optional GPU-hours available for training.
     """

    labeled_examples: int
    source_modality: Modality
    target_modality: Modality
    type_: TaskSpecType | Unset = 'classification'
    num_classes: int | None | Unset = UNSET
    compute_budget_gpu_hours: float | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        labeled_examples = self.labeled_examples

        source_modality: str = self.source_modality

        target_modality: str = self.target_modality

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_


        num_classes: int | None | Unset
        if isinstance(self.num_classes, Unset):
            num_classes = UNSET
        else:
            num_classes = self.num_classes

        compute_budget_gpu_hours: float | None | Unset
        if isinstance(self.compute_budget_gpu_hours, Unset):
            compute_budget_gpu_hours = UNSET
        else:
            compute_budget_gpu_hours = self.compute_budget_gpu_hours


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "labeled_examples": labeled_examples,
            "source_modality": source_modality,
            "target_modality": target_modality,
        })
        if type_ is not UNSET:
            field_dict["type"] = type_
        if num_classes is not UNSET:
            field_dict["num_classes"] = num_classes
        if compute_budget_gpu_hours is not UNSET:
            field_dict["compute_budget_gpu_hours"] = compute_budget_gpu_hours

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        labeled_examples = d.pop("labeled_examples")

        source_modality = check_modality(d.pop("source_modality"))




        target_modality = check_modality(d.pop("target_modality"))




        _type_ = d.pop("type", UNSET)
        type_: TaskSpecType | Unset
        if isinstance(_type_,  Unset):
            type_ = UNSET
        else:
            type_ = check_task_spec_type(_type_)




        def _parse_num_classes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        num_classes = _parse_num_classes(d.pop("num_classes", UNSET))


        def _parse_compute_budget_gpu_hours(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        compute_budget_gpu_hours = _parse_compute_budget_gpu_hours(d.pop("compute_budget_gpu_hours", UNSET))


        task_spec = cls(
            labeled_examples=labeled_examples,
            source_modality=source_modality,
            target_modality=target_modality,
            type_=type_,
            num_classes=num_classes,
            compute_budget_gpu_hours=compute_budget_gpu_hours,
        )

        return task_spec

