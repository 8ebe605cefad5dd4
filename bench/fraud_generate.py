"""Benchmark: generate PaySim-scale synthetic transactions (6,362,620 rows, 744 steps).

Prints rows per second, the peak resident memory of this process, and the ratio of
the run time to the 30 s goal and of the peak memory to the 4 GiB goal (ratio <= 1
meets the goal). Usage: .venv/bin/python bench/fraud_generate.py [--scale 0.1] [--features]
Timings depend on the machine and on what else runs on it; note the load with the result.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

PAYSIM_ROWS = 6_362_620
GOAL_SECONDS = 30.0
GOAL_BYTES = 4 * 1024**3


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the PaySim row count")
    ap.add_argument("--features", action="store_true", help="also time add_features")
    ap.add_argument("--progress", action="store_true", help="show a tqdm bar")
    args = ap.parse_args(argv)

    from paylab.fraud import add_features, generate_transactions, inconsistent_rows  # noqa: F401

    rows = int(PAYSIM_ROWS * args.scale)
    customers = max(1000, rows // 6)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0 = time.perf_counter()
    df = generate_transactions(n_steps=744, n_customers=customers, n_merchants=max(100, customers // 10),
                               seed=0, progress=args.progress, n_transactions=rows)
    gen_s = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"rows                 {len(df):,} ({df['isFraud'].sum():,} fraud, "
          f"{df['isFraud'].mean():.4%}; {customers:,} customers)")
    print(f"generate             {gen_s:.2f} s   {len(df) / gen_s:,.0f} rows/s")
    print(f"peak memory (RSS)    {peak / 2**30:.2f} GiB (imports alone {base / 2**30:.2f} GiB)")
    print(f"frame in memory      {df.memory_usage(deep=False).sum() / 2**30:.2f} GiB")
    if args.scale == 1.0:
        print(f"time / 30 s goal     {gen_s / GOAL_SECONDS:.2f}")
        print(f"memory / 4 GiB goal  {peak / GOAL_BYTES:.2f}")
    else:
        est = gen_s / args.scale
        print(f"linear estimate at full scale: {est:.1f} s (ratio to the 30 s goal {est / GOAL_SECONDS:.2f})")
    if args.features:
        t0 = time.perf_counter()
        add_features(df)
        print(f"add_features         {time.perf_counter() - t0:.2f} s")
        print(f"peak memory (RSS)    {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")
    print(f"cores available      {len(os.sched_getaffinity(0))}; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
