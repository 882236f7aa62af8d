"""Synthetic data that behave like the published study (and, later, a synthetic bank)."""
