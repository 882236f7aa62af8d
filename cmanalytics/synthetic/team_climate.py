"""A made-up instrument and its answers, written the ways researchers' exports come (teaching and tests).

Team climate (团队氛围), two dimensions of four items on a 5-point agreement scale, one reverse-keyed item in
each; 9 is the codebook's "no answer" code, 99 a platform's; some answers are text. The truth (answers as
numbers, NaN where a code stood) is kept beside every file, so a reader can check what each import recovers.

    export, truth = answers(n=80, seed=7)
    files = write_all(folder, export)      # CSV (UTF-8, BOM, GBK with wording headers), TSV, TXT, a platform's
                                           # Excel with text answers, SPSS .sav, Stata .dta, Parquet
    Path(folder, "team.toml").write_text(CODEBOOK, encoding="utf-8")

Made up: NOT anyone's survey.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ANCHORS_ZH = ["非常不同意", "不同意", "一般", "同意", "非常同意"]
ANCHORS_EN = ["strongly disagree", "disagree", "neutral", "agree", "strongly agree"]
ITEMS = {
    "T1": ("My team shares information openly", "团队成员之间公开分享信息"),
    "T2": ("I can rely on my colleagues", "我可以依靠我的同事"),
    "T3": ("Colleagues hide mistakes from each other", "同事之间互相隐瞒错误"),  # reverse
    "T4": ("We help each other meet targets", "我们互相帮助完成指标"),
    "S1": ("My supervisor explains decisions", "主管会解释他的决定"),
    "S2": ("My supervisor treats everyone fairly", "主管公平对待每个人"),
    "S3": ("My supervisor ignores my suggestions", "主管忽视我的建议"),  # reverse
    "S4": ("My supervisor supports my development", "主管支持我的职业发展"),
}
REVERSE = ("T3", "S3")

CODEBOOK = """
[instrument]
id = "team_climate"
name_en = "Team climate of customer managers"
name_zh = "客户经理团队氛围"

[scale]
min = 1
max = 5
anchors_en = {en}
anchors_zh = {zh}
missing = [9]

[[parts]]
id = "C"
name_en = "climate"
name_zh = "氛围"

[[dimensions]]
id = "team"
part = "C"
name_en = "team cohesion"
name_zh = "团队凝聚力"
items = ["T1", "T2", "T3", "T4"]

[[dimensions]]
id = "supervisor"
part = "C"
name_en = "supervisor support"
name_zh = "主管支持"
items = ["S1", "S2", "S3", "S4"]
""".format(en=str(ANCHORS_EN).replace("'", '"'), zh=str(ANCHORS_ZH).replace("'", '"'))
CODEBOOK += "".join(
    f'\n[[items]]\nid = "{i}"\nen = "{en}"\nzh = "{zh}"\nreverse = {"true" if i in REVERSE else "false"}\n'
    for i, (en, zh) in ITEMS.items()
)


def answers(n: int = 80, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(export with codes, truth): ``branch`` and ``gender`` beside the items; the export holds 9 and 99
    where the truth has NaN."""
    rng = np.random.default_rng(seed)
    f = rng.multivariate_normal([0, 0], [[1, 0.35], [0.35, 1]], size=n)
    cols = {}
    for k, item in enumerate(ITEMS):
        factor = f[:, 0] if item.startswith("T") else f[:, 1]
        lam = 0.55 + 0.08 * k % 0.3
        latent = lam * factor + np.sqrt(1 - lam**2) * rng.standard_normal(n)
        x = np.clip(np.round(3 + 1.2 * latent + 0.15 * (k % 3)), 1, 5)
        cols[item] = 6 - x if item in REVERSE else x
    truth = pd.DataFrame(cols)
    codes = truth.copy()
    for item, rows, code in (("T2", [3, 17], 9), ("S4", [5], 9), ("S1", [11, 40], 99), ("T4", [23], 99)):
        rows = [r for r in rows if r < n]
        truth.loc[rows, item] = np.nan
        codes.loc[rows, item] = code
    ids = np.arange(1001, 1001 + n)
    meta = pd.DataFrame(
        {
            "序号": ids,
            "branch": rng.choice(["东城支行", "西城支行", "海淀支行"], n),
            "gender": rng.choice(["男", "女"], n),
        }
    )
    return pd.concat([meta, codes], axis=1), pd.concat([meta.rename(columns={"序号": "respondent_id"}), truth], axis=1)


