"""The guard is built from the type map and the declaration, and refuses to build with a gap."""

from __future__ import annotations

import pytest
import strawberry
from graphql import GraphQLObjectType, build_schema
from strawberry.utils.str_converters import to_camel_case

from api.guard_build import GuardBuildError, Holds, Shows, plan_schema
from api.schema import GUARD_PLAN, SDL_PATH
from api.type_map import TYPES
from domain.orders.models import Customer
from domain.personal import declaration


@strawberry.type
class Buyer:
    name: str | None

    @strawberry.field
    def contact(self) -> str:
        return "shown without a rule"


@strawberry.type
class Query:
    @strawberry.field
    def buyer(self) -> Buyer:
        raise NotImplementedError


def _schema():
    return strawberry.Schema(query=Query)._schema


def test_a_computed_field_that_names_no_columns_refuses_to_build():
    with pytest.raises(GuardBuildError, match=r"Buyer\.contact is no column of Customer"):
        plan_schema(_schema(), {Buyer: Shows(Customer)})


def test_a_type_missing_from_the_map_refuses_to_build():
    with pytest.raises(GuardBuildError, match=r"GraphQL type Buyer is not in api/type_map\.py"):
        plan_schema(_schema(), {})


def test_a_computed_field_reading_a_personal_column_gets_its_check():
    plan = plan_schema(_schema(), {Buyer: Shows(Customer, computed={"contact": ("email",)})})
    assert plan[("Buyer", "contact")].kind == "personal"
    assert plan[("Buyer", "contact")].fields == ("email",)
    assert plan[("Buyer", "name")].kind == "personal"
    assert plan[("Query", "buyer")].kind == "object"


def test_a_column_that_is_not_there_refuses_to_build():
    with pytest.raises(GuardBuildError, match=r"Buyer\.contact reads \['nickname'\]"):
        plan_schema(_schema(), {Buyer: Shows(Customer, computed={"contact": ("nickname",)})})


def test_every_field_of_the_committed_schema_is_guarded_or_free_of_personal_data():
    committed = build_schema(SDL_PATH.read_text())
    for name, gql_type in committed.type_map.items():
        if name.startswith("__") or not isinstance(gql_type, GraphQLObjectType):
            continue
        for field_name in gql_type.fields:
            rule = GUARD_PLAN[(name, field_name)]
            assert rule.kind in {"personal", "object", "plain"}, (name, field_name)
            if rule.kind == "plain":
                assert rule.why, (name, field_name)
    # every personal column a type over a model exposes carries the field check
    for (type_name, field_name), rule in GUARD_PLAN.items():
        if rule.kind != "plain" or rule.why.startswith("returns"):
            continue
        assert "personal" not in rule.why.replace("not personal data", ""), (type_name, field_name)
    exposed = 0
    for cls, mapped in TYPES.items():
        if isinstance(mapped, Holds):
            continue
        personal = set(declaration(mapped.model).fields)
        definition = cls.__strawberry_definition__
        for field in definition.fields:
            if field.python_name in personal:
                exposed += 1
                rule = GUARD_PLAN[
                    (definition.name, field.graphql_name or to_camel_case(field.python_name))
                ]
                assert rule.kind == "personal", (definition.name, field.python_name)
    assert exposed >= 30  # the buyer, user, organization, session, ticket and audit fields
