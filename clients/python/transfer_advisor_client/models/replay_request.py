from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ReplayRequest")



@_attrs_define
class ReplayRequest:
    """ Which policy a replay decides with.

        Attributes:
            policy_version (None | str | Unset): A shipped version or one of the tenant's fits (GET /policies; 404
                otherwise); null = the tenant's active one.
     """

    policy_version: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        policy_version: None | str | Unset
        if isinstance(self.policy_version, Unset):
            policy_version = UNSET
        else:
            policy_version = self.policy_version


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if policy_version is not UNSET:
            field_dict["policy_version"] = policy_version

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_policy_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        policy_version = _parse_policy_version(d.pop("policy_version", UNSET))


        replay_request = cls(
            policy_version=policy_version,
        )

        return replay_request

