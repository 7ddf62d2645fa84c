"""API keys: shown once, stored only as a SHA-256 hash, scoped and revocable."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ..db.models import ApiKey, utcnow
from ..domain.vocabulary import Scope
from ..errors import InvalidInput, NotFound

SCOPES = tuple(Scope)
KEY_PREFIX = "ta_"


def hash_key(key: str) -> str:
    # Keys are 256-bit random, so a fast unsalted hash is enough (no dictionary to attack).
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(sessions: sessionmaker[Session], tenant: str, scopes: Sequence[str]) -> tuple[str, str]:
    """Returns (key id, the key itself). The key is not recoverable afterwards."""
    bad = sorted(set(scopes) - set(SCOPES))
    if bad or not scopes:
        raise InvalidInput.at("scope", f"must be some of {list(SCOPES)}, got {list(scopes)}")
    if not tenant:
        raise InvalidInput.at("tenant", "must not be empty")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    key_id = uuid.uuid4().hex
    with sessions() as session:
        session.add(ApiKey(id=key_id, tenant=tenant, key_hash=hash_key(key),
                           scopes=" ".join(sorted(set(scopes))), created_at=utcnow()))
        session.commit()
    return key_id, key


def authenticate(sessions: sessionmaker[Session], key: str) -> ApiKey | None:
    with sessions() as session:
        row = session.scalars(select(ApiKey).where(ApiKey.key_hash == hash_key(key))).first()
        if row is None or row.revoked_at is not None:
            return None
        return row


def list_keys(sessions: sessionmaker[Session], tenant: str | None = None) -> list[ApiKey]:
    with sessions() as session:
        stmt = select(ApiKey).order_by(ApiKey.created_at)
        if tenant:
            stmt = stmt.where(ApiKey.tenant == tenant)
        return list(session.scalars(stmt).all())


def revoke_key(sessions: sessionmaker[Session], key_id: str) -> None:
    with sessions() as session:
        row = session.get(ApiKey, key_id)
        if row is None:
            raise NotFound(f"no API key with id {key_id!r}")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            session.commit()
