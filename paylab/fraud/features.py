"""The features a payment risk team computes for each transaction, from past rows only.

Every feature looks backwards: a row's value depends only on the rows before it
(in the frame's time order), so a model trained on them can be used in real
time and a time split does not leak the future into training.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from paylab.errors import InvalidInput
from paylab.fraud.generate import TYPES

__all__ = ["FEATURES", "add_features", "add_pass_through", "add_risk_features", "feature_columns",
           "inconsistent_rows"]

#: Columns ``add_features`` adds (``device_change``/``location_change`` only when the
#: frame has ``device``/``location`` columns, as generated frames do).
FEATURES = ("hour", "type_code", "amount_log", "amount_ratio", "prev_count", "velocity_1h",
            "new_payee", "dest_is_new_account", "balance_share", "device_change", "location_change")

_REQUIRED = ("step", "type", "amount", "nameOrig", "nameDest", "oldbalanceOrg")


def _codes(col: pd.Series) -> np.ndarray:
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(np.int64)
    return pd.factorize(col)[0].astype(np.int64)


def _union_codes(a: pd.Series, b: pd.Series) -> np.ndarray:
    """One integer id per account name across two columns: ids of ``a`` then of ``b``, stacked."""
    if isinstance(a.dtype, pd.CategoricalDtype) and isinstance(b.dtype, pd.CategoricalDtype):
        cats = a.cat.categories.append(b.cat.categories).astype(str)
        uniq_codes = pd.factorize(cats)[0]
        na = len(a.cat.categories)
        ca = uniq_codes[:na][a.cat.codes.to_numpy()]
        cb = uniq_codes[na:][b.cat.codes.to_numpy()]
        return np.concatenate([ca, cb]).astype(np.int64)
    names = pd.concat([a.astype(str), b.astype(str)], ignore_index=True)
    return pd.factorize(names)[0].astype(np.int64)


def add_features(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with the risk features of :data:`FEATURES` added.

    ``df`` must be in time order (``step`` non-decreasing; within a step, row order).
    - ``hour``: hour of day, ``(step - 1) % 24`` (step 1 is hour 0 of day 1).
    - ``type_code``: the index of ``type`` in ``TYPES``.
    - ``amount_log``: log10 of the amount in currency units (a float feature, not money).
    - ``amount_ratio``: amount / mean of the payer's earlier amounts (1.0 on a first row).
    - ``prev_count``: how many earlier rows the payer has.
    - ``velocity_1h``: the payer's earlier rows in this step and the previous one (last hour).
    - ``new_payee``: 1 if the payer never paid this destination before.
    - ``dest_is_new_account``: 1 if the destination never appeared before (as payer or payee).
    - ``balance_share``: amount / payer's old balance (capped at 1; 1 when the balance is 0).
    - ``device_change`` / ``location_change``: differs from the payer's previous row.
    """
    if not isinstance(df, pd.DataFrame):
        raise InvalidInput("df", "a pandas DataFrame", f"expected a DataFrame, got {type(df).__name__}")
    missing = [c for c in _REQUIRED if c not in df.columns]
    if missing:
        raise InvalidInput("df", "PaySim columns", f"the frame lacks column(s) {missing}")
    empty = [c for c in ("nameOrig", "nameDest") if df[c].isna().any()]
    if empty:
        raise InvalidInput("df", "no missing names", f"column(s) {empty} have missing account names")
    step = df["step"].to_numpy(np.int64)
    if step.size and np.any(np.diff(step) < 0):
        raise InvalidInput("df", "time order", "rows must be sorted by step (use df.sort_values('step', "
                           "kind='stable'))")
    amount = df["amount"].to_numpy()
    if amount.dtype.kind not in "iu":
        raise InvalidInput("df", "integer minor units", "amount must be integer minor units (cents), "
                           f"not {amount.dtype}; convert PaySim floats with round(x * 100)")
    n = len(df)
    out = df.copy()
    orig = _codes(df["nameOrig"])
    t_codes, t_names = pd.factorize(df["type"])
    lookup = np.array([TYPES.index(str(t)) if str(t) in TYPES else -1 for t in t_names] + [-1], np.int64)
    type_code = lookup[t_codes]
    if np.any(type_code < 0):
        bad = sorted({str(t) for t in t_names if str(t) not in TYPES})[:3] or ["missing"]
        raise InvalidInput("df", "PaySim types", f"unknown transaction type(s) {bad}; expected {TYPES}")

    out["hour"] = ((step - 1) % 24).astype(np.int64)
    out["type_code"] = type_code
    out["amount_log"] = np.log10(np.maximum(amount, 1) / 100.0)

    # per payer, in time order (a stable sort keeps the row order inside each payer)
    order = np.argsort(orig, kind="stable")
    o_sorted = orig[order]
    starts_mask = np.r_[True, o_sorted[1:] != o_sorted[:-1]] if n else np.zeros(0, bool)
    group_start = np.maximum.accumulate(np.where(starts_mask, np.arange(n), 0)) if n else np.zeros(0, int)
    idx = np.arange(n)
    prev_count = idx - group_start
    a_sorted = amount[order].astype(np.float64)
    cs = np.cumsum(a_sorted)
    before = cs - a_sorted - (cs[group_start] - a_sorted[group_start])
    ratio = np.where(prev_count > 0, a_sorted / np.maximum(before / np.maximum(prev_count, 1), 1.0), 1.0)
    s_sorted = step[order]
    key = o_sorted * (int(step.max(initial=0)) + 3) + s_sorted
    first_in_window = np.searchsorted(key, key - 1, side="left")
    velocity = idx - first_in_window

    def unsort(values: np.ndarray) -> np.ndarray:
        res = np.empty_like(values)
        res[order] = values
        return res

    out["amount_ratio"] = unsort(ratio)
    out["prev_count"] = unsort(prev_count.astype(np.int64))
    out["velocity_1h"] = unsort(velocity.astype(np.int64))

    dest = _codes(df["nameDest"])
    n_dest = int(dest.max(initial=0)) + 1
    out["new_payee"] = (~pd.Series(orig * n_dest + dest).duplicated()).to_numpy(np.int8)

    # a destination is "new" if no earlier row mentions it (as payer or payee)
    codes = _union_codes(df["nameOrig"], df["nameDest"])
    first_seen = np.full(codes.max(initial=-1) + 1, np.iinfo(np.int64).max)
    pos = np.r_[idx, idx]
    np.minimum.at(first_seen, codes, pos) if n else None
    d_codes = codes[n:]
    out["dest_is_new_account"] = (first_seen[d_codes] == idx).astype(np.int8) if n else np.zeros(0, np.int8)

    old = df["oldbalanceOrg"].to_numpy(np.float64)
    share = np.where(old > 0, amount / np.where(old > 0, old, 1.0), 1.0)
    out["balance_share"] = np.minimum(share, 1.0)

    for col, feat in (("device", "device_change"), ("location", "location_change")):
        if col in df.columns:
            v = df[col].to_numpy()[order]
            changed = np.r_[False, v[1:] != v[:-1]] & ~starts_mask
            out[feat] = unsort(changed.astype(np.int8))
    return out


