"""The psychological-contract study of bank customer managers: instrument, cleaning, twin, tables."""

from cmanalytics.study.codebook import Codebook, load_codebook

__all__ = ["Codebook", "load_codebook"]
