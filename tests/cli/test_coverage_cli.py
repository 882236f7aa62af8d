"""The command line's options and errors, run in-process: each user error is one line naming the option or
the column, status 2; reverse-keying on the command line gives R's loadings with the reversed item's sign
flipped (the correlation of min + max - x with y is minus that of x with y)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import cmanalytics
from cmanalytics.cli import _expand_items, main
from tests.conftest import REFERENCE, match_columns

ATTITUDE = REFERENCE / "attitude.csv"
CODEBOOK = Path(cmanalytics.__file__).parent / "study" / "instruments" / "psychological_contract.toml"


def _fails(capsys, argv, *fragments):
    assert main(argv) == 2
    err = capsys.readouterr().err  # notes on what is analysed may come first; the error is one line, the last
    errors = [line for line in err.splitlines() if line.startswith("cmanalytics: error: ")]
    assert len(errors) == 1 and err.endswith(errors[0] + "\n"), err
    for f in fragments:
        assert f in err, err


def test_efa_with_a_reversed_item_flips_that_items_loadings(capsys):
    ref = json.loads((REFERENCE / "attitude.json").read_text())
    argv = ["efa", str(ATTITUDE), "--factors", "2", "--scale", "0-100", "--reverse", "critical", "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["reversed"] == ["critical"]
    theirs = np.asarray(ref["pca_varimax"]["loadings"]["values"])
    theirs[ref["items"].index("critical")] *= -1
    ours = np.array([out["loadings"][i] for i in ref["items"]])
    np.testing.assert_allclose(match_columns(ours, theirs)[0], theirs, atol=1e-8)
    # the text report says which items were reversed, on which scale
    assert main(argv[:-1]) == 0
    assert "reverse-keyed on the scale 0-100: critical" in capsys.readouterr().out


def test_item_ranges_keep_their_prefix():
    assert _expand_items("A1-A3,B7") == ["A1", "A2", "A3", "B7"]
    assert _expand_items("q2-4") == ["q2", "q3", "q4"]
    assert _expand_items("x3-1") == ["x3-1"]  # a range going down is a column name, not a range


@pytest.mark.parametrize(
    ("extra", "fragments"),
    [
        (["--scale", "5-1"], ["--scale '5-1': write the scale as MIN-MAX"]),
        (["--missing-codes", "9,n/a"], ["--missing-codes '9,n/a': give numbers separated by commas"]),
        (["--part", "A"], ["--part needs --codebook"]),
        (["--items", "rating,salary"], ["has no column(s) salary"]),
        (["--scale", "0-100", "--missing-codes", "50"], ["--missing-codes 50 lies inside the scale 0-100"]),
        (["--scale", "40-100"], ["column 'complaints' has answers outside the scale 40-100 (37)", "--missing-codes"]),
        (["--reverse", "critical"], ["--reverse needs --scale MIN-MAX"]),
        (["--scale", "0-100", "--reverse", "salary"], ["--reverse names column(s) salary that are not analysed"]),
    ],
)
def test_alpha_option_errors_name_the_option(capsys, extra, fragments):
    _fails(capsys, ["alpha", str(ATTITUDE), *extra], *fragments)


def test_a_codebook_and_items_together_are_refused(capsys, tmp_path):
    _fails(capsys, ["alpha", str(ATTITUDE), "--codebook", str(CODEBOOK), "--items", "rating"], "either --codebook")


def test_a_column_map_that_does_not_exist(capsys):
    _fails(
        capsys,
        ["alpha", str(ATTITUDE), "--codebook", str(CODEBOOK), "--map", "nomap.toml"],
        "--map nomap.toml: no such file",
    )


def test_text_in_an_item_column_names_the_file_rows(capsys, tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("q1,q2,q3\n1,2,3\n2,x,3\n3,4,y\n", encoding="utf-8")
    # file row 3 (the header is row 1) holds 'x' in q2
    _fails(
        capsys,
        ["alpha", str(f), "--items", "q1-q3"],
        "column 'q2' holds text that is not a number (file row(s) 3: 'x')",
    )


def test_fewer_than_five_respondents_get_no_statistics(capsys, tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("q1,q2,q3\n1,2,3\n2,2,3\n3,4,4\n4,4,5\n", encoding="utf-8")
    _fails(capsys, ["efa", str(f)], "efa: only 4 respondent(s) with answers", "fewer than 5")


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ('A1 = ["not", "a string"]\n', ['each entry must be "export column" = "item id"']),
        ("A1 = \n", ["is not valid TOML"]),
    ],
)
def test_a_bad_column_map_is_named(capsys, tmp_path, text, fragments):
    m = tmp_path / "map.toml"
    m.write_text(text, encoding="utf-8")
    _fails(capsys, ["alpha", str(ATTITUDE), "--codebook", str(CODEBOOK), "--map", str(m)], f"--map {m}", *fragments)


def test_a_json_column_map_that_is_not_json(capsys, tmp_path):
    m = tmp_path / "map.json"
    m.write_text("{A1: 1", encoding="utf-8")
    _fails(capsys, ["alpha", str(ATTITUDE), "--codebook", str(CODEBOOK), "--map", str(m)], "is not valid JSON")


def test_study_without_a_file_refuses_a_codebook(capsys, tmp_path):
    _fails(capsys, ["study", "--codebook", "x.toml", "--out", str(tmp_path)], "--codebook needs an export to read")


def test_study_factors_must_be_a_count_or_a_rule(capsys, tmp_path):
    from cmanalytics.cli import _n_factors
    from cmanalytics.errors import ArgumentError

    assert _n_factors("3") == 3 and _n_factors("parallel") == "parallel" and _n_factors(None) is None
    with pytest.raises(ArgumentError, match="--factors 'two': give a whole number, 'parallel' or 'kaiser'"):
        _n_factors("two")


def test_codebook_template_prints_a_draft(capsys, tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("id,q1,q2\n1,1,5\n2,2,4\n3,5,1\n", encoding="utf-8")
    assert main(["codebook", "template", str(f), "--scale", "1-7"]) == 0
    out = capsys.readouterr().out
    # the scale as given, the two answer columns as items, the id column not among them
    assert "[scale]\nmin = 1\nmax = 7\n" in out and 'items = ["q1", "q2"]' in out and 'id = "id"' not in out
    # answers of 1 lie below a scale of 2-7: no column fits it
    _fails(capsys, ["codebook", "template", str(f), "--scale", "2-7"], "found 0 column(s) of answers on the scale 2-7")


def test_an_os_error_is_one_line(capsys, tmp_path, monkeypatch):
    import cmanalytics.cli as cli

    def refuse(args):
        raise PermissionError(13, "Permission denied", str(tmp_path / "out"))

    monkeypatch.setattr(cli, "_alpha", refuse)
    _fails(capsys, ["alpha", str(ATTITUDE)], f"Permission denied ({tmp_path / 'out'})")


def test_an_internal_error_is_one_line_asking_for_a_report(capsys, monkeypatch):
    import cmanalytics.cli as cli

    def bug(args):
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setattr(cli, "_alpha", bug)
    _fails(
        capsys, ["alpha", str(ATTITUDE)], "ZeroDivisionError: division by zero (an internal error; please report it)"
    )


def test_an_interruption_exits_130(capsys, monkeypatch):
    import cmanalytics.cli as cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_alpha", interrupted)
    assert main(["alpha", str(ATTITUDE)]) == 130
    assert capsys.readouterr().err == "cmanalytics: interrupted\n"