def add_pass_through(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with ``pass_through``: money the payer received in the last hour, per unit sent.

    For each row: the amounts the payer received (as ``nameDest``) in this step and the previous one,
    on earlier rows, divided by this row's amount and capped at 1. Money that arrives and leaves
    within the hour is what a mule account does (a backward-looking feature, like the others).
    """
    if not isinstance(df, pd.DataFrame):
        raise InvalidInput("df", "a pandas DataFrame", f"expected a DataFrame, got {type(df).__name__}")
    missing = [c for c in ("step", "amount", "nameOrig", "nameDest") if c not in df.columns]
    if missing:
        raise InvalidInput("df", "PaySim columns", f"the frame lacks column(s) {missing}")
    step = df["step"].to_numpy(np.int64)
    if step.size and np.any(np.diff(step) < 0):
        raise InvalidInput("df", "time order", "rows must be sorted by step")
    amount = df["amount"].to_numpy()
    if amount.dtype.kind not in "iu":
        raise InvalidInput("df", "integer minor units", "amount must be integer minor units (cents)")
    n = len(df)
    out = df.copy()
    if n == 0:
        out["pass_through"] = np.zeros(0)
        return out
    codes = _union_codes(df["nameOrig"], df["nameDest"])
    payer, payee = codes[:n], codes[n:]
    rows = np.arange(n, dtype=np.int64)
    s_max = int(step.max()) + 3
    # receipts sorted by (payee, row); steps are non-decreasing along rows, so also by (payee, step)
    order = np.lexsort((rows, payee))
    r_acc, r_row, r_step = payee[order], rows[order], step[order]
    cum = np.r_[0, np.cumsum(amount[order].astype(np.int64))]
    key_row = r_acc * (n + 1) + r_row
    key_step = r_acc * s_max + r_step
    hi = np.searchsorted(key_row, payer * (n + 1) + rows, side="left")        # receipts before this row
    lo = np.searchsorted(key_step, payer * s_max + (step - 1), side="left")    # ... from the last hour on
    received = np.where(hi > lo, cum[hi] - cum[np.minimum(lo, hi)], 0)
    out["pass_through"] = np.minimum(received / np.maximum(amount, 1), 1.0)
    return out


def add_risk_features(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`add_features` and then :func:`add_pass_through`: every feature of the chapter-5 model."""
    return add_pass_through(add_features(df))


def feature_columns(df: pd.DataFrame) -> list[str]:
    """The names of :data:`FEATURES` present in ``df`` (after ``add_features``)."""
    return [f for f in FEATURES if f in df.columns]


def inconsistent_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Rows whose balances break the bookkeeping (empty for a generated frame).

    Checks, for tracked accounts (``C…``): ``new = old - amount`` for the payer
    (``+`` for CASH_IN), ``new = old + amount`` for the payee (``-`` for CASH_IN),
    no negative balance, and that each row's old balance equals that account's
    new balance on its previous row. Merchants (``M…``) must show 0.
    """
    inflow = (df["type"].astype(str) == "CASH_IN").to_numpy()
    amt = df["amount"].to_numpy(np.int64)
    sign = np.where(inflow, 1, -1)
    bad = df["newbalanceOrig"].to_numpy() != df["oldbalanceOrg"].to_numpy() + sign * amt
    dname = df["nameDest"].astype(str)
    merchant = dname.str.startswith("M").to_numpy()
    dest_ok = np.where(merchant,
                       (df["oldbalanceDest"].to_numpy() == 0) & (df["newbalanceDest"].to_numpy() == 0),
                       df["newbalanceDest"].to_numpy() == df["oldbalanceDest"].to_numpy() - sign * amt)
    bad |= ~dest_ok
    for c in ("oldbalanceOrg", "newbalanceOrig", "oldbalanceDest", "newbalanceDest"):
        bad |= df[c].to_numpy() < 0
    # chain: stack both sides in row order, then compare with the account's previous row
    n = len(df)
    side = pd.DataFrame({
        "acc": np.r_[df["nameOrig"].astype(str).to_numpy(), dname.to_numpy()],
        "row": np.r_[np.arange(n), np.arange(n)],
        "side": np.r_[np.zeros(n, int), np.ones(n, int)],
        "old": np.r_[df["oldbalanceOrg"].to_numpy(), df["oldbalanceDest"].to_numpy()],
        "new": np.r_[df["newbalanceOrig"].to_numpy(), df["newbalanceDest"].to_numpy()],
    })
    side = side[~side["acc"].str.startswith("M")].sort_values(["acc", "row", "side"], kind="stable")
    prev_new = side.groupby("acc", sort=False)["new"].shift()
    broken = side.loc[prev_new.notna() & (side["old"] != prev_new), "row"].to_numpy()
    bad[broken] = True
    return df[bad]
