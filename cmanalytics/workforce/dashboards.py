"""Dashboards (matplotlib, multi-panel, readable when printed on A4 landscape): workforce health (bank or
branch level) and the psychological contract. Every panel is drawn from the indicator tables of
:mod:`cmanalytics.workforce.indicators`, so small cells are suppressed in the figures as in the tables
(a suppressed bar is left out and marked "n < 5"), and no panel shows an individual's answers.

Labels are English by default; ``lang="zh"`` draws them in Chinese when a CJK font is installed (Debian's
``fonts-wqy-microhei``, Noto CJK, Droid Sans Fallback, ...), and otherwise warns and keeps English.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd

from cmanalytics.errors import ArgumentError, CmanalyticsWarning, outside_stacklevel
from cmanalytics.workforce import indicators as ind
from cmanalytics.workforce.anonymity import min_cell_from, suppress

CJK_FONTS = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "AR PL UKai CN",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)


class FontWarning(CmanalyticsWarning):
    """Chinese labels were asked for but no CJK font is installed; English labels are used."""


LABELS = {
    "en": {
        "workforce_title": "Workforce health of customer managers",
        "contract_title": "Psychological contract",
        "cm_share": "Customer-manager share of formal staff",
        "floor": "floor",
        "branch": "branch",
        "age": "Age of customer managers (mean {mean:.1f})",
        "people": "people",
        "share": "share",
        "education": "Education and professional title",
        "edu": "education",
        "title": "title",
        "certificates": "Certificates: share holding 3 or more",
        "caseload": "Caseload against the cap",
        "cap": "cap",
        "over": " ({n:.0f} over)",
        "managers": "managers",
        "clients": "clients per manager",
        "grades": "Grade pyramid",
        "turnover": "Turnover of customer managers",
        "bank": "bank",
        "npl": "Non-performing-loan ratio by grade",
        "dimension_means": "Contract scores by dimension (mean, 95% CI)",
        "heatmap": "Mean score by branch",
        "leave": "Intending to leave, by contract fulfilment",
        "quartile": "fulfilment quartile (Q1 lowest, Q4 highest)",
        "wellbeing": "Wellbeing index by weekly hours",
        "hours": "weekly hours",
        "wellbeing_axis": "wellbeing (0-100)",
        "appraisal": "Appraisal score by contract fulfilment",
        "appraisal_axis": "annual appraisal score",
        "respondents": "Survey respondents per branch",
        "suppressed": "n < {k}",
        "synthetic": "Synthetic data",
        "bank_level": "bank",
        "branch_level": "branch {b}",
        "suppression_note": "Cells describing fewer than {k} people are suppressed.",
        "roles": {"corporate_cm": "corporate", "personal_cm": "personal", "wealth_manager": "wealth"},
        "grades_names": {"trainee": "trainee", "junior": "junior", "intermediate": "intermediate", "senior": "senior"},
        "dims": {
            "pay": "pay",
            "development": "development",
            "support": "support",
            "compliance": "compliance",
            "career": "career",
            "team": "team",
        },
        "edu_names": {"below bachelor": "below bachelor", "bachelor": "bachelor", "master or above": "master+"},
        "title_names": {"none": "none", "junior": "junior", "intermediate": "intermediate", "senior": "senior"},
        "age_bands": {},
        "mean": "mean",
        "max": "mean of the {k} largest",
        "group_heatmap": "Mean score by {g}",
        "group_respondents": "Respondents by {g}",
        "caption_workforce": (
            "What this shows: for {level}, the share of formal staff who are customer managers in "
            "each branch against the floor (dashed red line), and the customer managers' age, "
            "education and titles, certificates, caseload against the cap, grades, turnover and "
            "non-performing-loan ratio. The numbers on the bars are the values drawn. What is "
            "hidden: cells describing fewer than {k} people are suppressed (a bar or share left "
            'out and marked "n < {k}"); no figure shows a single person.'
        ),
        "caption_contract": (
            "What this shows: how customer managers rate the bank's side of the psychological "
            "contract (1-5, by dimension and by branch), and how intending to leave, appraisal "
            "scores and wellbeing go with it. The numbers on the bars are the values drawn. What is "
            "hidden: a branch, quartile or band of fewer than {k} respondents is left out and marked "
            '"n < {k}"; no figure shows a single person\'s answers.'
        ),
        "caption_scores": (
            "What this shows: the mean score of each dimension (1-5, with its 95% interval) and, for "
            "each group, the mean per dimension and the number of respondents. What is hidden: any "
            "group of fewer than {k} respondents, and the next smallest when only one would be "
            "hidden (its size could be worked out from the total), is left out and marked "
            '"n < {k}".'
        ),
    },
    "zh": {
        "workforce_title": "客户经理队伍健康状况",
        "contract_title": "心理契约",
        "cm_share": "客户经理占正式员工比例",
        "floor": "下限",
        "branch": "支行",
        "age": "客户经理年龄结构(平均 {mean:.1f} 岁)",
        "people": "人数",
        "share": "比例",
        "education": "学历与职称",
        "edu": "学历",
        "title": "职称",
        "certificates": "持有 3 项及以上证书的比例",
        "caseload": "管户数与上限",
        "cap": "上限",
        "over": "(超出 {n:.0f} 人)",
        "managers": "客户经理人数",
        "clients": "人均管户数",
        "grades": "等级结构",
        "turnover": "客户经理流失率",
        "bank": "全行",
        "npl": "按等级的不良贷款率",
        "dimension_means": "各维度心理契约得分(均值, 95% 置信区间)",
        "heatmap": "各支行平均得分",
        "leave": "按契约履行程度的离职意向",
        "quartile": "履行程度四分位(Q1 最低, Q4 最高)",
        "wellbeing": "按周工作时长的身心健康指数",
        "hours": "周工作小时",
        "wellbeing_axis": "健康指数(0-100)",
        "appraisal": "按契约履行程度的考核得分",
        "appraisal_axis": "年度考核得分",
        "respondents": "各支行问卷回收人数",
        "suppressed": "n < {k}",
        "synthetic": "模拟数据",
        "bank_level": "全行",
        "branch_level": "支行 {b}",
        "suppression_note": "少于 {k} 人的单元格不予显示。",
        "roles": {"corporate_cm": "公司", "personal_cm": "个人", "wealth_manager": "理财"},
        "grades_names": {"trainee": "见习", "junior": "初级", "intermediate": "中级", "senior": "高级"},
        "dims": {
            "pay": "薪资待遇",
            "development": "发展机会",
            "support": "环境支持",
            "compliance": "规范遵循",
            "career": "职业发展",
            "team": "团队维护",
        },
        "edu_names": {"below bachelor": "本科以下", "bachelor": "本科", "master or above": "硕士及以上"},
        "title_names": {"none": "无", "junior": "初级", "intermediate": "中级", "senior": "高级"},
        "age_bands": {"under 30": "30 岁以下", "50 and over": "50 岁及以上"},
        "mean": "平均",
        "max": "最多{k}人平均",
        "group_heatmap": "按{g}的平均得分",
        "group_respondents": "按{g}的回收人数",
        "caption_workforce": (
            "图示内容：{level}各支行客户经理占正式员工的比例与下限（红色虚线），以及客户经理的年龄、学历与职称、"
            "证书、管户数与上限、等级、流失率和不良贷款率。柱上数字即所画数值。不予显示："
            '任何少于 {k} 人的柱或比例均不显示，并标注"n < {k}"；没有任何图显示单个人。'
        ),
        "caption_contract": (
            "图示内容：客户经理对银行一方心理契约的评价（1-5 分，按维度和支行），以及离职意向、考核得分和"
            "身心健康与之的关系。柱上数字即所画数值。不予显示：少于 {k} 名答卷人的支行、四分位组或时长组"
            '均不显示，并标注"n < {k}"；没有任何图显示单个人的回答。'
        ),
        "caption_scores": (
            "图示内容：各维度平均得分（1-5 分，95% 置信区间），以及各组在各维度的平均分和答卷人数。"
            "不予显示：少于 {k} 名答卷人的组；若只有一组需隐藏，则同时隐藏次小的组（否则可由总数推算），"
            '并标注"n < {k}"。'
        ),
    },
}


CJK_FILES = (
    "wqy-microhei",
    "wqy-zenhei",
    "notosanscjk",
    "notosanssc",
    "sourcehansans",
    "droidsansfallback",
    "simhei",
    "msyh",
)


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of an installed font that has Chinese glyphs, or None. Looks in matplotlib's font cache,
    then among the system's font files (a font installed after the cache was built is added to it). The
    answer is kept for the session: install a font, then restart the kernel."""
    from pathlib import Path

    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    found = next((name for name in CJK_FONTS if name in installed), None)
    if found:
        return found
    for path in sorted(font_manager.findSystemFonts()):
        stem = Path(path).stem.lower().replace("-", "").replace("_", "")
        if any(key.replace("-", "") in stem for key in CJK_FILES):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
            installed = {f.name for f in font_manager.fontManager.ttflist}
            found = next((name for name in CJK_FONTS if name in installed), None)
            if found:
                return found
    return None


