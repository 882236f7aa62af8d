"""Entry points for the command line, for cmanalytics/cli.py to call: ``cmanalytics scorecard ID`` and
``cmanalytics compare a.toml b.toml``. Each takes its own argument list, prints what it made, and returns
the exit status: 0, or 2 with one line on stderr naming what was wrong (no traceback)."""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from cmanalytics.errors import CmanalyticsError, PolicyWarning


def _bank(folder: str | None):
    from cmanalytics.synthetic.bank import bank_for_reports, load_bank

    return load_bank(folder) if folder else bank_for_reports(seed=0)


def _run(fn, argv) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PolicyWarning)  # the results carry their notes
            return fn(argv)
    except CmanalyticsError as exc:
        print(f"cmanalytics: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"cmanalytics: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2


def _scorecard(argv) -> int:
    ap = argparse.ArgumentParser(prog="cmanalytics scorecard", description="One manager's scorecard (HTML and PDF).")
    ap.add_argument("manager_id")
    ap.add_argument("--bank", help="a bank folder saved by save_bank (default: the synthetic bank, seed 0)")
    ap.add_argument("--policy", help="a policy file (default: the package's defaults)")
    ap.add_argument("--out", default=".", help="folder for scorecard_<ID>.html and .pdf")
    ap.add_argument("--as-of", default="2025-12-31")
    args = ap.parse_args(argv)
    from cmanalytics.performance.scorecard import scorecard

    sc = scorecard(_bank(args.bank), args.manager_id, args.policy, as_of=args.as_of)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    html = sc.save_html(out / f"scorecard_{args.manager_id}.html")
    pdf = sc.save_pdf(out / f"scorecard_{args.manager_id}.pdf")
    print(repr(sc))
    print(html)
    print(pdf)
    return 0


def _compare(argv) -> int:
    ap = argparse.ArgumentParser(prog="cmanalytics compare", description="Two policies on one bank.")
    ap.add_argument("policy_a")
    ap.add_argument("policy_b")
    ap.add_argument("--bank", help="a bank folder saved by save_bank (default: the synthetic bank, seed 0)")
    ap.add_argument("--out", help="folder for the tables (CSV) and the figure (PNG)")
    ap.add_argument("--as-of", default="2025-12-31")
    args = ap.parse_args(argv)
    from cmanalytics.performance.whatif import compare_policies

    c = compare_policies(_bank(args.bank), args.policy_a, args.policy_b, as_of=args.as_of)
    print(c.summary())
    if args.out:
        import matplotlib

        matplotlib.use("Agg")
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        c.totals.to_csv(out / "compare_totals.csv")
        c.by_branch.to_csv(out / "compare_by_branch.csv")
        c.figure().savefig(out / "compare.png", dpi=120)
        print(out / "compare_totals.csv")
    return 0


def scorecard_main(argv: list[str]) -> int:
    """``cmanalytics scorecard ID [--bank FOLDER] [--policy FILE] [--out DIR] [--as-of DATE]``."""
    return _run(_scorecard, argv)


def compare_main(argv: list[str]) -> int:
    """``cmanalytics compare A.toml B.toml [--bank FOLDER] [--out DIR] [--as-of DATE]``."""
    return _run(_compare, argv)
