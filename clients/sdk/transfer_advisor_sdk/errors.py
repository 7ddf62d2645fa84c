"""Typed errors for RFC 9457 problems: one class per status the service answers."""

from __future__ import annotations

import contextlib
import email.utils
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class FieldProblem:
    """One field at fault: a dotted path (`source.embeddings.shape`) and what is wrong."""

    field: str
    message: str


class ProblemError(Exception):
    """A problem+json answer (`type`, `title`, `status`, `detail`, `errors`), raised.

    `retry_after` holds the seconds the server asked to wait (429, 503), `request_id` the
    `X-Request-ID` that finds the request in the server's logs, `body` the whole problem.
    """

    status_code: ClassVar[int | None] = None

    def __init__(self, status: int, title: str, detail: str = "", *, type: str = "about:blank",
                 instance: str | None = None, errors: list[FieldProblem] | None = None,
                 limit: str | None = None, retry_after: float | None = None,
                 request_id: str | None = None, body: Mapping[str, Any] | None = None) -> None:
        self.status, self.title, self.detail, self.type = status, title, detail, type
        self.instance, self.errors, self.limit = instance, errors or [], limit
        self.retry_after, self.request_id = retry_after, request_id
        self.body: dict[str, Any] = dict(body or {})
        fields = f" [{', '.join(e.field for e in self.errors)}]" if self.errors else ""
        super().__init__(f"{status} {title}: {detail}{fields}")

    @property
    def fields(self) -> list[str]:
        """The dotted paths of the fields at fault."""
        return [e.field for e in self.errors]

    @classmethod
    def from_http(cls, status: int, headers: Mapping[str, str], content: bytes,
                  now: float | None = None) -> ProblemError:
        """The typed error for one HTTP answer (a problem+json body or anything else)."""
        body: dict[str, Any] = {}
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            parsed = json.loads(content)
            if isinstance(parsed, dict):
                body = parsed
        errors = [FieldProblem(str(e.get("field", "")), str(e.get("message", "")))
                  for e in body.get("errors", []) if isinstance(e, dict)]
        kind = STATUS_ERRORS.get(status, ServerError if status >= 500 else ProblemError)
        return kind(
            status, str(body.get("title", f"HTTP {status}")),
            str(body.get("detail", content[:500].decode("utf-8", "replace"))),
            type=str(body.get("type", "about:blank")), instance=body.get("instance"),
            errors=errors, limit=body.get("limit"),
            retry_after=parse_retry_after(headers.get("retry-after"), now),
            request_id=headers.get("x-request-id"), body=body)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class BadRequest(ProblemError):
    status_code = 400


class Unauthorized(ProblemError):
    """No API key, or an unknown or revoked one."""

    status_code = 401


class Forbidden(ProblemError):
    """The API key lacks the scope the operation needs."""

    status_code = 403


class NotFound(ProblemError):
    status_code = 404


class Conflict(ProblemError):
    """E.g. an Idempotency-Key reused with another body."""

    status_code = 409


class PayloadTooLarge(ProblemError):
    """Over a configured limit; `limit` names the setting."""

    status_code = 413


class InvalidInput(ProblemError):
    """The input is not usable; `errors` / `fields` name the fields."""

    status_code = 422


class RateLimited(ProblemError):
    status_code = 429


class ServerError(ProblemError):
    """Any 5xx."""


class ServiceUnavailable(ServerError):
    """Database or extractor unavailable; retry after `retry_after` seconds."""

    status_code = 503


STATUS_ERRORS: dict[int, type[ProblemError]] = {
    cls.status_code: cls for cls in (BadRequest, Unauthorized, Forbidden, NotFound, Conflict,
                                     PayloadTooLarge, InvalidInput, RateLimited,
                                     ServiceUnavailable) if cls.status_code is not None}