def _style(lang: str):
    """Labels and matplotlib settings for ``lang``; falls back to English with a FontWarning."""
    if lang not in LABELS:
        raise ArgumentError(f"lang must be 'en' or 'zh', not {lang!r}.")
    rc = {
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "figure.dpi": 100,
    }
    if lang == "zh":
        font = cjk_font()
        if font is None:
            warnings.warn(
                "no CJK font is installed (on Debian: apt-get install fonts-wqy-microhei); the "
                "dashboard is drawn with English labels.",
                FontWarning,
                stacklevel=outside_stacklevel(),
            )
            lang = "en"
        else:
            # explicit names, not "sans-serif": a generic family is resolved when the figure is drawn,
            # which may be after this context has ended
            rc["font.family"] = [font, "DejaVu Sans"]
            rc["axes.titleweight"] = "normal"  # CJK fallback fonts often have no bold face
            rc["axes.unicode_minus"] = False
    elif cjk_font() is not None:
        # English labels, but the data may hold Chinese names (branches, groups): fall back to a CJK font
        rc["font.family"] = ["DejaVu Sans", cjk_font()]
    return LABELS[lang], rc, lang


def _caption(fig, text: str, lang: str, bottom: float) -> None:
    """A plain-language caption under the figure: what it shows and what is suppressed. The layout keeps
    the bottom ``bottom`` of the figure free for it."""
    import textwrap

    width = int(fig.get_figwidth() * (6.2 if lang == "zh" else 12.5))  # characters per line at 9 pt
    lines = textwrap.wrap(text, width) if lang != "zh" else [text[i : i + width] for i in range(0, len(text), width)]
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))  # (left, bottom, width, height)
    fig.text(0.5, 0.004, "\n".join(lines), ha="center", va="bottom", fontsize=9, color="#444")


