"""Your own survey, end to end: one made-up dataset written in every format a researcher brings, read back
to the same valid n, alpha, loadings and scores, through the API and the command line."""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, CodebookError, DataError, ReadError, ReverseKeyWarning
from cmanalytics.synthetic import team_climate as fx

ITEMS = list(fx.ITEMS)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    (folder / "team.toml").write_text(fx.CODEBOOK, encoding="utf-8")
    export, truth = fx.answers()
    return folder, fx.write_all(folder, export), truth


@pytest.fixture(scope="module")
def codebook(files):
    return cma.study.load_codebook(files[0] / "team.toml")


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _hand_alpha(x: np.ndarray) -> float:
    """Cronbach (1951): k/(k-1) (1 - sum of item variances / variance of the sum), listwise."""
    x = x[~np.isnan(x).any(axis=1)]
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def test_every_format_reads_to_the_same_answers(files, codebook):
    folder, written, truth = files
    for name, spec in written.items():
        before = _digest(spec["path"])
        df = cma.study.read_survey(spec["path"], codebook, **spec["kwargs"])
        assert _digest(spec["path"]) == before, f"{name}: the export was modified"
        np.testing.assert_array_equal(df[ITEMS].to_numpy(), truth[ITEMS].to_numpy(), err_msg=name)
        assert df["respondent_id"].tolist() == truth["respondent_id"].tolist(), name
        rep = cma.study.read_report(df)
        assert rep.rows == 80 and len(rep.matches) == 8, name
        assert int(rep.missing["count"].sum()) == 6, name  # 3 nines, 3 ninety-nines
        assert {m.item for m in rep.matches} == set(ITEMS)


def test_how_each_export_was_matched_and_recoded(files, codebook):
    folder, written, _ = files
    gbk = cma.study.read_report(cma.study.read_survey(written["csv-gbk-wording"]["path"], codebook, missing_codes=[99]))
    assert gbk.encoding == "gb18030" and {m.how for m in gbk.matches} == {"wording"}
    assert (
        cma.study.read_report(cma.study.read_survey(written["csv-bom"]["path"], codebook, missing_codes=[99])).encoding
        == "utf-8-sig"
    )
    assert (
        cma.study.read_report(
            cma.study.read_survey(written["txt-semicolon"]["path"], codebook, missing_codes=[99])
        ).delimiter
        == ";"
    )
    sav = cma.study.read_report(cma.study.read_survey(written["sav-labels-user-missing"]["path"], codebook))
    assert {m.how for m in sav.matches} == {"label"}
    assert set(sav.missing["declared_in"]) == {"codebook", "the file's user-missing values"}
    assert sav.missing.groupby("code")["count"].sum().to_dict() == {9.0: 3, 99.0: 3}
    xl = cma.study.read_report(
        cma.study.read_survey(written["xlsx-platform-text"]["path"], codebook, missing_codes=[99], sheet="答卷数据")
    )
    assert int(xl.text["count"].sum()) == 80 * 8 - 6  # every answer but the codes was text
    assert xl.to_frame().loc["T3", "text_recoded"] == 80
    assert "A. " in " ".join(xl.text["answer"]) and "strongly agree" in set(xl.text["answer"])
    assert "ReadReport(excel" in repr(xl) and "Text answers recoded" in str(xl)


