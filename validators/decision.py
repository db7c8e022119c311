"""From checks to a decision: accept (CT04), supplement (CT05), refuse (CT06) or review, with every reason.

Which outcome each reason leads to and how outcomes combine live in `templates/decision.yaml` (see the
precedence notes there). The time limit (CT04 only) comes from the procedure's YAML and the working
calendar; the fee from `templates/fees.yaml`.
"""

from __future__ import annotations

from intake.model import Check, Decision, DecisionStatus, DocType, Dossier, Slip

from .common import DossierView
from .config import Rules
from .fees import compute_fee

SLIP_FORMS: dict[DecisionStatus, str] = {
    DecisionStatus.ACCEPT: "CT04",
    DecisionStatus.SUPPLEMENT: "CT05",
    DecisionStatus.REFUSE: "CT06",
}
FIELD_REVIEW_CODES = ("field_missing", "field_needs_review")


def _illegible_documents(dossier: Dossier, checks: list[Check]) -> tuple[set[int], bool]:
    """The documents with an illegible page, and whether such a page could not be put in a classified
    document (then it may be part of any of them)."""
    pages = {c.page for c in checks if c.code == "illegible_page" and not c.passed and c.page is not None}
    types = {document.index: document.doc_type for document in dossier.documents}
    documents: set[int] = set()
    anywhere = False
    for page in dossier.pages:
        if page.index not in pages:
            continue
        if page.document is None or types.get(page.document) in (DocType.UNKNOWN, DocType.OTHER):
            anywhere = True
        if page.document is not None:
            documents.add(page.document)
    return documents, anywhere


def deciding_checks(dossier: Dossier, rules: Rules) -> list[Check]:
    """The failed checks that count toward the decision, after the precedence exceptions of decision.yaml."""
    failed = [c for c in dossier.checks if not c.passed and c.outcome is not None]
    failed = [c for c in failed if not rules.reason(c.code).get("advisory", False)]
    if rules.decision.get("suppress_field_review_on_illegible_documents", True):
        illegible, anywhere = _illegible_documents(dossier, failed)
        deferred = set(rules.decision.get("deferred_while_illegible", FIELD_REVIEW_CODES))

        def waits(check: Check) -> bool:
            if not illegible or check.code not in deferred:
                return False
            # An unreadable page that could not be classified may belong to any document.
            return anywhere or check.document in illegible

        failed = [c for c in failed if not waits(c)]
    return failed


def decide(dossier: Dossier, rules: Rules) -> Decision:
    """The decision for the dossier's checks (every reason listed, strongest outcome first)."""
    precedence = [
        DecisionStatus(s)
        for s in rules.decision.get("precedence", ["refuse", "review", "supplement", "accept"])
    ]
    failed = deciding_checks(dossier, rules)
    rank = {status: i for i, status in enumerate(precedence)}
    failed.sort(key=lambda c: rank.get(DecisionStatus(c.outcome), len(rank)))
    status = DecisionStatus(failed[0].outcome) if failed else DecisionStatus.ACCEPT
    reasons: list[str] = []
    messages: list[str] = []
    for check in failed:
        if check.code not in reasons:
            reasons.append(check.code)
        if check.message not in messages:
            messages.append(check.message)
    meta = dossier.meta
    decision = Decision(
        status=status,
        reasons=reasons,
        messages=messages,
        procedure=meta.procedure,
        received_at=meta.received_at,
    )
    view = DossierView(dossier, rules, rules.procedure(str(meta.procedure) if meta.procedure else None))
    if status == DecisionStatus.ACCEPT:
        _set_time_limit(decision, view)
        _set_fee(decision, view)
    if status in SLIP_FORMS:
        decision.slip = Slip(form=SLIP_FORMS[status])
    return decision


def _set_time_limit(decision: Decision, view: DossierView) -> None:
    if view.procedure is None or decision.received_at is None:
        return
    days = (view.procedure.get("time_limit") or {}).get("working_days")
    if days is None:
        return
    due = view.rules.calendar.due(decision.received_at, float(days))
    decision.counted_from = due.counted_from
    decision.due_at = due.due_at
    decision.time_limit_working_days = float(days)


def _set_fee(decision: Decision, view: DossierView) -> None:
    declarations = view.declarations()
    dates = [d.fields["date_of_birth"].value if "date_of_birth" in d.fields else None for d in declarations]
    fee = compute_fee(
        view.rules.fees,
        str(view.dossier.meta.procedure) if view.dossier.meta.procedure else None,
        str(view.dossier.meta.channel),
        view.received,
        dates or None,
        list_registration=len(declarations) > 1,
    )
    decision.fee_vnd = fee.amount_vnd
    decision.fee_exemption = fee.exemption
