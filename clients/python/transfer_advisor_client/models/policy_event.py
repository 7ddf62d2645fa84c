from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.policy_event_event import check_policy_event_event
from ..models.policy_event_event import PolicyEventEvent
from typing import cast
import datetime






T = TypeVar("T", bound="PolicyEvent")



@_attrs_define
class PolicyEvent:
    """ A fit or an activation of a policy version by this tenant (audited).

        Attributes:
            event (PolicyEventEvent): What happened.
            at (datetime.datetime): When (UTC).
            actor (None | str): Who: the API key id (`key:<id>`), or the CLI.
            entry_id (str): The audited entry in the tenant's hash chain.
     """

    event: PolicyEventEvent
    at: datetime.datetime
    actor: None | str
    entry_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        event: str = self.event

        at = self.at.isoformat()

        actor: None | str
        actor = self.actor

        entry_id = self.entry_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "event": event,
            "at": at,
            "actor": actor,
            "entry_id": entry_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event = check_policy_event_event(d.pop("event"))




        at = datetime.datetime.fromisoformat(d.pop("at"))




        def _parse_actor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor = _parse_actor(d.pop("actor"))


        entry_id = d.pop("entry_id")

        policy_event = cls(
            event=event,
            at=at,
            actor=actor,
            entry_id=entry_id,
        )


        policy_event.additional_properties = d
        return policy_event

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