def test_same_numbers_from_every_format(files, codebook):
    folder, written, truth = files
    keyed = truth[ITEMS].copy()
    for i in fx.REVERSE:
        keyed[i] = 6 - keyed[i]
    hand = {
        d: _hand_alpha(keyed[list(cols)].to_numpy())
        for d, cols in (("team", ["T1", "T2", "T3", "T4"]), ("supervisor", ["S1", "S2", "S3", "S4"]))
    }
    n_valid = int((~keyed.isna().any(axis=1)).sum())
    first = None
    for name, spec in written.items():
        df = cma.study.read_survey(spec["path"], codebook, **spec["kwargs"])
        res = cma.study.analyse(df, codebook)
        assert res.reversed == fx.REVERSE and res.n_obs == n_valid == 74, name
        assert res.efa.n_factors == 2 and res.n_factors_rule.startswith("the codebook")
        for d, a in hand.items():
            assert res.dimension_alpha[d] == pytest.approx(a, abs=1e-12), name
        scores = cma.study.score(df, codebook)
        lam = res.efa.loadings.to_numpy()
        if first is None:
            first = (lam, scores)
        np.testing.assert_allclose(lam, first[0], atol=1e-12, err_msg=name)
        pd.testing.assert_frame_equal(scores, first[1])
    # The reversed items load positively with their dimension once recoded (they would load -0.7 otherwise).
    comp = res.component_of
    assert (
        res.efa.loadings.loc["T3"].iloc[comp["team"]] > 0.5
        and res.efa.loadings.loc["S3"].iloc[comp["supervisor"]] > 0.5
    )


def test_scores_by_hand(files, codebook):
    _, written, truth = files
    df = cma.study.read_survey(written["csv-utf8"]["path"], codebook, missing_codes=[99])
    s = cma.study.score(df, codebook)
    # respondent row 3 left T2 unanswered (a 9): team = mean(T1, 6 - T3, T4) of the three answered
    r = truth.loc[3]
    assert s.loc[3, "team"] == pytest.approx((r.T1 + (6 - r.T3) + r.T4) / 3, abs=1e-12)
    assert s.loc[0, "supervisor"] == pytest.approx(
        (truth.loc[0, "S1"] + truth.loc[0, "S2"] + 6 - truth.loc[0, "S3"] + truth.loc[0, "S4"]) / 4, abs=1e-12
    )
    summed = cma.study.score(df, codebook, method="sum")
    assert summed.loc[3, "team"] == pytest.approx(4 * s.loc[3, "team"])  # prorated: mean x 4 items
    strict = cma.study.score(df, codebook, min_items=4)
    assert np.isnan(strict.loc[3, "team"]) and strict.loc[0, "team"] == s.loc[0, "team"]
    assert s.attrs["scoring"]["reversed"] == fx.REVERSE and s.attrs["scoring"]["min_items"] == {
        "team": 2,
        "supervisor": 2,
    }
    with pytest.raises(ArgumentError, match="min_items for dimension 'team'"):
        cma.study.score(df, codebook, min_items=5)
    reg = cma.study.score(df, codebook, method="regression")
    ok = ~df[ITEMS].isna().any(axis=1)
    # regression scores of components are standardized (mean 0, sd 1) over the respondents analysed
    assert reg.loc[ok, "team"].mean() == pytest.approx(0, abs=1e-10)
    assert reg.loc[ok, "team"].std() == pytest.approx(1, abs=1e-10)
    assert reg.loc[~ok, "team"].isna().all()
    assert np.corrcoef(reg.loc[ok, "team"], s.loc[ok, "team"])[0, 1] > 0.9


def test_reverse_keys_use_the_declared_scale_not_the_observed_range(codebook):
    df = pd.DataFrame({i: [2.0, 3.0, 4.0, 3.0] for i in ITEMS})
    out = cma.study.reverse_key(df, codebook)
    assert out["T3"].tolist() == [4.0, 3.0, 2.0, 3.0]  # 1 + 5 - x, though nobody answered 1 or 5
    assert df["T3"].tolist() == [2.0, 3.0, 4.0, 3.0]  # the caller's frame is untouched
    assert cma.study.reverse_key(out, codebook)["T3"].tolist() == out["T3"].tolist()  # never twice


def test_an_item_that_looks_reverse_keyed_is_named(files, codebook):
    _, _, truth = files
    undeclared = truth.copy()
    undeclared["T1"] = 6 - undeclared["T1"]  # an export in which T1 is keyed the other way
    with pytest.warns(
        ReverseKeyWarning, match=r"item 'T1' correlates negatively .* dimension 'team'; it looks reverse"
    ):
        res = cma.study.analyse(undeclared, codebook)
    assert any("'T1'" in w for w in res.warnings)
    already = truth.copy()
    already["T3"] = 6 - already["T3"]  # the platform had already recoded T3
    with pytest.warns(ReverseKeyWarning, match="'T3'.*already recoded"):
        cma.study.analyse(already, codebook)


