"""The trade-off dashboard as ipywidgets: pick methods, authentication, threshold and escrow."""

from __future__ import annotations

import html

import ipywidgets as widgets

from paylab import dashboard as db
from paylab import methods as pm

__all__ = ["outcome_html", "dashboard", "Dashboard"]


def outcome_html(outcome: db.Outcome, targets: db.Targets | None = None) -> str:
    """The five numbers (and targets, if given) as a small HTML table."""
    rows = [("conversion", f"{outcome.conversion:.1%}"),
            ("cost per payment", f"{outcome.cost_per_payment} ({outcome.cost_rate:.2%} of the order)"),
            ("fraud loss / month", f"{outcome.fraud_loss} ({outcome.fraud_loss_bp:.1f} bp of sales)"),
            ("days from sale to cash", f"{outcome.settlement_days:.2f}"),
            ("cash tied up", str(outcome.cash_tied_up)),
            ("profit / month", str(outcome.profit)),
            ("challenged · false declines · fraud stopped",
             f"{outcome.challenge_rate:.1%} · {outcome.false_decline_rate:.1%} · {outcome.fraud_caught:.1%}")]
    body = "".join(f"<tr><td>{html.escape(k)}</td><td><b>{html.escape(v)}</b></td></tr>" for k, v in rows)
    if targets is not None:
        for name, row in db.target_table(outcome, targets).iterrows():
            mark = "✔" if row["met"] else "✘"
            body += f"<tr><td>target: {html.escape(name)} {html.escape(row['rule'])}</td><td>{mark}</td></tr>"
    return (f"<p><i>{html.escape(outcome.profile.name)} — illustrative parameters</i></p>"
            f"<table>{body}</table>")


class Dashboard(widgets.VBox):
    """The dashboard's box of controls and numbers; its plain-text form names it instead of listing widgets."""

    def __repr__(self) -> str:
        return "Trade-off dashboard (interactive: run the notebook to move the controls)"


def dashboard(profile: db.MerchantProfile | None = None, config: db.Config | None = None,
              targets: db.Targets | None = None, models: db.Models = db.DEFAULT_MODELS) -> Dashboard:
    """An interactive dashboard over :func:`paylab.dashboard.evaluate`; shows its default state at once."""
    config = config or db.Config()
    profiles = dict(db.EXAMPLE_PROFILES)
    if profile is not None:
        profiles = {profile.name: profile, **profiles}
    start = profile.name if profile is not None else "tea"
    who = widgets.Dropdown(options=list(profiles), value=start, description="merchant")
    methods = widgets.SelectMultiple(options=[(pm.get(m).name, m) for m in pm.CATALOGUE],
                                     value=config.methods, rows=8, description="methods")
    auth = widgets.ToggleButtons(options=list(db.AUTH_POLICIES), value=config.auth_policy,
                                 description="authentication")
    threshold = widgets.FloatSlider(value=config.risk_threshold, min=0.05, max=1.0, step=0.05,
                                    description="risk threshold", continuous_update=False)
    escrow = widgets.Checkbox(value=config.escrow, description="escrow")
    out = widgets.HTML()

    def refresh(_change=None) -> None:
        if not methods.value:
            out.value = "<p>Choose at least one payment method.</p>"
            return
        cfg = db.Config(tuple(methods.value), auth.value, threshold.value, escrow.value)
        out.value = outcome_html(db.evaluate(cfg, profiles[who.value], models), targets)

    for w in (who, methods, auth, threshold, escrow):
        w.observe(refresh, names="value")
    refresh()
    return Dashboard([widgets.HBox([widgets.VBox([who, methods]), widgets.VBox([auth, threshold, escrow])]),
                      out])
