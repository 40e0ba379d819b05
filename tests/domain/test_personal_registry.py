"""Every model declares its personal data; each declaration names real fields and a subject."""

from __future__ import annotations

from strawberry.utils.str_converters import to_camel_case

from api.schema import GUARD_PLAN, schema
from domain import db
from domain.personal import PersonalData, declaration, personal_fields, registry


def test_every_model_is_classified(backend):
    models = db.models()
    assert len(models) >= 18
    decls = registry(models)
    for name, decl in decls.items():
        assert isinstance(decl, PersonalData)
        if not decl.is_personal:
            assert decl.reason, f"{name} says it has no personal data but not why"


def test_declarations_name_real_fields_and_subjects(backend):
    for name, model in db.models().items():
        decl = declaration(model)
        assert decl is not None
        model_fields = set(model._meta.fields_map) | set(model._meta.fields_db_projection)
        for field_name in decl.fields:
            assert field_name in model_fields, f"{name}.{field_name} is not a field"
        if decl.is_personal:
            assert decl.subject is not None, f"{name} has personal data but no data subject"
            assert decl.subject.via in model_fields | {"id"}, f"{name}: bad subject attribute"


def test_personal_fields_in_the_schema_are_nullable(backend):
    """A denied field resolves to null, so every guarded personal field must be nullable."""
    gql_schema = schema._schema
    guarded = [key for key, rule in GUARD_PLAN.items() if rule.kind == "personal"]
    assert guarded
    for type_name, field_name in guarded:
        gql_field = gql_schema.type_map[type_name].fields[field_name]
        assert not str(gql_field.type).endswith("!"), f"{type_name}.{field_name} is non-null"


def test_credentials_are_never_exposed(backend):
    gql_schema = schema._schema
    for model_name, field_name, category in personal_fields(db.models()):
        gql_type = gql_schema.type_map.get(model_name)
        if category.value == "credentials" and gql_type is not None:
            assert to_camel_case(field_name) not in gql_type.fields