def test_analyse_defaults_and_options(files, codebook):
    _, written, truth = files
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReverseKeyWarning)
        res = cma.study.analyse(truth, codebook)
    assert res.comparison is None and not any("published" in k for k in res.tables)
    assert cma.study.analyse(truth, codebook, n_factors=3).efa.n_factors == 3
    assert cma.study.analyse(truth, codebook, n_factors="parallel").n_factors_rule.startswith("parallel analysis")
    with pytest.raises(ArgumentError, match="compare='published'"):
        cma.study.analyse(truth, codebook, compare="published")
    with pytest.raises(ArgumentError, match="n_factors"):
        cma.study.analyse(truth, codebook, n_factors=0)


def test_the_study_compares_with_the_published_figures_only_when_asked():
    cleaned = cma.study.clean(cma.study.synthetic_twin(seed=0))
    assert cma.study.analyse(cleaned.data, part="A").comparison is None
    an = cma.study.analyse(cleaned.data, part="A", compare="published")
    assert an.comparison.loc["KMO", "published"] == 0.865
    both = cma.study.analyse(cleaned.data)
    assert set(both.parts) == {"A", "B"} and both["A"].efa.n_factors == 3 and both["B"].efa.n_factors == 3


# --- bad input: the package's own error, naming what is wrong ----------------------------------------


def test_missing_codes_must_be_declared_or_the_value_is_named(files, codebook):
    _, written, _ = files
    with pytest.raises(
        DataError,
        match=r"item 'T4' \(column 'T4'\) has answers outside its scale 1-5 for "
        r"respondent\(s\) 1024 \(99\).*declare them.*item 'S1' \(column 'S1'\).* "
        r"1012 \(99\), 1041 \(99\)",
    ):
        cma.study.read_survey(written["csv-utf8"]["path"], codebook)
    df = cma.study.read_survey(written["csv-utf8"]["path"], codebook, out_of_range="missing")
    rep = cma.study.read_report(df)
    assert rep.out_of_range.groupby("item")["count"].sum().to_dict() == {"S1": 2, "T4": 1}
    with pytest.raises(ArgumentError, match="missing code 3 lies inside item 'T1'"):
        cma.study.read_survey(written["csv-utf8"]["path"], codebook, missing_codes=[3])
    with pytest.raises(ArgumentError, match="out_of_range"):
        cma.study.read_survey(written["csv-utf8"]["path"], codebook, out_of_range="drop")


def test_text_that_is_no_answer_is_named(tmp_path, codebook):
    export, _ = fx.answers(n=10)
    export = export.astype({"T1": object})
    export.loc[4, "T1"] = "不知道"
    p = tmp_path / "x.csv"
    export.to_csv(p, index=False)
    with pytest.raises(DataError, match=r"item 'T1' \(column 'T1'\) has text .* respondent\(s\) 1005 \('不知道'\)"):
        cma.study.read_survey(p, codebook, missing_codes=[99])
    export.loc[4, "T1"] = "2 非常同意"  # the option's number and its anchor disagree
    export.to_csv(p, index=False)
    with pytest.raises(DataError, match="number and its anchor disagree for respondent.* 1005"):
        cma.study.read_survey(p, codebook, missing_codes=[99])


