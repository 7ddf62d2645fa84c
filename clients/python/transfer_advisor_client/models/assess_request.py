from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.assess_options import AssessOptions
  from ..models.dataset_spec import DatasetSpec
  from ..models.task_spec import TaskSpec





T = TypeVar("T", bound="AssessRequest")



@_attrs_define
class AssessRequest:
    """ POST /assess: a source and a target dataset, the task, and options.

        Attributes:
            source (DatasetSpec): One side of an assessment: a name, optional labels, and exactly one of `embeddings`,
                `summary` or `inputs`.
            target (DatasetSpec): One side of an assessment: a name, optional labels, and exactly one of `embeddings`,
                `summary` or `inputs`.
            task (TaskSpec): What the target task is and how much labeled data it has.
            extractor (None | str | Unset): Registered extractor that embeds raw `inputs` (GET /extractors); required when a
                side gives `inputs`.
            options (AssessOptions | Unset): How the metrics run.
     """

    source: DatasetSpec
    target: DatasetSpec
    task: TaskSpec
    extractor: None | str | Unset = UNSET
    options: AssessOptions | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.assess_options import AssessOptions # noqa: PLC0415
        from ..models.dataset_spec import DatasetSpec # noqa: PLC0415
        from ..models.task_spec import TaskSpec # noqa: PLC0415
        source = self.source.to_dict()

        target = self.target.to_dict()

        task = self.task.to_dict()

        extractor: None | str | Unset
        if isinstance(self.extractor, Unset):
            extractor = UNSET
        else:
            extractor = self.extractor

        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "source": source,
            "target": target,
            "task": task,
        })
        if extractor is not UNSET:
            field_dict["extractor"] = extractor
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assess_options import AssessOptions # noqa: PLC0415
        from ..models.dataset_spec import DatasetSpec # noqa: PLC0415
        from ..models.task_spec import TaskSpec # noqa: PLC0415
        d = dict(src_dict)
        source = DatasetSpec.from_dict(d.pop("source"))




        target = DatasetSpec.from_dict(d.pop("target"))




        task = TaskSpec.from_dict(d.pop("task"))




        def _parse_extractor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        extractor = _parse_extractor(d.pop("extractor", UNSET))


        _options = d.pop("options", UNSET)
        options: AssessOptions | Unset
        if isinstance(_options,  Unset):
            options = UNSET
        else:
            options = AssessOptions.from_dict(_options)




        assess_request = cls(
            source=source,
            target=target,
            task=task,
            extractor=extractor,
            options=options,
        )

        return assess_request

