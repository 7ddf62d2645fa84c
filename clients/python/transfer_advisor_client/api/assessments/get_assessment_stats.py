from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.assessment_stats import AssessmentStats
from ...models.get_assessment_stats_bucket import check_get_assessment_stats_bucket
from ...models.get_assessment_stats_bucket import GetAssessmentStatsBucket
from ...models.problem import Problem
from ...models.risk import check_risk
from ...models.risk import Risk
from ...models.strategy import check_strategy
from ...models.strategy import Strategy
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    *,
    bucket: GetAssessmentStatsBucket | Unset = 'day',
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    source_name: None | str | Unset = UNSET,
    target_name: None | str | Unset = UNSET,
    strategy: None | Strategy | Unset = UNSET,
    extractor: None | str | Unset = UNSET,
    negative_transfer_risk: None | Risk | Unset = UNSET,
    policy_version: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_bucket: str | Unset = UNSET
    if not isinstance(bucket, Unset):
        json_bucket = bucket

    params["bucket"] = json_bucket

    json_since: None | str | Unset
    if isinstance(since, Unset):
        json_since = UNSET
    elif isinstance(since, datetime.datetime):
        json_since = since.isoformat()
    else:
        json_since = since
    params["since"] = json_since

    json_until: None | str | Unset
    if isinstance(until, Unset):
        json_until = UNSET
    elif isinstance(until, datetime.datetime):
        json_until = until.isoformat()
    else:
        json_until = until
    params["until"] = json_until

    json_source_name: None | str | Unset
    if isinstance(source_name, Unset):
        json_source_name = UNSET
    else:
        json_source_name = source_name
    params["source_name"] = json_source_name

    json_target_name: None | str | Unset
    if isinstance(target_name, Unset):
        json_target_name = UNSET
    else:
        json_target_name = target_name
    params["target_name"] = json_target_name

    json_strategy: None | str | Unset
    if isinstance(strategy, Unset):
        json_strategy = UNSET
    elif isinstance(strategy, str):
        json_strategy = strategy
    else:
        json_strategy = strategy
    params["strategy"] = json_strategy

    json_extractor: None | str | Unset
    if isinstance(extractor, Unset):
        json_extractor = UNSET
    else:
        json_extractor = extractor
    params["extractor"] = json_extractor

    json_negative_transfer_risk: None | str | Unset
    if isinstance(negative_transfer_risk, Unset):
        json_negative_transfer_risk = UNSET
    elif isinstance(negative_transfer_risk, str):
        json_negative_transfer_risk = negative_transfer_risk
    else:
        json_negative_transfer_risk = negative_transfer_risk
    params["negative_transfer_risk"] = json_negative_transfer_risk

    json_policy_version: None | str | Unset
    if isinstance(policy_version, Unset):
        json_policy_version = UNSET
    else:
        json_policy_version = policy_version
    params["policy_version"] = json_policy_version


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/assessments/stats",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AssessmentStats | Problem:
    if response.status_code == 200:
        response_200 = AssessmentStats.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AssessmentStats | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    bucket: GetAssessmentStatsBucket | Unset = 'day',
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    source_name: None | str | Unset = UNSET,
    target_name: None | str | Unset = UNSET,
    strategy: None | Strategy | Unset = UNSET,
    extractor: None | str | Unset = UNSET,
    negative_transfer_risk: None | Risk | Unset = UNSET,
    policy_version: None | str | Unset = UNSET,

) -> Response[AssessmentStats | Problem]:
    """ Count assessments per strategy per time bucket

     Counts per strategy per UTC bucket (weeks start on Monday), with the history filters.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        bucket (GetAssessmentStatsBucket | Unset): Bucket width (UTC; weeks start on Monday).
            Default: 'day'.
        since (datetime.datetime | None | Unset): ISO 8601, inclusive; naive = UTC
        until (datetime.datetime | None | Unset): ISO 8601, exclusive; naive = UTC
        source_name (None | str | Unset): Only records whose source dataset name is this.
        target_name (None | str | Unset): Only records whose target dataset name is this.
        strategy (None | Strategy | Unset): Only records with this recommended strategy.
        extractor (None | str | Unset): Only records whose extractor (name used for raw inputs) is
            this.
        negative_transfer_risk (None | Risk | Unset): Only records with this negative-transfer
            risk.
        policy_version (None | str | Unset): Only records decided under this policy version (GET
            /policies).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AssessmentStats | Problem]
     """


    kwargs = _get_kwargs(
        bucket=bucket,
since=since,
until=until,
source_name=source_name,
target_name=target_name,
strategy=strategy,
extractor=extractor,
negative_transfer_risk=negative_transfer_risk,
policy_version=policy_version,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    bucket: GetAssessmentStatsBucket | Unset = 'day',
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    source_name: None | str | Unset = UNSET,
    target_name: None | str | Unset = UNSET,
    strategy: None | Strategy | Unset = UNSET,
    extractor: None | str | Unset = UNSET,
    negative_transfer_risk: None | Risk | Unset = UNSET,
    policy_version: None | str | Unset = UNSET,

) -> AssessmentStats | Problem | None:
    """ Count assessments per strategy per time bucket

     Counts per strategy per UTC bucket (weeks start on Monday), with the history filters.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        bucket (GetAssessmentStatsBucket | Unset): Bucket width (UTC; weeks start on Monday).
            Default: 'day'.
        since (datetime.datetime | None | Unset): ISO 8601, inclusive; naive = UTC
        until (datetime.datetime | None | Unset): ISO 8601, exclusive; naive = UTC
        source_name (None | str | Unset): Only records whose source dataset name is this.
        target_name (None | str | Unset): Only records whose target dataset name is this.
        strategy (None | Strategy | Unset): Only records with this recommended strategy.
        extractor (None | str | Unset): Only records whose extractor (name used for raw inputs) is
            this.
        negative_transfer_risk (None | Risk | Unset): Only records with this negative-transfer
            risk.
        policy_version (None | str | Unset): Only records decided under this policy version (GET
            /policies).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AssessmentStats | Problem
     """


    return sync_detailed(
        client=client,
bucket=bucket,
since=since,
until=until,
source_name=source_name,
target_name=target_name,
strategy=strategy,
extractor=extractor,
negative_transfer_risk=negative_transfer_risk,
policy_version=policy_version,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    bucket: GetAssessmentStatsBucket | Unset = 'day',
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    source_name: None | str | Unset = UNSET,
    target_name: None | str | Unset = UNSET,
    strategy: None | Strategy | Unset = UNSET,
    extractor: None | str | Unset = UNSET,
    negative_transfer_risk: None | Risk | Unset = UNSET,
    policy_version: None | str | Unset = UNSET,

) -> Response[AssessmentStats | Problem]:
    """ Count assessments per strategy per time bucket

     Counts per strategy per UTC bucket (weeks start on Monday), with the history filters.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        bucket (GetAssessmentStatsBucket | Unset): Bucket width (UTC; weeks start on Monday).
            Default: 'day'.
        since (datetime.datetime | None | Unset): ISO 8601, inclusive; naive = UTC
        until (datetime.datetime | None | Unset): ISO 8601, exclusive; naive = UTC
        source_name (None | str | Unset): Only records whose source dataset name is this.
        target_name (None | str | Unset): Only records whose target dataset name is this.
        strategy (None | Strategy | Unset): Only records with this recommended strategy.
        extractor (None | str | Unset): Only records whose extractor (name used for raw inputs) is
            this.
        negative_transfer_risk (None | Risk | Unset): Only records with this negative-transfer
            risk.
        policy_version (None | str | Unset): Only records decided under this policy version (GET
            /policies).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AssessmentStats | Problem]
     """


    kwargs = _get_kwargs(
        bucket=bucket,
since=since,
until=until,
source_name=source_name,
target_name=target_name,
strategy=strategy,
extractor=extractor,
negative_transfer_risk=negative_transfer_risk,
policy_version=policy_version,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    bucket: GetAssessmentStatsBucket | Unset = 'day',
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    source_name: None | str | Unset = UNSET,
    target_name: None | str | Unset = UNSET,
    strategy: None | Strategy | Unset = UNSET,
    extractor: None | str | Unset = UNSET,
    negative_transfer_risk: None | Risk | Unset = UNSET,
    policy_version: None | str | Unset = UNSET,

) -> AssessmentStats | Problem | None:
    """ Count assessments per strategy per time bucket

     Counts per strategy per UTC bucket (weeks start on Monday), with the history filters.

    Needs an API key with the `read` scope (`Authorization: Bearer <key>`; not needed when the server
    runs with auth disabled on loopback).

    Args:
        bucket (GetAssessmentStatsBucket | Unset): Bucket width (UTC; weeks start on Monday).
            Default: 'day'.
        since (datetime.datetime | None | Unset): ISO 8601, inclusive; naive = UTC
        until (datetime.datetime | None | Unset): ISO 8601, exclusive; naive = UTC
        source_name (None | str | Unset): Only records whose source dataset name is this.
        target_name (None | str | Unset): Only records whose target dataset name is this.
        strategy (None | Strategy | Unset): Only records with this recommended strategy.
        extractor (None | str | Unset): Only records whose extractor (name used for raw inputs) is
            this.
        negative_transfer_risk (None | Risk | Unset): Only records with this negative-transfer
            risk.
        policy_version (None | str | Unset): Only records decided under this policy version (GET
            /policies).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AssessmentStats | Problem
     """


    return (await asyncio_detailed(
        client=client,
bucket=bucket,
since=since,
until=until,
source_name=source_name,
target_name=target_name,
strategy=strategy,
extractor=extractor,
negative_transfer_risk=negative_transfer_risk,
policy_version=policy_version,

    )).parsed
