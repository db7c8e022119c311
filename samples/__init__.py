"""Synthetic sample dossiers and the generator that renders them."""
