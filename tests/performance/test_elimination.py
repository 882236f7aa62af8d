"""Bottom-ranked elimination as a policy: ties, scope, protection, part-time managers, strict input; by hand.

Rule: 末位淘汰 (可推行): 按业绩排名末位3至5名退出客户经理队伍 (a proposal in the sources on rural banks:
the last 3 to 5 by results leave the customer-manager team). 首次聘任的客户经理设保护期二年 (a first-time
customer manager has a two-year protection period)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import cmanalytics as cma
from cmanalytics.errors import ArgumentError, DataError, PolicyWarning

P = cma.performance


from tests.performance.quiet import _quiet_policy_notes  # noqa: E402,F401 - autouse


def team():
    # scores: the cut-off for n = 3 falls on a three-way tie at 50 (b, c, d); a is lowest (40)
    return pd.DataFrame(
        {
            "score": [40.0, 50.0, 50.0, 50.0, 70.0, 80.0],
            "results": [30.0, 60.0, 55.0, 60.0, 70.0, 80.0],
            "branch_id": ["x", "x", "y", "y", "y", "x"],
            "first_time": [False] * 6,
            "appointed": ["2010-01-01"] * 6,
        },
        index=list("abcdef"),
    )


def leavers(out):
    return sorted(out.index[out["status"] == "eliminated"])


def test_it_is_labelled_a_proposal():
    with pytest.warns(PolicyWarning, match="proposal"):
        out = P.bottom_n_elimination(team(), as_of="2026-12-31")
    assert out.attrs["status"] == "proposal"


def test_ties_spare_all_and_second_indicator():
    # n = 3: a (40) leaves in any case; b, c, d tie at 50 for the two remaining places.
    assert leavers(P.bottom_n_elimination(team(), as_of="2026-12-31", ties="spare")) == ["a"]  # fewer leave
    assert leavers(P.bottom_n_elimination(team(), as_of="2026-12-31", ties="all")) == ["a", "b", "c", "d"]
    # second indicator (results, higher is better): c 55 < b 60 = d 60 -> c takes one place; b and d tie
    # again for the last place and are spared (no third indicator)
    assert leavers(P.bottom_n_elimination(team(), as_of="2026-12-31", ties="second-indicator")) == ["a", "c"]
    df = team()
    df.loc["d", "results"] = 59.0  # now c 55, d 59, b 60 -> c and d leave
    assert leavers(P.bottom_n_elimination(df, as_of="2026-12-31", ties="second-indicator")) == ["a", "c", "d"]


def test_no_tie_at_the_cut_off_means_exactly_n():
    df = team()
    df["score"] = [40.0, 50.0, 51.0, 52.0, 70.0, 80.0]
    for ties in ("spare", "all", "second-indicator"):
        assert leavers(P.bottom_n_elimination(df, as_of="2026-12-31", ties=ties)) == ["a", "b", "c"]


def test_per_branch():
    # branch x: a 40, b 50, f 80; branch y: c 50, d 50, e 70. n = 1 per branch.
    out = P.bottom_n_elimination(team(), as_of="2026-12-31", n=1, scope="branch", ties="spare")
    assert leavers(out) == ["a"]  # y's last place is a tie (c, d): spared
    out = P.bottom_n_elimination(team(), as_of="2026-12-31", n=1, scope="branch", ties="second-indicator")
    assert leavers(out) == ["a", "c"]  # c's results 55 < d's 60
    assert out.loc["c", "rank_from_bottom"] == 1 and out.loc["e", "rank_from_bottom"] == 3


def test_protection_ends_on_the_second_anniversary():
    """保护期二年: appointed 2024-12-31, protected on 2026-12-30, not on 2026-12-31."""
    df = team()
    df.loc["a", ["first_time", "appointed"]] = [True, "2024-12-31"]
    inside = P.bottom_n_elimination(df, as_of="2026-12-30", ties="all")
    assert inside.loc["a", "status"] == "protected" and leavers(inside) == ["b", "c", "d"]
    outside = P.bottom_n_elimination(df, as_of="2026-12-31", ties="all")
    assert outside.loc["a", "status"] == "eliminated"


def test_text_booleans_are_read_strictly():
    df = team()
    df["first_time"] = ["False", "否", "no", "0", "FALSE", "是"]
    df.loc["f", "appointed"] = "2026-06-01"
    out = P.bottom_n_elimination(df, as_of="2026-12-31", ties="all")
    # "False" and "否" are false: a is not protected and leaves; f (是, appointed 2026-06) is protected
    assert out.loc["a", "status"] == "eliminated" and out.loc["f", "status"] == "protected"
    df.loc["c", "first_time"] = "maybe"
    with pytest.raises(DataError, match="'first_time'.*row\\(s\\) 'c'.*'maybe'"):
        P.bottom_n_elimination(df, as_of="2026-12-31")


def test_as_of_is_required():
    df = team()
    before = df.copy()
    for bad in (None, "", "not a date"):
        with pytest.raises(ArgumentError, match="as_of"):
            P.bottom_n_elimination(df, as_of=bad)
    pd.testing.assert_frame_equal(df, before)


def test_a_first_time_manager_without_a_date_is_named():
    df = team()
    df.loc["b", ["first_time", "appointed"]] = [True, None]
    with pytest.raises(DataError, match="'appointed'.*'b'"):
        P.bottom_n_elimination(df, as_of="2026-12-31")


def test_part_time_managers_are_not_ranked():
    """兼职客户经理 (part-time managers, staff in other posts) are not ranked for elimination (this policy's
    reading; the source says only that they are appointed after review)."""
    df = team().assign(part_time=[True, False, False, False, False, False])
    out = P.bottom_n_elimination(df, as_of="2026-12-31", ties="all")
    assert out.loc["a", "status"] == "part-time" and leavers(out) == ["b", "c", "d"]


def test_scores_are_rounded_before_the_cut_off():
    # 50.004 and 50.0 print alike (50.00): they tie at the cut-off
    df = team()
    df["score"] = [40.0, 50.004, 50.0, 60.0, 70.0, 80.0]
    assert leavers(P.bottom_n_elimination(df, as_of="2026-12-31", n=2, ties="spare")) == ["a"]
    df["score"] = [40.0, 50.006, 50.0, 60.0, 70.0, 80.0]  # 50.01 > 50.00: c alone at the cut-off
    assert leavers(P.bottom_n_elimination(df, as_of="2026-12-31", n=2, ties="spare")) == ["a", "c"]


def test_bad_arguments():
    with pytest.raises(ArgumentError, match="ties='most'"):
        P.bottom_n_elimination(team(), as_of="2026-12-31", ties="most")
    with pytest.raises(ArgumentError, match="scope='city'"):
        P.bottom_n_elimination(team(), as_of="2026-12-31", scope="city")
    with pytest.raises(DataError, match="'branch_id'"):
        P.bottom_n_elimination(team().drop(columns="branch_id"), as_of="2026-12-31", scope="branch")


def test_diagnostics_are_kept_on_the_result():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PolicyWarning)
        out = P.bottom_n_elimination(team(), as_of="2026-12-31", ties="spare")
    kept = out.attrs["warnings"]
    assert len(kept) == 2 and "proposal" in kept[0] and "3 managers tie" in kept[1]
    assert [str(w.message) for w in caught if issubclass(w.category, PolicyWarning)] == kept
