"""Common-method variance beyond Harman's test: the single-factor CFA against the model, the unmeasured
latent method construct (ULMC), and the marker-variable adjustment.

* Single factor: every item on one factor. If it fits about as well as the model, one (method) factor
  could account for the covariation (Podsakoff et al. 2003); the chi-square difference and the drop in CFI
  say how much worse it is.
* ULMC: the model plus a method factor on every item, with equal loadings, uncorrelated with the traits
  (unit variances, as ``std.lv = TRUE``). The share of item variance it takes,
  :math:`\\overline{\\lambda_{M,\\mathrm{std}}^2}`, is compared with the median of about 25% that Williams, Cote &
  Buckley (1989) found across published studies; the chi-square difference tests whether it is needed.
* Marker variable (Lindell & Whitney 2001): with :math:`r_M` the smallest positive correlation between a
  theoretically unrelated marker and the items, each correlation is adjusted to
  :math:`r_A = (r - r_M)/(1 - r_M)`.

R (lavaan): ``cfa("common =~ x1 + ... + x9", data, std.lv = TRUE)`` and the ULMC as
``cfa(paste(model, "method =~ m*x1 + ... + m*x9; method ~~ 0*visual + ..."), data, std.lv = TRUE)``.
References: Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y., & Podsakoff, N. P. (2003). Common method biases
in behavioral research. Journal of Applied Psychology 88, 879-903. Williams, L. J., Cote, J. A., & Buckley,
M. R. (1989). Lack of method variance in self-reported affect and perceptions at work. Journal of Applied
Psychology 74, 462-468. Lindell, M. K., & Whitney, D. J. (2001). Accounting for common method variance in
cross-sectional research designs. Journal of Applied Psychology 86, 114-121.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cmanalytics._lazy import lazy_module
from cmanalytics.errors import ArgumentError, DataError
from cmanalytics.presentation import Reportable, fmt
from cmanalytics.psychometrics.sem.fitting import sem_fit, statements_of
from cmanalytics.psychometrics.sem.model import _structure

stats = lazy_module("scipy.stats")


METHOD_SHARE = 0.25  # Williams, Cote & Buckley (1989): median share of method variance in published work


@dataclass(frozen=True, repr=False)
class MethodVarianceResult(Reportable):
    """``table`` (model, single factor, ULMC: chi2, df, p_value, cfi, rmsea, srmr and the differences with
    the model), ``method_share`` (mean squared standardized method loading), ``method_loading`` (the
    common standardized loading, per item), ``marker`` (Lindell-Whitney: r_M and the adjusted correlations,
    or None), ``fits``, ``interpretation`` (what the numbers mean), ``warnings``."""

    table: pd.DataFrame
    method_share: float
    method_loading: pd.Series
    marker: dict | None
    fits: dict
    interpretation: tuple
    warnings: tuple

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def __repr__(self) -> str:
        return f"<MethodVarianceResult: method factor takes {100 * self.method_share:.1f}% of item variance>"

    def _report(self):
        rows = [
            (
                "method variance (ULMC)",
                f"{100 * self.method_share:.1f}% of item variance "
                f"(Williams et al. 1989 median: {100 * METHOD_SHARE:.0f}%)",
            )
        ]
        if self.marker is not None:
            rows.append(("marker r_M", f"{fmt(self.marker['r_m'])} ({self.marker['name']})"))
        tables = [("Models", self.table)]
        if self.marker is not None:
            tables.append(("Correlations adjusted for the marker (Lindell & Whitney)", self.marker["adjusted"]))
        return "Common-method variance", rows, tables, self.warnings, self.interpretation


def method_variance(
    data: pd.DataFrame, model, *, marker: str | None = None, missing: str = "listwise"
) -> MethodVarianceResult:
    """Single-factor CFA, ULMC and (with ``marker``, a column unrelated in theory to the items) the
    Lindell-Whitney adjustment, each with a sentence saying what it means."""
    if not isinstance(data, pd.DataFrame):
        raise DataError("method_variance() takes the data as a DataFrame whose columns the model names.")
    statements = statements_of(model)
    st = _structure(statements, data.columns)
    if st.phantom or any(s.op == "~" for s in statements):
        raise ArgumentError("give a measurement model (factors and their items), without regressions.")
    items = st.ov
    traits = st.lv
    syntax = "\n".join(f"{s.lhs} {s.op} {s.rhs}" for s in statements if not s.modifiers)
    if any(s.modifiers for s in statements):
        raise ArgumentError("give the measurement model without fixed values or labels.")
    if "method" in traits or "common" in traits:
        raise ArgumentError("the names 'method' and 'common' are taken by the method factors; rename the factor.")
    if marker is not None and marker in items:
        raise ArgumentError(f"the marker {marker!r} is one of the model's items; a marker must be unrelated to them.")
    if marker is not None and marker not in data.columns:
        raise DataError(f"marker={marker!r} is not a column of the data.")
    trait = sem_fit(data, syntax, std_lv=True, missing=missing)
    single = sem_fit(data, "common =~ " + " + ".join(items), std_lv=True, missing=missing)
    ulmc_syntax = (
        syntax
        + "\nmethod =~ "
        + " + ".join(f"m*{v}" for v in items)
        + "\nmethod ~~ "
        + " + ".join(f"0*{f}" for f in traits)
    )
    ulmc = sem_fit(data, ulmc_syntax, std_lv=True, missing=missing)  # its own warnings reach the caller
    fits = {"model": trait, "single factor": single, "ULMC": ulmc}
    notes = [f"{name}: {w}" for name, fit in fits.items() for w in fit.warnings]
    table = _table(fits)
    est = ulmc.estimates
    load = est[(est["lhs"] == "method") & (est["op"] == "=~")].set_index("rhs")["std.all"].rename("method loading")
    share = float(np.mean(load.to_numpy() ** 2))
    marker_out = _marker(data, items, marker, missing) if marker is not None else None
    return MethodVarianceResult(
        table, share, load, marker_out, fits, tuple(_interpret(table, share, marker_out)), tuple(notes)
    )


def _table(fits: dict) -> pd.DataFrame:
    base = fits["model"].fit_measures
    rows = []
    for name, fit in fits.items():
        f = fit.fit_measures
        d_chi, d_df = f["chisq"] - base["chisq"], f["df"] - base["df"]
        rows.append(
            {
                "chi2": f["chisq"],
                "df": f["df"],
                "p_value": f["pvalue"],
                "cfi": f["cfi"],
                "rmsea": f["rmsea"],
                "srmr": f["srmr"],
                "delta_chi2": d_chi if name != "model" else np.nan,
                "delta_df": d_df if name != "model" else np.nan,
                "delta_p_value": float(stats.chi2.sf(abs(d_chi), abs(d_df))) if name != "model" and d_df else np.nan,
                "delta_cfi": f["cfi"] - base["cfi"] if name != "model" else np.nan,
            }
        )
    return pd.DataFrame(rows, index=pd.Index(list(fits), name="model"))


def _marker(data, items, marker, missing) -> dict:
    if marker not in data.columns:
        raise DataError(f"marker={marker!r} is not a column of the data.")
    if marker in items:
        raise ArgumentError(f"the marker {marker!r} is one of the model's items; a marker must be unrelated to them.")
    frame = data[items + [marker]]
    if missing == "listwise":
        frame = frame.dropna()
    r = frame.corr().to_numpy()
    with_marker = r[-1, :-1]
    positive = with_marker[with_marker > 0]
    r_m = float(positive.min()) if positive.size else 0.0
    adjusted = (r[:-1, :-1] - r_m) / (1 - r_m)
    np.fill_diagonal(adjusted, 1.0)
    return {
        "name": marker,
        "r_m": r_m,
        "n_obs": len(frame),
        "adjusted": pd.DataFrame(adjusted, index=items, columns=items),
    }


def _interpret(table: pd.DataFrame, share: float, marker: dict | None) -> list[str]:
    s, u = table.loc["single factor"], table.loc["ULMC"]
    out = [
        (
            "The single-factor model fits far worse than the model"
            if s["delta_p_value"] < 0.05
            else "The single-factor model does not fit significantly worse than the model: one common (method) "
            "factor may account for the covariation"
        )
        + f" (delta chi-square {fmt(s['delta_chi2'])} on {int(s['delta_df'])} df, CFI {fmt(s['cfi'])} against "
        f"{fmt(table.loc['model', 'cfi'])})."
    ]
    more = "more" if share > METHOD_SHARE else "less"
    out.append(
        f"The method factor (ULMC) takes {100 * share:.1f}% of the items' variance, {more} than the median "
        f"{100 * METHOD_SHARE:.0f}% of published studies (Williams et al. 1989); adding it "
        + ("improves" if u["delta_p_value"] < 0.05 else "does not significantly improve")
        + f" the fit (delta chi-square {fmt(-u['delta_chi2'])} on {int(-u['delta_df'])} df)."
    )
    if marker is not None:
        out.append(
            f"The marker {marker['name']!r} correlates at least {fmt(marker['r_m'])} with the items; the "
            "correlations adjusted for it (Lindell & Whitney 2001) are what remains without that shared part."
        )
    return out