def test_column_matching_errors_name_both(tmp_path, codebook):
    export, _ = fx.answers(n=10)
    two = export.assign(**{"2.我可以依靠我的同事（单选题）": export["T2"]})
    with pytest.raises(
        DataError, match=r"item 'T2' by columns 'T2' \(id\) and '2.我可以依靠我的同事（单选题）' \(wording\)"
    ):
        cma.study.map_to_codebook(two, codebook, missing_codes=[99])
    near = export.rename(columns={"S2": "主管公平地对待每个人"})  # one character more than the wording
    df = cma.study.map_to_codebook(near, codebook, missing_codes=[99])
    m = {x.item: x for x in cma.study.read_report(df).matches}["S2"]
    assert m.how == "near wording" and m.score == pytest.approx(2 * 9 / (9 + 10), abs=1e-3)  # difflib: 2M / T
    far = export.rename(columns={"S2": "主管很好"})
    with pytest.raises(DataError, match=r"no column matches item\(s\) S2 .*'主管很好'"):
        cma.study.map_to_codebook(far, codebook, missing_codes=[99])
    with pytest.raises(DataError, match=r"column_map: column\(s\) 'nope' are not in the export; item\(s\) 'Z9'"):
        cma.study.map_to_codebook(export, codebook, column_map={"nope": "Z9"})
    mapped = cma.study.map_to_codebook(
        far, codebook, column_map={"主管很好": "S2"}, missing_codes=[99], keep=["branch"]
    )
    assert list(mapped.columns) == ["respondent_id"] + ITEMS + ["branch"]
    assert cma.study.read_report(mapped).ignored == ("gender",)


def test_one_column_as_close_to_two_items_is_refused(tmp_path):
    text = fx.CODEBOOK.replace(
        'en = "My team shares information openly"', 'en = "Colleagues hide mistakes from each other!"'
    )
    p = tmp_path / "clash.toml"
    p.write_text(text, encoding="utf-8")
    cb = cma.study.load_codebook(p)
    export, _ = fx.answers(n=10)
    with pytest.raises(DataError, match="matches the wording of more than one item"):
        cma.study.map_to_codebook(
            export.drop(columns=["T1", "T3"]).assign(**{"Colleagues hide mistakes from each other": export["T3"]}), cb
        )


@pytest.mark.parametrize(
    "content, suffix, message",
    [
        (b"", ".csv", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ".csv", "not a text file"),
        (b"not a workbook", ".xlsx", "is not an Excel workbook"),
        (b"not spss", ".sav", "could not be read as an SPSS file"),
        (b"a,b\n1,2\n", ".json", "cannot read"),
        ("序号,T1\n".encode("gbk"), ".csv", "header but no rows"),
    ],
)
def test_wrong_files(tmp_path, codebook, content, suffix, message):
    p = tmp_path / f"export{suffix}"
    p.write_bytes(content)
    with pytest.raises(ReadError, match=message):
        cma.study.read_survey(p, codebook)
    assert p.read_bytes() == content


def test_wrong_paths_and_encodings(tmp_path, files, codebook):
    _, written, _ = files
    with pytest.raises(ReadError, match="no survey export at"):
        cma.study.read_survey(tmp_path / "none.csv", codebook)
    with pytest.raises(ReadError, match="is a folder"):
        cma.study.read_survey(tmp_path, codebook)
    with pytest.raises(ReadError, match=r"cannot be read as utf-8: byte \d+"):
        cma.study.read_survey(written["csv-gbk-wording"]["path"], codebook, encoding="utf-8")
    with pytest.raises(ReadError, match="no sheet 'Sheet9'; its sheets are '答卷数据'"):
        cma.study.read_survey(written["xlsx-platform-text"]["path"], codebook, sheet="Sheet9")
    with pytest.raises(DataError, match="id_column 'ID号' is not a column"):
        cma.study.read_survey(written["csv-utf8"]["path"], codebook, id_column="ID号", missing_codes=[99])


@pytest.mark.parametrize(
    "edit, message",
    [
        (("[scale]", "[scale]\nmissng = [9]"), "unknown key 'missng'; did you mean 'missing'"),
        (("reverse = true", "revers = true"), "unknown key 'revers'; did you mean 'reverse'"),
        (("missing = [9]", "missing = [3]"), r"missing code\(s\) 3 lie inside the scale"),
        (("missing = [9]", 'missing = "9"'), "'missing' must be a list of numbers"),
        (
            ('items = ["T1", "T2", "T3", "T4"]', 'items = ["T1", "T2", "T3", "T4", "S1"]'),
            "item 'S1' is in two dimensions",
        ),
        (('items = ["T1", "T2", "T3", "T4"]', 'items = ["T1", "T2", "T3", "T4", "X1"]'), "names item 'X1'"),
        (("min = 1", "min = 6"), "min .* must be below its max"),
    ],
)
def test_codebook_errors_name_the_key(tmp_path, edit, message):
    p = tmp_path / "bad.toml"
    p.write_text(fx.CODEBOOK.replace(*edit, 1), encoding="utf-8")
    with pytest.raises(CodebookError, match=message):
        cma.study.load_codebook(p)


