"""Mutation testing of the engine and the reading rule with mutmut 3, one area at a time.

    python scripts/mutation.py                  # every area, then the scores
    python scripts/mutation.py model            # one area (model | parsing | reading)
    python scripts/mutation.py --report         # only print the scores of the last runs
    python scripts/mutation.py --survivors model   # list the live mutants of an area
    python scripts/mutation.py --fresh model    # rerun every mutant of the area, killed ones too
    python scripts/mutation.py model --only 'xlprof.model.formulas.*'   # a part of an area

mutmut (``pip install -c constraints.txt -e '.[dev]'``) copies the project into ``mutants/``,
seeds one small bug at a time (a flipped comparison, a changed constant, a dropped
argument...) and runs, for each mutant, the selected tests that call the mutated function
(``[tool.mutmut]`` in pyproject.toml; LibreOffice and slow tests excluded). A mutant the tests
do not notice *survives*. Results are kept in ``mutants/``: a rerun retries only the mutants
not killed yet (after tests were added), or every one with ``--fresh``; mutmut itself
regenerates the mutants of functions whose code changed.

Score = killed / (mutants - equivalent), where a timeout counts as killed (the bug hangs)
and the equivalent mutants -- bugs that cannot change any result -- are listed, each with
the reason, in ``scripts/mutation_equivalent.txt``. Goals (issue 14): >= 95 % on the model,
>= 90 % on the parsing and the reading layer. It takes hours on a 2-core machine, so it is
not part of CI; the last scores, and how they were run, are in README.md (Tests).
"""

from __future__ import annotations

import argparse
import filecmp
import fnmatch
import json
import os
import random
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = ROOT / "scripts" / "mutation_equivalent.txt"

#: area -> (mutant name patterns, goal)
AREAS: dict[str, tuple[tuple[str, ...], float]] = {
    "model": (("xlprof.model.*",), 0.95),
    "parsing": (("xlprof.textnorm.*", "xlprof.io.evidence.*"), 0.90),
    "reading": (("xlprof.io.reader.*", "xlprof.io.tables.*", "xlprof.io.columns.*", "xlprof.io.numbers.*",
                 "xlprof.io.volumes.*"), 0.90),
}
KILLED = {"killed", "timeout", "caught by type check", "segfault"}

# mutmut's exit codes (mutmut/stats.py)
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
          35: "suspicious", 36: "timeout", 37: "caught by type check", -24: "timeout", 24: "timeout",
          152: "timeout", 255: "timeout", -11: "segfault", -9: "segfault", None: "not checked"}


def equivalent() -> dict[str, str]:
    """Mutant name -> why it cannot change any result (scripts/mutation_equivalent.txt)."""
    out = {}
    if EQUIVALENT.exists():
        for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, why = line.partition(" ")
            why = why.strip().lstrip("#").strip()
            if not why:
                raise SystemExit(f"{EQUIVALENT}: {name} has no reason")
            out[name] = why
    return out


VERDICTS = ROOT / "mutants" / "xlprof-verdicts.json"
DRAWS = ROOT / "mutants" / "xlprof-draws.json"


