from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.modality import check_modality
from ..models.modality import Modality
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.dataset_spec import DatasetSpec





T = TypeVar("T", bound="RankCandidate")



@_attrs_define
class RankCandidate:
    """ One candidate source: a registered `extractor` (the target's raw `inputs` are embedded by
    it), or the target's embeddings under the candidate (`target`); without either, the
    top-level target's embeddings (candidates that differ by their `source` data only).

        Attributes:
            name (str): The candidate's name, unique in the request; items and errors name it.
            extractor (None | str | Unset): Registered extractor (GET /extractors) that embeds the target's raw `inputs` for
                this candidate.
            source (DatasetSpec | None | Unset): The candidate's source data (embeddings, summary, or raw inputs for its
                extractor); optional: without it the shift metrics are omitted
            target (DatasetSpec | None | Unset): The target's embeddings (or summary) under this candidate; labels and
                scratch features stay on the top-level target
            source_modality (Modality | None | Unset): Overrides task.source_modality for this candidate
     """

    name: str
    extractor: None | str | Unset = UNSET
    source: DatasetSpec | None | Unset = UNSET
    target: DatasetSpec | None | Unset = UNSET
    source_modality: Modality | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.dataset_spec import DatasetSpec # noqa: PLC0415
        name = self.name

        extractor: None | str | Unset
        if isinstance(self.extractor, Unset):
            extractor = UNSET
        else:
            extractor = self.extractor

        source: dict[str, Any] | None | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        elif isinstance(self.source, DatasetSpec):
            source = self.source.to_dict()
        else:
            source = self.source

        target: dict[str, Any] | None | Unset
        if isinstance(self.target, Unset):
            target = UNSET
        elif isinstance(self.target, DatasetSpec):
            target = self.target.to_dict()
        else:
            target = self.target

        source_modality: None | str | Unset
        if isinstance(self.source_modality, Unset):
            source_modality = UNSET
        elif isinstance(self.source_modality, str):
            source_modality = self.source_modality
        else:
            source_modality = self.source_modality


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
        })
        if extractor is not UNSET:
            field_dict["extractor"] = extractor
        if source is not UNSET:
            field_dict["source"] = source
        if target is not UNSET:
            field_dict["target"] = target
        if source_modality is not UNSET:
            field_dict["source_modality"] = source_modality

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dataset_spec import DatasetSpec # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_extractor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        extractor = _parse_extractor(d.pop("extractor", UNSET))


        def _parse_source(data: object) -> DatasetSpec | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                source_type_0 = DatasetSpec.from_dict(data)



                return source_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DatasetSpec | None | Unset, data)

        source = _parse_source(d.pop("source", UNSET))


        def _parse_target(data: object) -> DatasetSpec | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                target_type_0 = DatasetSpec.from_dict(data)



                return target_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DatasetSpec | None | Unset, data)

        target = _parse_target(d.pop("target", UNSET))


        def _parse_source_modality(data: object) -> Modality | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                source_modality_type_0 = check_modality(data)



                return source_modality_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Modality | None | Unset, data)

        source_modality = _parse_source_modality(d.pop("source_modality", UNSET))


        rank_candidate = cls(
            name=name,
            extractor=extractor,
            source=source,
            target=target,
            source_modality=source_modality,
        )

        return rank_candidate

