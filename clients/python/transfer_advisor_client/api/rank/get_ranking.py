from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.ranking import Ranking
from typing import cast



def _get_kwargs(
    ranking_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/rankings/{ranking_id}".format(ranking_id=quote(str(ranking_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Ranking:
    if response.status_code == 200:
        response_200 = Ranking.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

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
    ranking_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[Problem | Ranking]:
    """ Get one stored ranking

     One of the tenant's stored rankings (another tenant's id is a 404).

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        ranking_id (str): The ranking's id (`id`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Ranking]
     """


    kwargs = _get_kwargs(
        ranking_id=ranking_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    ranking_id: str,
    *,
    client: AuthenticatedClient,

) -> Problem | Ranking | None:
    """ Get one stored ranking

     One of the tenant's stored rankings (another tenant's id is a 404).

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        ranking_id (str): The ranking's id (`id`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Ranking
     """


    return sync_detailed(
        ranking_id=ranking_id,
client=client,

    ).parsed

async def asyncio_detailed(
    ranking_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[Problem | Ranking]:
    """ Get one stored ranking

     One of the tenant's stored rankings (another tenant's id is a 404).

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        ranking_id (str): The ranking's id (`id`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Ranking]
     """


    kwargs = _get_kwargs(
        ranking_id=ranking_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    ranking_id: str,
    *,
    client: AuthenticatedClient,

) -> Problem | Ranking | None:
    """ Get one stored ranking

     One of the tenant's stored rankings (another tenant's id is a 404).

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        ranking_id (str): The ranking's id (`id`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Ranking
     """


    return (await asyncio_detailed(
        ranking_id=ranking_id,
client=client,

    )).parsed