def _meta_verdicts() -> dict[str, tuple[int | None, str]]:
    """Mutant name -> (mutmut exit code or None, hash of the mutated function's code), from
    mutmut's cache (mutants/**/*.py.meta)."""
    out = {}
    for meta in (ROOT / "mutants").rglob("*.py.meta"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        module = ".".join(meta.relative_to(ROOT / "mutants" / "src").with_suffix("").with_suffix("").parts)
        hashes = data.get("hash_by_function_name", {})
        for name, code in data.get("exit_code_by_key", {}).items():
            function = name[len(module) + 1:].rsplit("__mutmut_", 1)[0]
            out[name] = (code, hashes.get(function, ""))
    return out


def results() -> dict[str, str]:
    """Mutant name -> status: mutmut's cache, else the verdict kept by :func:`keep_verdicts`
    for the same code of the mutated function (mutmut forgets every verdict when its test
    selection in pyproject.toml changes, e.g. when a test file is added to it)."""
    kept = json.loads(VERDICTS.read_text(encoding="utf-8")) if VERDICTS.exists() else {}
    out = {}
    for name, (code, fhash) in _meta_verdicts().items():
        if code is None and name in kept and kept[name][1] == fhash:
            code = kept[name][0]
        out[name] = STATUS.get(code, "suspicious")
    return out


def keep_verdicts() -> None:
    """Copy mutmut's verdicts, with the hash of the code they were reached on, to
    mutants/xlprof-verdicts.json (after every run)."""
    kept = json.loads(VERDICTS.read_text(encoding="utf-8")) if VERDICTS.exists() else {}
    kept.update({n: [c, h] for n, (c, h) in _meta_verdicts().items() if c is not None})
    VERDICTS.write_text(json.dumps(kept, sort_keys=True, indent=0), encoding="utf-8")


def area_of(name: str) -> str | None:
    for area, (patterns, _) in AREAS.items():
        if any(fnmatch.fnmatch(name, p) for p in patterns):
            return area
    return None


def live(area: str) -> list[str]:
    """The mutants of ``area`` not killed (and not listed as equivalent) in the last runs,
    including the ones not checked yet."""
    eq = equivalent()
    return sorted(n for n, s in results().items() if area_of(n) == area and s not in KILLED and n not in eq)


def refresh_copies() -> None:
    """mutmut copies src/ into mutants/ once and then only regenerates the files it mutates:
    bring every other source file up to date (after a merge), or the tests would run the
    new tests against old code."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    mutated = conf.get("only_mutate", [])
    for src in (ROOT / "src").rglob("*"):
        rel = src.relative_to(ROOT).as_posix()
        if not src.is_file() or "__pycache__" in rel or any(fnmatch.fnmatch(rel, p) for p in mutated):
            continue
        dst = ROOT / "mutants" / rel
        if dst.parent.exists() and not (dst.exists() and filecmp.cmp(src, dst, shallow=False)):
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def to_run(area: str, fresh: bool = False, only: str | None = None, sample: int = 0) -> tuple[str, ...]:
    """The mutants of ``area`` to run: every mutant not killed yet, or with ``fresh`` all of
    them (the first run of an area generates and runs them all: its patterns are returned).
    ``only``: a glob on mutant names (e.g. ``xlprof.model.formulas.*``) to run a part of it;
    ``sample``: at most that many of the mutants not checked yet, drawn at random (seed 14),
    plus the live ones already checked (so that new tests are checked against them): an
    unbiased estimate of the score when the whole area does not fit in the time there is."""
    patterns, _ = AREAS[area]
    if only:
        patterns = (only,)
    res = results()
    if fresh or not any(area_of(n) == area for n in res):
        return patterns
    names = [n for n in live(area) if not only or fnmatch.fnmatch(n, only)]
    if sample:
        unchecked = sorted(n for n in names if res[n] == "not checked")
        drawn = set(random.Random(14).sample(unchecked, min(sample, len(unchecked))))
        # each draw is kept (mutants/xlprof-draws.json): a later draw, made after tests were
        # written for the survivors of an earlier one, is the unbiased estimate of the suite
        draws = json.loads(DRAWS.read_text(encoding="utf-8")) if DRAWS.exists() else []
        draws.append({"area": area, "only": only, "names": sorted(drawn)})
        DRAWS.write_text(json.dumps(draws, indent=0), encoding="utf-8")
        names = [n for n in names if n in drawn or res[n] != "not checked"]
    return tuple(names)


def run(names: tuple[str, ...], children: int) -> int:
    """One mutmut run over ``names`` (mutant names or globs): mutmut runs the whole test
    selection once before the mutants, so all the areas asked for go in one run."""
    if not names:
        return 0
    # XLPROF_TEST_EXAMPLES caps the hypothesis examples and runs the properties last (tests/_tuning.py,
    # tests/conftest.py): a killed mutant dies on the first quick test that fails
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "XLPROF_TEST_EXAMPLES": "10"}
    shown = " ".join(names) if len(names) < 6 else f"{len(names)} mutants"
    print(f"== mutmut run --max-children {children} {shown}", flush=True)
    return subprocess.call(["mutmut", "run", "--max-children", str(children), *names], cwd=ROOT, env=env)


def module_of(name: str) -> str:
    """``xlprof.io.evidence.x_to_date__mutmut_3`` -> ``xlprof.io.evidence``."""
    return name.split(".x_")[0].split(".x\u01c1")[0]


def _tally(names: list[str], res: dict[str, str], eq: dict[str, str]) -> Counter:
    return Counter("equivalent" if n in eq and res[n] not in KILLED else
                   "killed" if res[n] in KILLED else res[n] for n in names)


def report(areas: list[str]) -> bool:
    """Per area: how many mutants exist and were checked, and the score
    killed / (checked - equivalent).

    An area checked in part (``--sample``) gets an estimate instead: its modules checked in
    full count as they are; the mutants of the other modules that were checked are a uniform
    random sample of those modules' mutants, so their killed and equivalent shares are
    carried over to all of them (stratified estimate), with a 95 % margin (normal
    approximation over the sample)."""
    eq = equivalent()
    res = results()
    unknown = sorted(set(eq) - set(res))
    if unknown and res:
        print(f"note: {len(unknown)} listed equivalent mutant(s) no longer exist: {', '.join(unknown[:5])}")
    ok = True
    print(f"{'area':<9} {'mutants':>7} {'checked':>7} {'killed':>7} {'equiv.':>7} {'survived':>8} {'other':>6} "
          f"{'score':>7} goal")
    for area in areas:
        names = [n for n in res if area_of(n) == area]
        checked = [n for n in names if res[n] != "not checked" or n in eq]   # equivalent: by reasoning
        if not checked:
            print(f"{area:<9} {len(names):>7} (not run)")
            ok = False
            continue
        status = _tally(checked, res, eq)
        killed, equiv, survived = status["killed"], status["equivalent"], status["survived"]
        other = len(checked) - killed - equiv - survived
        goal = AREAS[area][1]
        full = len(checked) == len(names)
        if full:
            score, shown = killed / max(1, len(checked) - equiv), ""
        else:
            by_module: dict[str, list[str]] = {}
            for n in names:
                by_module.setdefault(module_of(n), []).append(n)
            done = [n for ns in by_module.values() if all(m in checked for m in ns) for n in ns]
            rest = [n for n in names if n not in set(done)]
            # drawn at random and run (an equivalent listed without being drawn would bias it)
            sample = [n for n in rest if res[n] != "not checked"]
            t_done, t_sample = _tally(done, res, eq), _tally(sample, res, eq)
            share = len(rest) / max(1, len(sample))
            est_killed = t_done["killed"] + t_sample["killed"] * share
            est_equiv = t_done["equivalent"] + t_sample["equivalent"] * share
            score = est_killed / max(1.0, len(names) - est_equiv)
            live_sample = max(1, len(sample) - t_sample["equivalent"])
            p = t_sample["killed"] / live_sample
            margin = 1.96 * (p * (1 - p) / live_sample) ** 0.5 * (len(rest) - t_sample["equivalent"] * share) \
                / max(1.0, len(names) - est_equiv)
            shown = f" (estimate: {len(done)} in full, a sample of {len(sample)} of the other {len(rest)}; " \
                    f"\u00b1{margin:.1%})"
        ok &= full and score >= goal
        verdict = ("ok" if score >= goal else "NOT MET") + shown
        print(f"{area:<9} {len(names):>7} {len(checked):>7} {killed:>7} {equiv:>7} {survived:>8} {other:>6} "
              f"{score:>7.1%} {goal:.0%} {verdict}")
    return ok


def report_draws() -> None:
    """Each random draw (--sample) with its verdicts as they stand now."""
    if not DRAWS.exists():
        return
    eq, res = equivalent(), results()
    for k, draw in enumerate(json.loads(DRAWS.read_text(encoding="utf-8")), 1):
        names = [n for n in draw["names"] if n in res]
        t = _tally([n for n in names if res[n] != "not checked"], res, eq)
        live = max(1, sum(t.values()) - t["equivalent"])
        print(f"draw {k} ({draw['area']}{', ' + draw['only'] if draw['only'] else ''}): {len(names)} drawn, "
              f"{sum(t.values())} run, {t['killed']} killed, {t['equivalent']} equivalent, {t['survived']} survived"
              f" -> {t['killed'] / live:.1%}")


def survivors(area: str) -> None:
    res = results()
    for name in live(area):
        print(f"{res[name]}: {name}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("areas", nargs="*", metavar="AREA", help=f"one of {', '.join(AREAS)} (default: all)")
    ap.add_argument("--report", action="store_true", help="print the scores of the last runs only")
    ap.add_argument("--survivors", action="store_true", help="list the live mutants of the areas")
    ap.add_argument("--fresh", action="store_true",
                    help="rerun every mutant (default: only the ones not killed by the last runs)")
    ap.add_argument("--only", metavar="GLOB", help="only the mutants whose name matches, e.g. 'xlprof.model.formulas.*'")
    ap.add_argument("--sample", type=int, default=0, metavar="N",
                    help="run at most N randomly drawn mutants not checked yet (an estimate of the score)")
    ap.add_argument("--children", type=int, default=1, help="parallel mutants (default 1: a 2-core machine)")
    args = ap.parse_args(argv)
    areas = args.areas or list(AREAS)
    for area in areas:
        if area not in AREAS:
            ap.error(f"unknown area {area!r}: choose from {', '.join(AREAS)}")
    keep_verdicts()
    if args.survivors:
        for area in areas:
            survivors(area)
        return 0
    if not args.report:
        refresh_copies()
        names = tuple(n for area in areas for n in to_run(area, args.fresh, args.only, args.sample))
        code = run(names, args.children)
        keep_verdicts()
        if code not in (0, 1):   # 1: mutmut's own "some mutants survived" is not a failure here
            print(f"mutmut exited {code}", file=sys.stderr)
            return code
    ok = report(areas)
    report_draws()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
