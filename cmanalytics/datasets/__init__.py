"""Small published data sets shipped with the package, for examples, teaching and the built-in report.

* ``holzinger_swineford()``: 301 pupils, nine ability tests x1-x9 (Holzinger & Swineford 1939; lavaan's
  ``HolzingerSwineford1939``), the classic three-factor example (visual, textual, speed).
* ``attitude()``: Chatterjee & Price's survey of clerical employees of a large financial organization,
  30 departments, seven ratings (R's ``datasets::attitude``).
* ``teaching_survey(n, structure=..., seed=...)``: simulated Likert answers with the truth beside them
  (loadings, factor correlations, reverse items, answer distributions, careless responders, missing cells),
  for a survey-methods course (notebooks 05a-05e).

Each call returns a new DataFrame; changing it changes nothing on disk.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from cmanalytics.datasets.teaching import STRUCTURES, TeachingTruth, teaching_survey  # noqa: F401 - the kit


def _read(name: str) -> pd.DataFrame:
    with resources.files(__name__).joinpath(name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh)


def holzinger_swineford(school: bool = False) -> pd.DataFrame:
    """Holzinger, K. J., & Swineford, F. A. (1939). A study in factor analysis: the stability of a
    bi-factor solution. Supplementary Educational Monographs 48. The nine tests of lavaan's data set;
    ``school=True`` adds the pupil's school (Pasteur, Grant-White), lavaan's grouping for invariance."""
    df = _read("holzinger_swineford_1939.csv")
    if school:
        df.insert(0, "school", _read("holzinger_swineford_1939_school.csv")["school"].to_numpy())
    return df


def attitude() -> pd.DataFrame:
    """Chatterjee, S., & Price, B. (1977). *Regression Analysis by Example*. Wiley. R ``datasets::attitude``."""
    return _read("attitude.csv")
