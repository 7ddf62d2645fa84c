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
            shape (list[int]): [length].
            data (str): Base64 of the values.
            dtype (EncodedVectorDtype | Unset): Element type of `data` (little-endian). Default: 'float64'.
     """

    shape: list[int]
    data: str
    dtype: EncodedVectorDtype | Unset = 'float64'





    def to_dict(self) -> dict[str, Any]:
        shape = self.shape



        data = self.data

        dtype: str | Unset = UNSET
        if not isinstance(self.dtype, Unset):
            dtype = self.dtype



        field_dict: dict[str, Any] = {}

        field_dict.update({
            "shape": shape,
            "data": data,
        })
        if dtype is not UNSET:
            field_dict["dtype"] = dtype

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        shape = cast(list[int], d.pop("shape"))


        data = d.pop("data")

        _dtype = d.pop("dtype", UNSET)
        dtype: EncodedVectorDtype | Unset
        if isinstance(_dtype,  Unset):
            dtype = UNSET
        else:
            dtype = check_encoded_vector_dtype(_dtype)




        encoded_vector = cls(
            shape=shape,
            data=data,
            dtype=dtype,
        )

        return encoded_vector

