"""The model is pure: importing and running it loads no Excel, file or CLI library.

Checked in a fresh interpreter, since this test process has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

FORBIDDEN = ("xlwings", "openpyxl", "xlsxwriter", "click", "python_calamine")


def run_fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter; it must print one JSON object last."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


LOADED = """
    import json, sys
    forbidden = {forbidden!r}
    print(json.dumps({{"loaded": sorted(m for m in sys.modules
                                       if m.split(".")[0].lower() in forbidden),
                       "result": result}}))
"""


def test_model_imports_and_runs_without_excel_libraries():
    out = run_fresh(textwrap.dedent("""
        import datetime as dt
        import xlprof, xlprof.model
        from xlprof.model import analyze
        from xlprof.model.analysis import make_portfolio
        from xlprof.settings import Settings

        clients = [
            {"client_id": "A", "revenue": 10000.0, "cogs": 9000.0, "values_alignment": 1,
             "communication": 1, "needs_fit": 1, "notice_days": 30},
            {"client_id": "B", "revenue": 20000.0, "cogs": 10000.0},
        ]
        activities = [
            {"activity": "orders", "behavior": "variable", "resource": "Desk", "minutes_per_unit": 8.0},
            {"activity": "kam", "behavior": "committed_fixed", "cost_pool": 1000.0},
        ]
        volumes = [{"client_id": "A", "orders": 300, "kam": 1}, {"client_id": "B", "orders": 100, "kam": 1}]
        resources = [{"resource": "Desk", "cost": 6000.0, "capacity_hours": 100.0,
                      "behavior": "variable"}]  # outsourced per minute: A's orders go with A
        a = analyze(make_portfolio(clients, activities, volumes, resources,
                                   Settings(decision_date=dt.date(2026, 3, 2))))
        result = {"actions": a.clients["action"].tolist(), "plan": len(a.plan),
                  "holds": a.reconciliation["holds"]}
    """) + textwrap.dedent(LOADED).format(forbidden=FORBIDDEN))
    # A: 10,000 - 9,000 - 300 x 8 = 2,400 min x 1 = 2,400 - kam 500 = -1,900: terminate
    assert out["result"] == {"actions": ["terminate", "retain_grow"], "plan": 10, "holds": True}
    assert out["loaded"] == []


def test_demo_portfolio_does_not_load_excel_libraries():
    out = run_fresh(textwrap.dedent("""
        from xlprof.demo import demo_portfolio
        from xlprof.model import analyze
        a = analyze(demo_portfolio(40))
        result = {"clients": len(a.clients), "holds": a.reconciliation["holds"]}
    """) + textwrap.dedent(LOADED).format(forbidden=FORBIDDEN))
    assert out["result"] == {"clients": 40, "holds": True}
    assert out["loaded"] == []
