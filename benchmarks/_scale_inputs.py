"""Large synthetic portfolios written straight to a CSV input folder (seeded, vectorised).

The same distributions as ``bench_workbook.big_portfolio`` (lognormal revenue, 3 % discounts,
70 % COGS, 20-120 days to pay, ratings with blanks, Poisson volumes; a third of the activities
on resources), generated with numpy and written with ``DataFrame.to_csv``, so that a million
clients take seconds, not minutes. Used by ``bench_scale.py`` and ``tests/test_scale*.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def write_csv_portfolio(folder: Path | str, n: int, m: int = 20, seed: int = 1) -> Path:
    """Clients.csv, Activities.csv, Resources.csv, Volumes.csv (wide) and Settings.csv for
    ``n`` clients x ``m`` activities in ``folder`` (created); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    num = np.arange(n)
    ids = np.char.add("K", np.char.zfill(num.astype(str), 7))
    revenue = np.round(np.exp(rng.normal(11, 1, n)), 2)
    values = rng.integers(1, 6, n).astype(float)
    values[rng.random(n) < 0.3] = np.nan
    clients = pd.DataFrame({
        "client_id": ids, "client_name": np.char.add("Client ", num.astype(str)),
        "account_manager": np.char.add("Manager ", np.char.zfill((num % 50).astype(str), 2)),
        "revenue": revenue, "discounts": np.round(revenue * 0.03, 2), "cogs": np.round(revenue * 0.7, 2),
        "payment_terms_days": 30, "days_to_pay": rng.integers(20, 120, n),
        "values_alignment": values, "communication": rng.integers(1, 6, n),
        "notice_days": 30, "growth_potential": rng.integers(1, 6, n),
    })
    clients.to_csv(folder / "Clients.csv", index=False)
    behaviors = ["variable", "avoidable_fixed", "committed_fixed"]
    names = [f"Activity {j:02d}" for j in range(m)]
    pd.DataFrame({
        "activity": names,
        "behavior": [behaviors[j % 3] for j in range(m)],
        "resource": [f"R{j % 3}" if j % 2 == 0 else "" for j in range(m)],
        "minutes_per_unit": [float(5 + j) if j % 2 == 0 else np.nan for j in range(m)],
        "cost_pool": [np.nan if j % 2 == 0 else 50_000.0 * (j + 1) for j in range(m)],
    }).to_csv(folder / "Activities.csv", index=False)
    scale = max(n / 10_000, 1.0)               # resources grow with the portfolio: rates stay sane
    pd.DataFrame({"resource": ["R0", "R1", "R2"], "cost": [3e6 * scale, 2e6 * scale, 1e6 * scale],
                  "capacity_hours": [2e5 * scale, 1.5e5 * scale, 1e5 * scale]}).to_csv(
        folder / "Resources.csv", index=False)
    vol = pd.DataFrame(rng.poisson(20, (n, m)), columns=names)
    vol.insert(0, "client_id", ids)
    vol.to_csv(folder / "Volumes.csv", index=False)
    pd.DataFrame({"key": ["decision_date"], "value": ["2026-12-01"]}).to_csv(folder / "Settings.csv", index=False)
    return folder
