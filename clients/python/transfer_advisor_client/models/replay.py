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
    """ A replay: the new record and what changed against the original.

        Attributes:
            original_id (str): The record replayed.
            changed (bool): Whether the decision (strategy, score, risk, confidence) differs under the current policy.
            changes (ReplayChanges): Field → before/after, for the fields that changed.
            replay (Assessment): A stored assessment record (append-only, hash-chained).
     """

    original_id: str
    changed: bool
    changes: ReplayChanges
    replay: Assessment
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.assessment import Assessment # noqa: PLC0415
        from ..models.replay_changes import ReplayChanges # noqa: PLC0415
        original_id = self.original_id

        changed = self.changed

        changes = self.changes.to_dict()

        replay = self.replay.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "original_id": original_id,
            "changed": changed,
            "changes": changes,
            "replay": replay,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.assessment import Assessment # noqa: PLC0415
        from ..models.replay_changes import ReplayChanges # noqa: PLC0415
        d = dict(src_dict)
        original_id = d.pop("original_id")

        changed = d.pop("changed")

        changes = ReplayChanges.from_dict(d.pop("changes"))




        replay = Assessment.from_dict(d.pop("replay"))




        replay = cls(
            original_id=original_id,
            changed=changed,
            changes=changes,
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
