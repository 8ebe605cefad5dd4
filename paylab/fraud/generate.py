"""A PaySim-style generator of synthetic mobile-money transactions with labelled fraud.

PaySim (Lopez-Rojas, Elmir & Axelsson, 2016) simulates one month (744 hourly
steps) of a mobile-money service. This vectorised re-implementation keeps its
schema and its fraud pattern — an account is taken over, its balance is moved
by a TRANSFER to a mule account, and the mule takes the money out with a
CASH_OUT — and adds card-testing bursts (many tiny PAYMENTs in one hour).

Money is never a float here: ``amount`` and the four balance columns are
``int64`` **minor units** (cents) of an illustrative currency (``CURRENCY``).
PaySim's CSV prints decimals such as ``9839.64``; :func:`read_paysim` reads such a
file into the same schema as exact cents.
"""

from __future__ import annotations

import io
import os

import numpy as np
import pandas as pd

from paylab.errors import InvalidInput
from paylab.money import Money
from paylab.validation import Count, Seed

__all__ = [
    "TYPES", "COLUMNS", "CURRENCY", "FLAG_LIMIT_MINOR", "DEFAULT_TYPE_MIX", "FRAUD_PATTERNS",
    "generate_transactions", "to_money", "read_paysim",
]

#: PaySim's five transaction types, in the order of the categorical ``type`` column.
TYPES = ("CASH_IN", "CASH_OUT", "DEBIT", "PAYMENT", "TRANSFER")
CASH_IN, CASH_OUT, DEBIT, PAYMENT, TRANSFER = range(5)

#: The PaySim schema (the generator adds ``device``, ``location`` and ``fraudPattern`` after it).
COLUMNS = ("step", "type", "amount", "nameOrig", "oldbalanceOrg", "newbalanceOrig",
           "nameDest", "oldbalanceDest", "newbalanceDest", "isFraud", "isFlaggedFraud")

#: Label for the illustrative currency of the minor units (used only to build ``Money``).
CURRENCY = "USD"

#: PaySim's business rule: a TRANSFER of more than 200,000.00 is flagged (here in minor units).
FLAG_LIMIT_MINOR = 200_000_00

#: Share of each type among legitimate rows (illustrative, roughly like the public PaySim data).
DEFAULT_TYPE_MIX = {"CASH_IN": 0.22, "CASH_OUT": 0.35, "DEBIT": 0.01, "PAYMENT": 0.34, "TRANSFER": 0.08}

#: Values of the ``fraudPattern`` column (the ground truth behind ``isFraud``).
FRAUD_PATTERNS = ("none", "takeover_transfer", "mule_cash_out", "card_testing")

# median amount per type in currency units, and the spread (sigma of the log)
_MEDIAN = np.array([90_000.0, 100_000.0, 3_000.0, 8_000.0, 120_000.0])
_SIGMA = np.array([1.0, 1.0, 0.8, 0.9, 1.1])
# relative activity by hour of day (people sleep; fraudsters do not)
_HOUR_PROFILE = np.array([0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 0.9, 1.2, 1.4, 1.5, 1.5,
                          1.5, 1.4, 1.4, 1.3, 1.3, 1.4, 1.5, 1.5, 1.3, 1.0, 0.7, 0.4])
_N_REGIONS = 50
_BURST_SHARE = 0.25   # share of fraud rows that come from card-testing bursts


#: the most rows one call generates: the public PaySim data set's size (about 25 s and 2.5 GB, so pass
#: ``progress=True``; a notebook stays under 500,000 rows, about two seconds and 300 MB)
MAX_TRANSACTIONS = 6_362_620


def to_money(minor_units: int, currency_code: str = CURRENCY) -> Money:
    """An ``amount``/balance value of a generated frame (integer minor units) as ``Money``."""
    return Money.from_minor(int(minor_units), currency_code)


