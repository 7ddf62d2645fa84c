from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.encoded_images_dtype import check_encoded_images_dtype
from ..models.encoded_images_dtype import EncodedImagesDtype
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="EncodedImages")



@_attrs_define
class EncodedImages:
    """ Images as base64 of little-endian, row-major values, NHWC.

        Attributes:
            shape (list[int]): [n, height, width, channels] as the extractor takes them (e.g. [n, 224, 224, 3] RGB for open-
                nsfw-resnet50-pooled).
            data (str): Base64 of the n × h × w × c values, row-major.
            dtype (EncodedImagesDtype | Unset): Element type of `data`; pixels 0..255. Default: 'uint8'.
     """

    shape: list[int]
    data: str
    dtype: EncodedImagesDtype | Unset = 'uint8'





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
        dtype: EncodedImagesDtype | Unset
        if isinstance(_dtype,  Unset):
            dtype = UNSET
        else:
            dtype = check_encoded_images_dtype(_dtype)




        encoded_images = cls(
            shape=shape,
            data=data,
            dtype=dtype,
        )

        return encoded_images

