"""Workforce health of customer-manager teams: indicators (tidy tables), anonymity, dashboards."""

from cmanalytics.workforce.anonymity import (
    check_min_cell,
    group_summary,
    suppress,
    suppress_counts,
    suppress_distribution,
    suppress_wide,
)
from cmanalytics.workforce.dashboards import (
    FontWarning,
    cjk_font,
    contract_dashboard,
    workforce_dashboard,
)
from cmanalytics.workforce.indicators import (
    age_structure,
    appraisal_distribution,
    caseload,
    certificate_coverage,
    contract_scores,
    education,
    grade_pyramid,
    headcount,
    mean_age,
    npl_ratio_by_grade,
    pass_rates,
    tenure,
    titles,
    turnover,
    wellbeing,
)

__all__ = [
    "FontWarning",
    "age_structure",
    "cjk_font",
    "contract_dashboard",
    "workforce_dashboard",
    "appraisal_distribution",
    "caseload",
    "certificate_coverage",
    "contract_scores",
    "education",
    "grade_pyramid",
    "headcount",
    "mean_age",
    "npl_ratio_by_grade",
    "pass_rates",
    "suppress",
    "suppress_counts",
    "tenure",
    "titles",
    "turnover",
    "wellbeing",
    "check_min_cell",
    "suppress_distribution",
    "suppress_wide",
    "group_summary",
]

# Public functions refuse unexpected keywords with an ArgumentError naming them and the accepted ones.
from cmanalytics.errors import check_keywords_of  # noqa: E402

check_keywords_of(globals(), __all__)