def wording_header(k: int, item: str) -> str:
    """A Wenjuanxing-style header: number, wording, question type."""
    return f"{k + 1}.{ITEMS[item][1]}（矩阵量表题）"


def as_text(x: float, style: int) -> object:
    """An answer written as a survey platform writes it."""
    if np.isnan(x) or x in (9, 99):
        return x if not np.isnan(x) else None
    v = int(x)
    return (
        f"{'ABCDE'[v - 1]}. {ANCHORS_ZH[v - 1]}"
        if style == 0
        else f"{v} {ANCHORS_ZH[v - 1]}"
        if style == 1
        else ANCHORS_EN[v - 1]
    )


def write_all(folder, export: pd.DataFrame) -> dict[str, dict]:
    """Every format, each with the read_survey arguments it needs. Returns name -> {path, kwargs}."""
    import pyreadstat

    items = list(ITEMS)
    out = {}
    plain = export.copy()
    p = folder / "plain.csv"
    plain.to_csv(p, index=False, encoding="utf-8")
    out["csv-utf8"] = {"path": p, "kwargs": {"missing_codes": [99]}}
    p = folder / "excel_bom.csv"
    plain.to_csv(p, index=False, encoding="utf-8-sig")
    out["csv-bom"] = {"path": p, "kwargs": {"missing_codes": [99]}}
    wording = plain.rename(columns={i: wording_header(k, i) for k, i in enumerate(items)})
    p = folder / "chinese_windows.csv"
    wording.to_csv(p, index=False, encoding="gbk")
    out["csv-gbk-wording"] = {"path": p, "kwargs": {"missing_codes": [99]}}
    p = folder / "semicolon.txt"
    plain.to_csv(p, index=False, sep=";", encoding="gb18030")
    out["txt-semicolon"] = {"path": p, "kwargs": {"missing_codes": [99]}}
    p = folder / "tabs.tsv"
    plain.to_csv(p, index=False, sep="\t")
    out["tsv"] = {"path": p, "kwargs": {"missing_codes": [99]}}
    platform = wording.copy()
    for k, i in enumerate(items):
        col = wording_header(k, i)
        platform[col] = [as_text(v, (k + r) % 3) for r, v in enumerate(export[i].to_numpy(dtype=float))]
    p = folder / "wenjuanxing.xlsx"
    platform.to_excel(p, index=False, sheet_name="答卷数据")
    out["xlsx-platform-text"] = {"path": p, "kwargs": {"missing_codes": [99], "sheet": "答卷数据"}}
    spss = plain.rename(columns={i: f"V{k + 1}" for k, i in enumerate(items)})
    p = folder / "platform.sav"
    pyreadstat.write_sav(
        spss,
        str(p),
        column_labels={**{f"V{k + 1}": ITEMS[i][1] for k, i in enumerate(items)}, "branch": "支行", "gender": "性别"},
        variable_value_labels={
            f"V{k + 1}": {**{float(v): a for v, a in zip(range(1, 6), ANCHORS_ZH)}, 9.0: "未作答", 99.0: "跳过"}
            for k in range(len(items))
        },
        missing_ranges={f"V{k + 1}": [99] for k in range(len(items))},
    )
    out["sav-labels-user-missing"] = {"path": p, "kwargs": {}}
    p = folder / "stata.dta"
    pyreadstat.write_dta(
        plain.rename(columns={"序号": "id"}).assign(
            branch=plain["branch"].map({"东城支行": "east", "西城支行": "west", "海淀支行": "haidian"}),
            gender=plain["gender"].map({"男": "m", "女": "f"}),
        ),
        str(p),
    )
    out["dta"] = {"path": p, "kwargs": {"missing_codes": [99]}}
    p = folder / "survey.parquet"
    plain.to_parquet(p, index=False)
    out["parquet"] = {"path": p, "kwargs": {"missing_codes": [99]}}
    return out
