"""The ``cmanalytics`` command: your own survey's tables and scores, an EFA or alpha of a file, the reports.

    cmanalytics codebook template export.xlsx --scale 1-5 > survey.toml
    cmanalytics study export.sav --codebook survey.toml --id 序号 --map map.toml --missing-codes 9,99 --out out/
    cmanalytics score export.sav --codebook survey.toml --out scores.csv
    cmanalytics efa survey.csv (--codebook survey.toml --part A | --items A1-A14) --factors 3 [--json]
    cmanalytics alpha survey.csv --items A1-A4 --scale 1-5 --reverse A3 [--json]
    cmanalytics study --out tables/            # without a file: the published study's synthetic twin
    cmanalytics scorecard S00023 --out card/  # one manager's page; compare a.toml b.toml: what if
    cmanalytics report [--out reports]

Every user error prints one line ``cmanalytics: error: ...`` on stderr and exits with status 2; a closed
pipe (``| head``) ends quietly.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, CmanalyticsError, DataError, outside_stacklevel

MIN_RESPONDENTS = 5
"""The fewest respondents the command line computes statistics on (fewer would let a reader recover
individual answers from the printed figures)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, status 2, as every other error
        self.exit(
            2,
            f"cmanalytics: error: {message} (see cmanalytics {self.prog.split()[-1]} --help)\n"
            if " " in self.prog
            else f"cmanalytics: error: {message} (see cmanalytics --help)\n",
        )


# --- shared argument parsing ---------------------------------------------------------------------------


