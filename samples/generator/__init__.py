"""Deterministic generator of synthetic residence-registration dossiers (same seed, same bytes)."""

from .dossiers import SCENARIOS, generate_batch

__all__ = ["SCENARIOS", "generate_batch"]
