from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.assess_request import AssessRequest
from ...models.assessment import Assessment
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: AssessRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/assess",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Assessment | Problem:
    if response.status_code == 201:
        response_201 = Assessment.from_dict(response.json())



        return response_201

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())



        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())



        return response_503

    response_default = Problem.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Assessment | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: AssessRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[Assessment | Problem]:
    """ Assess one source/target pair

     Compute the shift and transferability metrics, decide with the tenant's policy and store
    the record in the audit chain; the answer is the stored record (`Location` names it).

    Each side is embeddings (JSON or base64), a summary (count, mean, covariance) or raw
    `inputs` for the named `extractor`. The metric work runs in a worker thread.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        idempotency_key (None | str | Unset): Makes the POST safe to retry: the same key with the
            same body returns the same record (nothing stored twice); with another body, 409.
        body (AssessRequest): POST /assess: a source and a target dataset, the task, and options.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Assessment | Problem]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: AssessRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> Assessment | Problem | None:
    """ Assess one source/target pair

     Compute the shift and transferability metrics, decide with the tenant's policy and store
    the record in the audit chain; the answer is the stored record (`Location` names it).

    Each side is embeddings (JSON or base64), a summary (count, mean, covariance) or raw
    `inputs` for the named `extractor`. The metric work runs in a worker thread.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        idempotency_key (None | str | Unset): Makes the POST safe to retry: the same key with the
            same body returns the same record (nothing stored twice); with another body, 409.
        body (AssessRequest): POST /assess: a source and a target dataset, the task, and options.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Assessment | Problem
     """


    return sync_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: AssessRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[Assessment | Problem]:
    """ Assess one source/target pair

     Compute the shift and transferability metrics, decide with the tenant's policy and store
    the record in the audit chain; the answer is the stored record (`Location` names it).

    Each side is embeddings (JSON or base64), a summary (count, mean, covariance) or raw
    `inputs` for the named `extractor`. The metric work runs in a worker thread.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        idempotency_key (None | str | Unset): Makes the POST safe to retry: the same key with the
            same body returns the same record (nothing stored twice); with another body, 409.
        body (AssessRequest): POST /assess: a source and a target dataset, the task, and options.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Assessment | Problem]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: AssessRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> Assessment | Problem | None:
    """ Assess one source/target pair

     Compute the shift and transferability metrics, decide with the tenant's policy and store
    the record in the audit chain; the answer is the stored record (`Location` names it).

    Each side is embeddings (JSON or base64), a summary (count, mean, covariance) or raw
    `inputs` for the named `extractor`. The metric work runs in a worker thread.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        idempotency_key (None | str | Unset): Makes the POST safe to retry: the same key with the
            same body returns the same record (nothing stored twice); with another body, 409.
        body (AssessRequest): POST /assess: a source and a target dataset, the task, and options.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Assessment | Problem
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
