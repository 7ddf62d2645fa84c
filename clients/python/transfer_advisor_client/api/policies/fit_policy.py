from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.policy import Policy
from ...models.policy_fit_request import PolicyFitRequest
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: None | PolicyFitRequest | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/policies/fit",
    }

    
    if isinstance(body, PolicyFitRequest):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Policy | Problem:
    if response.status_code == 201:
        response_201 = Policy.from_dict(response.json())



        return response_201

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Policy | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: None | PolicyFitRequest | Unset = UNSET,

) -> Response[Policy | Problem]:
    """ Fit a new policy version from the tenant's outcomes

     Fit a new version from the shipped calibration scenarios (unless `include_shipped` is
    false) and the tenant's outcomes, features recomputed from the metrics stored in each
    assessment. Stored, audited, and not active until activated; the same fit again returns the
    stored version. 422 (saying how many are needed) with outcomes on fewer than 10
    assessments.

    Needs an API key with the `admin` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        body (None | PolicyFitRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Policy | Problem]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: None | PolicyFitRequest | Unset = UNSET,

) -> Policy | Problem | None:
    """ Fit a new policy version from the tenant's outcomes

     Fit a new version from the shipped calibration scenarios (unless `include_shipped` is
    false) and the tenant's outcomes, features recomputed from the metrics stored in each
    assessment. Stored, audited, and not active until activated; the same fit again returns the
    stored version. 422 (saying how many are needed) with outcomes on fewer than 10
    assessments.

    Needs an API key with the `admin` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        body (None | PolicyFitRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Policy | Problem
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: None | PolicyFitRequest | Unset = UNSET,

) -> Response[Policy | Problem]:
    """ Fit a new policy version from the tenant's outcomes

     Fit a new version from the shipped calibration scenarios (unless `include_shipped` is
    false) and the tenant's outcomes, features recomputed from the metrics stored in each
    assessment. Stored, audited, and not active until activated; the same fit again returns the
    stored version. 422 (saying how many are needed) with outcomes on fewer than 10
    assessments.

    Needs an API key with the `admin` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        body (None | PolicyFitRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Policy | Problem]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: None | PolicyFitRequest | Unset = UNSET,

) -> Policy | Problem | None:
    """ Fit a new policy version from the tenant's outcomes

     Fit a new version from the shipped calibration scenarios (unless `include_shipped` is
    false) and the tenant's outcomes, features recomputed from the metrics stored in each
    assessment. Stored, audited, and not active until activated; the same fit again returns the
    stored version. 422 (saying how many are needed) with outcomes on fewer than 10
    assessments.

    Needs an API key with the `admin` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        body (None | PolicyFitRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Policy | Problem
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
