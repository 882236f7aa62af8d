"""The errors cmanalytics raises.

Every error derives from :class:`CmanalyticsError`, so ``except cma.errors.CmanalyticsError`` catches
them all. Each message says what was wrong, where (the column, the item, the argument) and what to do.
They also derive from ``ValueError`` where the problem is a bad value, so code written against numpy or
pandas conventions keeps working.
"""

from __future__ import annotations

import os

# Warnings point at the first frame outside this folder (outside_stacklevel).
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


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


class ReadError(DataError):
    """A file cannot be read as a survey export (format, encoding, sheet, an unreadable file)."""


class ReportError(CmanalyticsError, RuntimeError):
    """The report build failed (missing notebooks, a failing notebook, a full disk, another build running);
    the previous reports are left as they were."""


# --- Warnings -------------------------------------------------------------------------------------------
# Diagnostics are Python warnings of these classes, raised with ``warnings.warn`` where they are detected,
# and also kept on the result (``res.warnings``), so that they can be filtered, escalated in a test
# (``-W error::cmanalytics.errors.CmanalyticsWarning``) and seen in Jupyter without printing anything.


class CmanalyticsWarning(UserWarning):
    """Base class of every diagnostic cmanalytics signals."""


class HeywoodWarning(CmanalyticsWarning):
    """A communality reached 1 or more, or a variance went negative (a Heywood case)."""


class ConvergenceWarning(CmanalyticsWarning):
    """An iterative method stopped before its criterion, or starts disagree on the optimum."""


class SingularityWarning(CmanalyticsWarning):
    """A matrix is singular or not positive definite; a result rests on a generalized inverse or smoothing."""


class ReverseKeyWarning(CmanalyticsWarning):
    """An item correlates negatively with the rest of its scale: it looks reverse-keyed."""


class SmallSampleWarning(CmanalyticsWarning):
    """Too few observations for the result to be stable (or a group too small)."""


class SuppressionWarning(CmanalyticsWarning):
    """Cells about fewer than ``min_cell`` people were suppressed."""


class DataWarning(CmanalyticsWarning):
    """Something in the data was recoded or set aside, as the read report says."""


class PolicyWarning(CmanalyticsWarning):
    """A rule the source leaves open or inconsistent was applied as the policy's note says."""


def outside_stacklevel() -> int:
    """The ``stacklevel`` for ``warnings.warn`` that points at the first frame outside cmanalytics.

    Call it in the argument list of ``warnings.warn`` (``stacklevel=outside_stacklevel()``): a warning then
    names the line of the user's notebook or script that called the package, however deep inside the package
    it was raised and whatever wraps the public function (the keyword check). Hand-counted stack levels broke
    each time a function was split into steps. (Python 3.12's ``skip_file_prefixes`` does this; 3.11 has not.)
    """
    import sys

    frame = sys._getframe(1)  # the function calling warnings.warn: level 1
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    return level


def diagnose(message: str, category: type[CmanalyticsWarning], record: list | None = None) -> str:
    """Signal a diagnostic: warn with ``category`` and append ``message`` to ``record`` (the result's list).

    The warning points at the caller's own line (the first frame outside the package). Returns the message,
    so a caller can write ``warnings.append(diagnose(...))`` or pass its list.
    """
    import warnings

    warnings.warn(message, category, stacklevel=outside_stacklevel())
    if record is not None:
        record.append(message)
    return message


# --- Keywords -------------------------------------------------------------------------------------------
# A misspelt keyword (``n_factor=3``, ``minCell=5``) is a Python TypeError naming neither the accepted
# keywords nor a fix; at the public boundary it is an ArgumentError that names both.


def check_keywords(function):
    """``function`` refusing keywords it does not take with an :class:`ArgumentError` naming the keyword, the
    nearest accepted one and all the accepted ones (a function taking ``**kwargs`` is returned as it is)."""
    import functools
    import inspect

    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return function
    if any(p.kind is p.VAR_KEYWORD for p in parameters) or getattr(function, "checks_keywords", False):
        return function
    accepted = tuple(p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
    known = frozenset(accepted)

    @functools.wraps(function)
    def checked(*args, **kwargs):
        unknown = [k for k in kwargs if k not in known]
        if unknown:
            raise ArgumentError(unexpected_keywords(function.__name__, unknown, accepted))
        return function(*args, **kwargs)

    checked.checks_keywords = True
    return checked


def unexpected_keywords(name: str, unknown, accepted) -> str:
    """The message for keywords ``unknown`` given to ``name``, which accepts ``accepted``."""
    import difflib

    parts = []
    for k in unknown:
        near = difflib.get_close_matches(k, accepted, n=1)
        parts.append(f"{k!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
    return (
        f"{name}() got unexpected keyword argument(s) {', '.join(parts)}; it accepts "
        f"{', '.join(accepted) if accepted else 'no keyword arguments'}."
    )


def check_keywords_of(namespace: dict, names) -> None:
    """Wrap each function of ``namespace`` named in ``names`` with :func:`check_keywords` (a package's
    public functions, in its ``__init__``)."""
    import inspect

    for name in names:
        obj = namespace.get(name)
        if callable(obj) and not inspect.isclass(obj):
            namespace[name] = check_keywords(obj)
