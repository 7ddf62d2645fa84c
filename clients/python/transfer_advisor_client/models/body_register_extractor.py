from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="BodyRegisterExtractor")



@_attrs_define
class BodyRegisterExtractor:
    """ 
        Attributes:
            file (str): the .onnx model
            metadata (str): JSON: name, version, modality, input, output, optional preprocessing and description
            tokenizer (None | str | Unset): tokenizer.json (text)
     """

    file: str
    metadata: str
    tokenizer: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        file = self.file

        metadata = self.metadata

        tokenizer: None | str | Unset
        if isinstance(self.tokenizer, Unset):
            tokenizer = UNSET
        else:
            tokenizer = self.tokenizer


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "file": file,
            "metadata": metadata,
        })
        if tokenizer is not UNSET:
            field_dict["tokenizer"] = tokenizer

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", (None, str(self.file).encode(), "text/plain")))



        files.append(("metadata", (None, str(self.metadata).encode(), "text/plain")))



        if not isinstance(self.tokenizer, Unset):
            if isinstance(self.tokenizer, str):

                files.append(("tokenizer", (None, str(self.tokenizer).encode(), "text/plain")))
            else:
                files.append(("tokenizer", (None, str(self.tokenizer).encode(), "text/plain")))



        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = d.pop("file")

        metadata = d.pop("metadata")

        def _parse_tokenizer(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tokenizer = _parse_tokenizer(d.pop("tokenizer", UNSET))


        body_register_extractor = cls(
            file=file,
            metadata=metadata,
            tokenizer=tokenizer,
        )


        body_register_extractor.additional_properties = d
        return body_register_extractor

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
