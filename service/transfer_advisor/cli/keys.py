"""`transfer-advisor keys create|list|revoke`: API keys, stored hashed."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..domain.vocabulary import Scope
from ..settings import Settings
from .common import EXIT_OK, add_command, open_database


def register(sub: Any) -> None:
    keys = add_command(sub, "keys", "API keys", description="Create, list or revoke API keys.")
    actions = keys.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = add_command(actions, "create", "print a new key (shown once, stored hashed)",
                         create_key)
    create.add_argument("--tenant", required=True)
    create.add_argument("--scope", action="append", choices=list(Scope))
    listing = add_command(actions, "list", "keys of one tenant (or all), never the secret",
                          list_keys)
    listing.add_argument("--tenant")
    revoke = add_command(actions, "revoke", "revoke a key by its id", revoke_key)
    revoke.add_argument("key_id")


def create_key(args: argparse.Namespace) -> int:
    from ..services import keys

    key_id, key = keys.create_key(open_database(Settings()), args.tenant, args.scope or [])
    print(f"created key {key_id} for tenant {args.tenant} (shown once):", file=sys.stderr)
    print(key)
    return EXIT_OK


def list_keys(args: argparse.Namespace) -> int:
    from ..services import keys

    for row in keys.list_keys(open_database(Settings()), args.tenant):
        state = "revoked" if row.revoked_at else "active"
        print(f"{row.id}\t{row.tenant}\t{row.scopes}\t{state}\t{row.created_at.isoformat()}")
    return EXIT_OK


def revoke_key(args: argparse.Namespace) -> int:
    from ..services import keys

    keys.revoke_key(open_database(Settings()), args.key_id)
    print(f"revoked {args.key_id}")
    return EXIT_OK
