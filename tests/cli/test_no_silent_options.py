"""No silent options on the command line: an option the command would not read in the combination given
is refused with status 2 and one line saying why; where it applies, it is honoured."""

from __future__ import annotations

import pytest

import cmanalytics as cma
from cmanalytics.cli import main
from tests.conftest import REFERENCE

ATTITUDE = str(REFERENCE / "attitude.csv")


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "twin.csv"
    cma.study.clean(cma.study.synthetic_twin(seed=0)).data.to_csv(path, index=False)
    return str(path)


def refused(capsys, argv, reason):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cmanalytics: error: ") and reason in err, err


@pytest.mark.parametrize("command", ["efa", "alpha"])
@pytest.mark.parametrize(
    "option, reason",
    [
        (["--id", "rating"], "--id names the id column of an export read through --codebook"),
        (["--map", "map.toml"], "--map maps export columns to a codebook's items"),
        (["--out-of-range", "missing"], "--out-of-range applies to answers read through --codebook"),
        (["--sheet", "2"], "sheet=2 chooses a sheet of an Excel workbook; attitude.csv is not one"),
    ],
)
def test_items_commands_refuse_codebook_reading_options_without_a_codebook(capsys, command, option, reason):
    refused(capsys, [command, ATTITUDE, *option], reason)


def test_efa_refuses_blank_with_json_and_honours_it_in_the_table(capsys):
    refused(capsys, ["efa", ATTITUDE, "--json", "--blank", "0.3"], "--blank hides small loadings")
    assert main(["efa", ATTITUDE, "--factors", "2", "--blank", "0.3"]) == 0
    assert "Loadings with absolute value below 0.3 are blanked." in capsys.readouterr().out


@pytest.mark.parametrize(
    "option",
    [
        ["--factors", "3"],
        ["--seed", "5"],
        ["--missing", "pairwise"],
        ["--compare", "published"],
        ["--score-method", "sum"],
        ["--id", "id"],
        ["--missing-codes", "9"],
        ["--encoding", "gbk"],
        ["--sheet", "1"],
        ["--out-of-range", "missing"],
    ],
    ids=lambda o: o[0],
)
def test_study_without_an_export_refuses_what_it_would_read_from_one(capsys, tmp_path, option):
    refused(capsys, ["study", "--out", str(tmp_path / "t"), *option], f"{option[0]} reads an export; without a file")
    assert not (tmp_path / "t").exists()


def test_study_refuses_a_seed_without_parallel_analysis(capsys, tmp_path, export):
    refused(capsys, ["study", export, "--out", str(tmp_path / "t"), "--seed", "5"], "--seed seeds parallel analysis")
    refused(
        capsys,
        ["study", export, "--out", str(tmp_path / "t"), "--factors", "3", "--seed", "5"],
        "--seed seeds parallel analysis",
    )


def test_score_refuses_min_items_with_regression_scores(capsys, export):
    refused(capsys, ["score", export, "--method", "regression", "--min-items", "2"], "min_items applies to mean")
    assert main(["score", export, "--method", "mean", "--min-items", "1"]) == 0
    assert capsys.readouterr().out.startswith("respondent_id,")
