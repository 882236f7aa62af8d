"""``make reports``: rebuild every report from nothing.

Until the study and dashboard reports land, this writes the psychometric tables of a built-in example
(Holzinger & Swineford's nine ability tests): KMO and Bartlett, total variance explained, the rotated
component matrix, and reliability. Deterministic: the same input gives the same files byte for byte.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

import cmanalytics as cma
from cmanalytics.datasets import holzinger_swineford
from cmanalytics.reporting.publish import index_page, staged_folder, write_table


def example_tables() -> dict[str, pd.DataFrame]:
    """The SPSS-style tables of a PCA with varimax rotation on the Holzinger-Swineford tests."""
    data = holzinger_swineford()
    items = cma.prepare(data)
    k, b = cma.kmo(items), cma.bartlett(items)
    res = cma.efa(items, n_factors=3, method="pca", rotation="varimax")
    alpha = cma.cronbach_alpha(items)
    adequacy = pd.DataFrame({"value": [k.overall, b.chi2, b.df, b.p_value, items.n_obs]},
                            index=pd.Index(["Kaiser-Meyer-Olkin measure of sampling adequacy",
                                            "Bartlett's test: approx. chi-square", "df", "Sig.", "N"], name="statistic"))
    reliability = pd.DataFrame({"value": [alpha.alpha, alpha.std_alpha, alpha.ci[0], alpha.ci[1], alpha.n_items]},
                               index=pd.Index(["Cronbach's alpha", "alpha based on standardized items",
                                               "Feldt 95% lower", "Feldt 95% upper", "N of items"], name="statistic"))
    return {
        "kmo_bartlett": adequacy,
        "msa": k.to_frame(),
        "total_variance_explained": res.variance_explained,
        "rotated_component_matrix": res.sorted_loadings(),
        "communalities": pd.DataFrame({"Initial": res.initial_communalities, "Extraction": res.communalities}),
        "reliability": reliability,
        "item_total_statistics": alpha.item_stats,
    }


def build(out: Path) -> Path:
    with staged_folder(out) as stage:
        files = []
        for name, table in example_tables().items():
            files += write_table(table, stage / "example", name)
        sections = [("Built-in example: Holzinger & Swineford (1939)",
                     "Principal components, 3 components, varimax with Kaiser normalization; "
                     "reliability of the nine tests. Computed by cmanalytics " + cma.__version__ + ".",
                     [f"example/{f}" for f in files])]
        (stage / "index.html").write_text(index_page("cmanalytics reports", sections), encoding="utf-8")
    return Path(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="reports", type=Path, help="the report folder (replaced whole)")
    args = parser.parse_args(argv)
    path = build(args.out)
    print(f"reports written to {path}/ (open {path}/index.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
