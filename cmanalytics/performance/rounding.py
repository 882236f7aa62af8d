"""Scores rounded as the rules print them, before any band, rank or cut-off."""

from __future__ import annotations

import numpy as np
import pandas as pd


def round_score(values, precision: int):
    r"""Round half away from zero to ``precision`` decimals (四舍五入, as a score is printed).

    .. math:: \operatorname{sign}(x)\,\lfloor |x| \cdot 10^p + 0.5 + \varepsilon \rfloor / 10^p

    Why not ``np.round``: it rounds half to even on the binary value, so 2.675 (stored as 2.67499999...)
    becomes 2.67, and a rule's reader expects 2.68. The :math:`\varepsilon = 10^{-9}` (in units of the last
    printed digit) absorbs that representation error; no score a rule prints has that many digits, so it
    never moves a genuine value. The point of rounding first: 0.5 x 88.8 + 0.3 x 96 + 0.2 x 84 is 90 on
    paper and 89.99999999999999 in floating point; rounded to 2 decimals it is 90 and falls in the band
    "90 and above" as the rules intend. A Series keeps its index; NaN stays NaN.
    """
    scale = 10.0**precision
    arr = np.asarray(values, dtype=float)
    out = np.sign(arr) * np.floor(np.abs(arr) * scale + 0.5 + 1e-9) / scale
    out = out + 0.0  # -0.0 -> 0.0
    if isinstance(values, pd.Series):
        return pd.Series(out, index=values.index, name=values.name)
    return out if out.ndim else float(out)


def reaches(values, threshold: float, inclusive: bool = True):
    """Whether each value reaches ``threshold``: ``>=`` when the threshold itself counts (含, and the usual
    reading of 以上), ``>`` when it does not. The policy states which, next to the threshold."""
    return values >= threshold if inclusive else values > threshold