def test_codebook_template_drafts_a_codebook_that_reads_the_export(tmp_path, files):
    _, written, truth = files
    for name in ("xlsx-platform-text", "sav-labels-user-missing", "csv-gbk-wording"):
        spec = written[name]
        text = cma.study.codebook_template(spec["path"], sheet=spec["kwargs"].get("sheet", 0))
        p = tmp_path / f"{name}.toml"
        p.write_text(text, encoding="utf-8")
        cb = cma.study.load_codebook(p)
        assert len(cb.items) == 8 and cb.dimensions[0].id == "all", name
        assert cb.anchors_zh == tuple(fx.ANCHORS_ZH) or name == "csv-gbk-wording"
        assert 9.0 in cb.missing_codes  # found outside the scale, listed to check
        df = cma.study.read_survey(spec["path"], cb, sheet=spec["kwargs"].get("sheet", 0), missing_codes=[99])
        np.testing.assert_array_equal(df[cb.item_ids].to_numpy(), truth[ITEMS].to_numpy())
    assert "Columns not taken as items: branch, gender" in text


# --- the command line ----------------------------------------------------------------------------------


def _cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "cmanalytics", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


def test_cli_study_score_and_alpha_agree_with_the_api(tmp_path, files, codebook):
    folder, written, truth = files
    toml = folder / "team.toml"
    for name in ("csv-gbk-wording", "sav-labels-user-missing", "xlsx-platform-text"):
        spec = written[name]
        extra = ["--missing-codes", "99"] if "missing_codes" in spec["kwargs"] else []
        run = _cli("study", spec["path"], "--codebook", toml, "--id", "序号", "--out", tmp_path / name, *extra)
        assert run.returncode == 0, run.stderr
        scores = pd.read_csv(tmp_path / name / "scores.csv", encoding="utf-8-sig")
        # the study scores the questionnaires the cleaning rules keep (here 74: 6 left an item unanswered)
        cleaned = cma.study.clean(cma.study.read_survey(spec["path"], codebook, **spec["kwargs"]), codebook)
        api = cma.study.score(cleaned.data, codebook)
        assert scores["respondent_id"].tolist() == cleaned.data["respondent_id"].tolist()
        np.testing.assert_allclose(
            scores[["team", "supervisor"]].to_numpy(), api[["team", "supervisor"]].to_numpy(), rtol=1e-9
        )
        assert (tmp_path / name / "read_report.txt").exists() and (tmp_path / name / "report.html").exists()
        assert (tmp_path / name / "tables" / "cleaning_by_rule.docx").exists()
    run = _cli("alpha", written["csv-utf8"]["path"], "--codebook", toml, "--missing-codes", "99", "--json")
    out = json.loads(run.stdout)
    res = cma.study.analyse(truth, codebook)
    assert out["alpha"] == pytest.approx(res.alpha.alpha, abs=1e-12) and out["reversed"] == list(fx.REVERSE)
    run = _cli(
        "alpha",
        written["csv-utf8"]["path"],
        "--items",
        "T1-T4",
        "--scale",
        "1-5",
        "--reverse",
        "T3",
        "--missing-codes",
        "9,99",
        "--json",
    )
    keyed = truth[["T1", "T2", "T3", "T4"]].assign(T3=6 - truth["T3"])
    assert json.loads(run.stdout)["alpha"] == pytest.approx(_hand_alpha(keyed.to_numpy()), abs=1e-12)
    run = _cli("score", written["csv-utf8"]["path"], "--codebook", toml, "--missing-codes", "99")
    assert run.returncode == 0 and run.stdout.splitlines()[0] == "respondent_id,team,supervisor"


