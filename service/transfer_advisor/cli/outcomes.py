"""`transfer-advisor outcome` and `transfer-advisor policy fit|list|activate`.

    transfer-advisor outcome ID --scratch 0.71 --feature-extraction 0.78 [--fine-tune 0.80]
        [--test-size N] [--seeds N] [--notes TEXT] [--server URL] [--tenant T]
    transfer-advisor policy list|fit|activate VERSION [--no-shipped] [--server URL] [--tenant T]

With `--server` the request goes over HTTP (`--api-key` or $TRANSFER_ADVISOR_API_KEY); without
it the configured database is used directly, as the operator, for `--tenant` (default: the
configured default tenant). The answer is printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from ..settings import Settings
from .common import EXIT_OK, add_command, open_database

EXIT_CODES = ("exit codes: 0 done; 1 the service refused (the problem on stderr); 2 bad "
              "arguments or an unusable database")
EXIT_REFUSED = 1
CLI_ACTOR = "cli (operator)"


def _remote(args: argparse.Namespace, method: str, path: str,
            body: dict[str, Any] | None = None) -> tuple[int, Any]:
    import httpx

    headers = {"accept": "application/json"}
    if args.api_key:
        headers["authorization"] = f"Bearer {args.api_key}"
    try:
        with httpx.Client(base_url=args.server.rstrip("/"), timeout=args.timeout) as http:
            response = http.request(method, path, json=body, headers=headers)
    except httpx.HTTPError as exc:
        return 0, {"title": "Server unreachable", "detail": f"{args.server}: {exc}"}
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, {"detail": response.text[:500]}


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _print(status: int, payload: Any) -> int:
    if 200 <= status < 300:
        sys.stdout.write(json.dumps(payload, indent=2, sort_keys=True, default=_iso) + "\n")
        return EXIT_OK
    problem: dict[str, Any] = payload if isinstance(payload, dict) else {"detail": str(payload)}
    sys.stderr.write(f"error{f' {status}' if status else ''}: {problem.get('title', 'refused')}:"
                     f" {problem.get('detail', '')}\n")
    for e in problem.get("errors") or []:
        sys.stderr.write(f"  {e.get('field')}: {e.get('message')}\n")
    return EXIT_REFUSED


def _local(call: Any) -> int:
    """Run a use case on the configured database; its refusal is printed like a server's."""
    from ..errors import AdvisorError

    try:
        return _print(200, call())
    except AdvisorError as exc:
        return _print(exc.status, {"title": exc.title, "detail": exc.detail,
                                   "errors": [e.as_dict() for e in exc.errors]})


def _tenant(args: argparse.Namespace) -> str:
    return str(args.tenant or Settings().default_tenant)


def outcome(args: argparse.Namespace) -> int:
    body = {"acc_scratch": args.scratch, "acc_feature_extraction": args.feature_extraction,
            "acc_fine_tune": args.fine_tune, "test_size": args.test_size, "seeds": args.seeds,
            "notes": args.notes}
    if args.server:
        return _print(*_remote(args, "POST", f"/assessments/{args.assessment_id}/outcome", body))
    from pydantic import ValidationError

    from ..schemas.outcomes import OutcomeIn
    from ..services import outcomes

    try:
        checked = OutcomeIn.model_validate(body).model_dump(mode="json")
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        return _print(422, {"title": "Input is not usable", "detail": f"invalid: {fields}"})
    sessions = open_database(Settings())
    return _local(lambda: outcomes.outcome_wire(outcomes.record_outcome(
        sessions, _tenant(args), args.assessment_id, checked)))


def policy_list(args: argparse.Namespace) -> int:
    if args.server:
        return _print(*_remote(args, "GET", "/policies"))
    from ..services import policies

    def listing() -> dict[str, Any]:
        items, active = policies.list_policies(open_database(Settings()), _tenant(args))
        return {"items": [p.as_wire() for p in items], "active_version": active}

    return _local(listing)


def policy_fit(args: argparse.Namespace) -> int:
    body = {"include_shipped": not args.no_shipped}
    if args.server:
        return _print(*_remote(args, "POST", "/policies/fit", body))
    from ..services import policy_fit as fit

    return _local(lambda: fit.fit(open_database(Settings()), _tenant(args), CLI_ACTOR,
                                  body["include_shipped"]).as_wire())


def policy_activate(args: argparse.Namespace) -> int:
    if args.server:
        return _print(*_remote(args, "POST", f"/policies/{args.version}/activate"))
    from ..services import policies

    return _local(lambda: policies.activate(open_database(Settings()), _tenant(args),
                                            args.version, CLI_ACTOR).as_wire())


def _connection(p: argparse.ArgumentParser) -> None:
    p.add_argument("--server", help="base URL of a running service; default: the configured "
                                    "database, directly")
    p.add_argument("--api-key", default=os.environ.get("TRANSFER_ADVISOR_API_KEY"),
                   help="Bearer key for --server (default: $TRANSFER_ADVISOR_API_KEY)")
    p.add_argument("--tenant", help="without --server: whose records (default: the configured "
                                    "default tenant)")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds, with --server")


def _accuracy(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text} is not an accuracy in [0, 1]")
    return value


def register(sub: Any) -> None:
    p = add_command(sub, "outcome", "record what was measured after acting on an assessment",
                    outcome, description=__doc__, epilog=EXIT_CODES)
    p.add_argument("assessment_id", metavar="ID")
    p.add_argument("--scratch", type=_accuracy, required=True, help="accuracy from scratch")
    p.add_argument("--feature-extraction", type=_accuracy, help="accuracy, frozen features")
    p.add_argument("--fine-tune", type=_accuracy, help="accuracy, fine-tuned")
    p.add_argument("--test-size", type=int)
    p.add_argument("--seeds", type=int)
    p.add_argument("--notes")
    _connection(p)

    pol = add_command(sub, "policy", "decision-policy versions: list, fit, activate",
                      description=__doc__, epilog=EXIT_CODES)
    actions = pol.add_subparsers(dest="action", required=True, metavar="ACTION")
    _connection(add_command(actions, "list", "shipped and own policy versions", policy_list,
                            epilog=EXIT_CODES))
    fit = add_command(actions, "fit", "fit a new version from the shipped scenarios and the "
                      "tenant's outcomes (not active until activated)", policy_fit,
                      epilog=EXIT_CODES)
    fit.add_argument("--no-shipped", action="store_true",
                     help="fit on the tenant's outcomes only")
    _connection(fit)
    act = add_command(actions, "activate", "make VERSION the tenant's policy", policy_activate,
                      epilog=EXIT_CODES)
    act.add_argument("version", metavar="VERSION")
    _connection(act)
