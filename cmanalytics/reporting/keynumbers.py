"""The key numbers of the reports, for the top of the index page: what a reader wants before any link.

From the study's survey export (the twin in ``make reports``): the valid questionnaires out of those
distributed, and per part the KMO and Cronbach's alpha; from the HR extract (the synthetic bank's staff):
the customer-manager share of formal staff against the floor, and the branches below the floor. For the
build::

    key_numbers_html(raw, load_bank(data_dir / "bank_seed0").staff)     # raw: the twin as read from its CSV

returns an HTML fragment (a heading and one table) to put first on ``index.html``.
"""

from __future__ import annotations

import html

import pandas as pd


def key_numbers(raw: pd.DataFrame, staff: pd.DataFrame, *, codebook=None, policy=None) -> pd.DataFrame:
    """One row per key number: ``report``, ``figure``, ``value`` (as printed) and ``note``.

    KMO and alpha per part are those of :func:`cmanalytics.study.analyse` (SPSS's "KMO and Bartlett's Test"
    and "Reliability Statistics" of the part's items); the staffing share is
    :func:`cmanalytics.workforce.headcount`'s bank row."""
    from cmanalytics import study, workforce

    cleaned = study.clean(raw, codebook) if codebook is not None else study.clean(raw)
    book = codebook or study.load_codebook()
    rows = [
        (
            "study",
            "valid questionnaires",
            f"{cleaned.counts['valid']} of {cleaned.counts['distributed']}",
            f"{cleaned.valid_rate:.1%} valid after the cleaning rules",
        )
    ]
    for part in book.parts:
        res = (
            study.analyse(cleaned.data, book, part=part.id)
            if codebook is not None
            else study.analyse(cleaned.data, part=part.id)
        )
        rows.append(("study", f"part {part.id}: KMO", f"{res.kmo.overall:.3f}", res.kmo.label))
        rows.append(
            ("study", f"part {part.id}: Cronbach's alpha", f"{res.alpha.alpha:.3f}", f"{len(res.efa.items)} items")
        )
    hc = workforce.headcount(staff, policy=policy)
    bank = hc[hc["branch_id"] == "all"].iloc[0]
    below = hc[(hc["branch_id"] != "all") & hc["below_floor"]]
    rows.append(
        ("workforce", "customer-manager share of formal staff", f"{bank['cm_share']:.1%}", f"floor {bank['floor']:.0%}")
    )
    rows.append(
        (
            "workforce",
            "branches below the floor",
            f"{len(below)} of {len(hc) - 1}",
            ", ".join(f"{b} ({_below(s, bank['floor'])})" for b, s in zip(below["branch_id"], below["cm_share"]))
            or "none",
        )
    )
    return pd.DataFrame(rows, columns=["report", "figure", "value", "note"])


def key_numbers_html(
    raw: pd.DataFrame, staff: pd.DataFrame, *, codebook=None, policy=None, title: str = "Key numbers"
) -> str:
    """:func:`key_numbers` as an HTML fragment: a heading and a table, every value escaped."""
    table = key_numbers(raw, staff, codebook=codebook, policy=policy)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in table.itertuples(index=False)
    )
    return (
        f"<section class='key-numbers'><h2>{html.escape(title)}</h2>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>"
    )


def _below(share: float, floor: float) -> str:
    """A share below the floor, with the decimals it takes not to print as the floor (19.96% is not "20.0%")."""
    for digits in (1, 2, 3, 4):
        text = f"{share:.{digits}%}"
        if float(text.rstrip("%")) / 100 < floor:
            return text
    return f"{share:.6%}"
