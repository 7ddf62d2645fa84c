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
    """ A feature extractor: bundled, shared by the operator, or the tenant's own.

        Attributes:
            name (str): The name to give as `extractor` in POST /assess.
            version (str): Version declared at registration.
            modality (str): What it embeds: `text`, `image`, …
            input_ (InputSpec): The graph input fed with the raw items.
            output (OutputSpec): The graph output read as the embedding.
            output_dim (int): Embedding dimension (= output.dim).
            sha256 (None | str): sha256 of the ONNX file; null while unavailable
            bundled (bool): Shipped with the service (built on first start).
            available (bool): Usable now; if not, `reason` says why.
            preprocessing (ExtractorOutPreprocessing | Unset): How items are prepared (tokenizer, resize, pooling).
            tokenizer_sha256 (None | str | Unset): sha256 of tokenizer.json (text).
            reason (None | str | Unset): why an extractor is unavailable
            description (None | str | Unset): Free text from its registration.
            created_at (datetime.datetime | None | Unset): When it was registered (null: bundled).
     """

    name: str
    version: str
    modality: str
    input_: InputSpec
    output: OutputSpec
    output_dim: int
    sha256: None | str
    bundled: bool
    available: bool
    preprocessing: ExtractorOutPreprocessing | Unset = UNSET
    tokenizer_sha256: None | str | Unset = UNSET
    reason: None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    created_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.extractor_out_preprocessing import ExtractorOutPreprocessing # noqa: PLC0415
        from ..models.input_spec import InputSpec # noqa: PLC0415
        from ..models.output_spec import OutputSpec # noqa: PLC0415
        name = self.name

        version = self.version

        modality = self.modality

        input_ = self.input_.to_dict()

        output = self.output.to_dict()

        output_dim = self.output_dim

        sha256: None | str
        sha256 = self.sha256

        bundled = self.bundled

        available = self.available

        preprocessing: dict[str, Any] | Unset = UNSET
        if not isinstance(self.preprocessing, Unset):
            preprocessing = self.preprocessing.to_dict()

        tokenizer_sha256: None | str | Unset
        if isinstance(self.tokenizer_sha256, Unset):
            tokenizer_sha256 = UNSET
        else:
            tokenizer_sha256 = self.tokenizer_sha256

        reason: None | str | Unset
        if isinstance(self.reason, Unset):
            reason = UNSET
        else:
            reason = self.reason

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        created_at: None | str | Unset
        if isinstance(self.created_at, Unset):
            created_at = UNSET
        elif isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "version": version,
            "modality": modality,
            "input": input_,
            "output": output,
            "output_dim": output_dim,
            "sha256": sha256,
            "bundled": bundled,
            "available": available,
        })
        if preprocessing is not UNSET:
            field_dict["preprocessing"] = preprocessing
        if tokenizer_sha256 is not UNSET:
            field_dict["tokenizer_sha256"] = tokenizer_sha256
        if reason is not UNSET:
            field_dict["reason"] = reason
        if description is not UNSET:
            field_dict["description"] = description
        if created_at is not UNSET:
            field_dict["created_at"] = created_at

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.extractor_out_preprocessing import ExtractorOutPreprocessing # noqa: PLC0415
        from ..models.input_spec import InputSpec # noqa: PLC0415
        from ..models.output_spec import OutputSpec # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        version = d.pop("version")

        modality = d.pop("modality")

        input_ = InputSpec.from_dict(d.pop("input"))




        output = OutputSpec.from_dict(d.pop("output"))




        output_dim = d.pop("output_dim")

        def _parse_sha256(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sha256 = _parse_sha256(d.pop("sha256"))


        bundled = d.pop("bundled")

        available = d.pop("available")

        _preprocessing = d.pop("preprocessing", UNSET)
        preprocessing: ExtractorOutPreprocessing | Unset
        if isinstance(_preprocessing,  Unset):
            preprocessing = UNSET
        else:
            preprocessing = ExtractorOutPreprocessing.from_dict(_preprocessing)




        def _parse_tokenizer_sha256(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tokenizer_sha256 = _parse_tokenizer_sha256(d.pop("tokenizer_sha256", UNSET))


        def _parse_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reason = _parse_reason(d.pop("reason", UNSET))


        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))


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


        extractor_out = cls(
            name=name,
            version=version,
            modality=modality,
            input_=input_,
            output=output,
            output_dim=output_dim,
            sha256=sha256,
            bundled=bundled,
            available=available,
            preprocessing=preprocessing,
            tokenizer_sha256=tokenizer_sha256,
            reason=reason,
            description=description,
            created_at=created_at,
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
