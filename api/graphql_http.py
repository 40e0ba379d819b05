"""GraphQL over HTTP at /graphql, as the GraphQL-over-HTTP spec asks.

- ``POST`` with ``Content-Type: application/json`` (anything else: 415) and ``GET`` with the
  parameters in the query string (queries only: a mutation over GET is 405 with ``Allow: POST``);
  other methods 405. GraphiQL on a browser's GET in development.
- The answer is ``application/graphql-response+json`` when the client accepts it
  (``api.media_types``). A request that never ran (it does not parse or validate, its variables do
  not coerce, it names no single operation, it is over a limit) answers 400 under that type, with
  no ``data``; under ``application/json`` it answers 200 with ``"data": null``, as before.
- A malformed request (not JSON, NaN or a number beyond a double in it, a parameter of the
  wrong type, no query) is 400 under both.
- A JSON array (a batch) is refused: 400 ``BATCHING_NOT_SUPPORTED``. Cost limits, rate limits,
  idempotency keys and the audit flush all count one operation per request; a batch would
  multiply each by its length.
- Automatic persisted queries and the document allow-list: ``api.persisted_queries``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import process_result
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from api.context import RequestContext, from_scope
from api.error_codes import Code, Phase, Refused
from api.http_errors import error_body
from api.json_numbers import NumberOutOfRange, read_float
from api.media_types import GRAPHQL_RESPONSE_JSON, JSON, negotiate
from api.persisted_queries import PersistedQueries
from api.schema import schema
from domain.accounts.throttle import LoginThrottle
from domain.settings import Settings

ALLOWED_METHODS = "GET, POST"
_METHOD_OPERATIONS = {
    "GET": {OperationType.QUERY},
    "POST": {OperationType.QUERY, OperationType.MUTATION},
}


@dataclass(frozen=True)
class Params:
    query: str | None
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None


# JSON nested deeper than this is refused as a bad request: every later step that walks the
# variables recursively (the NUL check, graphql-core's coercion) overflowed Python's stack at a
# few hundred levels, an INTERNAL_SERVER_ERROR; no real variables nest a tenth as deep.
MAX_JSON_DEPTH = 64


def _not_a_number(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")  # json.loads accepts NaN and Infinity


def _depth(value: Any) -> int:
    """How deep ``value`` nests (iteratively: no recursion on input)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_JSON_DEPTH:
                children = item.values() if isinstance(item, dict) else item
                stack.extend((child, level + 1) for child in children)
    return deepest


def _json(text: str | bytes, what: str) -> Any:
    try:
        value = json.loads(text, parse_constant=_not_a_number, parse_float=read_float)
    except NumberOutOfRange:
        raise Refused(Code.BAD_REQUEST, f"{what} holds a number beyond 1.8e308") from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Refused(Code.BAD_REQUEST, f"{what} is not JSON") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise Refused(Code.BAD_REQUEST, f"{what} nests deeper than {MAX_JSON_DEPTH} levels")
    return value


def _params(data: Any) -> Params:
    if isinstance(data, list):
        raise Refused(
            Code.BATCHING_NOT_SUPPORTED,
            "batched operations are not supported: send one operation per request",
        )
    if not isinstance(data, dict):
        raise Refused(Code.BAD_REQUEST, "the body must be a JSON object")
    checks = (
        ("query", str, "a string"),
        ("operationName", str, "a string"),
        ("variables", dict, "an object"),
        ("extensions", dict, "an object"),
    )
    for name, kind, what in checks:
        value = data.get(name)
        if value is not None and not isinstance(value, kind):
            raise Refused(Code.BAD_REQUEST, f"{name} must be {what} or null")
    return Params(
        query=data.get("query"),
        operation_name=data.get("operationName"),
        variables=data.get("variables"),
        extensions=data.get("extensions"),
    )


async def read_params(request: Request) -> Params:
    """The request's GraphQL parameters, or ``Refused`` saying why they cannot be read."""
    if request.method == "GET":
        data: dict[str, Any] = dict(request.query_params)
        for name in ("variables", "extensions"):
            if data.get(name):
                data[name] = _json(data[name], name)
            elif name in data:
                data[name] = None
        return _params(data)
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != JSON:
        raise Refused(
            Code.UNSUPPORTED_MEDIA_TYPE, "send the operation as application/json", status=415
        )
    body = await request.body()
    if not body.strip():
        raise Refused(Code.BAD_REQUEST, "the request has no body")
    return _params(_json(body, "the body"))


def _wants_ide(request: Request) -> bool:
    """A browser opening /graphql: GET, text/html, no operation in the query string."""
    params = request.query_params
    return (
        request.method == "GET"
        and "text/html" in request.headers.get("accept", "")
        and not params.get("query")
        and not params.get("extensions")
    )


def _not_run(result: ExecutionResult) -> bool:
    """True when no resolver ran: no data, and no error belongs to a field (none has a path)."""
    return result.data is None and all(error.path is None for error in result.errors or ())