def _list(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _expand_items(text: str) -> list[str]:
    """``A1-A14,B3`` -> A1, A2, ..., A14, B3 (a range keeps its prefix and counts the number)."""
    out = []
    for tok in _list(text):
        m = re.fullmatch(r"([^\d,]*?)(\d+)\s*-\s*(?:\1)?(\d+)", tok)
        if m and int(m.group(3)) >= int(m.group(2)):
            out += [f"{m.group(1)}{k}" for k in range(int(m.group(2)), int(m.group(3)) + 1)]
        else:
            out.append(tok)
    return out


def _scale(text: str | None) -> tuple[float, float] | None:
    if not text:
        return None
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(?:-|:|,|to)\s*(-?\d+(?:\.\d+)?)\s*", text)
    if not m or not float(m.group(1)) < float(m.group(2)):
        raise ArgumentError(f"--scale {text!r}: write the scale as MIN-MAX, e.g. 1-5.")
    return float(m.group(1)), float(m.group(2))


def _codes(text: str | None) -> list[float] | None:
    if not text:
        return None
    try:
        return [float(t) for t in _list(text)]
    except ValueError:
        raise ArgumentError(f"--missing-codes {text!r}: give numbers separated by commas, e.g. 9,99.") from None


def _column_map(path: str | None) -> dict | None:
    """A column map file: TOML or JSON, ``"export column" = "item"`` (at the top or under [columns])."""
    if not path:
        return None
    p = Path(path)
    if not p.is_file():
        raise ArgumentError(f"--map {path}: no such file.")
    text = p.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ArgumentError(
            f"--map {path} is not valid {'JSON' if p.suffix.lower() == '.json' else 'TOML'}: {exc}"
        ) from None
    data = data.get("columns", data)
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ArgumentError(f'--map {path}: each entry must be "export column" = "item id".')
    return data


def _codebook(args):
    from cmanalytics.study.codebook import load_codebook

    return load_codebook(args.codebook) if getattr(args, "codebook", None) else None


def _read_survey(args, codebook):
    import cmanalytics as cma

    return cma.study.read_survey(
        args.file,
        codebook if codebook is not None else cma.study.load_codebook(),
        sheet=_sheet(args),
        encoding=args.encoding,
        id_column=args.id,
        column_map=_column_map(args.map),
        missing_codes=_codes(args.missing_codes),
        out_of_range=args.out_of_range,
    )


def _refuse_unused(args, why: dict[str, str]) -> None:
    """Options given that this use of the command does not read: refused, each with the reason."""
    for dest, reason in why.items():
        if getattr(args, dest, None) != args.subparser.get_default(dest):
            raise ArgumentError(f"--{dest.replace('_', '-')} {reason}.")


def _sheet(args):
    s = getattr(args, "sheet", None)
    return int(s) if s is not None and s.isdigit() else (s if s is not None else 0)


def _respondents(df: pd.DataFrame, missing: str) -> int:
    """Respondents whose answers enter the statistics: complete rows (listwise), or rows with two or more
    answers (pairwise)."""
    answered = df.notna().sum(axis=1)
    return int((answered == df.shape[1]).sum() if missing == "listwise" else (answered >= 2).sum())


def _check_respondents(n: int, what: str) -> None:
    if n < MIN_RESPONDENTS:
        raise DataError(
            f"{what}: only {n} respondent(s) with answers; the command line computes no statistics on "
            f"fewer than {MIN_RESPONDENTS} (their answers could be read back from the figures)."
        )


# --- efa and alpha: items only -------------------------------------------------------------------------


def _items_frame(args) -> tuple[pd.DataFrame, tuple[float, float] | None, list[str]]:
    """The item columns to analyse, numbers with missing codes applied; the scale; the reverse items."""
    import cmanalytics as cma

    scale = _scale(args.scale)
    reverse = _list(args.reverse)
    cb = _codebook(args)
    if cb is not None:
        return _codebook_items(args, cb, scale, reverse)
    if args.part:
        raise ArgumentError("--part needs --codebook.")
    _refuse_unused(
        args,
        {
            "id": "names the id column of an export read through --codebook; without one, columns named as ids "
            "(id, 序号, ...) are left out",
            "map": "maps export columns to a codebook's items: give --codebook",
            "out_of_range": "applies to answers read through --codebook; without one, --scale refuses answers "
            "outside it and --missing-codes declares codes",
        },
    )
    raw = cma.study.read_export(args.file, sheet=_sheet(args), encoding=args.encoding)
    block = _numeric_block(raw, _item_columns(raw, args), args.file)
    for code in _codes(args.missing_codes) or ():
        if scale and scale[0] <= code <= scale[1]:
            raise ArgumentError(f"--missing-codes {code:g} lies inside the scale {scale[0]:g}-{scale[1]:g}.")
        block = block.mask(block == code)
    if scale:
        outside = (block < scale[0]) | (block > scale[1])
        if outside.any().any():
            c = outside.any()[outside.any()].index[0]
            vals = sorted(set(block[c][outside[c]]))
            raise DataError(
                f"{args.file}: column {c!r} has answers outside the scale {scale[0]:g}-{scale[1]:g} "
                f"({', '.join(f'{v:g}' for v in vals[:5])}); declare them with --missing-codes."
            )
    if not scale:
        _warn_code_like(block, args.file)
    if reverse and not scale:
        raise ArgumentError(
            "--reverse needs --scale MIN-MAX (or --codebook): items are reversed as min + max - x on "
            "the declared scale, never on the range observed."
        )
    unknown = [r for r in reverse if r not in block.columns]
    if unknown:
        raise ArgumentError(f"--reverse names column(s) {', '.join(unknown)} that are not analysed.")
    return block, scale, reverse


def _codebook_items(args, cb, scale, reverse) -> tuple[pd.DataFrame, tuple[float, float], list[str]]:
    """With --codebook: the part's items (or all), read through the codebook; its scale and reverse keys
    where the command line gives none."""
    if args.items or args.columns:
        raise ArgumentError("give either --codebook (with --part) or --items, not both.")
    df = _read_survey(args, cb)
    items = cb.items_of(args.part) if args.part else cb.item_ids
    if not reverse:
        reverse = [i for i in cb.reverse_items() if i in items]
    its = [cb.item(i) for i in items]
    scale = scale or (min(i.scale_min for i in its), max(i.scale_max for i in its))
    return df[items], scale, reverse


def _item_columns(raw: pd.DataFrame, args) -> list:
    """The columns --items names (each must exist), else every numeric column but an id (said on stderr)."""
    from cmanalytics.study.ingestion import ID_NAMES

    wanted = _expand_items(args.items or args.columns or "")
    if wanted:
        absent = [c for c in wanted if c not in raw.columns]
        if absent:
            raise DataError(f"{args.file} has no column(s) {', '.join(absent)}.")
        return wanted
    cols = [
        c for c in raw.columns if pd.api.types.is_numeric_dtype(raw[c].dtype) and str(c).strip().lower() not in ID_NAMES
    ]
    left = [str(c) for c in raw.columns if c not in cols]
    print(
        f"analysing {len(cols)} numeric column(s): {', '.join(map(str, cols))}"
        + (f"; not analysed: {', '.join(left)}" if left else "")
        + " (choose with --items or --codebook)",
        file=sys.stderr,
    )
    return cols


def _numeric_block(raw: pd.DataFrame, cols: list, path) -> pd.DataFrame:
    """The chosen columns as float64; text that is not a number is an error naming the file's rows."""
    block = pd.DataFrame(index=raw.index)
    for c in cols:
        values = pd.to_numeric(raw[c], errors="coerce")
        bad = raw[c].notna() & values.isna()
        if bad.any():
            rows = ", ".join(str(r + 2) for r in np.where(bad.to_numpy())[0][:5])
            raise DataError(
                f"{path}: column {c!r} holds text that is not a number (file row(s) {rows}: "
                f"{', '.join(map(repr, raw[c][bad].unique()[:3]))}); use --codebook to read text answers."
            )
        block[c] = values.astype("float64")
    return block


def _warn_code_like(block: pd.DataFrame, path) -> None:
    """Without a declared scale, a value such as 9 or 99 standing apart from a column's other answers is
    probably a missing code: say so rather than analyse it as an answer without a word."""
    import warnings

    from cmanalytics.errors import DataWarning
    from cmanalytics.study.template import MISSING_LIKE

    for c in block.columns:
        x = block[c].dropna()
        odd = x[x.isin([v for v in MISSING_LIKE if v not in (0.0,)])]
        rest = x[~x.index.isin(odd.index)]
        if len(odd) and len(rest) and (odd.min() > rest.max() + 1 or odd.max() < rest.min() - 1):
            warnings.warn(
                f"{path}: column {c!r} has {len(odd)} answer(s) of {', '.join(f'{v:g}' for v in sorted(set(odd)))} "
                f"apart from its other answers ({rest.min():g}-{rest.max():g}): if they mean 'no answer', "
                "declare --missing-codes; give --scale to check every answer.",
                DataWarning,
                stacklevel=outside_stacklevel(),
            )


def _efa(args) -> int:
    import cmanalytics as cma

    if args.json and args.blank is not None:
        raise ArgumentError("--blank hides small loadings in the printed table; --json gives every loading.")
    df, scale, reverse = _items_frame(args)
    if reverse:
        df = df.copy()
        for r in reverse:
            df[r] = scale[0] + scale[1] - df[r]
    _check_respondents(_respondents(df, args.missing), "efa")
    items = cma.prepare(df, missing=args.missing)
    res = cma.efa(
        items, n_factors=args.factors, method=args.method, rotation=None if args.rotation == "none" else args.rotation
    )
    k, b = cma.kmo(items), cma.bartlett(items)
    if args.json:
        print(
            json.dumps(
                {
                    "n_obs": res.n_obs,
                    "kmo": k.overall,
                    "bartlett": {"chi2": b.chi2, "df": b.df, "p_value": b.p_value},
                    "n_factors": res.n_factors,
                    "eigenvalues": res.eigenvalues.tolist(),
                    "loadings": {i: row.tolist() for i, row in res.loadings.iterrows()},
                    "factors": list(res.loadings.columns),
                    "communalities": res.communalities.to_dict(),
                    "reversed": reverse,
                    "warnings": list(res.warnings),
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        if reverse:
            print(f"reverse-keyed on the scale {scale[0]:g}-{scale[1]:g}: {', '.join(reverse)}")
        print(k.summary(), b.summary(), res.summary(blank=args.blank), sep="\n\n")
    return 0


def _alpha(args) -> int:
    import cmanalytics as cma

    df, scale, reverse = _items_frame(args)
    _check_respondents(_respondents(df, args.missing), "alpha")
    res = cma.cronbach_alpha(df, reverse=reverse, missing=args.missing, scale=scale if reverse else None)
    if args.json:
        print(
            json.dumps(
                {
                    "alpha": res.alpha,
                    "std_alpha": res.std_alpha,
                    "ci": list(res.ci),
                    "n_obs": res.n_obs,
                    "reversed": list(res.reversed),
                    "item_stats": res.item_stats.to_dict(orient="index"),
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        print(res.summary())
    return 0


# --- your own survey -----------------------------------------------------------------------------------


def _study(args) -> int:
    import cmanalytics as cma

    out = Path(args.out)
    if not args.file:
        if args.codebook:
            raise ArgumentError(
                "--codebook needs an export to read; without a file the command shows the published "
                "study's synthetic twin."
            )
        twin = "reads an export; without a file the command writes the synthetic twin's tables (only --out, --lang)"
        _refuse_unused(args, dict.fromkeys(_STUDY_EXPORT_OPTIONS, twin))
        from cmanalytics.reporting.build import SYNTHETIC_NOTE, study_tables

        print("no export given: using the synthetic twin of the published study (seed 0)", file=sys.stderr)
        files = cma.study.export_tables(
            study_tables(cma.study.synthetic_twin(seed=0), lang=args.lang), out, note=SYNTHETIC_NOTE
        )
        print(f"{len(files)} files written to {out}/")
        return 0
    if args.seed is not None and args.factors != "parallel":
        raise ArgumentError("--seed seeds parallel analysis: give it with --factors parallel.")
    cb = _codebook(args) or cma.study.load_codebook()
    raw = _read_survey(args, cb)
    report = cma.study.read_report(raw)
    print(repr(report), file=sys.stderr)
    cleaned = cma.study.clean(raw, cb)
    _check_respondents(cleaned.counts["valid"], "study")
    res = cma.study.analyse(
        cleaned.data,
        cb,
        n_factors=_n_factors(args.factors),
        missing=args.missing,
        compare=args.compare,
        lang=args.lang,
        seed=args.seed if args.seed is not None else 0,
    )
    from cmanalytics.study.outputs import write_study_outputs

    analyses = res.parts if hasattr(res, "parts") else {res.part: res}
    scores = cma.study.score(cleaned.data, cb, method=args.score_method)
    files = write_study_outputs(analyses, out, scores=scores, read_report=report, lang=args.lang, compare=args.compare)
    # the cleaning published as counts per rule, never respondent by respondent
    files += cma.study.export_tables({"cleaning_by_rule": cleaned.by_rule.to_frame()}, out / "tables", lang=args.lang)
    print(f"{len(files)} files written to {out}/ (open {out}/report.html)")
    return 0


# what `study` reads from an export (refused without one)
_STUDY_EXPORT_OPTIONS = (
    "missing",
    "factors",
    "compare",
    "score_method",
    "seed",
    "id",
    "map",
    "missing_codes",
    "encoding",
    "sheet",
    "out_of_range",
)


def _n_factors(text):
    if text is None or text in ("parallel", "kaiser"):
        return text
    if not text.isdigit() or int(text) < 1:
        raise ArgumentError(f"--factors {text!r}: give a whole number, 'parallel' or 'kaiser'.")
    return int(text)


def _score(args) -> int:
    import cmanalytics as cma

    cb = _codebook(args) or cma.study.load_codebook()
    raw = _read_survey(args, cb)
    _check_respondents(len(raw), "score")
    min_items = None
    if args.min_items:
        min_items = float(args.min_items) if "." in args.min_items else int(args.min_items)
    scores = cma.study.score(raw, cb, method=args.method, min_items=min_items)
    if args.out:
        scores.to_csv(args.out, index=False, encoding="utf-8-sig", float_format="%.10g", lineterminator="\n")
        print(
            f"{len(scores)} respondents' scores written to {args.out} ({scores.attrs['scoring']['rule']})",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(scores.to_csv(index=False, float_format="%.10g", lineterminator="\n"))
    return 0


def _codebook_template(args) -> int:
    import cmanalytics as cma

    scale = _scale(args.scale) or (1, 5)
    sys.stdout.write(
        cma.study.codebook_template(
            args.file, scale=scale, id_column=args.id, sheet=_sheet(args), encoding=args.encoding
        )
    )
    return 0


def _report(args) -> int:
    # the build's own entry point: staging, the lock, one line and status 2 on any failure or interruption
    from cmanalytics.reporting.build import main as build_main

    argv = ["--out", args.out, "--data", args.data, "--notebooks", args.notebooks] + (["--wait"] if args.wait else [])
    return build_main(argv)


# --- the parser ----------------------------------------------------------------------------------------


def _reading_options(p, codebook: bool = True) -> None:
    g = p.add_argument_group("reading the export")
    if codebook:
        g.add_argument(
            "--codebook",
            help="the instrument's codebook (TOML; draft one with `cmanalytics codebook "
            "template`); default: the psychological-contract study's",
        )
    g.add_argument("--id", help="the column of respondent ids (default: one named id, 序号, 编号 ...)")
    g.add_argument("--map", help='a TOML or JSON file of "export column" = "item id"')
    g.add_argument("--missing-codes", help="codes that mean no answer, e.g. 9,99")
    g.add_argument("--encoding", default="auto", help="text file encoding (default: auto = UTF-8, BOM or GB18030)")
    g.add_argument("--sheet", help="Excel sheet (name or 0-based index)")
    g.add_argument(
        "--out-of-range",
        default="error",
        choices=["error", "missing"],
        help="an answer outside the scale: an error (default) or missing",
    )


def _items_commands(sub) -> None:
    """efa and alpha: the items of a survey file."""
    for name, helptext, run in (
        ("efa", "KMO, Bartlett and factor analysis of the items of a survey file", _efa),
        ("alpha", "Cronbach's alpha and item-total statistics of the items of a survey file", _alpha),
    ):
        e = sub.add_parser(name, help=helptext)
        e.add_argument("file")
        e.add_argument("--items", help="item columns: A1-A14,B3 (default: every numeric column but an id)")
        e.add_argument("--columns", help=argparse.SUPPRESS)
        e.add_argument("--part", help="with --codebook: the part whose items to analyse")
        e.add_argument("--scale", help="the items' scale, MIN-MAX (needed for --reverse without a codebook)")
        e.add_argument("--reverse", help="items to reverse-key as min + max - x on the scale")
        e.add_argument("--missing", default="listwise", choices=["listwise", "pairwise"])
        e.add_argument("--json", action="store_true", help="print JSON instead of the tables")
        _reading_options(e)
        if name == "efa":
            e.add_argument("--factors", type=int, default=None, help="number of factors (default: eigenvalues > 1)")
            e.add_argument("--method", default="pca", choices=["pca", "paf", "minres", "ml"])
            e.add_argument(
                "--rotation",
                default="varimax",
                choices=["none", "varimax", "quartimax", "equamax", "promax", "oblimin"],
            )
            e.add_argument("--blank", type=float, default=None, help="hide loadings below this absolute value")
        e.set_defaults(run=run, subparser=e)


def _survey_commands(sub) -> None:
    """study, score and codebook template: a survey export read through a codebook."""
    s = sub.add_parser("study", help="tables, scores and a report of a survey export (without one: the study's twin)")
    s.add_argument("file", nargs="?")
    s.add_argument("--out", default="study_tables", help="folder for the tables, scores and report")
    s.add_argument("--lang", default="en", choices=["en", "zh"])
    s.add_argument("--missing", default="listwise", choices=["listwise", "pairwise"])
    s.add_argument(
        "--factors", help="components per part: a number, parallel or kaiser (default: the codebook's dimensions)"
    )
    s.add_argument("--compare", choices=["published"], help="put the published study's figures beside these")
    s.add_argument("--score-method", default="mean", choices=["mean", "sum", "regression"])
    s.add_argument("--seed", type=int, default=None, help="seed of parallel analysis (default 0)")
    _reading_options(s)
    s.set_defaults(run=_study, subparser=s)
    sc = sub.add_parser("score", help="each respondent's dimension scores (CSV)")
    sc.add_argument("file")
    sc.add_argument("--method", default="mean", choices=["mean", "sum", "regression"])
    sc.add_argument("--min-items", help="fewest answered items for a score (default: half the dimension's items)")
    sc.add_argument("--out", help="CSV file (default: standard output)")
    _reading_options(sc)
    sc.set_defaults(run=_score)
    c = sub.add_parser("codebook", help="draft a codebook from an export: codebook template FILE")
    csub = c.add_subparsers(dest="action", required=True, parser_class=_Parser)
    t = csub.add_parser("template", help="print a codebook TOML drafted from an export")
    t.add_argument("file")
    t.add_argument("--scale", default="1-5", help="the items' scale, MIN-MAX (default 1-5)")
    t.add_argument("--id", help="the column of respondent ids")
    t.add_argument("--encoding", default="auto")
    t.add_argument("--sheet")
    t.set_defaults(run=_codebook_template)


def parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="cmanalytics", description="Psychometrics for bank customer-manager research.")
    from cmanalytics import __version__

    ap.add_argument("--version", action="version", version=f"cmanalytics {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _items_commands(sub)
    _survey_commands(sub)
    # the banks' rules have their own parsers (cmanalytics.cli.performance); listed here for --help
    sub.add_parser(
        "scorecard",
        help="one manager's scorecard (HTML and PDF): scorecard ID [--bank DIR] [--policy FILE]",
        add_help=False,
    )
    sub.add_parser(
        "compare", help="what if the policy changed: compare A.toml B.toml [--bank DIR] [--out DIR]", add_help=False
    )
    r = sub.add_parser("report", help="what `make reports` runs")
    r.add_argument("--out", default="reports", help="the report folder (replaced whole, only on success)")
    r.add_argument("--data", default="data/synthetic", help="the synthetic data (generated when missing)")
    r.add_argument("--notebooks", default="notebooks", help="the notebooks to execute")
    r.add_argument("--wait", action="store_true", help="wait for a build already running instead of stopping")
    r.set_defaults(run=_report)
    return ap


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    print(f"cmanalytics: warning: {message}", file=sys.stderr)


def main(argv=None) -> int:
    import warnings

    argv = list(sys.argv[1:] if argv is None else argv)
    warnings.showwarning = _one_line_warning
    if argv and argv[0] in ("scorecard", "compare"):
        from cmanalytics.cli import performance as commands

        return (commands.scorecard_main if argv[0] == "scorecard" else commands.compare_main)(argv[1:])
    args = parser().parse_args(argv)
    try:
        status = args.run(args)
        sys.stdout.flush()
        return status
    except CmanalyticsError as exc:
        print(f"cmanalytics: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (`| head`): stop quietly, and keep Python from complaining at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("cmanalytics: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"cmanalytics: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug of ours: still one line, never a traceback, and say how to see it
        msg = str(exc).splitlines()[0] if str(exc) else ""
        print(f"cmanalytics: error: {type(exc).__name__}: {msg} (an internal error; please report it)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