def _check_int(name: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InvalidInput(name, "an integer", f"{name} must be an integer, not {type(value).__name__}")
    if value < low:
        raise InvalidInput(name, f">= {low}", f"{name} must be at least {low}, got {value}")
    return int(value)


def _stable_order(keys: np.ndarray) -> np.ndarray:
    """``argsort(keys, kind="stable")`` for keys < 2**32, as two 16-bit radix passes (much faster)."""
    first = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    second = np.argsort((keys[first] >> 16).astype(np.uint16), kind="stable")
    return first[second]


def _names(rng: np.random.Generator, prefix: str, n: int) -> np.ndarray:
    """``n`` distinct PaySim-looking account names such as ``C1231006815``."""
    nums = rng.choice(9 * 10**9, size=n, replace=False) + 10**9 if n else np.empty(0, np.int64)
    return np.array([f"{prefix}{x}" for x in nums.tolist()], dtype=object)


def generate_transactions(
    n_steps: Count[1, 24 * 366] = 744,
    n_customers: Count[2, 2_000_000] = 2_000,
    n_merchants: Count[1, 1_000_000] = 200,
    fraud_rate: float = 0.0013,
    seed: Seed = 0,
    progress: bool = False,
    *,
    n_transactions: Count[1, MAX_TRANSACTIONS] | None = None,
    n_agents: Count[1, 1_000_000] | None = None,
    type_mix: dict[str, float] | None = None,
    drift: bool = True,
) -> pd.DataFrame:
    """Synthetic transactions in the PaySim schema, with labelled fraud, sorted by time.

    ``n_steps`` hours (PaySim: 744 = 30 days; step 1 is hour 0 of day 1);
    ``n_transactions`` rows in total (default: one per customer per day);
    ``fraud_rate`` is the share of rows with ``isFraud == 1`` (default 0.13 %, about the
    share usually quoted for the public PaySim data set; illustrative). About three
    quarters of the fraud rows are account takeovers, each a TRANSFER that moves the
    victim's balance (all of it in ~70 % of cases, else 50–95 % of it) to a mule,
    directly followed in the same step by the mule's CASH_OUT of the same amount; the
    victim's account is frozen afterwards (its later outgoing payments never happen).
    The rest are card-testing bursts: 3–8 PAYMENTs of 1.00–5.00 from one victim in one
    hour to different merchants, on the fraudster's device.

    Balances are consistent row by row: for every tracked account (names ``C…``:
    customers, cash agents, mules) ``newbalance = oldbalance ∓ amount`` and each row's
    old balance is the new balance of that account's previous row; no balance is ever
    negative. Merchants (``M…``) are not tracked and show 0, as in PaySim.
    ``isFlaggedFraud`` applies PaySim's rule: a TRANSFER above 200,000.00.
    Extra columns: ``device`` and ``location`` (ids), ``fraudPattern`` (see
    ``FRAUD_PATTERNS``) and ``fraudCase`` (one id per fraud case, shared by a takeover's
    TRANSFER and CASH_OUT or by the rows of a burst; -1 on good rows).
    With ``drift`` the fraudsters learn over the month to act from the victim's own device
    and region and in its daytime hours (95 % of frauds look foreign at the start, 5 % at
    the end); ``drift=False`` keeps them foreign all month.
    ``progress=True`` shows a tqdm bar (for full-scale runs; never in notebooks).
    """
    n_steps = _check_int("n_steps", n_steps, 1)
    n_customers = _check_int("n_customers", n_customers, 2)
    n_merchants = _check_int("n_merchants", n_merchants, 1)
    seed = _check_int("seed", seed, 0)
    if n_transactions is None:
        n_transactions = max(1, n_customers * n_steps // 24)
    n_total = _check_int("n_transactions", n_transactions, 1)
    if n_total > MAX_TRANSACTIONS:
        raise InvalidInput("n_transactions", f"at most {MAX_TRANSACTIONS:,}",
                           f"{n_total:,} rows (n_customers × n_steps / 24) is more than the maximum, "
                           f"{MAX_TRANSACTIONS:,}, that one call makes in a few seconds")
    n_agents = max(1, n_customers // 100) if n_agents is None else _check_int("n_agents", n_agents, 1)
    if isinstance(fraud_rate, bool) or not isinstance(fraud_rate, (int, float)) or not 0 <= fraud_rate < 0.5:
        raise InvalidInput("fraud_rate", "0 <= fraud_rate < 0.5",
                           f"fraud_rate is a share of rows between 0 and 0.5, got {fraud_rate!r}")
    mix = dict(DEFAULT_TYPE_MIX if type_mix is None else type_mix)
    if set(mix) != set(TYPES) or any(not (v >= 0) for v in mix.values()) or sum(mix.values()) <= 0:
        raise InvalidInput("type_mix", "one non-negative weight per type",
                           f"type_mix needs a weight >= 0 for each of {TYPES}")
    p_type = np.array([mix[t] for t in TYPES], dtype=float)
    p_type /= p_type.sum()

    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=7, desc="generate_transactions", unit="stage")

    def tick() -> None:
        if bar is not None:
            bar.update(1)

    rng = np.random.default_rng(seed)

    # ---- how many fraud rows of each kind -------------------------------------------
    n_fraud = int(round(fraud_rate * n_total))
    n_takeover = int(round(n_fraud * (1 - _BURST_SHARE) / 2))
    n_burst_rows = n_fraud - 2 * n_takeover
    sizes = rng.integers(3, 9, size=max(1, n_burst_rows))
    ends = np.cumsum(sizes)
    n_bursts = int(np.searchsorted(ends, n_burst_rows)) + 1 if n_burst_rows else 0
    burst_sizes = sizes[:n_bursts].copy()
    if n_bursts:
        burst_sizes[-1] = n_burst_rows - (ends[n_bursts - 2] if n_bursts > 1 else 0)
    if n_takeover + n_bursts > n_customers // 2:
        raise InvalidInput("fraud_rate", "at most one fraud per customer, for half the customers",
                           f"{n_takeover + n_bursts} fraud cases need more than {2 * (n_takeover + n_bursts)} "
                           f"customers; got n_customers={n_customers}: lower fraud_rate or add customers")
    n_legit = n_total - n_fraud
    n_mules = max(1, (n_takeover + 1) // 2) if n_takeover else 0

    # account index space: customers, agents, mules (tracked); merchants separate
    a0 = n_customers
    m0 = n_customers + n_agents
    n_acc = m0 + n_mules
    if n_acc >= 2**31:
        raise InvalidInput("n_customers", "< 2**31 accounts", "too many accounts for one frame")

    # ---- customers -------------------------------------------------------------------
    activity = rng.lognormal(0.0, 0.8, n_customers)
    scale = rng.lognormal(0.0, 0.5, n_customers)
    home_region = rng.integers(0, _N_REGIONS, n_customers)
    home_agent = rng.integers(0, n_agents, n_customers)
    fav_merchants = rng.integers(0, n_merchants, (n_customers, 5))
    contacts = rng.integers(0, n_customers, (n_customers, 3))
    n_dev = 4 * n_customers + 10 * (n_fraud + 1)   # device ids: home = customer index; others random

    victims = rng.permutation(n_customers)[: n_takeover + n_bursts]
    to_victim, burst_victim = victims[:n_takeover], victims[n_takeover:]
    is_victim = np.zeros(n_customers, bool)
    is_victim[to_victim] = True
    non_victims = np.flatnonzero(~is_victim)
    tick()

    # ---- legitimate rows ---------------------------------------------------------
    hour_w = np.tile(_HOUR_PROFILE, n_steps // 24 + 1)[:n_steps]
    # rows are drawn already in time order: a count per step, then a rising position u in [0, 1)
    per_step = rng.multinomial(n_legit, hour_w / hour_w.sum())
    step = np.repeat(np.arange(1, n_steps + 1, dtype=np.int64), per_step)
    rank = np.arange(n_legit) - np.repeat(np.cumsum(per_step) - per_step, per_step)
    u = (rank + rng.random(n_legit)) / np.repeat(np.maximum(per_step, 1), per_step)
    del rank
    # payer drawn in proportion to activity: a table of "tickets", several per busy customer
    tickets = np.repeat(np.arange(n_customers), 1 + np.floor(activity * 4).astype(np.int64))
    orig = tickets[rng.integers(0, tickets.size, n_legit)]
    del tickets
    # takeovers: time of the takeover (step, u); later outgoing rows of a victim move to others
    def p_foreign(at_step: np.ndarray) -> np.ndarray:
        # share of frauds from the fraudster's own phone and place; with drift the fraudsters
        # learn over the month to act from the victim's device and region (remote-access malware)
        return 0.95 - (0.9 * (at_step - 1) / max(1, n_steps - 1) if drift else 0.0)

    def fraud_steps(k: int) -> np.ndarray:
        # fraud comes at any hour; a fraud that mimics its victim also keeps to daytime hours
        st = rng.integers(1, n_steps + 1, k)
        day_hour = rng.choice(24, size=k, p=_HOUR_PROFILE / _HOUR_PROFILE.sum())
        mimic = rng.random(k) >= p_foreign(st)
        moved_st = np.minimum((st - 1) // 24 * 24 + day_hour + 1, n_steps)
        return np.where(mimic, moved_st, st)

    to_step = fraud_steps(n_takeover)
    to_u = rng.random(n_takeover) * 0.9
    t_key = np.full(n_customers, np.inf)
    t_key[to_victim] = to_step + to_u
    moved = step + u > t_key[orig]
    orig[moved] = non_victims[rng.integers(0, non_victims.size, int(moved.sum()))]
    typ = rng.choice(5, size=n_legit, p=p_type)
    amount = np.maximum(100, np.rint(rng.lognormal(np.log(_MEDIAN[typ] * 100), _SIGMA[typ]) * scale[orig]))
    amount = amount.astype(np.int64)
    dest = np.empty(n_legit, np.int64)                 # tracked account index, or merchant index
    pay = (typ == PAYMENT) | (typ == DEBIT)
    fav = fav_merchants[orig, rng.integers(0, 5, n_legit)]
    dest[pay] = np.where(rng.random(n_legit) < 0.8, fav, rng.integers(0, n_merchants, n_legit))[pay]
    tr = typ == TRANSFER
    contact = contacts[orig, rng.integers(0, 3, n_legit)]
    other = np.where(rng.random(n_legit) < 0.85, contact, rng.integers(0, n_customers, n_legit))
    other = np.where(other == orig, (orig + 1) % n_customers, other)
    dest[tr] = other[tr]
    cash = (typ == CASH_IN) | (typ == CASH_OUT)
    agent = np.where(rng.random(n_legit) < 0.9, home_agent[orig], rng.integers(0, n_agents, n_legit))
    dest[cash] = (a0 + agent)[cash]
    device = np.where(rng.random(n_legit) < 0.97, orig, rng.integers(n_customers, n_dev, n_legit))
    location = np.where(rng.random(n_legit) < 0.95, home_region[orig], rng.integers(0, _N_REGIONS, n_legit))
    pattern = np.zeros(n_legit, np.int8)
    tick()

    # ---- fraud rows ---------------------------------------------------------------
    def fraud_device(owner: np.ndarray, at_step: np.ndarray) -> np.ndarray:
        fresh = rng.integers(n_customers, n_dev, owner.size)
        return np.where(rng.random(owner.size) < p_foreign(at_step), fresh, owner)

    def fraud_location(owner: np.ndarray, at_step: np.ndarray) -> np.ndarray:
        away = rng.integers(0, _N_REGIONS, owner.size)
        return np.where(rng.random(owner.size) < p_foreign(at_step), away, home_region[owner])

    mule = m0 + rng.integers(0, max(1, n_mules), n_takeover)
    tr_dev = fraud_device(to_victim, to_step)
    tr_loc = fraud_location(to_victim, to_step)
    co_u = to_u + (1.0 - to_u) * rng.uniform(0.05, 1.0, n_takeover)
    mule_agent = a0 + rng.integers(0, n_agents, n_takeover)
    mule_dev = n_customers + rng.integers(0, n_dev - n_customers, n_mules)   # one phone per mule
    b_rows = np.repeat(np.arange(n_bursts), burst_sizes)
    b_step = fraud_steps(n_bursts)
    b_start = rng.random(n_bursts) * 0.5
    b_dev = fraud_device(burst_victim, b_step)[b_rows]
    b_loc = fraud_location(burst_victim, b_step)[b_rows]
    b_off = np.arange(b_rows.size) - np.repeat(np.cumsum(burst_sizes) - burst_sizes, burst_sizes)
    b_u = b_start[b_rows] + (b_off + rng.random(b_rows.size)) * 0.05

    mule_idx = mule - m0
    step = np.concatenate([step, to_step, to_step, b_step[b_rows]])
    u = np.concatenate([u, to_u, co_u, b_u])
    orig = np.concatenate([orig, to_victim, mule, burst_victim[b_rows]])
    dest = np.concatenate([dest, mule, mule_agent, rng.integers(0, n_merchants, b_rows.size)])
    typ = np.concatenate([typ, np.full(n_takeover, TRANSFER), np.full(n_takeover, CASH_OUT),
                          np.full(b_rows.size, PAYMENT)])
    amount = np.concatenate([amount, np.zeros(2 * n_takeover, np.int64),
                             rng.integers(100, 501, b_rows.size)])
    device = np.concatenate([device, tr_dev, mule_dev[mule_idx], b_dev])
    location = np.concatenate([location, tr_loc, rng.integers(0, _N_REGIONS, n_takeover), b_loc])
    case = np.concatenate([np.full(n_legit, -1, np.int64), np.arange(n_takeover), np.arange(n_takeover),
                           n_takeover + b_rows])
    pattern = np.concatenate([pattern, np.full(n_takeover, 1, np.int8), np.full(n_takeover, 2, np.int8),
                              np.full(b_rows.size, 3, np.int8)])
    del b_rows, b_dev, b_loc, b_u, b_off, other, contact, fav, agent
    tick()

    # ---- time order -------------------------------------------------------------------
    order = np.argsort(step + u, kind="stable")     # legit rows are sorted already: a near no-op
    step, orig, dest, typ, amount, device, location, pattern, case = (
        a[order] for a in (step, orig, dest, typ, amount, device, location, pattern, case))
    del u, order
    n = step.size
    pos_takeover = np.flatnonzero(pattern == 1)
    pos_cashout = np.flatnonzero(pattern == 2)
    # pair each takeover with its cash-out: same mule, same step, in row order
    pair_t = pos_takeover[np.lexsort((pos_takeover, dest[pos_takeover], step[pos_takeover]))]
    pair_c = pos_cashout[np.lexsort((pos_cashout, orig[pos_cashout], step[pos_cashout]))]
    case[pair_c] = case[pair_t]
    tick()

    # ---- balances: one event per tracked side of each row --------------------------------
    dest_tracked = typ != PAYMENT
    dest_tracked &= typ != DEBIT
    sign_orig = np.where(typ == CASH_IN, 1, -1).astype(np.int64)
    rows = np.arange(n, dtype=np.int64)
    # events in row order (payer side, then payee side of each row) ...
    keep = np.ones(2 * n, bool)
    keep[1::2] = dest_tracked
    ev_row = np.repeat(rows, 2)[keep]
    ev_acc = np.empty(2 * n, np.int64)
    ev_acc[0::2], ev_acc[1::2] = orig, dest
    ev_acc = ev_acc[keep]
    ev_sign = np.empty(2 * n, np.int64)
    ev_sign[0::2], ev_sign[1::2] = sign_orig, -sign_orig
    ev_sign = ev_sign[keep]
    del keep
    # ... then grouped by account, keeping row order inside each account (a stable sort)
    ev_order = _stable_order(ev_acc)
    ev_row, ev_acc, ev_sign = ev_row[ev_order], ev_acc[ev_order], ev_sign[ev_order]
    del ev_order
    starts = np.flatnonzero(np.r_[True, ev_acc[1:] != ev_acc[:-1]])
    grp_len = np.diff(np.r_[starts, ev_acc.size])

    def prefix_after(delta: np.ndarray) -> np.ndarray:
        cs = np.cumsum(delta)
        base = np.repeat(cs[starts] - delta[starts], grp_len)
        return cs - base

    after = prefix_after(ev_sign * amount[ev_row])
    min_prefix = np.minimum(np.minimum.reduceat(after, starts), 0)
    init = np.zeros(n_acc, np.int64)
    cushion = np.maximum(100, np.rint(rng.lognormal(np.log(20_000 * 100), 1.2, n_acc))).astype(np.int64)
    init[ev_acc[starts]] = cushion[ev_acc[starts]] - min_prefix
    init[m0:] = 0                                          # mules start empty
    tick()

    # the takeover moves the victim's balance at that moment (all of it, or 50-95 %)
    ev_pos = np.empty(n, np.int64)                           # event index of each row's orig side
    orig_side = ev_acc == orig[ev_row]
    # a TRANSFER between two customers never has orig == dest, so orig_side is exact
    ev_pos[ev_row[orig_side]] = np.flatnonzero(orig_side)
    e = ev_pos[pair_t]
    bal_before = init[orig[pair_t]] + after[e]          # the takeover's own amount is still 0
    share = np.where(rng.random(pair_t.size) < 0.7, 1.0, rng.uniform(0.5, 0.95, pair_t.size))
    stolen = np.maximum(1, np.floor(bal_before * share)).astype(np.int64)
    stolen = np.minimum(stolen, bal_before)
    amount[pair_t] = stolen
    amount[pair_c] = stolen
    delta = ev_sign * amount[ev_row]
    after = prefix_after(delta)
    new_bal = init[ev_acc] + after
    old_bal = new_bal - delta
    del after, delta
    tick()

    old_o = np.empty(n, np.int64)
    new_o = np.empty(n, np.int64)
    old_o[ev_row[orig_side]] = old_bal[orig_side]
    new_o[ev_row[orig_side]] = new_bal[orig_side]
    old_d = np.zeros(n, np.int64)
    new_d = np.zeros(n, np.int64)
    dest_side = ~orig_side
    old_d[ev_row[dest_side]] = old_bal[dest_side]
    new_d[ev_row[dest_side]] = new_bal[dest_side]
    del old_bal, new_bal, ev_row, ev_acc, ev_sign, orig_side, dest_side

    acc_names = pd.Categorical.from_codes(np.arange(n_acc), categories=_names(rng, "C", n_acc))
    mer_names = _names(rng, "M", n_merchants)
    all_dest_names = np.concatenate([np.asarray(acc_names.categories, dtype=object), mer_names])
    dest_code = np.where(dest_tracked, dest, n_acc + dest)
    is_fraud = (pattern > 0).astype(np.int8)
    flagged = ((typ == TRANSFER) & (amount > FLAG_LIMIT_MINOR)).astype(np.int8)
    df = pd.DataFrame({
        "step": step,
        "type": pd.Categorical.from_codes(typ.astype(np.int8), categories=list(TYPES)),
        "amount": amount,
        "nameOrig": pd.Categorical.from_codes(orig, categories=acc_names.categories),
        "oldbalanceOrg": old_o,
        "newbalanceOrig": new_o,
        "nameDest": pd.Categorical.from_codes(dest_code, categories=pd.Index(all_dest_names)),
        "oldbalanceDest": old_d,
        "newbalanceDest": new_d,
        "isFraud": is_fraud,
        "isFlaggedFraud": flagged,
        "device": device.astype(np.int64),
        "location": location.astype(np.int16),
        "fraudPattern": pd.Categorical.from_codes(pattern, categories=list(FRAUD_PATTERNS)),
        "fraudCase": case.astype(np.int32),
    })
    df.attrs.update({"amount_unit": "minor units (cents)", "currency": CURRENCY, "seed": seed,
                     "synthetic": True})
    tick()
    if bar is not None:
        bar.close()
    return df


_MONEY_COLUMNS = ("amount", "oldbalanceOrg", "newbalanceOrig", "oldbalanceDest", "newbalanceDest")


def _cents(text: pd.Series, column: str) -> np.ndarray:
    """Decimal strings such as ``"9839.64"`` as exact int64 cents (no float on the way)."""
    s = text.astype(str).str.strip()
    ok = s.str.fullmatch(r"-?\d+(\.\d*)?")
    if not ok.all():
        bad = s[~ok].iloc[0]
        raise InvalidInput(column, "a decimal number", f"{column} holds {bad!r}, not a plain decimal number")
    neg = s.str.startswith("-").to_numpy()
    parts = s.str.lstrip("-").str.split(".", n=1, expand=True)
    whole = parts[0].astype(np.int64).to_numpy()
    frac = parts[1].fillna("") if parts.shape[1] > 1 else pd.Series("", index=s.index)
    extra = frac.str[2:]
    if (extra.str.strip("0") != "").any():
        raise InvalidInput(column, "at most 2 decimals", f"{column} has amounts finer than a cent")
    cents = frac.str[:2].str.ljust(2, "0").astype(np.int64).to_numpy()
    value = whole * 100 + cents
    return np.where(neg, -value, value)


def read_paysim(source: str | os.PathLike | io.IOBase | pd.DataFrame) -> pd.DataFrame:
    """Read a PaySim CSV (a path, a file object, or a DataFrame of strings) into this schema.

    PaySim prints money as decimals (``9839.64``); they are parsed as text into exact
    int64 cents, so the frame works with :func:`paylab.fraud.add_features` and the rest
    of the module. Rows keep the file's order (PaySim's is by step).
    """
    if isinstance(source, pd.DataFrame):
        raw = source.astype({c: str for c in _MONEY_COLUMNS if c in source.columns})
    else:
        try:
            raw = pd.read_csv(source, dtype={c: str for c in _MONEY_COLUMNS})
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            raise InvalidInput("source", "a readable PaySim CSV", f"cannot read {source!r}: {exc}") from None
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise InvalidInput("source", "the PaySim columns", f"missing column(s) {missing}")
    def ints(column: str, dtype) -> np.ndarray:
        try:
            return raw[column].astype(np.int64).to_numpy().astype(dtype)
        except (TypeError, ValueError):
            raise InvalidInput(column, "whole numbers", f"{column} must hold whole numbers") from None

    out = pd.DataFrame({"step": ints("step", np.int64)})
    bad_types = sorted(set(raw["type"].astype(str)) - set(TYPES))
    if bad_types:
        raise InvalidInput("type", f"one of {TYPES}", f"unknown type(s) {bad_types[:3]}")
    out["type"] = pd.Categorical(raw["type"].astype(str), categories=list(TYPES))
    out["amount"] = _cents(raw["amount"], "amount")
    out["nameOrig"] = raw["nameOrig"].astype("category")
    out["oldbalanceOrg"] = _cents(raw["oldbalanceOrg"], "oldbalanceOrg")
    out["newbalanceOrig"] = _cents(raw["newbalanceOrig"], "newbalanceOrig")
    out["nameDest"] = raw["nameDest"].astype("category")
    out["oldbalanceDest"] = _cents(raw["oldbalanceDest"], "oldbalanceDest")
    out["newbalanceDest"] = _cents(raw["newbalanceDest"], "newbalanceDest")
    out["isFraud"] = ints("isFraud", np.int8)
    out["isFlaggedFraud"] = ints("isFlaggedFraud", np.int8)
    out.attrs.update({"amount_unit": "minor units (cents)", "currency": CURRENCY, "synthetic": True})
    return out
