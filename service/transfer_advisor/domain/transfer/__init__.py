"""Transferability estimators on labeled target features."""