def _wrap_titles(fig, lang: str, per_row: int) -> None:
    """Panel titles wrapped to their panel's width (a title wider than its panel runs off the figure or into
    the next one: constrained layout does not narrow the panels for it)."""
    import textwrap

    width = int(fig.get_figwidth() / per_row * (4.2 if lang == "zh" else 8.0))
    for ax in fig.axes:
        title = ax.get_title()
        if title and len(title) > width:
            ax.set_title(
                "\n".join(textwrap.wrap(title, width))
                if lang != "zh"
                else "\n".join(title[i : i + width] for i in range(0, len(title), width))
            )


def _bars(ax, labels, values, suppressed, k, L, color="#4c72b0", horizontal=False, fmt="{:.0%}"):
    pos = np.arange(len(labels))
    vals = np.where(suppressed, 0.0, np.nan_to_num(np.asarray(values, float)))
    bars = (ax.barh if horizontal else ax.bar)(pos, vals, color=color)
    for p, v, s in zip(pos, vals, suppressed):
        text = L["suppressed"].format(k=k) if s else fmt.format(v)
        if horizontal:
            ax.text(v, p, " " + text, va="center", fontsize=8, color="#a40000" if s else "black")
        else:
            ax.text(p, v, text, ha="center", va="bottom", fontsize=8, color="#a40000" if s else "black")
    if horizontal:
        ax.set_yticks(pos, labels)
    else:
        ax.set_xticks(pos, labels)
    return bars


def _branch_bars(ax, table: pd.DataFrame, column: str, branch: str | None, k: int, L: dict) -> pd.DataFrame:
    """One bar per branch (the chosen one highlighted, suppressed ones marked), the bank's value as a line,
    percentages on the axis. ``table``: an indicator table with a ``branch_id`` column and an "all" row.
    Returns the branch rows."""
    import matplotlib.pyplot as plt

    per = table[table["branch_id"] != "all"]
    bank_value = table.loc[table["branch_id"] == "all", column].iloc[0]
    pos = np.arange(len(per))
    colors = ["#dd8452" if (branch is not None and b == branch) else "#4c72b0" for b in per["branch_id"]]
    values = per[column].fillna(0).to_numpy()
    ax.bar(pos, values, color=colors)
    hidden = per["suppressed"].to_numpy() if "suppressed" in per else np.zeros(len(per), bool)
    for p, v, s in zip(pos, values, hidden):
        if not s:  # the value on the bar, turned to fit a narrow bar
            ax.text(p, v, f" {v:.0%}", rotation=90, ha="center", va="bottom", fontsize=6.5)
    ax.margins(y=0.12)
    if "suppressed" in per:
        for p, s in zip(pos, per["suppressed"]):
            if s:
                ax.text(
                    p,
                    0,
                    L["suppressed"].format(k=k),
                    rotation=90,
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    color="#a40000",
                )
    ax.set_xticks(pos, per["branch_id"], rotation=90, fontsize=7)
    ax.axhline(bank_value, color="#555", lw=1)
    ax.annotate(
        f"{L['bank']} {bank_value:.1%}",
        (1, bank_value),
        xycoords=("axes fraction", "data"),
        xytext=(2, 0),
        textcoords="offset points",
        va="center",
        ha="left",
        fontsize=8,
        color="#555",
    )
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    return per


