"""Validation and decision: legibility, field formats, completeness, consistency; CT04/CT05/CT06 slips.

Entry points for the dossier flow:
- `validate_dossier(dossier, page_images, settings)` appends Checks to `dossier.checks` and sets
  `dossier.decision`. It never raises for bad data; an internal failure is recorded as a ProcessingError.
- `write_slip(dossier, path)` writes the citizen-facing slip PDF of the decision (none for review).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from intake.config import Settings
from intake.model import STAGE_FAILED, Check, Decision, DecisionStatus, Dossier, ProcessingError

from .common import DossierView
from .completeness import check_completeness
from .config import Rules, RulesError, load_rules
from .consistency import check_consistency
from .decision import decide
from .fields import check_fields
from .legibility import check_legibility

log = logging.getLogger(__name__)
STAGE = "validate"

__all__ = ["Rules", "decide", "load_rules", "validate_dossier", "write_slip"]


def validate_dossier(dossier: Dossier, page_images: list[np.ndarray] | None, settings: Settings) -> None:
    """Run every rule on the dossier, append the checks and set the decision."""
    try:
        rules = load_rules(settings.templates_dir)
    except (RulesError, KeyError, ValueError) as exc:
        _record(dossier, "rules_unavailable", f"rule tables could not be loaded: {exc}")
        return
    procedure_name = str(dossier.meta.procedure) if dossier.meta.procedure else None
    view = DossierView(dossier, rules, rules.procedure(procedure_name))
    steps = [
        ("legibility", lambda: check_legibility(view, page_images)),
        ("fields", lambda: check_fields(view)),
        ("completeness", lambda: check_completeness(view)),
        ("consistency", lambda: check_consistency(view)),
    ]
    broken: list[str] = []
    for name, run in steps:
        try:
            found: list[Check] = run()
        except Exception as exc:  # one broken rule must not lose the others' findings
            log.exception("validator %s failed on dossier %s", name, dossier.name)
            _record(dossier, f"{name}_failed", f"{type(exc).__name__}: {exc}")
            broken.append(name)
            continue
        dossier.checks.extend(found)
    try:
        dossier.decision = decide(dossier, rules)
    except Exception as exc:
        log.exception("decision failed on dossier %s", dossier.name)
        _record(dossier, "decision_failed", f"{type(exc).__name__}: {exc}")
        broken.append("decision")
        dossier.decision = Decision(status=DecisionStatus.REVIEW)
    # A processing stage that failed (OCR, classification, extraction) left the record incomplete: what the
    # rules found missing may be there. A person decides.
    unprocessed = list(dict.fromkeys(e.stage for e in dossier.errors if e.code == STAGE_FAILED))
    if broken or unprocessed:  # a rule that could not run proves nothing: a person decides
        decision = dossier.decision
        decision.status = DecisionStatus.REVIEW
        if unprocessed:
            decision.reasons = [*decision.reasons, "processing_failed"]
            decision.messages = [
                *decision.messages,
                f"Lỗi xử lý tự động ({', '.join(unprocessed)}): kết quả có thể thiếu; cán bộ cần kiểm tra.",
            ]
        if broken:
            decision.reasons = [*decision.reasons, "validation_failed"]
            decision.messages = [
                *decision.messages,
                f"Không kiểm tra được tự động ({', '.join(broken)}); cán bộ cần kiểm tra.",
            ]
        decision.slip = None
        decision.due_at = decision.counted_from = decision.time_limit_working_days = None
        decision.fee_vnd = None
    if dossier.decision.status == DecisionStatus.REVIEW or dossier.errors:
        dossier.needs_review = True


def write_slip(dossier: Dossier, path: Path) -> Path | None:
    """Write the decision's slip (CT04/CT05/CT06) as a PDF at `path`; None when there is no slip to issue."""
    from .slips import render_slip

    decision = dossier.decision
    if decision is None or decision.slip is None:
        return None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_slip(dossier))
    decision.slip.uri = path.as_uri()
    return path


def _record(dossier: Dossier, code: str, message: str) -> None:
    dossier.errors.append(ProcessingError(stage=STAGE, code=code, message=message))
