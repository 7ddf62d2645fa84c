from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.assessment import Assessment
  from ..models.replay_changes import ReplayChanges





T = TypeVar("T", bound="Replay")



@_attrs_define
class Replay:
    """ 
        Attributes:
            changed (bool): Whether the decision (strategy, score, risk, confidence) differs under the current policy.
            changes (ReplayChanges):
            original_id (str):
            replay (Assessment):
     """

    changed: bool
    changes: ReplayChanges
    original_id: str
    replay: Assessment
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.assessment import Assessment # noqa: PLC0415
        from ..models.replay_changes import ReplayChanges # noqa: PLC0415
        changed = self.changed

        changes = self.changes.to_dict()

        original_id = self.original_id

        replay = self.replay.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "changed": changed,
            "changes": changes,
            "original_id": original_id,
            "replay": replay,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assessment import Assessment # noqa: PLC0415
        from ..models.replay_changes import ReplayChanges # noqa: PLC0415
        d = dict(src_dict)
        changed = d.pop("changed")

        changes = ReplayChanges.from_dict(d.pop("changes"))




        original_id = d.pop("original_id")

        replay = Assessment.from_dict(d.pop("replay"))




        replay = cls(
            changed=changed,
            changes=changes,
            original_id=original_id,
            replay=replay,
        )


        replay.additional_properties = d
        return replay

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
