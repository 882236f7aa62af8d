"""Manager performance models: the banks' rules as editable policies (exam, grades, ...)."""

from cmanalytics.performance import models
from cmanalytics.performance.appraisal import (
    Scorecard,
    annual_score_by_manager,
    annual_scores,
    appraise,
    bottom_n_elimination,
    deferred_pay,
    review,
)
from cmanalytics.performance.assignment import AssignmentResult, assign_clients
from cmanalytics.performance.exam import score_exam
from cmanalytics.performance.grades import annual_grade
from cmanalytics.performance.pay import PayResult, pay
from cmanalytics.performance.policy import Policy, load_policy, policy_from
from cmanalytics.performance.profit import (
    profit_by_manager,
    simulated_profit,
    split_pool,
)
from cmanalytics.performance.scorecard import ManagerScorecard, scorecard
from cmanalytics.performance.simulation import SimulationResult, simulate_years
from cmanalytics.performance.whatif import (
    ExamComparison,
    PolicyComparison,
    PolicyOutcome,
    apply_policy,
    compare_exams,
    compare_policies,
)

__all__ = [
    "ExamComparison",
    "compare_exams",
    "ManagerScorecard",
    "scorecard",
    "SimulationResult",
    "simulate_years",
    "AssignmentResult",
    "PolicyComparison",
    "PolicyOutcome",
    "apply_policy",
    "compare_policies",
    "PayResult",
    "pay",
    "policy_from",
    "Policy",
    "Scorecard",
    "annual_score_by_manager",
    "annual_scores",
    "appraise",
    "bottom_n_elimination",
    "deferred_pay",
    "models",
    "review",
    "annual_grade",
    "assign_clients",
    "load_policy",
    "profit_by_manager",
    "score_exam",
    "simulated_profit",
    "split_pool",
]

# Public functions refuse unexpected keywords with an ArgumentError naming them and the accepted ones.
from cmanalytics.errors import check_keywords_of  # noqa: E402

check_keywords_of(globals(), __all__)
