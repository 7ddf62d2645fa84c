from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.replay import Replay
from ...models.replay_request import ReplayRequest
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    assessment_id: str,
    *,
    body: None | ReplayRequest | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/assessments/{assessment_id}/replay".format(assessment_id=quote(str(assessment_id), safe=""),),
    }

    
    if isinstance(body, ReplayRequest):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | Replay:
    if response.status_code == 201:
        response_201 = Replay.from_dict(response.json())



        return response_201

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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | Replay]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    assessment_id: str,
    *,
    client: AuthenticatedClient,
    body: None | ReplayRequest | Unset = UNSET,

) -> Response[Problem | Replay]:
    """ Replay an assessment under the active or a named policy

     Run the stored evidence through a policy: `policy_version` (shipped or the tenant's own
    fit; a shadow evaluation before activating it), by default the tenant's active one. The
    result is stored as a new record with `replay_of` = this id (the original is never
    modified), and the answer says what changed.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        assessment_id (str): The assessment's id (`id`).
        body (None | ReplayRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Replay]
     """


    kwargs = _get_kwargs(
        assessment_id=assessment_id,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    assessment_id: str,
    *,
    client: AuthenticatedClient,
    body: None | ReplayRequest | Unset = UNSET,

) -> Problem | Replay | None:
    """ Replay an assessment under the active or a named policy

     Run the stored evidence through a policy: `policy_version` (shipped or the tenant's own
    fit; a shadow evaluation before activating it), by default the tenant's active one. The
    result is stored as a new record with `replay_of` = this id (the original is never
    modified), and the answer says what changed.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        assessment_id (str): The assessment's id (`id`).
        body (None | ReplayRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Replay
     """


    return sync_detailed(
        assessment_id=assessment_id,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    assessment_id: str,
    *,
    client: AuthenticatedClient,
    body: None | ReplayRequest | Unset = UNSET,

) -> Response[Problem | Replay]:
    """ Replay an assessment under the active or a named policy

     Run the stored evidence through a policy: `policy_version` (shipped or the tenant's own
    fit; a shadow evaluation before activating it), by default the tenant's active one. The
    result is stored as a new record with `replay_of` = this id (the original is never
    modified), and the answer says what changed.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        assessment_id (str): The assessment's id (`id`).
        body (None | ReplayRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Replay]
     """


    kwargs = _get_kwargs(
        assessment_id=assessment_id,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    assessment_id: str,
    *,
    client: AuthenticatedClient,
    body: None | ReplayRequest | Unset = UNSET,

) -> Problem | Replay | None:
    """ Replay an assessment under the active or a named policy

     Run the stored evidence through a policy: `policy_version` (shipped or the tenant's own
    fit; a shadow evaluation before activating it), by default the tenant's active one. The
    result is stored as a new record with `replay_of` = this id (the original is never
    modified), and the answer says what changed.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        assessment_id (str): The assessment's id (`id`).
        body (None | ReplayRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Replay
     """


    return (await asyncio_detailed(
        assessment_id=assessment_id,
client=client,
body=body,

    )).parsed
