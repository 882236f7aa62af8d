"""The errors cmanalytics raises.

Every error derives from :class:`CmanalyticsError`, so ``except cma.errors.CmanalyticsError`` catches
them all. Each message says what was wrong, where (the column, the item, the argument) and what to do.
They also derive from ``ValueError`` where the problem is a bad value, so code written against numpy or
pandas conventions keeps working.
"""

from __future__ import annotations


class CmanalyticsError(Exception):
    """Base class of every error cmanalytics raises on purpose."""


class DataError(CmanalyticsError, ValueError):
    """The data given cannot be analysed as it is (a column, a row, a value)."""


class CorrelationMatrixError(DataError):
    """A matrix given as ``corr`` is not a correlation matrix."""


class ArgumentError(CmanalyticsError, ValueError):
    """An argument is missing, out of range or inconsistent with another."""


class ConvergenceError(CmanalyticsError, RuntimeError):
    """An iterative method failed in a way that leaves no usable result."""


class CodebookError(CmanalyticsError, ValueError):
    """An instrument's codebook is inconsistent (an item named twice, in two dimensions, ...)."""


class PolicyError(CmanalyticsError, ValueError):
    """A bank policy file is inconsistent (weights, bands, grades)."""


class PolicyWarning(UserWarning):
    """A rule the source leaves open or inconsistent was applied as the policy's note says."""