def _share_and_age(axes, staff, view, branch, policy, k: int, L: dict) -> None:
    """The customer-manager share of each branch against the floor; the age bands."""
    import matplotlib.pyplot as plt

    ax = axes[0, 0]
    hc = ind.headcount(staff, policy=policy)
    per = _branch_bars(ax, hc, "cm_share", branch, k, L)
    ax.axhline(per["floor"].iloc[0], color="#a40000", ls="--", lw=1.2)
    ax.annotate(
        f"{L['floor']} {per['floor'].iloc[0]:.0%}",
        (1, per["floor"].iloc[0]),
        xycoords=("axes fraction", "data"),
        xytext=(2, 0),
        textcoords="offset points",
        ha="left",
        va="center",
        color="#a40000",
        fontsize=8,
    )
    ax.set_title(L["cm_share"])

    ax = axes[0, 1]
    ages = ind.age_structure(view, policy=policy, min_cell=k)
    mean = ages.attrs["mean_age"]["mean_age"].iloc[-1]
    _bars(ax, [L["age_bands"].get(a, a) for a in ages["age_band"]], ages["n"], ages["suppressed"], k, L, fmt="{:.0f}")
    plt.setp(ax.get_xticklabels(), rotation=40, ha="right", rotation_mode="anchor", fontsize=8)
    ax.set_ylabel(L["people"])
    ax.set_title(L["age"].format(mean=mean) if np.isfinite(mean) else L["age"].format(mean=float("nan")))


def _stacked_shares(ax, y: float, table: pd.DataFrame, names: list, dark_from: int) -> None:
    """One horizontal bar of a distribution's shares at ``y`` (a suppressed share drawn as nothing), each
    part named with its share when wide enough to hold the text; white text from the ``dark_from``-th shade."""
    palette = ["#c7d3e8", "#7f9fcf", "#2d5fa8", "#173a6b"]
    left = 0.0
    for j, (name, share, hidden) in enumerate(zip(names, table["share"], table["suppressed"])):
        w = 0.0 if hidden else share
        ax.barh(y, w, left=left, color=palette[j])
        if w > 0.12:
            ax.text(
                left + w / 2,
                y,
                f"{name}\n{w:.0%}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if j >= dark_from else "black",
            )
        left += w


def _education_and_certificates(axes, view, policy, k: int, L: dict) -> None:
    """Education and titles as stacked shares; the share holding 3 or more certificates."""
    import matplotlib.pyplot as plt

    ax = axes[0, 2]
    edu = ind.education(view, policy=policy, min_cell=k)
    tit = ind.titles(view, policy=policy, min_cell=k)
    _stacked_shares(ax, 1, edu, [L["edu_names"][v] for v in edu["education"]], dark_from=1)
    _stacked_shares(ax, 0, tit, [L["title_names"][v] for v in tit["title"]], dark_from=2)
    ax.set_yticks([0, 1], [L["title"], L["edu"]])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_title(L["education"])

    ax = axes[0, 3]
    cert = ind.certificate_coverage(view, policy=policy, min_cell=k)
    cert = cert[cert["role"] != "all"]
    _bars(ax, [L["roles"][r] for r in cert["role"]], cert["share_three_or_more"], cert["suppressed"], k, L)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_title(L["certificates"])


def _caseload(axes, view, policy, k: int, L: dict) -> None:
    """Mean caseload and the mean of the k largest per role, against the cap."""
    ax = axes[1, 0]
    cl = ind.caseload(view, policy=policy, min_cell=k)
    cl = cl[cl.iloc[:, 1] == "all"]
    pos = np.arange(len(cl))
    ok = ~cl["suppressed"].to_numpy()
    ax.bar(pos - 0.2, np.where(ok, cl["mean_caseload"].fillna(0), 0), 0.4, color="#4c72b0", label=L["mean"])
    ax.bar(
        pos + 0.2,
        np.where(ok, cl["top_mean_caseload"].fillna(0), 0),
        0.4,
        color="#8fa8d0",
        label=L["max"].format(k=k),
    )
    for offset, column, color in ((-0.2, "mean_caseload", "white"), (0.2, "top_mean_caseload", "black")):
        for p, v, s in zip(pos, cl[column], ok):
            if s and np.isfinite(v):  # the value inside the top of its bar, clear of the cap's label
                ax.text(p + offset, v, f"{v:.0f}", ha="center", va="top", fontsize=7.5, color=color)
    for p, cap, s in zip(pos, cl["cap"], cl["suppressed"]):
        ax.hlines(cap, p - 0.45, p + 0.45, color="#a40000", ls="--")
        if s:
            ax.text(p, 5, L["suppressed"].format(k=k), ha="center", fontsize=8, color="#a40000")
    # the cap and how many are over it under each role's name: a label on the cap's line collides with
    # the bars' numbers whenever the largest caseload is near the cap
    ax.set_xticks(
        pos,
        [
            f"{L['roles'][r]}\n{L['cap']} {cap:.0f}" + ("" if s or not np.isfinite(over) else L["over"].format(n=over))
            for r, cap, over, s in zip(cl["role"], cl["cap"], cl["over_cap"], cl["suppressed"])
        ],
    )
    ax.set_ylabel(L["clients"])
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title(L["caseload"])


