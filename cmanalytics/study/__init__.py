"""The psychological-contract study of bank customer managers (客户经理心理契约).

raw = cma.study.synthetic_twin(seed=0)     # 150 questionnaires, marked synthetic
cleaned = cma.study.clean(raw)             # .data, .report, .valid_rate
res = cma.study.analyse(cleaned.data, part="A")   # your own: analyse(df, codebook) after read_survey
res.tables                                 # Table 1, Table 3, KMO and Bartlett, variance explained
"""

from cmanalytics.study.analysis import PartAnalysis, SurveyAnalysis, analyse, published
from cmanalytics.study.cleaning import CleaningResult, CleaningRules, clean
from cmanalytics.study.codebook import Codebook, load_codebook
from cmanalytics.study.evidence import ValidityResult, validity
from cmanalytics.study.ingestion import ReadReport, map_to_codebook, read_export, read_report, read_survey
from cmanalytics.study.keys import reverse_key
from cmanalytics.study.outputs import write_study_outputs
from cmanalytics.study.scoring import score
from cmanalytics.study.tables import comparison_table, export_tables, format_table
from cmanalytics.study.template import codebook_template


def synthetic_twin(seed: int = 0, codebook=None):
    """The synthetic twin of the study's raw export (see :mod:`cmanalytics.synthetic.twin`).

    A convenience alias kept for the users of round one: the synthetic layer sits above the study, so it
    is looked up by name when called and the study itself never depends on synthetic data."""
    import importlib

    return importlib.import_module("cmanalytics.synthetic.twin").synthetic_twin(seed, codebook)


__all__ = [
    "Codebook",
    "CleaningResult",
    "CleaningRules",
    "PartAnalysis",
    "ReadReport",
    "SurveyAnalysis",
    "analyse",
    "clean",
    "codebook_template",
    "comparison_table",
    "export_tables",
    "load_codebook",
    "map_to_codebook",
    "published",
    "read_export",
    "read_report",
    "read_survey",
    "reverse_key",
    "score",
    "synthetic_twin",
    "format_table",
    "write_study_outputs",
    "ValidityResult",
    "validity",
]

# Public functions refuse unexpected keywords with an ArgumentError naming them and the accepted ones.
from cmanalytics.errors import check_keywords_of  # noqa: E402

check_keywords_of(globals(), __all__)
