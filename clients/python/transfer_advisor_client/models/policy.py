from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.fitted_on import FittedOn
  from ..models.policy_event import PolicyEvent
  from ..models.policy_report import PolicyReport





T = TypeVar("T", bound="Policy")



@_attrs_define
class Policy:
    """ A decision-policy version: shipped with the service or fitted for this tenant.

        Attributes:
            version (str): `<schema>-<first 12 hex of the parameter file's sha256>`; records name it in `policy_version`.
            tenant (None | str): null for a policy shipped with the service.
            active (bool): Whether POST /assess and POST /rank decide with it for this tenant.
            created_at (datetime.datetime): When it was stored (UTC).
            sha256 (str): SHA-256 of the stored parameter file.
            fitted_on (FittedOn): What a policy version was fitted on.
            report (PolicyReport): Leave-one-family-out figures per tier.
            events (list[PolicyEvent] | Unset): This tenant's fits and activations of it.
     """

    version: str
    tenant: None | str
    active: bool
    created_at: datetime.datetime
    sha256: str
    fitted_on: FittedOn
    report: PolicyReport
    events: list[PolicyEvent] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.fitted_on import FittedOn # noqa: PLC0415
        from ..models.policy_event import PolicyEvent # noqa: PLC0415
        from ..models.policy_report import PolicyReport # noqa: PLC0415
        version = self.version

        tenant: None | str
        tenant = self.tenant

        active = self.active

        created_at = self.created_at.isoformat()

        sha256 = self.sha256

        fitted_on = self.fitted_on.to_dict()

        report = self.report.to_dict()

        events: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = []
            for events_item_data in self.events:
                events_item = events_item_data.to_dict()
                events.append(events_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "version": version,
            "tenant": tenant,
            "active": active,
            "created_at": created_at,
            "sha256": sha256,
            "fitted_on": fitted_on,
            "report": report,
        })
        if events is not UNSET:
            field_dict["events"] = events

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.fitted_on import FittedOn # noqa: PLC0415
        from ..models.policy_event import PolicyEvent # noqa: PLC0415
        from ..models.policy_report import PolicyReport # noqa: PLC0415
        d = dict(src_dict)
        version = d.pop("version")

        def _parse_tenant(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        tenant = _parse_tenant(d.pop("tenant"))


        active = d.pop("active")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        sha256 = d.pop("sha256")

        fitted_on = FittedOn.from_dict(d.pop("fitted_on"))




        report = PolicyReport.from_dict(d.pop("report"))




        _events = d.pop("events", UNSET)
        events: list[PolicyEvent] | Unset = UNSET
        if _events is not UNSET:
            events = []
            for events_item_data in _events:
                events_item = PolicyEvent.from_dict(events_item_data)



                events.append(events_item)


        policy = cls(
            version=version,
            tenant=tenant,
            active=active,
            created_at=created_at,
            sha256=sha256,
            fitted_on=fitted_on,
            report=report,
            events=events,
        )


        policy.additional_properties = d
        return policy

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