def _grades_turnover_npl(axes, bank, staff, view, branch, policy, k: int, L: dict) -> None:
    """The grade pyramid, turnover by branch and the NPL ratio by grade."""
    import matplotlib.pyplot as plt

    ax = axes[1, 1]
    gp = ind.grade_pyramid(view, policy=policy, min_cell=k)
    _bars(
        ax,
        [L["grades_names"][g] for g in gp["grade"]],
        gp["n"],
        gp["suppressed"],
        k,
        L,
        horizontal=True,
        fmt="{:.0f}",
    )
    ax.set_xlabel(L["people"])
    ax.set_title(L["grades"])

    ax = axes[1, 2]
    _branch_bars(ax, ind.turnover(staff, policy=policy, min_cell=k), "turnover_rate", branch, k, L)
    ax.set_title(L["turnover"])

    ax = axes[1, 3]
    clients = bank.clients if branch is None else bank.clients[bank.clients["branch_id"] == branch]
    npl = ind.npl_ratio_by_grade(clients, staff, policy=policy, min_cell=k)
    npl = npl[npl["grade"] != "all"]
    _bars(
        ax,
        [L["grades_names"][g] for g in npl["grade"]],
        npl["npl_ratio"],
        npl["suppressed"],
        k,
        L,
        color="#c44e52",
        fmt="{:.1%}",
    )
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_title(L["npl"])


def workforce_dashboard(bank, *, branch: str | None = None, lang: str = "en", policy=None, min_cell: int | None = None):
    """The workforce-health dashboard: customer-manager share against the floor (all branches, the chosen
    one highlighted), age, education and titles, certificates, caseload against the caps, the grade
    pyramid, turnover and the NPL ratio by grade. ``bank``: an object with ``staff`` and ``clients``
    tables (the synthetic bank, or an HR extract with the same columns); ``branch``: one branch's view.
    Returns a matplotlib Figure (8 panels, 16 x 9 inches)."""
    import matplotlib.pyplot as plt

    L, rc, lang = _style(lang)
    k = min_cell_from(policy, min_cell)
    staff = bank.staff
    if branch is not None and branch not in set(staff["branch_id"]):
        raise ArgumentError(f"branch {branch!r} is not in the HR extract.")
    view = staff if branch is None else staff[staff["branch_id"] == branch]
    with plt.rc_context(rc):
        fig, axes = plt.subplots(2, 4, figsize=(16, 9), layout="constrained")
        level = L["bank_level"] if branch is None else L["branch_level"].format(b=branch)
        synthetic = f"  ({L['synthetic']})" if "synthetic" in getattr(staff, "attrs", {}) else ""
        fig.suptitle(f"{L['workforce_title']}: {level}{synthetic}", fontsize=14, fontweight=rc["axes.titleweight"])
        _caption(fig, L["caption_workforce"].format(level=level, k=k), lang, 0.06)

        _share_and_age(axes, staff, view, branch, policy, k, L)
        _education_and_certificates(axes, view, policy, k, L)
        _caseload(axes, view, policy, k, L)
        _grades_turnover_npl(axes, bank, staff, view, branch, policy, k, L)
        _wrap_titles(fig, lang, 4)
    fig.attrs = {"lang": lang}
    return fig


QUARTILES = ["Q1", "Q2", "Q3", "Q4"]
HOURS_BANDS = ([0, 45, 50, 55, 60, 200], ["<45", "45-49", "50-54", "55-59", "60+"])


def _band_table(bands: pd.Series, values: pd.Series, band: str, value: str, k: int, share: bool) -> pd.DataFrame:
    """Respondents and the mean of ``values`` per band with the bank's row ("all"), suppressed with
    :func:`~cmanalytics.workforce.anonymity.suppress`: a band of fewer than ``k`` respondents is blank, and so
    is the next smallest, so that neither can be recovered from the bank's row. With ``share`` (the mean
    of a yes/no answer), the count of "yes" in a band (share x n) is a count of people too: blanked, with
    a complementary band, when it or its complement is between 1 and k - 1."""
    g = values.groupby(bands, observed=False)
    per = pd.DataFrame({band: [str(b) for b in g.count().index], "n": g.count().to_numpy()})
    per[value] = g.mean().to_numpy()
    whole = values[bands.notna()]
    table = pd.concat(
        [per, pd.DataFrame({band: ["all"], "n": [int(whole.count())], value: [whole.mean()]})], ignore_index=True
    )
    return suppress(
        table,
        min_cell=k,
        group=band,
        value_cols=[] if share else [value],
        shares=[value] if share else (),
        allow_small=True,
    )


