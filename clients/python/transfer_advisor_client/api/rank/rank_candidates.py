from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.rank_request import RankRequest
from ...models.ranking import Ranking
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: RankRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/rank",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Ranking:
    if response.status_code == 201:
        response_201 = Ranking.from_dict(response.json())



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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Ranking]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: RankRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[Problem | Ranking]:
    """ Rank candidate sources for one target

     Rank 2–16 candidate sources (extractors or source datasets) for one target, best first
    by expected gain (ties by transfer score), each assessed as POST /assess would with the
    tenant's active policy. The order reads the policy's heads on the features as measured (not
    clipped to the calibrated range), the source shift held equal in the gain when the target's
    labels measured the features; each item's last reason says what placed it, `separated_by`
    and `reasons` why the first beats the second.
    Stored in the tenant's hash chain (`Location` names it); the metric work runs in a worker
    thread.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        idempotency_key (None | str | Unset): Makes the POST safe to retry: the same key with the
            same body returns the same ranking before any work (nothing stored twice); with another
            body, 409.
        body (RankRequest): POST /rank: one target, 2–16 candidate sources, the task and the
            metric options.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Ranking]
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
    body: RankRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> Problem | Ranking | None:
    """ Rank candidate sources for one target

     Rank 2–16 candidate sources (extractors or source datasets) for one target, best first
    by expected gain (ties by transfer score), each assessed as POST /assess would with the
    tenant's active policy. The order reads the policy's heads on the features as measured (not
    clipped to the calibrated range), the source shift held equal in the gain when the target's
    labels measured the features; each item's last reason says what placed it, `separated_by`
    and `reasons` why the first beats the second.
    Stored in the tenant's hash chain (`Location` names it); the metric work runs in a worker
    thread.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        idempotency_key (None | str | Unset): Makes the POST safe to retry: the same key with the
            same body returns the same ranking before any work (nothing stored twice); with another
            body, 409.
        body (RankRequest): POST /rank: one target, 2–16 candidate sources, the task and the
            metric options.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Ranking
     """


    return sync_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: RankRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> Response[Problem | Ranking]:
    """ Rank candidate sources for one target

     Rank 2–16 candidate sources (extractors or source datasets) for one target, best first
    by expected gain (ties by transfer score), each assessed as POST /assess would with the
    tenant's active policy. The order reads the policy's heads on the features as measured (not
    clipped to the calibrated range), the source shift held equal in the gain when the target's
    labels measured the features; each item's last reason says what placed it, `separated_by`
    and `reasons` why the first beats the second.
    Stored in the tenant's hash chain (`Location` names it); the metric work runs in a worker
    thread.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        idempotency_key (None | str | Unset): Makes the POST safe to retry: the same key with the
            same body returns the same ranking before any work (nothing stored twice); with another
            body, 409.
        body (RankRequest): POST /rank: one target, 2–16 candidate sources, the task and the
            metric options.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Ranking]
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
    body: RankRequest,
    idempotency_key: None | str | Unset = UNSET,

) -> Problem | Ranking | None:
    """ Rank candidate sources for one target

     Rank 2–16 candidate sources (extractors or source datasets) for one target, best first
    by expected gain (ties by transfer score), each assessed as POST /assess would with the
    tenant's active policy. The order reads the policy's heads on the features as measured (not
    clipped to the calibrated range), the source shift held equal in the gain when the target's
    labels measured the features; each item's last reason says what placed it, `separated_by`
    and `reasons` why the first beats the second.
    Stored in the tenant's hash chain (`Location` names it); the metric work runs in a worker
    thread.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        idempotency_key (None | str | Unset): Makes the POST safe to retry: the same key with the
            same body returns the same ranking before any work (nothing stored twice); with another
            body, 409.
        body (RankRequest): POST /rank: one target, 2–16 candidate sources, the task and the
            metric options.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Ranking
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed
