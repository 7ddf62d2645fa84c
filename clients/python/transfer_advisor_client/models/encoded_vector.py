from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.encoded_vector_dtype import check_encoded_vector_dtype
from ..models.encoded_vector_dtype import EncodedVectorDtype
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="EncodedVector")



@_attrs_define
class EncodedVector:
    """ A vector as base64 of little-endian values (shape [d]).

        Attributes:
            data (str):
            shape (list[int]):
            dtype (EncodedVectorDtype | Unset):  Default: 'float64'.
     """

    data: str
    shape: list[int]
    dtype: EncodedVectorDtype | Unset = 'float64'





    def to_dict(self) -> dict[str, Any]:
        data = self.data

        shape = self.shape



        dtype: str | Unset = UNSET
        if not isinstance(self.dtype, Unset):
            dtype = self.dtype



        field_dict: dict[str, Any] = {}

        field_dict.update({
            "data": data,
            "shape": shape,
        })
        if dtype is not UNSET:
            field_dict["dtype"] = dtype

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        data = d.pop("data")

        shape = cast(list[int], d.pop("shape"))


        _dtype = d.pop("dtype", UNSET)
        dtype: EncodedVectorDtype | Unset
        if isinstance(_dtype,  Unset):
            dtype = UNSET
        else:
            dtype = check_encoded_vector_dtype(_dtype)




        encoded_vector = cls(
            data=data,
            shape=shape,
            dtype=dtype,
        )

        return encoded_vector