def contract_tables(bank, *, policy=None, min_cell: int | None = None) -> dict[str, pd.DataFrame]:
    """The tables the bank's :func:`contract_dashboard` draws, each suppressed as a published table is (a
    group of fewer than ``min_cell`` people blank, with complementary cells so that none can be recovered
    from the "all" row): ``contract_scores`` (branch x dimension, :func:`~cmanalytics.workforce.indicators.
    contract_scores`), ``leave_by_fulfilment`` and ``appraisal_by_fulfilment`` (by quartile of the mean
    contract score, Q1 lowest) and ``wellbeing_by_hours`` (by band of weekly hours); the last three only
    when the survey (and, for the appraisal, ``bank.indicators``) has the columns."""
    k = min_cell_from(policy, min_cell)
    survey, staff = bank.survey, bank.staff
    cs = ind.contract_scores(survey, staff, policy=policy, min_cell=k)
    dims = list(dict.fromkeys(cs["dimension"]))
    tables = {"contract_scores": cs}
    df = survey.assign(fulfilment=survey[dims].mean(axis=1))
    quartile = pd.qcut(df["fulfilment"], 4, labels=QUARTILES)
    if "turnover_intention" in df:
        leave = df["turnover_intention"].astype(float)
        tables["leave_by_fulfilment"] = _band_table(quartile, leave, "quartile", "share_intending_to_leave", k, True)
    if getattr(bank, "indicators", None) is not None:
        from cmanalytics.errors import PolicyWarning
        from cmanalytics.performance.appraisal import annual_score_by_manager

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PolicyWarning)
            annual = annual_score_by_manager(bank.indicators)
        d2 = df.merge(annual.rename("appraisal"), left_on="staff_id", right_index=True)
        q2 = pd.qcut(d2["fulfilment"], 4, labels=QUARTILES)
        tables["appraisal_by_fulfilment"] = _band_table(q2, d2["appraisal"], "quartile", "mean_appraisal", k, False)
    if "wellbeing_index" in survey:
        d3 = survey.merge(staff[["staff_id", "weekly_hours"]], on="staff_id")
        edges, labels = HOURS_BANDS
        bands = pd.cut(d3["weekly_hours"], edges, right=False, labels=labels)
        tables["wellbeing_by_hours"] = _band_table(
            bands, d3["wellbeing_index"].astype(float), "hours", "mean_wellbeing", k, False
        )
    return tables


def _band_bars(ax, table: pd.DataFrame, band: str, value: str, k: int, L: dict, **style) -> None:
    """The bands of a :func:`_band_table` as bars (the bank's row left out), blank ones marked "n < k"."""
    per = table[table[band] != "all"]
    hidden = per[value].isna().to_numpy()
    _bars(ax, per[band].to_numpy(), per[value], hidden, k, L, **style)


def _dimension_means(ax, cs: pd.DataFrame, dims: list, L: dict) -> None:
    allrows = cs[cs["branch_id"] == "all"].set_index("dimension").loc[dims]
    half = 1.96 * allrows["sd"] / np.sqrt(allrows["n"])
    pos = np.arange(len(dims))
    ax.barh(pos, allrows["mean"], xerr=half, color="#4c72b0", capsize=3)
    for p, m in zip(pos, allrows["mean"]):
        ax.text(m + 0.08, p, f"{m:.2f}", va="center", fontsize=8)
    ax.set_yticks(pos, [L["dims"].get(d, d) for d in dims])
    ax.set_xlim(1, 5)
    ax.invert_yaxis()
    ax.set_title(L["dimension_means"])


def _cell_values(ax, values: np.ndarray, k: int, L: dict, fontsize: float) -> None:
    """Each heatmap cell's value, or "n < k" in red where it is suppressed (NaN)."""
    for (r, c), v in np.ndenumerate(values):
        ax.text(
            c,
            r,
            L["suppressed"].format(k=k) if np.isnan(v) else f"{v:.2f}",
            ha="center",
            va="center",
            fontsize=fontsize,
            color="#a40000" if np.isnan(v) else "black",
        )


def _branch_heatmap(ax, cs: pd.DataFrame, dims: list, k: int, L: dict) -> None:
    per = cs[cs["branch_id"] != "all"].pivot(index="branch_id", columns="dimension", values="mean")[dims]
    im = ax.imshow(per.to_numpy(dtype=float), aspect="auto", cmap="RdYlGn", vmin=3.0, vmax=4.2)
    ax.set_xticks(
        np.arange(len(dims)), [L["dims"].get(d, d) for d in dims], rotation=35, ha="right", rotation_mode="anchor"
    )
    ax.set_yticks(np.arange(len(per)), per.index, fontsize=7)
    _cell_values(ax, per.to_numpy(dtype=float), k, L, 6.5)
    ax.figure.colorbar(im, ax=ax, shrink=0.8)
    ax.set_title(L["heatmap"])