# A request that did not run because of its Idempotency-Key is no bad request: the key was
# applied already (409, as for a conflicting state), or it came with another operation (422, as
# the IETF Idempotency-Key draft answers a key reused with another payload).
_NOT_RUN_STATUS: dict[frozenset[str | None], int] = {
    frozenset({Code.INTERNAL_SERVER_ERROR}): 500,
    frozenset({Code.ALREADY_APPLIED}): 409,
    frozenset({Code.IDEMPOTENCY_KEY_REUSED}): 422,
}


def _not_run_status(codes: set[str | None]) -> int:
    return _NOT_RUN_STATUS.get(frozenset(codes), 400)


def _codes(result: ExecutionResult) -> set[str | None]:
    return {(error.extensions or {}).get("code") for error in result.errors or ()}


def _failed_before_execution(result: ExecutionResult) -> bool:
    """True when the document did not parse or validate (it is not worth keeping)."""
    phases = {Phase.PARSE, Phase.VALIDATE}
    return any(
        code is not None and code in Code.__members__ and Code[code].phase in phases
        for code in _codes(result)
    )


class MandiGraphQL(GraphQL):
    """Strawberry's ASGI view for GraphiQL and error hooks, with Mandi's HTTP handling."""

    def __init__(
        self, settings: Settings, throttle: LoginThrottle, persisted: PersistedQueries
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.is_development else None,
            allow_queries_via_get=True,
        )
        self.settings = settings
        self.throttle = throttle
        self.persisted = persisted

    async def get_context(self, request: Request, response: Response) -> RequestContext:  # type: ignore[override]
        return from_scope(request, response, self.settings, self.throttle)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        media_type = negotiate(request.headers.get("accept"))
        try:
            response = await self.answer(request, media_type)
        except Refused as refused:
            response = self.refusal(refused, media_type, scope)
        await response(scope, receive, send)

    def refusal(self, refused: Refused, media_type: str, scope: Scope) -> Response:
        status = refused.json_status if media_type == JSON else refused.status
        return Response(
            error_body(scope, refused.code, refused.message, media_type),
            status_code=status,
            media_type=media_type,
            headers=refused.headers,
        )

    async def answer(self, request: Request, media_type: str) -> Response:
        method = request.method
        if method not in _METHOD_OPERATIONS:
            raise Refused(
                Code.METHOD_NOT_ALLOWED,
                "use GET or POST",
                status=405,
                headers={"Allow": ALLOWED_METHODS},
            )
        if self.graphql_ide and _wants_ide(request):
            return await self.render_graphql_ide(request)
        params = await read_params(request)
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, response=sub_response)
        query, register = await self.persisted.resolve(
            params.query, params.extensions, context.principal
        )
        if not query:
            raise Refused(Code.BAD_REQUEST, "the request has no query")
        try:
            result = await self.execute(request, params, query, context)
        finally:
            context.release()
        if register and not _failed_before_execution(result):
            await self.persisted.register(register, query)
        return self.respond(result, sub_response, media_type)

    async def execute(
        self, request: Request, params: Params, query: str, context: RequestContext
    ) -> ExecutionResult:
        try:
            return await self.schema.execute(
                query,
                variable_values=params.variables,
                context_value=context,
                operation_name=params.operation_name,
                allowed_operation_types=_METHOD_OPERATIONS[request.method],
                operation_extensions=params.extensions,
            )
        except InvalidOperationTypeError as error:
            if request.method == "GET" and error.operation_type is OperationType.MUTATION:
                raise Refused(
                    Code.METHOD_NOT_ALLOWED,
                    "mutations are not allowed over GET: POST them",
                    status=405,
                    headers={"Allow": "POST"},
                ) from None
            if error.operation_type is OperationType.SUBSCRIPTION:  # the schema has none
                raise Refused(
                    Code.GRAPHQL_VALIDATION_FAILED, "this API has no subscriptions", json_status=200
                ) from None
            reason = error.as_http_error_reason(request.method)
            raise Refused(Code.BAD_REQUEST, reason) from None
        except CannotGetOperationTypeError as error:
            raise Refused(
                Code.OPERATION_RESOLUTION_FAILURE, error.as_http_error_reason(), json_status=200
            ) from None
        except MissingQueryError:
            raise Refused(Code.BAD_REQUEST, "the request has no query") from None

    def respond(self, result: ExecutionResult, sub_response: Response, media_type: str) -> Response:
        data: dict[str, Any] = dict(process_result(result))
        if result.errors:
            self._handle_errors(result.errors, data)  # type: ignore[arg-type]
        status = sub_response.status_code or 200
        if media_type == GRAPHQL_RESPONSE_JSON and _not_run(result):
            data.pop("data", None)
            if not sub_response.status_code:
                status = _not_run_status(_codes(result))
        response = Response(self.encode_json(data), status_code=status, media_type=media_type)
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        return response
