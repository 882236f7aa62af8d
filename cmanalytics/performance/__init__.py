"""Manager performance models: the banks' rules as editable policies (exam, grades, ...)."""

from cmanalytics.performance.exam import score_exam
from cmanalytics.performance.grades import annual_grade
from cmanalytics.performance.policy import Policy, load_policy

__all__ = ["Policy", "annual_grade", "load_policy", "score_exam"]