def _band_panels(axes, tables: dict, k: int, L: dict) -> None:
    """Intending to leave and the appraisal by fulfilment quartile, wellbeing by weekly hours."""
    import matplotlib.pyplot as plt

    ax = axes[0, 2]
    if "leave_by_fulfilment" in tables:
        _band_bars(ax, tables["leave_by_fulfilment"], "quartile", "share_intending_to_leave", k, L, color="#c44e52")
        ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.set_xlabel(L["quartile"])
    ax.set_title(L["leave"])
    ax = axes[1, 0]
    if "appraisal_by_fulfilment" in tables:
        _band_bars(ax, tables["appraisal_by_fulfilment"], "quartile", "mean_appraisal", k, L, fmt="{:.1f}")
        ax.set_ylim(0, 100)
        ax.set_xlabel(L["quartile"])
        ax.set_ylabel(L["appraisal_axis"])
    ax.set_title(L["appraisal"])
    ax = axes[1, 1]
    if "wellbeing_by_hours" in tables:
        _band_bars(ax, tables["wellbeing_by_hours"], "hours", "mean_wellbeing", k, L, color="#55a868", fmt="{:.1f}")
        ax.set_ylim(0, 100)
        ax.set_xlabel(L["hours"])
        ax.set_ylabel(L["wellbeing_axis"])
    ax.set_title(L["wellbeing"])


def contract_dashboard(bank, *, groups=None, codebook=None, lang: str = "en", policy=None, min_cell: int | None = None):
    """The psychological-contract dashboard.

    With a researcher's own scores (a DataFrame from :func:`cmanalytics.study.score`, one row per
    respondent, one column per dimension): dimension means with 95% intervals, and for each of up to two
    ``groups`` (column names of the scores, or Series/DataFrames aligned with them: branch, tenure band, ...)
    a group x dimension heatmap and the respondents per group; every figure about fewer than ``min_cell``
    people is suppressed, and so is the next smallest group when only one would be (its count could
    otherwise be recovered from the total). ``codebook`` names the dimensions (in Chinese with
    ``lang="zh"``). No synthetic bank needed. Returns a matplotlib Figure (4 panels, 15 x 9 inches).

    With a bank (an object with ``staff``, ``survey`` and, for the appraisal panel, ``indicators``): dimension
    means, a branch x dimension heatmap, turnover intention and the appraisal score by quartile of contract
    fulfilment, wellbeing by weekly hours and the respondents per branch (6 panels, 16 x 9 inches). The
    tables drawn (:func:`contract_tables`, suppressed with complementary cells) are in
    ``fig.attrs["tables"]``.
    """
    if isinstance(bank, pd.DataFrame):
        return _scores_dashboard(bank, groups=groups, codebook=codebook, lang=lang, policy=policy, min_cell=min_cell)
    if groups is not None or codebook is not None:
        raise ArgumentError(
            "groups= and codebook= are for a DataFrame of scores (cma.study.score); a bank's "
            "dashboard is grouped by branch."
        )
    import matplotlib.pyplot as plt

    L, rc, lang = _style(lang)
    k = min_cell_from(policy, min_cell)
    tables = contract_tables(bank, policy=policy, min_cell=k)
    cs = tables["contract_scores"]
    dims = list(dict.fromkeys(cs["dimension"]))
    with plt.rc_context(rc):
        fig, axes = plt.subplots(2, 3, figsize=(16, 9), layout="constrained")
        synthetic = f"  ({L['synthetic']})" if "synthetic" in getattr(bank.survey, "attrs", {}) else ""
        fig.suptitle(
            f"{L['contract_title']}: {L['bank_level']}{synthetic}", fontsize=14, fontweight=rc["axes.titleweight"]
        )
        _caption(fig, L["caption_contract"].format(k=k), lang, 0.06)
        _dimension_means(axes[0, 0], cs, dims, L)
        _branch_heatmap(axes[0, 1], cs, dims, k, L)
        _band_panels(axes, tables, k, L)
        ax = axes[1, 2]
        resp = cs[(cs["branch_id"] != "all")].groupby("branch_id")["n"].max()
        _bars(ax, resp.index, resp.fillna(0), resp.isna().to_numpy(), k, L, fmt="{:.0f}")
        ax.tick_params(axis="x", labelrotation=90, labelsize=7)
        ax.set_ylabel(L["people"])
        ax.set_title(L["respondents"])
    fig.attrs = {"lang": lang, "min_cell": k, "tables": tables}
    return fig


# --- a researcher's own scores ---------------------------------------------------------------------------


