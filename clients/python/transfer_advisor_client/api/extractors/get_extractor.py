from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.extractor_out import ExtractorOut
from ...models.problem import Problem
from typing import cast



def _get_kwargs(
    name: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/extractors/{name}".format(name=quote(str(name), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ExtractorOut | Problem:
    if response.status_code == 200:
        response_200 = ExtractorOut.from_dict(response.json())



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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ExtractorOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    *,
    client: AuthenticatedClient,

) -> Response[ExtractorOut | Problem]:
    """ Get one extractor

     A bundled, shared or this tenant's extractor: input spec, output dim, sha256, status.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        name (str): The extractor's name.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ExtractorOut | Problem]
     """


    kwargs = _get_kwargs(
        name=name,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    *,
    client: AuthenticatedClient,

) -> ExtractorOut | Problem | None:
    """ Get one extractor

     A bundled, shared or this tenant's extractor: input spec, output dim, sha256, status.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        name (str): The extractor's name.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ExtractorOut | Problem
     """


    return sync_detailed(
        name=name,
client=client,

    ).parsed

async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,

) -> Response[ExtractorOut | Problem]:
    """ Get one extractor

     A bundled, shared or this tenant's extractor: input spec, output dim, sha256, status.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        name (str): The extractor's name.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ExtractorOut | Problem]
     """


    kwargs = _get_kwargs(
        name=name,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,

) -> ExtractorOut | Problem | None:
    """ Get one extractor

     A bundled, shared or this tenant's extractor: input spec, output dim, sha256, status.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        name (str): The extractor's name.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ExtractorOut | Problem
     """


    return (await asyncio_detailed(
        name=name,
client=client,

    )).parsed