@pytest.mark.parametrize(
    "args, message",
    [
        (["efa", "nope.csv"], "no survey export at nope.csv"),
        (["alpha", "{csv}", "--items", "T1-T4", "--reverse", "T3"], "--reverse needs --scale"),
        (["alpha", "{csv}", "--items", "T1-T4", "--scale", "1-5"], "column 'T2' has answers outside the scale 1-5 (9)"),
        (["alpha", "{csv}", "--items", "T1-T4", "--scale", "five"], "--scale 'five'"),
        (["study", "{csv}", "--codebook", "{toml}"], "item 'S1' (column 'S1') has answers outside its scale"),
        (["study", "{csv}", "--codebook", "{toml}", "--map", "nomap.toml"], "--map nomap.toml: no such file"),
        (["study", "{folder}"], "is a folder"),
        (["score", "{csv}", "--codebook", "{csv}"], "is not valid TOML"),
        (["codebook", "template", "{csv}", "--scale", "1-2"], "found 0 column(s) of answers on the scale 1-2"),
        (["efa", "{csv}", "--nonsense"], "unrecognized arguments: --nonsense"),
        (["alpha", "{tiny}", "--items", "T1-T4"], "only 3 respondent(s)"),
    ],
)
def test_cli_errors_are_one_line_with_status_2(tmp_path, files, args, message):
    folder, written, _ = files
    tiny = tmp_path / "tiny.csv"
    fx.answers(n=3)[0].to_csv(tiny, index=False)
    subst = {"{csv}": written["csv-utf8"]["path"], "{toml}": folder / "team.toml", "{folder}": folder, "{tiny}": tiny}
    run = _cli(*[subst.get(a, a) for a in args], cwd=tmp_path)
    assert run.returncode == 2, run.stdout + run.stderr
    lines = run.stderr.strip().splitlines()
    assert lines[-1].startswith("cmanalytics: error: ") and message in lines[-1], run.stderr
    assert "Traceback" not in run.stderr


def test_cli_closed_pipe_is_quiet(files):
    _, written, _ = files
    cmd = (
        f"{sys.executable} -m cmanalytics score {written['csv-utf8']['path']} --codebook "
        f"{written['csv-utf8']['path'].parent / 'team.toml'} --missing-codes 99 | head -1"
    )
    run = subprocess.run(cmd, shell=True, capture_output=True, text=True)
    assert run.stdout.strip() == "respondent_id,team,supervisor" and "Error" not in run.stderr


def test_cli_efa_names_the_columns_it_takes(files):
    _, written, _ = files
    run = _cli("efa", written["csv-utf8"]["path"], "--factors", "2")
    assert run.returncode == 0
    assert "not analysed: 序号, branch, gender" in run.stderr
    assert "column 'T2' has 2 answer(s) of 9 apart from its other answers" in run.stderr
    assert math.isfinite(float(run.stdout.split("Kaiser-Meyer-Olkin measure of sampling adequacy")[1].split()[0]))


def test_validity_of_a_part_uses_the_reverse_keys(files, codebook):
    _, _, truth = files
    v = cma.study.validity(truth, codebook)
    assert v.reversed == fx.REVERSE and v.model == {
        "team": ["T1", "T2", "T3", "T4"],
        "supervisor": ["S1", "S2", "S3", "S4"],
    }
    keyed = truth.assign(T3=6 - truth["T3"], S3=6 - truth["S3"])
    direct = cma.cfa(keyed, v.model)
    assert v.cfa.fit_indices["chi2"] == pytest.approx(direct.fit_indices["chi2"], rel=1e-10)
    std = v.cfa.std_loadings
    lam = std[std["factor"] == "team"]["loading"].to_numpy()
    assert (lam > 0).all()  # T3 loads positively once recoded
    # composite reliability by hand from the standardized loadings: (sum l)^2 / ((sum l)^2 + sum(1 - l^2))
    assert v.cfa.cr["team"] == pytest.approx(lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum()), rel=1e-12)
    assert "reverse-keyed" in v.summary() and "T3, S3" in v.summary()
