"""The one GraphQL schema: every area's queries and mutations, and the schema extensions."""

from __future__ import annotations

import inspect
import logging
import traceback
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult

from api.accounts.mfa_mutations import MfaMutations
from api.accounts.org_mutations import OrganizationMutations
from api.accounts.queries import AccountQueries
from api.accounts.session_mutations import SessionMutations
from api.accounts.token_mutations import TokenMutations
from api.accounts.user_mutations import UserMutations
from api.audit.queries import AuditQueries
from api.audit_flush import AuditFlush
from api.catalog.mutations import CatalogMutations
from api.catalog.queries import CatalogQueries
from api.cost import CostLimit
from api.datetime_scalar import DATETIME
from api.decimal_scalar import DECIMAL
from api.describe import describe
from api.descriptions import CATALOGUE
from api.document_cache import SmallDocumentParserCache, SmallDocumentValidationCache
from api.document_checks import DocumentChecks
from api.error_phases import ErrorPhases
from api.errors import with_code, with_request_id
from api.exposure import IntrospectionSwitch, hide_suggestions
from api.guard_build import install_guard
from api.guarded_executor import GuardedExecutor
from api.input_text import RefuseNulText
from api.inventory.mutations import InventoryMutations
from api.inventory.queries import InventoryQueries
from api.marketplaces.mutations import MarketplaceMutations
from api.marketplaces.queries import MarketplaceQueries
from api.marketplaces.sync_mutations import SyncMutations
from api.node import NodeQueries
from api.orders.mutations import OrderMutations
from api.orders.queries import OrderQueries
from api.permission_notes import load_notes
from api.privacy.breach_api import BreachMutations, BreachQueries
from api.privacy.consent_api import ConsentMutations, ConsentQueries, GpcSignal
from api.privacy.correction_mutations import CorrectionMutations
from api.privacy.fulfil_mutations import FulfilMutations
from api.privacy.hold_mutations import LegalHoldMutations, LegalHoldQueries
from api.privacy.mutations import PrivacyMutations
from api.privacy.policy_api import PolicyMutations, PolicyQueries
from api.privacy.queries import PrivacyQueries
from api.privacy.request_mutations import MinorDataMutations, PrivacyRequestMutations
from api.privacy.request_queries import PrivacyRequestQueries
from api.privacy.restriction_mutations import RestrictionMutations
from api.rate_limits import AuthRateLimit
from api.roles.mutations import RoleMutations
from api.roles.queries import RoleQueries
from api.sole_root_field import SoleRootFieldRule
from api.support.mutations import SupportMutations
from api.support.queries import SupportQueries
from api.type_map import TYPES
from domain.errors import DomainError

SDL_PATH = Path(__file__).with_name("schema.graphql")
log = logging.getLogger("mandi.graphql")

Query = merge_types(
    "Query",
    (
        NodeQueries,
        AccountQueries,
        AuditQueries,
        CatalogQueries,
        InventoryQueries,
        MarketplaceQueries,
        OrderQueries,
        SupportQueries,
        RoleQueries,
        PrivacyQueries,
        PrivacyRequestQueries,
        LegalHoldQueries,
        ConsentQueries,
        BreachQueries,
        PolicyQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        SessionMutations,
        UserMutations,
        MfaMutations,
        TokenMutations,
        OrganizationMutations,
        CatalogMutations,
        InventoryMutations,
        OrderMutations,
        MarketplaceMutations,
        SyncMutations,
        SupportMutations,
        RoleMutations,
        PrivacyMutations,
        RestrictionMutations,
        PrivacyRequestMutations,
        FulfilMutations,
        CorrectionMutations,
        LegalHoldMutations,
        ConsentMutations,
        MinorDataMutations,
        BreachMutations,
        PolicyMutations,
    ),
)


# The limits' validation rules, made once. QueryDepthLimiter and MaxAliasesLimiter make a new rule
# class each time they are built, and extensions are built per request: the rules would differ
# on every request, and ValidationCache (keyed by document and rules) would never hit.
LIMIT_RULES = (
    *QueryDepthLimiter(max_depth=10).validation_rules,
    *MaxAliasesLimiter(max_alias_count=30).validation_rules,
    SoleRootFieldRule,
)


def _frames(error: BaseException, most: int = 12) -> str:
    """Where an error was raised, as file:line function of its innermost frames: the trail of a
    bug without its message or local variables (either may quote a personal value)."""
    frames = traceback.extract_tb(error.__traceback__)[-most:]
    return " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))


_EXECUTE = inspect.signature(strawberry.Schema.execute)


class MandiSchema(strawberry.Schema):
    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """Every error of the result gets its code (``with_code``) and names the request
        (``extensions.requestId``, as the refusals answered before GraphQL runs do)."""
        result = await super().execute(*args, **kwargs)
        if result.errors:
            context = _EXECUTE.bind(self, *args, **kwargs).arguments.get("context_value")
            request_id = getattr(context, "request_id", None)
            result.errors = [
                with_request_id(with_code(error), request_id) for error in result.errors
            ]
        return result

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        hide_suggestions(errors, execution_context)
        request_id = getattr(getattr(execution_context, "context", None), "request_id", None)
        # Log error types and paths only: messages can echo input values (personal data).
        for error in errors:
            original = error.original_error
            cause = type(original or error).__name__
            if original is not None and not isinstance(original, (GraphQLError, DomainError)):
                # A bug, not bad input: the client gets a generic error; this is the trail.
                log.error(
                    "unexpected %s at %s (request %s), raised in %s",
                    cause,
                    error.path,
                    request_id,
                    _frames(original),
                )
            else:
                log.info("graphql error %s at %s (request %s)", cause, error.path, request_id)


def build_schema() -> MandiSchema:
    return MandiSchema(
        query=Query,
        mutation=Mutation,
        execution_context_class=GuardedExecutor,
        scalar_overrides={datetime: DATETIME, Decimal: DECIMAL},
        extensions=[
            ErrorPhases,
            IntrospectionSwitch,
            SmallDocumentParserCache,
            DocumentChecks,  # before anything that expands fragments, the cache's validation too
            SmallDocumentValidationCache,
            lambda: AddValidationRules(list(LIMIT_RULES)),
            lambda: MaxTokensLimiter(max_token_count=4000),
            CostLimit,
            RefuseNulText,
            AuthRateLimit,
            AuditFlush,
            GpcSignal,  # inside AuditFlush: a mutation's opt-out commits with its entries
        ],
    )


schema = build_schema()
# The guard is part of the schema: built once, here, from the type map and the declaration.
GUARD_PLAN = install_guard(schema._schema, TYPES)
# Then its descriptions, with the permission notes written from the policy (api/describe.py).
DESCRIBED = describe(schema._schema, catalogue=CATALOGUE, notes=load_notes())
