from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.policy_list import PolicyList
from ...models.problem import Problem
from typing import cast



def _get_kwargs(
    
) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/policies",
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PolicyList | Problem:
    if response.status_code == 200:
        response_200 = PolicyList.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())



        return response_503

    response_default = Problem.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PolicyList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,

) -> Response[PolicyList | Problem]:
    """ List the decision-policy versions this tenant can use

     The shipped policy versions and the tenant's own fits, oldest first; `active` marks the
    one POST /assess and POST /rank decide with, and `events` lists who fitted or activated
    each one when.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PolicyList | Problem]
     """


    kwargs = _get_kwargs(
        
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,

) -> PolicyList | Problem | None:
    """ List the decision-policy versions this tenant can use

     The shipped policy versions and the tenant's own fits, oldest first; `active` marks the
    one POST /assess and POST /rank decide with, and `events` lists who fitted or activated
    each one when.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PolicyList | Problem
     """


    return sync_detailed(
        client=client,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,

) -> Response[PolicyList | Problem]:
    """ List the decision-policy versions this tenant can use

     The shipped policy versions and the tenant's own fits, oldest first; `active` marks the
    one POST /assess and POST /rank decide with, and `events` lists who fitted or activated
    each one when.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PolicyList | Problem]
     """


    kwargs = _get_kwargs(
        
    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,

) -> PolicyList | Problem | None:
    """ List the decision-policy versions this tenant can use

     The shipped policy versions and the tenant's own fits, oldest first; `active` marks the
    one POST /assess and POST /rank decide with, and `events` lists who fitted or activated
    each one when.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PolicyList | Problem
     """


    return (await asyncio_detailed(
        client=client,

    )).parsed
