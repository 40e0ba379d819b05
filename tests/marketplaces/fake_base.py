"""What both fake marketplaces share: issued tokens, injected faults, a log of what was sent.

Faults are queued: ``throttle(2)`` makes the next two API calls answer 429, ``malform(1)`` the
next one answer something that is not JSON, ``fail(1)`` a 503; ``expire_tokens()`` makes every
access token issued so far expired. Every request (method, path, query, headers, body) is kept
in ``requests`` so tests can prove what left Mandi.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeState:
    refresh_tokens: set[str] = field(default_factory=set)
    access_tokens: dict[str, bool] = field(default_factory=dict)  # token -> still valid
    faults: deque[tuple[str, Any]] = field(default_factory=deque)
    requests: list[Seen] = field(default_factory=list)
    token_requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def throttle(self, times: int = 1, retry_after: float | None = None) -> None:
        self.faults.extend([("throttle", retry_after)] * times)

    def malform(self, times: int = 1, *, json_of_wrong_shape: bool = False) -> None:
        kind = "shape" if json_of_wrong_shape else "malform"
        self.faults.extend([(kind, None)] * times)

    def fail(self, times: int = 1) -> None:
        self.faults.extend([("fail", None)] * times)

    def expire_tokens(self) -> None:
        with self.lock:
            for token in self.access_tokens:
                self.access_tokens[token] = False

    def issue(self, prefix: str = "") -> str:
        token = prefix + secrets.token_urlsafe(16)
        with self.lock:
            self.token_requests += 1
            self.access_tokens[token] = True
        return token

    def sent(self, method: str | None = None, contains: str = "") -> list[Seen]:
        return [
            s
            for s in self.requests
            if (method is None or s.method == method) and contains in s.path
        ]

    def clear(self) -> None:
        self.faults.clear()
        self.requests.clear()


async def record(state: FakeState, request: Request) -> Seen:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw.decode(errors="replace")
    seen = Seen(
        method=request.method,
        path=request.url.path,
        query=dict(request.query_params),
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body,
    )
    state.requests.append(seen)
    return seen


def injected_fault(
    state: FakeState, throttled: Response, extra_headers: dict[str, str]
) -> Response | None:
    """The next queued fault as a response, if any."""
    if not state.faults:
        return None
    kind, retry_after = state.faults.popleft()
    if kind == "custom":
        return retry_after()  # type: ignore[operator]
    if kind == "throttle":
        if retry_after is not None:
            throttled.headers["retry-after"] = str(retry_after)
        return throttled
    if kind == "malform":
        return PlainTextResponse("<html>upstream proxy error</html>", headers=extra_headers)
    if kind == "shape":
        return JSONResponse({"payload": "unexpected", "orders": 7}, headers=extra_headers)
    return JSONResponse({"errors": []}, status_code=503, headers=extra_headers)


def reset(state: FakeState) -> None:
    """Forget everything (a fresh marketplace for the next test), keeping the same object."""
    state.__dict__.update(type(state)().__dict__)


async def form(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body (the token endpoints take one)."""
    return {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}


def refuse_next(state: FakeState, response_factory) -> None:
    """Answer the next API call with ``response_factory()`` (a hostile or odd marketplace)."""
    state.faults.append(("custom", response_factory))
