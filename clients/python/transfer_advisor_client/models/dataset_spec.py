from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.encoded_matrix import EncodedMatrix
  from ..models.raw_inputs import RawInputs
  from ..models.summary_spec import SummarySpec





T = TypeVar("T", bound="DatasetSpec")



@_attrs_define
class DatasetSpec:
    """ One side of an assessment: a name, optional labels, and exactly one of `embeddings`,
    `summary` or `inputs`.

        Attributes:
            name (str): The dataset's name, as history filters and the dashboard show it.
            labels (list[int] | None | Unset): Class ids (integers ≥ 0) of the first len(labels) rows; on the target, the
                labeled subset.
            embeddings (EncodedMatrix | list[list[float]] | None | Unset): Rows (n × d) from the same feature extractor on
                both sides: JSON lists, or encoded (base64) as EncodedMatrix.
            summary (None | SummarySpec | Unset): Moments computed by the client instead of rows.
            inputs (None | RawInputs | Unset): Raw texts or images, embedded by the request's `extractor`.
            source_probs (EncodedMatrix | list[list[float]] | None | Unset): Target only: the source model's class
                probabilities on the labeled target rows (len(labels) × C_source), for LEEP/NCE.
            scratch_features (EncodedMatrix | list[list[float]] | None | Unset): Target only: simple features of the same
                target items a model trained from scratch would see (pixels, TF-IDF, hand-made), one row per target row aligned
                with `labels`. With raw `inputs` the service derives its own.
     """

    name: str
    labels: list[int] | None | Unset = UNSET
    embeddings: EncodedMatrix | list[list[float]] | None | Unset = UNSET
    summary: None | SummarySpec | Unset = UNSET
    inputs: None | RawInputs | Unset = UNSET
    source_probs: EncodedMatrix | list[list[float]] | None | Unset = UNSET
    scratch_features: EncodedMatrix | list[list[float]] | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.encoded_matrix import EncodedMatrix # noqa: PLC0415
        from ..models.raw_inputs import RawInputs # noqa: PLC0415
        from ..models.summary_spec import SummarySpec # noqa: PLC0415
        name = self.name

        labels: list[int] | None | Unset
        if isinstance(self.labels, Unset):
            labels = UNSET
        elif isinstance(self.labels, list):
            labels = self.labels


        else:
            labels = self.labels

        embeddings: dict[str, Any] | list[list[float]] | None | Unset
        if isinstance(self.embeddings, Unset):
            embeddings = UNSET
        elif isinstance(self.embeddings, EncodedMatrix):
            embeddings = self.embeddings.to_dict()
        elif isinstance(self.embeddings, list):
            embeddings = []
            for embeddings_type_1_item_data in self.embeddings:
                embeddings_type_1_item = embeddings_type_1_item_data


                embeddings.append(embeddings_type_1_item)


        else:
            embeddings = self.embeddings

        summary: dict[str, Any] | None | Unset
        if isinstance(self.summary, Unset):
            summary = UNSET
        elif isinstance(self.summary, SummarySpec):
            summary = self.summary.to_dict()
        else:
            summary = self.summary

        inputs: dict[str, Any] | None | Unset
        if isinstance(self.inputs, Unset):
            inputs = UNSET
        elif isinstance(self.inputs, RawInputs):
            inputs = self.inputs.to_dict()
        else:
            inputs = self.inputs

        source_probs: dict[str, Any] | list[list[float]] | None | Unset
        if isinstance(self.source_probs, Unset):
            source_probs = UNSET
        elif isinstance(self.source_probs, EncodedMatrix):
            source_probs = self.source_probs.to_dict()
        elif isinstance(self.source_probs, list):
            source_probs = []
            for source_probs_type_1_item_data in self.source_probs:
                source_probs_type_1_item = source_probs_type_1_item_data


                source_probs.append(source_probs_type_1_item)


        else:
            source_probs = self.source_probs

        scratch_features: dict[str, Any] | list[list[float]] | None | Unset
        if isinstance(self.scratch_features, Unset):
            scratch_features = UNSET
        elif isinstance(self.scratch_features, EncodedMatrix):
            scratch_features = self.scratch_features.to_dict()
        elif isinstance(self.scratch_features, list):
            scratch_features = []
            for scratch_features_type_1_item_data in self.scratch_features:
                scratch_features_type_1_item = scratch_features_type_1_item_data


                scratch_features.append(scratch_features_type_1_item)


        else:
            scratch_features = self.scratch_features


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
        })
        if labels is not UNSET:
            field_dict["labels"] = labels
        if embeddings is not UNSET:
            field_dict["embeddings"] = embeddings
        if summary is not UNSET:
            field_dict["summary"] = summary
        if inputs is not UNSET:
            field_dict["inputs"] = inputs
        if source_probs is not UNSET:
            field_dict["source_probs"] = source_probs
        if scratch_features is not UNSET:
            field_dict["scratch_features"] = scratch_features

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.encoded_matrix import EncodedMatrix # noqa: PLC0415
        from ..models.raw_inputs import RawInputs # noqa: PLC0415
        from ..models.summary_spec import SummarySpec # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_labels(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                labels_type_0 = cast(list[int], data)

                return labels_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        labels = _parse_labels(d.pop("labels", UNSET))


        def _parse_embeddings(data: object) -> EncodedMatrix | list[list[float]] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                embeddings_type_0 = EncodedMatrix.from_dict(data)



                return embeddings_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, list):
                    raise TypeError()
                embeddings_type_1 = []
                _embeddings_type_1 = data
                for embeddings_type_1_item_data in (_embeddings_type_1):
                    embeddings_type_1_item = cast(list[float], embeddings_type_1_item_data)

                    embeddings_type_1.append(embeddings_type_1_item)

                return embeddings_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EncodedMatrix | list[list[float]] | None | Unset, data)

        embeddings = _parse_embeddings(d.pop("embeddings", UNSET))


        def _parse_summary(data: object) -> None | SummarySpec | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                summary_type_0 = SummarySpec.from_dict(data)



                return summary_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SummarySpec | Unset, data)

        summary = _parse_summary(d.pop("summary", UNSET))


        def _parse_inputs(data: object) -> None | RawInputs | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                inputs_type_0 = RawInputs.from_dict(data)



                return inputs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RawInputs | Unset, data)

        inputs = _parse_inputs(d.pop("inputs", UNSET))


        def _parse_source_probs(data: object) -> EncodedMatrix | list[list[float]] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                source_probs_type_0 = EncodedMatrix.from_dict(data)



                return source_probs_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, list):
                    raise TypeError()
                source_probs_type_1 = []
                _source_probs_type_1 = data
                for source_probs_type_1_item_data in (_source_probs_type_1):
                    source_probs_type_1_item = cast(list[float], source_probs_type_1_item_data)

                    source_probs_type_1.append(source_probs_type_1_item)

                return source_probs_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EncodedMatrix | list[list[float]] | None | Unset, data)

        source_probs = _parse_source_probs(d.pop("source_probs", UNSET))


        def _parse_scratch_features(data: object) -> EncodedMatrix | list[list[float]] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                scratch_features_type_0 = EncodedMatrix.from_dict(data)



                return scratch_features_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, list):
                    raise TypeError()
                scratch_features_type_1 = []
                _scratch_features_type_1 = data
                for scratch_features_type_1_item_data in (_scratch_features_type_1):
                    scratch_features_type_1_item = cast(list[float], scratch_features_type_1_item_data)

                    scratch_features_type_1.append(scratch_features_type_1_item)

                return scratch_features_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EncodedMatrix | list[list[float]] | None | Unset, data)

        scratch_features = _parse_scratch_features(d.pop("scratch_features", UNSET))


        dataset_spec = cls(
            name=name,
            labels=labels,
            embeddings=embeddings,
            summary=summary,
            inputs=inputs,
            source_probs=source_probs,
            scratch_features=scratch_features,
        )

        return dataset_spec

