from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.encoded_images import EncodedImages





T = TypeVar("T", bound="RawInputs")



@_attrs_define
class RawInputs:
    """ Raw items for the request's `extractor`: exactly one of `texts` or `images`.

        Attributes:
            texts (list[str] | None | Unset): One string per item (text extractors).
            images (EncodedImages | None | Unset): Images (image extractors).
     """

    texts: list[str] | None | Unset = UNSET
    images: EncodedImages | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.encoded_images import EncodedImages # noqa: PLC0415
        texts: list[str] | None | Unset
        if isinstance(self.texts, Unset):
            texts = UNSET
        elif isinstance(self.texts, list):
            texts = self.texts


        else:
            texts = self.texts

        images: dict[str, Any] | None | Unset
        if isinstance(self.images, Unset):
            images = UNSET
        elif isinstance(self.images, EncodedImages):
            images = self.images.to_dict()
        else:
            images = self.images


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if texts is not UNSET:
            field_dict["texts"] = texts
        if images is not UNSET:
            field_dict["images"] = images

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.encoded_images import EncodedImages # noqa: PLC0415
        d = dict(src_dict)
        def _parse_texts(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                texts_type_0 = cast(list[str], data)

                return texts_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        texts = _parse_texts(d.pop("texts", UNSET))


        def _parse_images(data: object) -> EncodedImages | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                images_type_0 = EncodedImages.from_dict(data)



                return images_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EncodedImages | None | Unset, data)

        images = _parse_images(d.pop("images", UNSET))


        raw_inputs = cls(
            texts=texts,
            images=images,
        )

        return raw_inputs

