"""Pydantic wire models that mirror the public contract; no FastAPI or SQLAlchemy here."""
