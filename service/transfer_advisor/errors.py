"""Error classes raised below the HTTP layer; rendered as RFC 9457 problems by api/problems.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field, addressed by a dotted path (e.g. `source.embeddings.shape`)."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class AdvisorError(Exception):
    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal error"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        self.extra = extra or {}


class InvalidInput(AdvisorError):
    status, slug, title = 422, "invalid-input", "Input is not usable"

    @classmethod
    def at(cls, field: str, message: str) -> InvalidInput:
        """An InvalidInput naming one field: the common case."""
        return cls(f"{field}: {message}", errors=[FieldError(field, message)])


class UnknownExtractor(AdvisorError):
    status, slug, title = 422, "unknown-extractor", "Unknown extractor"


class ExtractorRejected(AdvisorError):
    status, slug, title = 422, "extractor-rejected", "Extractor model refused"


class ExtractorUnavailable(AdvisorError):
    status, slug, title = 503, "extractor-unavailable", "Extractor is not available"


class NotFound(AdvisorError):
    status, slug, title = 404, "not-found", "Not found"


class Unauthorized(AdvisorError):
    status, slug, title = 401, "unauthorized", "Missing or invalid API key"


class MissingScope(AdvisorError):
    status, slug, title = 403, "missing-scope", "API key lacks the required scope"


class IdempotencyConflict(AdvisorError):
    status, slug, title = 409, "idempotency-conflict", "Idempotency key reused with another body"


class Conflict(AdvisorError):
    status, slug, title = 409, "conflict", "Conflict"


class PayloadTooLarge(AdvisorError):
    status, slug, title = 413, "payload-too-large", "Request exceeds a configured limit"

    @classmethod
    def over(cls, field: str, what: str, limit: str, value: int | float) -> PayloadTooLarge:
        """`field` holds `what`, more than the setting `limit` (= `value`) allows.

        The problem names the field and the setting (`limit`, as in the environment variable
        TRANSFER_ADVISOR_<LIMIT>), so a client knows what to send less of and an operator what
        to raise.
        """
        message = f"{what} is over {limit}={value:g}"
        return cls(f"{field}: {message} (TRANSFER_ADVISOR_{limit.upper()})",
                   errors=[FieldError(field, message)], extra={"limit": limit})


class RateLimited(AdvisorError):
    status, slug, title = 429, "rate-limited", "Too many requests"


class TimeBudgetExceeded(AdvisorError):
    status, slug, title = 422, "time-budget-exceeded", "Metric work exceeded its time budget"


class DatabaseUnavailable(AdvisorError):
    status, slug, title = 503, "database-unavailable", "Database unavailable"
