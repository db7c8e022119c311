"""Completeness rules per procedure, as data (`templates/procedures/<procedure>.yaml`).

A rule says which condition must hold (`require`), when it applies (`when`, `unless`) and which reason code
its failure carries. Conditions are the named predicates below; the YAML combines them, so adding a case
is a YAML change. The requirement is evaluated first: when it surely holds, the rule passes whatever the
conditions; when the conditions surely leave the case out, it passes however the requirement was read.
Otherwise the rule fails only when every `when` holds and no `unless` does. A predicate that
needs a field the extraction did not produce, or read with low confidence, sends the rule to review.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from intake.model import Check, DocType, Document, ExtractedField
from intake.personal_id import ADULT_AGE, OF_AGE, id_birth_data

from .common import DossierView, Reading, Unknown, age_on, birth_year, fold, parse_date
from .consistency import (
    Person,
    _id,
    apart_by_id_and_given_name,
    clearly_someone_else,
    names_match,
    owners,
    same_person,
    slightly_doubted,
)
from .legibility import PAGE_ILLEGIBLE


@dataclass
class RuleContext:
    view: DossierView
    declaration: Document | None
    reading: Reading = field(default_factory=Reading)
    details: dict[str, Any] = field(default_factory=dict)

    def decl(self) -> Document:
        if self.declaration is None:
            raise Unknown(None, "declaration")
        return self.declaration


Predicate = Callable[[RuleContext, dict[str, Any]], bool]
PREDICATES: dict[str, Predicate] = {}


def predicate(name: str) -> Callable[[Predicate], Predicate]:
    def register(fn: Predicate) -> Predicate:
        PREDICATES[name] = fn
        return fn

    return register


def _proc(ctx: RuleContext, key: str, default: Any) -> Any:
    return (ctx.view.procedure or {}).get(key, default)


@predicate("declaration_present")
def _declaration_present(ctx: RuleContext, params: dict[str, Any]) -> bool:
    return bool(ctx.view.declarations())


@predicate("residence_proof_present")
def _residence_proof_present(ctx: RuleContext, params: dict[str, Any]) -> bool:
    types = params.get("types") or _proc(ctx, "residence_proof_types", [])
    return bool(ctx.view.of_type(*types))


@predicate("rental_present")
def _rental_present(ctx: RuleContext, params: dict[str, Any]) -> bool:
    return bool(ctx.view.of_type(*_proc(ctx, "rental_types", ["rental_contract"])))


@predicate("field_true")
def _field_true(ctx: RuleContext, params: dict[str, Any]) -> bool:
    return ctx.reading.get(ctx.decl(), params["field"]) is True


@predicate("consent_given")
def _consent_given(ctx: RuleContext, params: dict[str, Any]) -> bool:
    """Consent in the declaration's block (ink, name or VNeID lines), or in a written consent among the
    papers from someone who signs as one of `roles` (folded: "chủ sở hữu", "chủ hộ")."""
    if ctx.reading.get(ctx.decl(), params["field"], required=False) is True:
        return True
    roles = [fold(role) for role in params.get("roles", [])]
    for document in ctx.view.of_type("other"):
        kind = document.fields.get("consent_type")
        if kind is None or kind.value != "written_consent":
            continue
        role = ctx.reading.get(document, "grantor_role", required=False)
        if not role:
            ctx.reading.uncertain.append((document, "grantor_role"))  # a consent, but whose is not read
            continue
        # The role itself, at the start or after a comma: "chủ hộ, chủ sở hữu …", not "con của chủ hộ".
        if any(re.search(rf"(?:^|,)\s*{re.escape(wanted)}\b", fold(str(role))) for wanted in roles):
            return True
    if str(ctx.decl().doc_type) in params.get("not_on_forms", []):
        return False  # the form has no such block (CT02 has no guardian's): only a written consent counts
    # Neither: the declaration's block must have been read for the absence to count.
    return ctx.reading.get(ctx.decl(), params["field"]) is True


@predicate("channel_is")
def _channel_is(ctx: RuleContext, params: dict[str, Any]) -> bool:
    return str(ctx.view.dossier.meta.channel) == str(params["channel"])


@predicate("declarant_is_household_head")
def _declarant_is_head(ctx: RuleContext, params: dict[str, Any]) -> bool:
    decl = ctx.decl()
    said = decl.fields.get("relationship_to_head")
    # A head who is clearly someone else settles it, however slightly doubted the readings are.
    me = _person(decl, "personal_id", "full_name", "declarant")
    head = _person(decl, "household_head_id", "household_head_name", "head")
    ids = [decl.fields.get(key) for key in ("personal_id", "household_head_id")]
    names = [decl.fields.get(key) for key in ("full_name", "household_head_name")]
    if not (said and _says_head(said.value)) and _clearly_apart(me, [head], ids, names):
        return False
    numbers = [decl.fields.get("personal_id"), decl.fields.get("household_head_id")]
    if (
        me.personal_id
        and me.personal_id == head.personal_id
        and all(n and not n.needs_review for n in numbers)
    ):
        # The head's own ID, read surely twice, settles it however the relationship was read.
        ctx.reading.get(decl, "personal_id")
        ctx.reading.get(decl, "household_head_id")
        return True
    relationship = ctx.reading.get(decl, "relationship_to_head", required=False)
    if _says_head(relationship):
        return True
    # The relationship may be misread (handwriting): the same ID or name as the head's settles it.
    own_id = _id(ctx.reading.get(decl, "personal_id", required=False))
    head_id = _id(ctx.reading.get(decl, "household_head_id", required=False))
    if own_id and head_id:
        return own_id == head_id
    name = ctx.reading.get(decl, "full_name", required=False)
    head_name = ctx.reading.get(decl, "household_head_name", required=False)
    if name and head_name:
        return names_match(str(name), str(head_name))
    if relationship:
        return False
    raise Unknown(decl, "relationship_to_head")


@predicate("declarant_is_owner")
def _declarant_is_owner(ctx: RuleContext, params: dict[str, Any]) -> bool:
    decl = ctx.decl()
    certificates = ctx.view.of_type(*_proc(ctx, "owner_types", ["ownership_certificate"]))
    if not certificates:
        # With no paper at all the dossier does not establish ownership: the owner's consent is asked for.
        return False
    ids = [decl.fields.get("personal_id"), *(paper.fields.get("owner_ids") for paper in certificates)]
    names = [decl.fields.get("full_name"), *(paper.fields.get("owner_names") for paper in certificates)]
    named = [owner for certificate in certificates for owner in owners(certificate)]
    if _clearly_apart(_person(decl, "personal_id", "full_name", "declarant"), named, ids, names):
        return False
    me = Person(
        ctx.reading.get(decl, "full_name", required=False),
        _id(ctx.reading.get(decl, "personal_id", required=False)),
        "declarant",
    )
    for certificate in certificates:
        ctx.reading.get(certificate, "owner_names", required=False)
        ctx.reading.get(certificate, "owner_ids", required=False)
        if any(same_person(me, owner) for owner in owners(certificate)):
            return True
    # A tenant is not the owner, nor is someone a certificate does not name.
    return False


def _says_head(relationship: Any) -> bool:
    return bool(relationship) and fold(str(relationship)) in ("chu ho", "la chu ho", "ban than")


def _person(document: Document, id_key: str, name_key: str, role: str) -> Person:
    fields = document.fields
    number, name = fields.get(id_key), fields.get(name_key)
    return Person(name.value if name else None, _id(number.value if number else None), role)


def _clearly_apart(
    person: Person,
    others: list[Person],
    ids: list[ExtractedField | None],
    names: list[ExtractedField | None],
) -> bool:
    """Whether `person` is clearly none of `others`: apart from each both by ID and by given name, or apart
    as `clearly_someone_else` judges (by IDs where both have one, else by names), with the readings that
    judgement rests on slightly doubted at most, so that the doubts cannot change the answer. A head's
    name read unsure does not hold up two IDs read all but surely twelve digits apart (seed 6029 hs_0107);
    one name read under both IDs does."""
    if not others:
        return False
    if all(apart_by_id_and_given_name(person, other) for other in others):
        return True

    def apart(other: Person) -> bool:
        by_ids = bool(person.personal_id and other.personal_id)
        if by_ids and names_match(person.name, other.name):
            return False  # one name under two IDs: an ID misread, as likely as two people
        readings = ids if by_ids else names
        return all(found is None or slightly_doubted(found) for found in readings) and clearly_someone_else(
            person, other
        )

    return all(apart(other) for other in others)


def _birth_year_vouched_by_id(declaration: Document) -> int | None:
    """The declarant's birth year when the ID number vouches for it: the year the ID encodes agrees with
    the date of birth read (two boxes read apart rarely err alike), or the date is unreadable and the ID
    itself was read surely (then the ID alone gives the year). A date flagged birth_year_from_id agrees too:
    its year was taken only because the date's own handwriting scored it clearly above the year first read,
    which is the second opinion (the year so taken was right 12 times of 12 on the seed-4242 and -7777 sets;
    asking a surely read ID as well sent three right dossiers to review)."""
    id_field = declaration.fields.get("personal_id")
    if id_field is None or (encoded := id_birth_data(str(id_field.value or ""))) is None:
        return None
    born = declaration.fields.get("date_of_birth")
    year = birth_year(born.value) if born is not None else None
    if year == encoded[0] or (year is None and not id_field.needs_review):
        return encoded[0]
    return None


@predicate("declarant_is_minor")
def _declarant_is_minor(ctx: RuleContext, params: dict[str, Any]) -> bool:
    decl = ctx.decl()
    found = decl.fields.get("date_of_birth")
    if found is not None and found.needs_review and OF_AGE in found.settles:
        ages = age_on(found.value, ctx.view.received)
        if ages is not None and ages[0] >= ADULT_AGE:
            ctx.reading.get(decl, "date_of_birth", vouched=True)
            return False
    if found is not None and found.needs_review and (year := _birth_year_vouched_by_id(decl)) is not None:
        ages = age_on(year, ctx.view.received)  # a bare year: a one-year range
        if ages is not None and (ages[1] < ADULT_AGE or ages[0] >= ADULT_AGE):
            # An unsure day or month cannot change whether someone born that year is of age.
            ctx.reading.get(decl, "date_of_birth", vouched=True)
            return ages[1] < ADULT_AGE
    born = ctx.reading.get(decl, "date_of_birth")
    ages = age_on(born, ctx.view.received)
    if ages is None and decl.fields["date_of_birth"].needs_review:
        if (decl, "date_of_birth") not in ctx.reading.uncertain:
            ctx.reading.uncertain.append((decl, "date_of_birth"))  # written but misread: a person checks
        return False
    if ages is None:
        raise Unknown(decl, "date_of_birth")
    lowest, highest = ages
    if highest < ADULT_AGE:
        return True
    if lowest >= ADULT_AGE:
        return False
    ctx.reading.uncertain.append((decl, "date_of_birth"))  # a bare year straddling the 18th birthday
    return True


@predicate("joining_relative_household")
def _joining_relative(ctx: RuleContext, params: dict[str, Any]) -> bool:
    decl = ctx.decl()
    relationship = ctx.reading.get(decl, "relationship_to_head")
    allowed = {fold(str(r)) for r in params.get("relationships") or _proc(ctx, "joining_relationships", [])}
    return (
        bool(relationship)
        and fold(str(relationship)) in allowed
        and ctx.reading.get(decl, "consent_household_head") is True
    )


@predicate("rental_notarized")
def _rental_notarized(ctx: RuleContext, params: dict[str, Any]) -> bool:
    contracts = ctx.view.of_type(*_proc(ctx, "rental_types", ["rental_contract"]))
    return all(ctx.reading.get(contract, "notarized") is True for contract in contracts)


@predicate("contract_in_force")
def _contract_in_force(ctx: RuleContext, params: dict[str, Any]) -> bool:
    for contract in ctx.view.of_type(*_proc(ctx, "rental_types", ["rental_contract"])):
        end = ctx.reading.get(contract, "end_date")
        if end in (None, ""):
            continue  # no end date: an open-ended loan or lease
        day = parse_date(end)
        if day is None:
            raise Unknown(contract, "end_date")
        if day < ctx.view.received:
            ctx.details.update(end_date=f"{day:%d/%m/%Y}", received=f"{ctx.view.received:%d/%m/%Y}")
            return False
    return True


def _floor_area(ctx: RuleContext) -> float | None:
    """First floor-area value among the configured sources; raises Unknown when one was not extracted."""
    sources = (_proc(ctx, "floor_area", {}) or {}).get("sources", [])
    missing: tuple[Document, str] | None = None
    for source in sources:
        for document in ctx.view.of_type(source["doc"]):
            if source["field"] not in document.fields:
                missing = missing or (document, source["field"])
                continue
            value = ctx.reading.get(document, source["field"])
            if isinstance(value, int | float) and value > 0:
                return float(value)
    if missing is not None:
        raise Unknown(*missing)
    return None


@predicate("floor_area_known")
def _floor_area_known(ctx: RuleContext, params: dict[str, Any]) -> bool:
    return _floor_area(ctx) is not None


@predicate("floor_area_per_person_sufficient")
def _floor_area_sufficient(ctx: RuleContext, params: dict[str, Any]) -> bool:
    area = _floor_area(ctx)
    if area is None:
        return True  # the missing proof is its own rule
    decl = ctx.decl()
    members = ctx.reading.get(decl, "household_members", required=False, rows_only=True) or []
    people = 1 + (len(members) if isinstance(members, list) else 0)
    for document in ctx.view.dossier.documents:
        existing = ctx.reading.get(document, "existing_residents", required=False)
        if isinstance(existing, int) and existing > 0:
            people += existing
            break
    minimum = float(
        params.get("min_m2_per_person") or (_proc(ctx, "floor_area", {}) or {}).get("min_m2_per_person", 8)
    )
    per_person = area / people
    ctx.details.update(
        per_person=f"{per_person:.1f}", area=f"{area:g}", people=people, minimum=f"{minimum:g}"
    )
    return per_person >= minimum


@predicate("foreign_documents_legalised")
def _foreign_legalised(ctx: RuleContext, params: dict[str, Any]) -> bool:
    for document in ctx.view.dossier.documents:
        if (
            ctx.reading.get(document, "foreign_issued", required=False) is True
            and ctx.reading.get(document, "legalized") is not True
        ):
            ctx.details.update(foreign_document=ctx.view.document_label(document))
            return False
    return True


@predicate("declaration_fields_filled")
def _declaration_filled(ctx: RuleContext, params: dict[str, Any]) -> bool:
    decl = ctx.decl()
    entries = params.get("fields") or _proc(ctx, "declaration_required_fields", [])
    empty: list[str] = []
    for entry in entries:
        # A list is alternatives: the personal ID on CT01, the passport number on CT02.
        group = entry if isinstance(entry, list) else [entry]
        present = [key for key in group if key in decl.fields]
        if not present:
            raise Unknown(decl, group[0])
        # Something written is filled in, however unsure its reading: whether it is right is for the
        # checks that use the value.
        if any((decl.fields[key].raw or "").strip() for key in present):
            continue
        if all(ctx.reading.get(decl, key) in (None, "", []) for key in present):
            empty.append(present[0])
    ctx.details.update(fields=", ".join(ctx.view.rules.field_label(key) for key in empty))
    return not empty


def _evaluate(spec: Any, ctx: RuleContext) -> bool:
    if isinstance(spec, str):
        return PREDICATES[spec](ctx, {})
    if isinstance(spec, dict) and len(spec) == 1:
        ((name, params),) = spec.items()
        if name == "not":
            return not _evaluate(params, ctx)
        return PREDICATES[name](ctx, dict(params or {}))
    raise ValueError(f"bad condition {spec!r}")


def validate_rule_table(procedure: dict[str, Any]) -> None:
    """Raise ValueError when a rule names a predicate that does not exist."""

    def names(spec: Any) -> list[str]:
        if isinstance(spec, str):
            return [spec]
        if isinstance(spec, dict) and len(spec) == 1:
            ((name, params),) = spec.items()
            return names(params) if name == "not" else [name]
        raise ValueError(f"bad condition {spec!r}")

    for rule in procedure.get("rules", []):
        for spec in [rule["require"], *rule.get("when", []), *rule.get("unless", [])]:
            unknown = [n for n in names(spec) if n not in PREDICATES]
            if unknown:
                raise ValueError(f"rule {rule.get('id')}: unknown predicate(s) {unknown}")


def _surely_outside(view: DossierView, rule: dict[str, Any], declaration: Document | None) -> bool:
    """Whether the dossier is surely not a case of the rule (an adult, for the guardian's consent): its
    conditions read surely and leave it out. Then how surely the requirement was read does not matter."""
    conditions = RuleContext(view, declaration)
    try:
        applies = all(_evaluate(spec, conditions) for spec in rule.get("when", [])) and not any(
            _evaluate(spec, conditions) for spec in rule.get("unless", [])
        )
    except Unknown:
        return False
    return not applies and not conditions.reading.uncertain


def _run_rule(view: DossierView, rule: dict[str, Any], declaration: Document | None) -> list[Check]:
    ctx = RuleContext(view, declaration)
    reason = rule["reason"]
    passed = [view.passed(rule.get("id", reason), f"Đạt: {rule.get('id', reason)}", declaration)]
    try:
        verdict = _evaluate(rule["require"], ctx)
        if (not verdict or ctx.reading.uncertain) and _surely_outside(view, rule, declaration):
            return passed
        verdict = (
            verdict
            or not all(_evaluate(spec, ctx) for spec in rule.get("when", []))
            or any(_evaluate(spec, ctx) for spec in rule.get("unless", []))
        )
    except Unknown as missing:
        if missing.document is None and missing.key == "declaration":
            return []  # no declaration: missing_declaration says so already
        if _surely_outside(view, rule, declaration):
            return passed
        return [
            view.check(
                "field_missing",
                document=missing.document,
                field_key=missing.key,
                rule=rule.get("id", reason),
            )
        ]
    if ctx.reading.uncertain:
        # Of several unsure readings, one from an illegible page: the check then waits for its new copy.
        document, key = next(
            (
                (document, key)
                for document, key in ctx.reading.uncertain
                if (found := document.fields.get(key)) and PAGE_ILLEGIBLE in found.review_reasons
            ),
            ctx.reading.uncertain[0],
        )
        found = document.fields.get(key)
        if not verdict and not (found is not None and PAGE_ILLEGIBLE in found.review_reasons):
            # About the paper read unsure, for a person to judge.
            check = view.check(reason, document=document, outcome="review", **ctx.details)
            label = view.rules.field_label(key)
            return [
                check.model_copy(
                    update={"message": f"{check.message} (cần kiểm tra: {label} đọc chưa chắc chắn)"}
                )
            ]
        # Read unsure, or read on an illegible page: a finding that rests on such a page (a floor area
        # below the minimum, a contract not notarised) waits for its new copy, as field reviews do.
        return [
            view.check(
                "field_needs_review",
                document=document,
                page=found.page if found else None,
                field_key=key,
                rule=rule.get("id", reason),
            )
        ]
    if verdict:
        return passed
    blamed = declaration
    if rule.get("scope", "dossier") != "declaration":
        # A dossier rule is about the one paper it read besides the declaration (the rental contract for
        # notarisation), or about the dossier as a whole.
        others = [i for i in ctx.reading.documents if declaration is None or i != declaration.index]
        by_index = {document.index: document for document in view.dossier.documents}
        blamed = by_index.get(others[0]) if len(others) == 1 else None
    return [view.check(reason, document=blamed, **ctx.details)]


def check_completeness(view: DossierView) -> list[Check]:
    """Apply the procedure's rules: dossier-scope rules once, declaration-scope rules per declaration."""
    if view.procedure is None:
        return [view.check("unknown_procedure")]
    checks: list[Check] = []
    declarations = view.declarations()
    for rule in view.procedure.get("rules", []):
        if rule.get("scope", "dossier") == "declaration":
            for declaration in declarations:
                checks += _run_rule(view, rule, declaration)
        else:
            checks += _run_rule(view, rule, declarations[0] if declarations else None)
    return checks


__all__ = ["PREDICATES", "DocType", "check_completeness", "validate_rule_table"]
