"""ASGI middleware that refuses bodies over the configured size with 413, before parsing.

A declared Content-Length over the limit is refused before the body is read; a chunked body is
counted as it streams and refused at the first byte over the limit.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import PayloadTooLarge
from .problems import ProblemInTransit, send_problem


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self, size: str) -> PayloadTooLarge:
        return PayloadTooLarge.over("body", size, "max_body_bytes", self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await send_problem(send, self._too_large(f"{int(declared)} bytes"),
                               scope.get("path", ""))
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # An HTTPException passes FastAPI's body parsing unchanged (anything else
                    # becomes a 400), so the problem handler renders the 413.
                    raise ProblemInTransit(self._too_large(f"at least {received} bytes"))
            return message

        await self.app(scope, counting_receive, send)
