"""Cheap transport: one decode of the rows, the same answer and fingerprint in every form."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from tests.payloads import b64_matrix, embeddings_request, summary_of

from transfer_advisor.domain.audit import input_fingerprint
from transfer_advisor.errors import InvalidInput
from transfer_advisor.library.assess import encode_summary
from transfer_advisor.schemas.assess import AssessRequest, EncodedMatrix
from transfer_advisor.services.inputs import b64decode_strict, decode_matrix


def float64_b64(body: dict[str, Any]) -> dict[str, Any]:
    """The same request with its embeddings as base64 float64 (lossless)."""
    out = json.loads(json.dumps(body))
    for side in ("source", "target"):
        out[side]["embeddings"] = b64_matrix(np.asarray(out[side]["embeddings"]), "float64")
    return out


class TestOneDecode:
    def test_json_rows_become_one_float64_array_used_as_is(self) -> None:
        body = embeddings_request(n=20, d=5)
        request = AssessRequest.model_validate_json(json.dumps(body))
        rows = request.source.embeddings
        assert isinstance(rows, np.ndarray)
        assert rows.dtype == np.float64
        assert rows.flags["C_CONTIGUOUS"]
        np.testing.assert_array_equal(rows, np.asarray(body["source"]["embeddings"]))
        assert decode_matrix(rows, "source.embeddings") is rows  # no second copy

    def test_float64_base64_is_a_view_of_the_decoded_bytes(self) -> None:
        body = float64_b64(embeddings_request(n=20, d=5))
        request = AssessRequest.model_validate(body)
        assert request.source.embeddings is not None
        rows = decode_matrix(request.source.embeddings, "source.embeddings")
        assert not rows.flags["OWNDATA"]  # np.frombuffer over the base64-decoded bytes
        assert rows.dtype == np.float64

    def test_rows_numpy_refuses_still_get_the_exact_field_error(self, client: TestClient) -> None:
        body = embeddings_request(n=20, d=5)
        text = json.dumps(body).replace("[[", '[["x", ', 1)  # a string in the first row
        response = client.post("/assess", content=text,
                               headers={"content-type": "application/json"})
        assert response.status_code == 422, response.text
        fields = [e["field"] for e in response.json()["errors"]]
        assert "source.embeddings[0][0]" in fields


class TestSameAnswerEveryForm:
    def test_lists_and_float64_base64_give_the_same_metrics(self, client: TestClient) -> None:
        body = embeddings_request(n=40, d=6, shift=0.3)
        as_lists = client.post("/assess", json=body)
        as_b64 = client.post("/assess", json=float64_b64(body))
        assert as_lists.status_code == as_b64.status_code == 201, as_b64.text
        assert as_lists.json()["metrics"] == as_b64.json()["metrics"]

    def test_fingerprint_is_unchanged(self, client: TestClient) -> None:
        """As before the rows were validated into arrays: the hash of the JSON dump of the
        validated request (arrays digested as float64 bytes)."""
        for body in (embeddings_request(n=40, d=5), float64_b64(embeddings_request(n=40, d=5)),
                     embeddings_request(form="summary")):
            text = json.dumps(body)
            response = client.post("/assess", content=text,
                                   headers={"content-type": "application/json"})
            assert response.status_code == 201, response.text
            as_json = AssessRequest.model_validate(json.loads(text)).model_dump(mode="json")
            assert not any(isinstance(side.get("embeddings"), np.ndarray)
                           for side in (as_json["source"], as_json["target"]))
            assert response.json()["input_sha256"] == input_fingerprint(as_json)

    def test_encoded_summaries_give_the_same_metrics_as_lists(self, client: TestClient) -> None:
        rng = np.random.default_rng(3)
        xs, xt = rng.normal(size=(50, 6)), rng.normal(size=(60, 6)) + 0.2
        body = embeddings_request(form="summary")
        body["source"]["summary"], body["target"]["summary"] = summary_of(xs), summary_of(xt)
        encoded = json.loads(json.dumps(body))
        for side in ("source", "target"):
            encoded[side]["summary"] = encode_summary(encoded[side]["summary"])
            assert isinstance(encoded[side]["summary"]["covariance"], dict)
        plain, packed = client.post("/assess", json=body), client.post("/assess", json=encoded)
        assert plain.status_code == packed.status_code == 201, packed.text
        assert plain.json()["metrics"] == packed.json()["metrics"]


def test_invalid_json_is_still_a_problem_naming_the_body(client: TestClient) -> None:
    response = client.post("/assess", content=b'{"source": [1, 2',
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"
    assert "position" in response.json()["errors"][0]["message"]


class TestBase64:
    @given(st.binary(max_size=300))
    def test_decodes_as_the_standard_library(self, raw: bytes) -> None:
        text = base64.b64encode(raw).decode()
        assert b64decode_strict(text, "f") == raw

    @given(st.text(alphabet="AZaz09+/=-_ \n\u00e9", max_size=24))
    def test_refuses_what_the_strict_standard_decoder_refuses(self, text: str) -> None:
        try:
            expected: bytes | None = base64.b64decode(text.encode("utf-8"), validate=True)
        except (binascii.Error, ValueError):
            expected = None
        fields: list[str] = []
        try:
            got: bytes | None = b64decode_strict(text, "source.embeddings")
        except InvalidInput as exc:
            got, fields = None, [e.field for e in exc.errors]
        assert fields == ([] if got is not None else ["source.embeddings.data"])
        if expected is None or got is not None:
            assert got == expected
        else:  # refused beyond the standard: only padding after a complete group ("AAAA=")
            assert text.endswith("=")
            assert len(text.rstrip("=")) % 4 == 0

    def test_padding_after_a_complete_group_is_refused(self) -> None:
        with pytest.raises(InvalidInput, match="not valid base64"):
            b64decode_strict("AAAA=", "f")

    @pytest.mark.parametrize("dtype", ["float32", "float64"])
    def test_encoded_rows_decode_to_the_same_float64_values(self, dtype: str) -> None:
        x = np.random.default_rng(5).normal(size=(30, 7)) * 1e3
        rows = decode_matrix(EncodedMatrix.model_validate(b64_matrix(x, dtype)), "f")
        assert rows.dtype == np.float64
        assert rows.shape == (30, 7)
        np.testing.assert_array_equal(rows, x.astype(np.float32 if dtype == "float32" else np.float64))
