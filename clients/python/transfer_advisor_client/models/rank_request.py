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
  from ..models.rank_candidate import RankCandidate
  from ..models.rank_target import RankTarget
  from ..models.task_spec import TaskSpec





T = TypeVar("T", bound="RankRequest")



@_attrs_define
class RankRequest:
    """ POST /rank: one target, 2–16 candidate sources, the task and the metric options.

        Attributes:
            target (RankTarget): The target of a ranking: its `labels`, `scratch_features` and, for extractor candidates,
                its raw `inputs`. The form (embeddings, summary or inputs) may be left out when every
                candidate brings the target's embeddings under it (`candidates[i].target`).
            candidates (list[RankCandidate]): 2–16 candidate sources, names unique.
            task (TaskSpec): What the target task is and how much labeled data it has.
            options (AssessOptions | Unset): How the metrics run.
     """

    target: RankTarget
    candidates: list[RankCandidate]
    task: TaskSpec
    options: AssessOptions | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.assess_options import AssessOptions # noqa: PLC0415
        from ..models.rank_candidate import RankCandidate # noqa: PLC0415
        from ..models.rank_target import RankTarget # noqa: PLC0415
        from ..models.task_spec import TaskSpec # noqa: PLC0415
        target = self.target.to_dict()

        candidates = []
        for candidates_item_data in self.candidates:
            candidates_item = candidates_item_data.to_dict()
            candidates.append(candidates_item)



        task = self.task.to_dict()

        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "target": target,
            "candidates": candidates,
            "task": task,
        })
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assess_options import AssessOptions # noqa: PLC0415
        from ..models.rank_candidate import RankCandidate # noqa: PLC0415
        from ..models.rank_target import RankTarget # noqa: PLC0415
        from ..models.task_spec import TaskSpec # noqa: PLC0415
        d = dict(src_dict)
        target = RankTarget.from_dict(d.pop("target"))




        candidates = []
        _candidates = d.pop("candidates")
        for candidates_item_data in (_candidates):
            candidates_item = RankCandidate.from_dict(candidates_item_data)



            candidates.append(candidates_item)


        task = TaskSpec.from_dict(d.pop("task"))




        _options = d.pop("options", UNSET)
        options: AssessOptions | Unset
        if isinstance(_options,  Unset):
            options = UNSET
        else:
            options = AssessOptions.from_dict(_options)




        rank_request = cls(
            target=target,
            candidates=candidates,
            task=task,
            options=options,
        )

        return rank_request

