from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="AuditVerification")



@_attrs_define
class AuditVerification:
    """ The result of recomputing the tenant's hash chain.

        Attributes:
            ok (bool): Whether every record checked is intact.
            checked (int): Records examined, in chain order, up to the first bad one.
            first_bad_id (None | str): The first record that fails, if any.
            problem (None | str | Unset): What is wrong, when ok is false.
     """

    ok: bool
    checked: int
    first_bad_id: None | str
    problem: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        checked = self.checked

        first_bad_id: None | str
        first_bad_id = self.first_bad_id

        problem: None | str | Unset
        if isinstance(self.problem, Unset):
            problem = UNSET
        else:
            problem = self.problem


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "ok": ok,
            "checked": checked,
            "first_bad_id": first_bad_id,
        })
        if problem is not UNSET:
            field_dict["problem"] = problem

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ok = d.pop("ok")

        checked = d.pop("checked")

        def _parse_first_bad_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        first_bad_id = _parse_first_bad_id(d.pop("first_bad_id"))


        def _parse_problem(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        problem = _parse_problem(d.pop("problem", UNSET))


        audit_verification = cls(
            ok=ok,
            checked=checked,
            first_bad_id=first_bad_id,
            problem=problem,
        )


        audit_verification.additional_properties = d
        return audit_verification

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
