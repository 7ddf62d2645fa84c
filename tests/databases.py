"""Helpers for tests that share one PostgreSQL database."""

from __future__ import annotations

from sqlalchemy import create_engine, text


def forget_registered_extractors(url: str) -> None:
    """Extractor rows (shared ones, and every tenant's, which /readyz checks) outlive a test on
    the shared database while their files live in each test's own data dir, so a registration
    left by an earlier test would point at a file this test cannot see (and make /readyz report
    it). Start each test with an empty registry."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if conn.dialect.has_table(conn, "extractor"):
                conn.execute(text("DELETE FROM extractor"))
    finally:
        engine.dispose()
