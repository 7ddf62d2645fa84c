from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.outcome import Outcome
from ...models.outcome_in import OutcomeIn
from ...models.problem import Problem
from typing import cast



def _get_kwargs(
    assessment_id: str,
    *,
    body: OutcomeIn,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/assessments/{assessment_id}/outcome".format(assessment_id=quote(str(assessment_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Outcome | Problem:
    if response.status_code == 201:
        response_201 = Outcome.from_dict(response.json())



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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Outcome | Problem]:
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
    body: OutcomeIn,

) -> Response[Outcome | Problem]:
    """ Report what was measured after acting on an assessment

     Store what the team measured after acting on this assessment (append-only, in the
    tenant's hash chain; several per assessment are allowed and the latest counts).

    Accuracies are in [0, 1]; `acc_scratch` and at least one transfer strategy are required.
    `Location` is the assessment, which lists its outcomes.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        assessment_id (str): The assessment's id (`id`).
        body (OutcomeIn): What the team measured on held-out target data after acting on the
            assessment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Outcome | Problem]
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
    body: OutcomeIn,

) -> Outcome | Problem | None:
    """ Report what was measured after acting on an assessment

     Store what the team measured after acting on this assessment (append-only, in the
    tenant's hash chain; several per assessment are allowed and the latest counts).

    Accuracies are in [0, 1]; `acc_scratch` and at least one transfer strategy are required.
    `Location` is the assessment, which lists its outcomes.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        assessment_id (str): The assessment's id (`id`).
        body (OutcomeIn): What the team measured on held-out target data after acting on the
            assessment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Outcome | Problem
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
    body: OutcomeIn,

) -> Response[Outcome | Problem]:
    """ Report what was measured after acting on an assessment

     Store what the team measured after acting on this assessment (append-only, in the
    tenant's hash chain; several per assessment are allowed and the latest counts).

    Accuracies are in [0, 1]; `acc_scratch` and at least one transfer strategy are required.
    `Location` is the assessment, which lists its outcomes.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        assessment_id (str): The assessment's id (`id`).
        body (OutcomeIn): What the team measured on held-out target data after acting on the
            assessment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Outcome | Problem]
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
    body: OutcomeIn,

) -> Outcome | Problem | None:
    """ Report what was measured after acting on an assessment

     Store what the team measured after acting on this assessment (append-only, in the
    tenant's hash chain; several per assessment are allowed and the latest counts).

    Accuracies are in [0, 1]; `acc_scratch` and at least one transfer strategy are required.
    `Location` is the assessment, which lists its outcomes.

    Needs an API key with the `assess` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        assessment_id (str): The assessment's id (`id`).
        body (OutcomeIn): What the team measured on held-out target data after acting on the
            assessment.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Outcome | Problem
     """


    return (await asyncio_detailed(
        assessment_id=assessment_id,
client=client,
body=body,

    )).parsed
