from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.policy import Policy
from ...models.problem import Problem
from typing import cast



def _get_kwargs(
    version: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/policies/{version}/activate".format(version=quote(str(version), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Policy | Problem:
    if response.status_code == 200:
        response_200 = Policy.from_dict(response.json())



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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

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
    version: str,
    *,
    client: AuthenticatedClient,

) -> Response[Policy | Problem]:
    """ Activate a policy version for this tenant

     Make `version` (shipped or the tenant's own) the one POST /assess and POST /rank decide
    with for this tenant; other tenants are untouched. Audited in the tenant's chain (who, when,
    which, instead of which).

    Needs an API key with the `admin` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        version (str): The policy version (`version` in GET /policies).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Policy | Problem]
     """


    kwargs = _get_kwargs(
        version=version,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    version: str,
    *,
    client: AuthenticatedClient,

) -> Policy | Problem | None:
    """ Activate a policy version for this tenant

     Make `version` (shipped or the tenant's own) the one POST /assess and POST /rank decide
    with for this tenant; other tenants are untouched. Audited in the tenant's chain (who, when,
    which, instead of which).

    Needs an API key with the `admin` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        version (str): The policy version (`version` in GET /policies).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Policy | Problem
     """


    return sync_detailed(
        version=version,
client=client,

    ).parsed

async def asyncio_detailed(
    version: str,
    *,
    client: AuthenticatedClient,

) -> Response[Policy | Problem]:
    """ Activate a policy version for this tenant

     Make `version` (shipped or the tenant's own) the one POST /assess and POST /rank decide
    with for this tenant; other tenants are untouched. Audited in the tenant's chain (who, when,
    which, instead of which).

    Needs an API key with the `admin` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        version (str): The policy version (`version` in GET /policies).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Policy | Problem]
     """


    kwargs = _get_kwargs(
        version=version,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    version: str,
    *,
    client: AuthenticatedClient,

) -> Policy | Problem | None:
    """ Activate a policy version for this tenant

     Make `version` (shipped or the tenant's own) the one POST /assess and POST /rank decide
    with for this tenant; other tenants are untouched. Audited in the tenant's chain (who, when,
    which, instead of which).

    Needs an API key with the `admin` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        version (str): The policy version (`version` in GET /policies).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Policy | Problem
     """


    return (await asyncio_detailed(
        version=version,
client=client,

    )).parsed
