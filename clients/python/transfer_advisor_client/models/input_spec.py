from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="InputSpec")



@_attrs_define
class InputSpec:
    """ The graph input fed with the raw items.

        Attributes:
            name (str): Input name in the ONNX graph.
            dtype (str): Input element type, e.g. `float32`, `int64`.
            shape (list[int | None]): Input shape; null = any size (batch, length).
     """

    name: str
    dtype: str
    shape: list[int | None]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        dtype = self.dtype

        shape = []
        for shape_item_data in self.shape:
            shape_item: int | None
            shape_item = shape_item_data
            shape.append(shape_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "dtype": dtype,
            "shape": shape,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        dtype = d.pop("dtype")

        shape = []
        _shape = d.pop("shape")
        for shape_item_data in (_shape):
            def _parse_shape_item(data: object) -> int | None:
                if data is None:
                    return data
                return cast(int | None, data)

            shape_item = _parse_shape_item(shape_item_data)

            shape.append(shape_item)


        input_spec = cls(
            name=name,
            dtype=dtype,
            shape=shape,
        )


        input_spec.additional_properties = d
        return input_spec

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
