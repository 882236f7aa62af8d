"""The study's table labels in English and Chinese (SPSS's wording, and Chinese SPSS's)."""

from __future__ import annotations

from cmanalytics.errors import ArgumentError

LABELS = {
    "en": {
        "item": "Item",
        "wording": "Wording",
        "eigen": "Eigenvalue (rotation sums of squared loadings)",
        "pct": "% of variance",
        "cum": "Cumulative %",
        "alpha": "Cronbach's alpha of the dimension",
        "dimension": "Dimension",
        "n_items": "Items",
        "mean_loading": "Mean loading",
        "rank": "Rank",
        "kmo": "Kaiser-Meyer-Olkin measure of sampling adequacy",
        "chi2": "Bartlett's test: approx. chi-square",
        "df": "df",
        "sig": "Sig.",
        "n": "N",
        "statistic": "Statistic",
        "value": "Value",
        "mark": " (R)",
        "reversed": "(R) reverse-keyed item, recoded as scale minimum + maximum - answer before the analysis.",
        "table": "Table",
        "note": "Note.",
        "suppressed": "Cells describing fewer than {k} people are suppressed (blank).",
        "initial": "Initial Eigenvalues",
        "extraction": "Extraction Sums of Squared Loadings",
        "rotation": "Rotation Sums of Squared Loadings",
        "total": "Total",
        "var_pct": "% of Variance",
        "cum_pct": "Cumulative %",
        "component": "Component",
        "cap_rotated": "Rotated component matrix, part {part}: {name}",
        "cap_ranking": "Dimensions of part {part} ranked by their mean loading",
        "cap_adequacy": "Sampling adequacy and sphericity, part {part}",
        "cap_variance": "Total variance explained, part {part}",
    },
    "zh": {
        "item": "题项",
        "wording": "内容",
        "eigen": "特征值（旋转平方和载荷）",
        "pct": "方差贡献率（%）",
        "cum": "累计方差贡献率（%）",
        "alpha": "维度 Cronbach's α",
        "dimension": "维度",
        "n_items": "题项数",
        "mean_loading": "平均载荷",
        "rank": "排序",
        "kmo": "KMO 取样适切性量数",
        "chi2": "Bartlett 球形检验近似卡方",
        "df": "自由度",
        "sig": "显著性",
        "n": "样本量",
        "statistic": "统计量",
        "value": "数值",
        "mark": "（反）",
        "reversed": "（反）为反向计分题，分析前已按“量表最小值 + 最大值 − 原始分”重新编码。",
        "table": "表",
        "note": "注：",
        "suppressed": "少于 {k} 人的单元格不予显示（留空）。",
        "initial": "初始特征值",
        "extraction": "提取载荷平方和",
        "rotation": "旋转载荷平方和",
        "total": "总计",
        "var_pct": "方差百分比",
        "cum_pct": "累积 %",
        "component": "成分",
        "cap_rotated": "第 {part} 部分旋转后的成分矩阵：{name}",
        "cap_ranking": "第 {part} 部分各维度按平均载荷排序",
        "cap_adequacy": "第 {part} 部分取样适切性与球形检验",
        "cap_variance": "第 {part} 部分总方差解释",
    },
}


def _lab(lang: str) -> dict:
    if lang not in LABELS:
        raise ArgumentError(f"lang={lang!r}; choose 'en' or 'zh'.")
    return LABELS[lang]
