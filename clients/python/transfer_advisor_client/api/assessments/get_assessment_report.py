from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from typing import cast



def _get_kwargs(
    assessment_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/assessments/{assessment_id}/report".format(assessment_id=quote(str(assessment_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | str:
    if response.status_code == 200:
        response_200 = response.text
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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | str]:
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

) -> Response[Problem | str]:
    """ Render one assessment as a self-contained HTML report

     Decision, reasons, expected gain, every metric with what it means, the omitted metrics
    and the shift plots (inline SVG), for a review or a ticket. Its Content-Security-Policy
    lets the page load nothing from anywhere.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        assessment_id (str): The assessment's id (`id`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
     """


    kwargs = _get_kwargs(
        assessment_id=assessment_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    assessment_id: str,
    *,
    client: AuthenticatedClient,

) -> Problem | str | None:
    """ Render one assessment as a self-contained HTML report

     Decision, reasons, expected gain, every metric with what it means, the omitted metrics
    and the shift plots (inline SVG), for a review or a ticket. Its Content-Security-Policy
    lets the page load nothing from anywhere.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        assessment_id (str): The assessment's id (`id`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
     """


    return sync_detailed(
        assessment_id=assessment_id,
client=client,

    ).parsed

async def asyncio_detailed(
    assessment_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[Problem | str]:
    """ Render one assessment as a self-contained HTML report

     Decision, reasons, expected gain, every metric with what it means, the omitted metrics
    and the shift plots (inline SVG), for a review or a ticket. Its Content-Security-Policy
    lets the page load nothing from anywhere.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        assessment_id (str): The assessment's id (`id`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | str]
     """


    kwargs = _get_kwargs(
        assessment_id=assessment_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    assessment_id: str,
    *,
    client: AuthenticatedClient,

) -> Problem | str | None:
    """ Render one assessment as a self-contained HTML report

     Decision, reasons, expected gain, every metric with what it means, the omitted metrics
    and the shift plots (inline SVG), for a review or a ticket. Its Content-Security-Policy
    lets the page load nothing from anywhere.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        assessment_id (str): The assessment's id (`id`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | str
     """


    return (await asyncio_detailed(
        assessment_id=assessment_id,
client=client,

    )).parsed
