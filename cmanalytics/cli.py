"""The ``cmanalytics`` command: the study's tables, an EFA or alpha of a file, the reports.

    cmanalytics efa survey.csv --factors 3 --method pca --rotation varimax [--json]
    cmanalytics alpha survey.csv --reverse A3,A7 [--json]
    cmanalytics study [export.sav] --out tables/ [--lang zh]
    cmanalytics report [--out reports]

Errors print one line naming the problem and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from cmanalytics.errors import CmanalyticsError


def _read(path: str, columns: str | None) -> pd.DataFrame:
    from cmanalytics.study.ingestion import read_export

    df = read_export(path)
    if columns:
        wanted = [c.strip() for c in columns.split(",") if c.strip()]
        missing = [c for c in wanted if c not in df.columns]
        if missing:
            raise CmanalyticsError(f"{path} has no column(s) {', '.join(missing)}.")
        df = df[wanted]
    else:
        df = df.select_dtypes("number")
    return df


def _efa(args) -> int:
    import cmanalytics as cma

    df = _read(args.file, args.columns)
    items = cma.prepare(df, missing=args.missing)
    res = cma.efa(items, n_factors=args.factors, method=args.method,
                  rotation=None if args.rotation == "none" else args.rotation)
    if args.json:
        k, b = cma.kmo(items), cma.bartlett(items)
        print(json.dumps({"n_obs": res.n_obs, "kmo": k.overall, "bartlett": {"chi2": b.chi2, "df": b.df, "p": b.p_value},
                          "n_factors": res.n_factors, "eigenvalues": res.eigenvalues.tolist(),
                          "loadings": {i: row.tolist() for i, row in res.loadings.iterrows()},
                          "factors": list(res.loadings.columns), "communalities": res.communalities.to_dict(),
                          "warnings": list(res.warnings)}, ensure_ascii=False, indent=1))
    else:
        print(cma.kmo(items).summary(), cma.bartlett(items).summary(), res.summary(blank=args.blank), sep="\n\n")
    return 0


def _alpha(args) -> int:
    import cmanalytics as cma

    df = _read(args.file, args.columns)
    reverse = [r.strip() for r in args.reverse.split(",")] if args.reverse else []
    res = cma.cronbach_alpha(df, reverse=reverse, missing=args.missing)
    if args.json:
        print(json.dumps({"alpha": res.alpha, "std_alpha": res.std_alpha, "ci": list(res.ci), "n_obs": res.n_obs,
                          "item_stats": res.item_stats.to_dict(orient="index")}, ensure_ascii=False, indent=1))
    else:
        print(res.summary())
    return 0


def _study(args) -> int:
    import cmanalytics as cma
    from cmanalytics.reporting.build import SYNTHETIC_NOTE, study_tables

    if args.file:
        raw = cma.study.read_survey(args.file)
        note = None
    else:
        print("no export given: using the synthetic twin (seed 0)", file=sys.stderr)
        raw = cma.study.synthetic_twin(seed=0)
        note = SYNTHETIC_NOTE
    print("cleaning and analysing ...", file=sys.stderr)
    tables = study_tables(raw, lang=args.lang)
    files = cma.study.export_tables(tables, args.out, note=note)
    print(f"{len(files)} files written to {args.out}/")
    return 0


def _report(args) -> int:
    from cmanalytics.reporting.build import build

    path = build(Path(args.out), data_dir=Path(args.data), notebooks=Path(args.notebooks))
    print(f"reports written to {path}/ (open {path}/index.html)")
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="cmanalytics", description="Psychometrics for bank customer-manager research.")
    sub = ap.add_subparsers(dest="command", required=True)
    e = sub.add_parser("efa", help="KMO, Bartlett and factor analysis of a survey file (CSV, Excel, .sav)")
    e.add_argument("file")
    e.add_argument("--factors", type=int, default=None, help="number of factors (default: eigenvalues > 1)")
    e.add_argument("--method", default="pca", choices=["pca", "paf", "minres", "ml"])
    e.add_argument("--rotation", default="varimax", choices=["none", "varimax", "quartimax", "equamax", "promax", "oblimin"])
    e.add_argument("--missing", default="listwise", choices=["listwise", "pairwise"])
    e.add_argument("--columns", help="comma-separated item columns (default: every numeric column)")
    e.add_argument("--blank", type=float, default=None, help="hide loadings below this absolute value")
    e.add_argument("--json", action="store_true", help="print JSON instead of the tables")
    e.set_defaults(run=_efa)
    a = sub.add_parser("alpha", help="Cronbach's alpha and item-total statistics of a survey file")
    a.add_argument("file")
    a.add_argument("--reverse", help="comma-separated items to reverse-key")
    a.add_argument("--missing", default="listwise", choices=["listwise", "pairwise"])
    a.add_argument("--columns", help="comma-separated item columns (default: every numeric column)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(run=_alpha)
    s = sub.add_parser("study", help="the psychological-contract study's tables from an export (or the twin)")
    s.add_argument("file", nargs="?")
    s.add_argument("--out", default="study_tables")
    s.add_argument("--lang", default="en", choices=["en", "zh"])
    s.set_defaults(run=_study)
    r = sub.add_parser("report", help="what `make reports` runs")
    r.add_argument("--out", default="reports", help="the report folder (replaced whole, only on success)")
    r.add_argument("--data", default="data/synthetic", help="the synthetic data (generated when missing)")
    r.add_argument("--notebooks", default="notebooks", help="the notebooks to execute")
    r.set_defaults(run=_report)
    return ap


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except CmanalyticsError as exc:
        print(f"cmanalytics: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
