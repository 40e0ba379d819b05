"""The HTTP side every connector shares: access tokens, throttling, errors, shape checks.

A marketplace module says how to fetch an access token, how to present it, how its error body
reads and which response means "token expired"; this module does the rest once: it caches the
token until shortly before it expires, refreshes it once when the marketplace says it expired,
maps 429 to ``Throttled`` with the wait the marketplace asked for, 5xx and network failures to
``Unavailable``, and anything that is not JSON of the expected shape to ``Malformed``.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from domain.marketplaces.connectors.base import (
    AuthFailed,
    Malformed,
    MarketplaceError,
    Rejected,
    Throttled,
    Unavailable,
)

EARLY_REFRESH_SECONDS = 60
TIMEOUT = httpx.Timeout(20.0, connect=5.0)


@dataclass
class AccessToken:
    value: str
    expires_at: float

    @property
    def fresh(self) -> bool:
        return time.monotonic() < self.expires_at - EARLY_REFRESH_SECONDS


def expect(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    """``value`` if it has the documented type, else ``Malformed`` naming the field."""
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise Malformed(f"unexpected shape at {what}")
    return value


def json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise Malformed("response is not JSON", status=response.status_code) from None


class ApiSession(ABC):
    """Authenticated JSON calls to one marketplace API for one seller account."""

    def __init__(self, *, base_url: str, client: httpx.AsyncClient | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = client or httpx.AsyncClient(timeout=TIMEOUT)
        self._owns_client = client is None
        self._token: AccessToken | None = None

    @abstractmethod
    async def fetch_token(self, client: httpx.AsyncClient) -> AccessToken:
        """Exchange the long-lived credential for an access token."""

    @abstractmethod
    def auth_headers(self, token: str) -> dict[str, str]:
        """Headers that present the access token."""

    @abstractmethod
    def token_expired(self, response: httpx.Response) -> bool:
        """Whether the response says the access token is no longer valid."""

    @abstractmethod
    def error_codes(self, body: Any) -> list[str]:
        """The error codes of an error body (codes only: messages may echo values)."""

    def retry_after(self, response: httpx.Response) -> float | None:
        raw = response.headers.get("retry-after")
        try:
            return max(0.0, float(raw)) if raw is not None else None
        except ValueError:
            return None

    async def access_token(self, *, renew: bool = False) -> str:
        if renew or self._token is None or not self._token.fresh:
            self._token = await self.fetch_token(self._client)
        return self._token.value

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One call; a token the marketplace calls expired is renewed and the call made again,
        once."""
        for attempt in range(2):
            token = await self.access_token(renew=attempt > 0)
            response = await self.send(
                method,
                self.base_url + path,
                params=params,
                json=json,
                headers={**self.auth_headers(token), **(headers or {})},
            )
            if not self.token_expired(response):
                break
        else:
            raise AuthFailed("the marketplace refused a fresh access token", status=401)
        self.raise_for_status(response)
        return response

    async def send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._client.request(method, url, **kwargs)
        except httpx.TimeoutException:
            raise Unavailable("the marketplace did not answer in time") from None
        except httpx.TransportError as error:
            raise Unavailable(f"network failure: {type(error).__name__}") from None

    def raise_for_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        try:
            codes = self.error_codes(response.json())
        except (ValueError, Malformed, TypeError, KeyError):
            codes = []
        detail = f"HTTP {status}" + (f" ({', '.join(codes[:3])})" if codes else "")
        error: MarketplaceError
        if status == 429:
            error = Throttled(detail, retry_after=self.retry_after(response))
        elif status >= 500:
            error = Unavailable(detail, status=status)
        elif status in (401, 403):
            error = AuthFailed(detail, status=status)
        else:
            error = Rejected(detail, status=status)
        raise error

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()
