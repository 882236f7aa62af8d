"""A manager's scorecard: the manager's own figures, consistent with the pay chain and the assignment, and
no other person's figures on the page."""

from __future__ import annotations

import re
import warnings

import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, PolicyWarning
from cmanalytics.synthetic.bank import synthetic_bank

P = cma.performance


@pytest.fixture(scope="module")
def bank():
    return synthetic_bank(3, n_staff=800, n_corporate=80, n_personal=20, n_wealth=5, n_branches=4)


@pytest.fixture(scope="module")
def outcome(bank):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PolicyWarning)
        return P.apply_policy(bank)


def test_the_page_agrees_with_the_chain(bank, outcome, tmp_path):
    m = outcome.managers
    mid = m[m["role"] == "corporate_cm"].index[0]
    sc = P.scorecard(bank, mid, outcome=outcome)
    row = m.loc[mid]
    assert sc.facts["score"] == row["score"] and sc.facts["grade"] == row["grade"]
    assert sc.facts["total paid"] == pytest.approx(row["total_paid"], nan_ok=True)
    # rank among the same role and level, ties sharing the better rank: 1 + how many score higher
    peers = m[(m["role"] == row["role"]) & (m["level"] == row["level"])]
    assert sc.facts["rank"] == 1 + (peers["score"] > row["score"]).sum()
    assert sc.facts["peer_group_size"] == len(peers)
    # the area scores are the year's mean of the manager's quarterly area scores, rounded to 2 decimals
    q = outcome.card.area_scores.xs(mid, level=0)
    assert sc.areas.to_dict() == pytest.approx(P.load_policy().round(q.mean()).to_dict())
    # caseload and clients: the assignment's rows for this manager
    mine = outcome.assignment.table[outcome.assignment.table["manager_id"] == mid]
    assert sc.facts["caseload"] == len(mine) == len(sc.clients)
    page = sc.html()
    assert page.startswith("<!DOCTYPE html>") and mid in page and "<script" not in page
    # no other manager's id appears on the page
    others = set(re.findall(r"S\d{5}", page)) - {mid}
    assert not others
    pdf = sc.save_pdf(tmp_path / "card.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and sc.save_html(tmp_path / "card.html").exists()


def test_unknown_manager(bank, outcome):
    with pytest.raises(ArgumentError, match="manager 'nobody'"):
        P.scorecard(bank, "nobody", outcome=outcome)


def test_command_entry_points(tmp_path, capsys):
    from cmanalytics.cli.performance import compare_main, scorecard_main
    from cmanalytics.synthetic.bank import save_bank

    folder = save_bank(tmp_path, seed=0)
    assert scorecard_main(["S00023", "--bank", str(folder), "--out", str(tmp_path / "o")]) == 0
    assert (tmp_path / "o" / "scorecard_S00023.pdf").exists()
    b = tmp_path / "b.toml"
    b.write_text(
        'extends = "default"\n[appraisal]\narea_weights = { results = 0.4, service = 0.3, risk = 0.3 }\n',
        encoding="utf-8",
    )
    assert compare_main(["default", str(b), "--bank", str(folder), "--out", str(tmp_path / "c")]) == 0
    assert (tmp_path / "c" / "compare_totals.csv").exists()
    assert compare_main([str(tmp_path / "missing.toml"), str(b), "--bank", str(folder)]) == 2
    assert "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "default"\n[elimination]\nbotom_n = 5\n', encoding="utf-8")
    assert compare_main([str(b), str(bad), "--bank", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did you mean 'bottom_n'" in err
    assert scorecard_main(["nobody", "--bank", str(folder)]) == 2