def _group_frame(scores: pd.DataFrame, groups) -> pd.DataFrame:
    if groups is None:
        return pd.DataFrame(index=scores.index)
    if isinstance(groups, str):
        groups = [groups]
    if isinstance(groups, pd.Series):
        groups = groups.to_frame()
    if isinstance(groups, pd.DataFrame):
        if not groups.index.equals(scores.index):
            raise ArgumentError("groups must have the scores' index (one row per respondent, in the same order).")
        frame = groups
    else:
        names = list(groups)
        absent = [g for g in names if g not in scores.columns]
        if absent:
            raise ArgumentError(
                f"groups names column(s) {', '.join(map(repr, absent))} that the scores lack; pass "
                "them as a Series or DataFrame aligned with the scores."
            )
        frame = scores[names]
    if frame.shape[1] > 2:
        raise ArgumentError(f"at most two group columns fit the dashboard; got {frame.shape[1]}.")
    return frame


def small_groups(n: pd.Series, k: int) -> pd.Series:
    """Which groups to suppress: those of fewer than ``k`` people (but more than none), then complementary
    suppression (:func:`cmanalytics.workforce.anonymity.complementary`) so that no blanked count can be
    recovered by subtracting the others from the total the dashboard shows."""
    from cmanalytics.workforce.anonymity import Line, complementary

    counts = n.to_numpy(dtype=float)
    hidden = complementary(counts, (counts > 0) & (counts < k), [Line(tuple(range(len(counts))))], k)
    return pd.Series(hidden, index=n.index)


def _scores_dashboard(scores: pd.DataFrame, *, groups, codebook, lang: str, policy, min_cell):
    import matplotlib.pyplot as plt

    L, rc, lang = _style(lang)
    k = min_cell_from(policy, min_cell)
    g = _group_frame(scores, groups)
    dims = [
        c
        for c in scores.columns
        if c not in g.columns and c != "respondent_id" and pd.api.types.is_numeric_dtype(scores[c])
    ]
    if not dims:
        raise ArgumentError("the scores have no numeric dimension columns (use cma.study.score).")
    names = {d: d for d in dims}
    if codebook is not None:
        for dm in codebook.dimensions:
            if dm.id in names:
                names[dm.id] = dm.name(lang)
    x = scores[dims].astype(float)
    with plt.rc_context(rc):
        fig, axes = plt.subplots(2, 2, figsize=(15, 9), layout="constrained")
        fig.suptitle(L["contract_title"], fontsize=14, fontweight=rc["axes.titleweight"])
        _caption(fig, L["caption_scores"].format(k=k), lang, 0.06)
        ax = axes[0, 0]
        n, mean, sd = x.count(), x.mean(), x.std()
        sup = (n < k).to_numpy()
        half = np.where(sup, 0, 1.96 * sd / np.sqrt(n.clip(lower=1)))
        pos = np.arange(len(dims))
        ax.barh(pos, np.where(sup, 0, mean), xerr=half, color="#4c72b0", capsize=3)
        for p_, m, s_, nn, h in zip(pos, mean, sup, n, half):
            ax.text(
                0.02 if s_ else m + h + 0.05,
                p_,
                L["suppressed"].format(k=k) if s_ else f"{m:.2f} (n = {nn})",
                va="center",
                fontsize=8,
                color="#a40000" if s_ else "black",
                transform=ax.get_yaxis_transform() if s_ else ax.transData,
            )
        ax.set_yticks(pos, [names[d] for d in dims])
        ax.set_xlim(0, float(np.nanmax(np.where(sup, 0, mean + half))) * 1.25 + 0.1)
        ax.invert_yaxis()
        ax.set_title(L["dimension_means"])
        for j in range(2):
            col = g.columns[j] if j < g.shape[1] else None
            heat, counts = (axes[0, 1], axes[1, 0]) if j == 0 else (axes[1, 1], None)
            if col is None:
                heat.axis("off")
                if counts is not None:
                    counts.axis("off")
                continue
            _group_panels(heat, counts, x, g[col], dims, names, k, L, str(col))
    fig.attrs = {"lang": lang, "min_cell": k}
    return fig


def _group_panels(heat, counts, x, group, dims, names, k, L, label):
    per = x.groupby(group, observed=True)
    n = per.size()
    small = small_groups(n, k)
    means = per.mean()[dims]
    means[small.reindex(means.index).to_numpy()] = np.nan
    im = heat.imshow(means.to_numpy(dtype=float), aspect="auto", cmap="RdYlGn", vmin=1, vmax=5)
    heat.set_xticks(np.arange(len(dims)), [names[d] for d in dims], rotation=35, ha="right", rotation_mode="anchor")
    heat.set_yticks(np.arange(len(means)), [str(v) for v in means.index], fontsize=8)
    _cell_values(heat, means.to_numpy(dtype=float), k, L, 7)
    heat.figure.colorbar(im, ax=heat, shrink=0.8)
    heat.set_title(L["group_heatmap"].format(g=label))
    if counts is not None:
        _bars(counts, [str(v) for v in n.index], n.to_numpy(dtype=float), small.to_numpy(), k, L, fmt="{:.0f}")
        counts.set_ylabel(L["people"])
        counts.set_title(L["group_respondents"].format(g=label))
