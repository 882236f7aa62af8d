"""A manager's scorecard: indicators, area scores, rank in the peer group, grade and pay, caseload and the
client list by the rule that placed each client, as one page of HTML and a PDF (matplotlib). Only the
manager's own figures appear: the peer group is described by its size and the manager's rank, never by
another person's score."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cmanalytics.errors import ArgumentError
from cmanalytics.performance.whatif import PolicyOutcome, apply_policy
from cmanalytics.presentation import frame_html


@dataclass(frozen=True, repr=False)
class ManagerScorecard:
    """One manager's page. ``indicators``: each indicator's score (0-100, the year's mean of the quarters)
    with its area and weight; ``areas``: area scores; ``facts``: score, grade, coefficient, pay steps,
    rank in the peer group and its size, caseload, elimination status; ``clients``: the manager's clients
    with tier, value and the rule that placed each."""

    manager_id: str
    indicators: pd.DataFrame
    areas: pd.Series
    facts: dict
    clients: pd.DataFrame
    note: str = ""

    def __repr__(self) -> str:
        f = self.facts
        return (
            f"ManagerScorecard({self.manager_id}: score {f['score']:.2f}, {f['grade']} {f['grade (zh)']}, rank {f['rank']} of "
            f"{f['peer_group_size']} {f['peer_group']}, {f['caseload']} clients)"
        )

    def to_frame(self) -> pd.DataFrame:
        return pd.Series(self.facts, name=self.manager_id).to_frame()

    def summary(self) -> str:
        lines = [f"Scorecard of {self.manager_id}", "=" * 30]
        lines += [f"{k:<22} {v}" for k, v in self.facts.items()]
        lines += ["", self.areas.to_string(), "", self.indicators.to_string()]
        return "\n".join(lines)

    def html(self) -> str:
        """The one-page HTML (inline CSS, no scripts, no external files)."""
        f = self.facts
        rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(_fmt(v))}</td></tr>" for k, v in f.items())
        clients = self.clients.head(40)
        more = f"<p class='note'>and {len(self.clients) - 40} more clients</p>" if len(self.clients) > 40 else ""
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Scorecard "
            f"{html.escape(self.manager_id)}</title><style>body{{font-family:system-ui,sans-serif;font-size:12px;"
            "max-width:190mm;margin:10mm auto}}table{{border-collapse:collapse;margin:4px 0 10px}}"
            "td,th{{padding:1px 6px;border-bottom:1px solid #ddd;text-align:right}}th{{text-align:left}}"
            ".note{{color:#555}}</style></head><body>"
            f"<h2>Scorecard: {html.escape(self.manager_id)}</h2><p class='note'>{html.escape(self.note)}</p>"
            f"<div style='display:flex;gap:16px'><div><h3>Grade and pay</h3><table>{rows}</table></div>"
            f"<div><h3>Area scores</h3>{frame_html(self.areas.to_frame('score'), 2)}"
            f"<h3>Indicators</h3>{frame_html(self.indicators, 2)}</div></div>"
            f"<h3>Clients by the rule that placed them</h3>{frame_html(clients, 0)}{more}</body></html>"
        )

    def _repr_html_(self) -> str:
        return self.html()

    def save_html(self, path) -> Path:
        path = Path(path)
        path.write_text(self.html(), encoding="utf-8")
        return path

    def figure(self):
        """The page as a matplotlib figure (A4 portrait): facts, area and indicator bars, clients by rule."""
        import matplotlib.pyplot as plt

        from cmanalytics.workforce.dashboards import cjk_font

        font = cjk_font()
        # without a font that has Chinese glyphs, the Chinese names are left off rather than drawn as boxes
        facts = {k: v for k, v in self.facts.items() if font or not k.endswith("(zh)")}
        fig = plt.figure(figsize=(8.27, 11.69))
        fig.suptitle(f"Scorecard: {self.manager_id}", x=0.06, ha="left", fontsize=14)
        fig.text(0.06, 0.945, self.note, fontsize=7, color="#555")
        text = "\n".join(f"{k:<24}{_fmt(v)}" for k, v in facts.items())
        fig.text(0.06, 0.93, text, family=[font, "monospace"] if font else "monospace", fontsize=7.5, va="top")
        ax = fig.add_axes([0.62, 0.72, 0.33, 0.2])
        ax.barh(self.areas.index, self.areas.to_numpy(), color="#4c72b0")
        ax.set_xlim(0, 100)
        ax.set_title("Area scores", fontsize=9)
        ax.invert_yaxis()
        ax2 = fig.add_axes([0.3, 0.38, 0.65, 0.28])
        ind = self.indicators["score"]
        ax2.barh(ind.index, ind.to_numpy(), color="#8fa8d0")
        ax2.set_xlim(0, 100)
        ax2.tick_params(labelsize=7)
        ax2.set_title("Indicator scores (0-100, mean of the quarters)", fontsize=9)
        ax2.invert_yaxis()
        by_rule = self.clients.groupby("rule").agg(clients=("client_id", "size"), value=("value", "sum"))
        lines = [f"{r:<26}{int(c):>5} clients {v / 1e4:>12,.0f} (10k yuan)" for r, (c, v) in by_rule.iterrows()]
        fig.text(
            0.06,
            0.3,
            "Clients by the rule that placed them\n" + "\n".join(lines),
            family="monospace",
            fontsize=7.5,
            va="top",
        )
        return fig

    def save_pdf(self, path) -> Path:
        import matplotlib.pyplot as plt

        path = Path(path)
        fig = self.figure()
        fig.savefig(path, format="pdf", metadata={"CreationDate": None, "Creator": "cmanalytics"})
        plt.close(fig)
        return path


def _fmt(v) -> str:
    if isinstance(v, float):
        return "" if pd.isna(v) else (f"{v:,.2f}" if abs(v) < 1000 else f"{v:,.0f}")
    return str(v)


def _check_outcome_arguments(outcome, policy, as_of, year) -> None:
    """Refuse policy=, as_of= or year= beside an outcome=, which was made with its own."""
    if outcome is None:
        return
    # the outcome was made with its own policy, date and year: these would change nothing on the page
    given = [
        f"{k}={v!r}"
        for k, v, d in (("policy", policy, None), ("as_of", as_of, "2025-12-31"), ("year", year, None))
        if v != d
    ]
    if given:
        raise ArgumentError(
            f"{', '.join(given)}: the outcome= given was made by apply_policy with its own policy, as_of and "
            "year; pass them to apply_policy, or leave outcome out."
        )


def _own_scores(res, pol, manager_id: str) -> tuple[pd.DataFrame, pd.Series]:
    """The manager's indicator scores (with area and weight) and area scores, means over the periods."""
    # the manager's rows of the bank-wide scorecards: peer standings need the peers
    mine = res.card.indicator_scores.index.get_level_values(0) == manager_id
    specs = pol.indicators()
    ind = res.card.indicator_scores[mine].mean()
    indicators = pd.DataFrame(
        {
            "area": [specs[i]["area"] for i in ind.index],
            "weight": [specs[i]["weight"] for i in ind.index],
            "score": pol.round(ind).to_numpy(),
        },
        index=ind.index,
    )
    areas = pol.round(res.card.area_scores[mine].mean())
    return indicators, areas


def scorecard(
    bank,
    manager_id: str,
    policy=None,
    *,
    as_of: str = "2025-12-31",
    year: int | None = None,
    outcome: PolicyOutcome | None = None,
) -> ManagerScorecard:
    """One manager's scorecard under a policy (defaults, a Policy or a file). The peer group is the
    manager's role and level in the bank; ``rank`` is by annual score, ties sharing the better rank. Pass
    ``outcome`` (from :func:`apply_policy`) to make many scorecards from one run."""
    _check_outcome_arguments(outcome, policy, as_of, year)
    res = outcome if outcome is not None else apply_policy(bank, policy, as_of=as_of, year=year)
    pol = res.policy
    m = res.managers
    if manager_id not in m.index:
        raise ArgumentError(
            f"manager {manager_id!r} is not among the customer managers appraised on results "
            f"({len(m)} managers; trainees and assistants are not appraised)."
        )
    row = m.loc[manager_id]
    peers = m[(m["role"] == row["role"]) & (m["level"] == row["level"])]
    rank = int(peers["score"].rank(method="min", ascending=False)[manager_id])
    indicators, areas = _own_scores(res, pol, manager_id)
    clients = res.assignment.table[res.assignment.table["manager_id"] == manager_id]
    clients = clients[["client_id", "tier", "value", "rule"]].reset_index(drop=True)
    facts = {
        "role": row["role"],
        "level (qualification)": row["level"],
        "branch": row["branch_id"],
        "score": row["score"],
        "grade": row["grade"],
        "grade (zh)": row["grade_zh"],
        "pay coefficient": row["pay_coefficient"],
        "paid as level": row["paid_level"],
        "protected": bool(row["protected"]),
        "fixed pay": row["fixed_pay"],
        "performance pay": row["performance_pay"],
        "deferred": row["deferred"],
        "total paid": row["total_paid"],
        "peer_group": f"{row['role']} {row['level']}",
        "peer_group_size": len(peers),
        "rank": rank,
        "caseload": len(clients),
        "elimination status": row["status"],
    }
    note = (
        f"Policy: {pol.source}. Figures marked illustrative in the policy are not a bank's own. "
        "Only this manager's figures are shown."
    )
    return ManagerScorecard(manager_id, indicators, areas, facts, clients, note)
