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
  from ..models.extractor_out_preprocessing import ExtractorOutPreprocessing
  from ..models.input_spec import InputSpec
  from ..models.output_spec import OutputSpec





T = TypeVar("T", bound="ExtractorOut")



@_attrs_define
class ExtractorOut:
    """ 
        Attributes:
            available (bool):
            bundled (bool):
            input_ (InputSpec):
            modality (str):
            name (str):
            output (OutputSpec):
            output_dim (int):
            sha256 (None | str): sha256 of the ONNX file; null while unavailable
            version (str):
            created_at (datetime.datetime | None | Unset):
            description (None | str | Unset):
            preprocessing (ExtractorOutPreprocessing | Unset):
            reason (None | str | Unset): why an extractor is unavailable
            tokenizer_sha256 (None | str | Unset):
     """

    available: bool
    bundled: bool
    input_: InputSpec
    modality: str
    name: str
    output: OutputSpec
    output_dim: int
    sha256: None | str
    version: str
    created_at: datetime.datetime | None | Unset = UNSET
    description: None | str | Unset = UNSET
    preprocessing: ExtractorOutPreprocessing | Unset = UNSET
    reason: None | str | Unset = UNSET
    tokenizer_sha256: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.extractor_out_preprocessing import ExtractorOutPreprocessing # noqa: PLC0415
        from ..models.input_spec import InputSpec # noqa: PLC0415
        from ..models.output_spec import OutputSpec # noqa: PLC0415
        available = self.available

        bundled = self.bundled

        input_ = self.input_.to_dict()

        modality = self.modality

        name = self.name

        output = self.output.to_dict()

        output_dim = self.output_dim

        sha256: None | str
        sha256 = self.sha256

        version = self.version

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        preprocessing: dict[str, Any] | Unset = UNSET
        if not isinstance(self.preprocessing, Unset):
            preprocessing = self.preprocessing.to_dict()

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        tokenizer_sha256: None | str | Unset
        if isinstance(self.tokenizer_sha256, Unset):
            tokenizer_sha256 = UNSET
        else:
            tokenizer_sha256 = self.tokenizer_sha256


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "available": available,
            "bundled": bundled,
            "input": input_,
            "modality": modality,
            "name": name,
            "output": output,
            "output_dim": output_dim,
            "sha256": sha256,
            "version": version,
        })
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if description is not UNSET:
            field_dict["description"] = description
        if preprocessing is not UNSET:
            field_dict["preprocessing"] = preprocessing
        if reason is not UNSET:
            field_dict["reason"] = reason
        if tokenizer_sha256 is not UNSET:
            field_dict["tokenizer_sha256"] = tokenizer_sha256

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.extractor_out_preprocessing import ExtractorOutPreprocessing # noqa: PLC0415
        from ..models.input_spec import InputSpec # noqa: PLC0415
        from ..models.output_spec import OutputSpec # noqa: PLC0415
        d = dict(src_dict)
        available = d.pop("available")

        bundled = d.pop("bundled")

        input_ = InputSpec.from_dict(d.pop("input"))




        modality = d.pop("modality")

        name = d.pop("name")

        output = OutputSpec.from_dict(d.pop("output"))




        output_dim = d.pop("output_dim")

        def _parse_sha256(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sha256 = _parse_sha256(d.pop("sha256"))


        version = d.pop("version")

        def _parse_created_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)



                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created_at = _parse_created_at(d.pop("created_at", UNSET))


        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


        _preprocessing = d.pop("preprocessing", UNSET)
        preprocessing: ExtractorOutPreprocessing | Unset
        if isinstance(_preprocessing,  Unset):
            preprocessing = UNSET
        else:
            preprocessing = ExtractorOutPreprocessing.from_dict(_preprocessing)




        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        def _parse_tokenizer_sha256(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tokenizer_sha256 = _parse_tokenizer_sha256(d.pop("tokenizer_sha256", UNSET))


        extractor_out = cls(
            available=available,
            bundled=bundled,
            input_=input_,
            modality=modality,
            name=name,
            output=output,
            output_dim=output_dim,
            sha256=sha256,
            version=version,
            created_at=created_at,
            description=description,
            preprocessing=preprocessing,
            reason=reason,
            tokenizer_sha256=tokenizer_sha256,
        )


        extractor_out.additional_properties = d
        return extractor_out

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
