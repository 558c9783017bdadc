#!/usr/bin/env python3
"""Count the results of `make check` from the files its steps wrote.

usage: tools/summary.py [--expected FILE] RESULTS_DIR

Reads every *.tap file (TAP 13 / KTAP: "ok N ..." / "not ok N ...", with
"# SKIP" directives counted as skipped), kunit.tsv (one line per KUnit
test: CONFIG SUITE TEST STATUS, written by tools/kunit-results.py) and the
steps file tools/check writes (NAME EXIT SECONDS per step).

Tests are what the TAP files and kunit.tsv report.  Checks of the run
itself are counted apart, as "run checks": every step exited 0, every TAP
file has exactly one plan, not 1..0, and exactly as many results as it
promises, every suite of kunit/expected-suites ran and ran the number of
tests listed there, and a suite run under UML and under QEMU ran the same
tests.  A failed run check counts as a failure in the last line, a passed
one is not counted as a passed test.

Prints a table per source and, last, "N passed, N failed[, N skipped]";
writes that line to RESULTS_DIR/summary too.  Exits 1 if anything failed.
"""
import os
import re
import sys

TAP_RE = re.compile(r'^\s*(not ok|ok)\s+\d+\s*(.*)$')
PLAN_RE = re.compile(r'^\s*1\.\.(\d+)')


def read_tap(path):
    """Return passed, failed, skipped, failures, run checks, problems.

    A result whose description starts with "run-check:" is a check of the
    run (e.g. "KASAN is on"), returned as (description, ok), not a test.
    """
    passed = failed = skipped = 0
    checks = []
    failures = []
    problems = []
    plan = None
    plans = 0
    seen = 0
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            m = PLAN_RE.match(line)
            if m and line == line.lstrip():
                plans += 1
                if plan is None:
                    plan = int(m.group(1))
                continue
            if line != line.lstrip():
                continue  # nested subtests are counted by their parent
            m = TAP_RE.match(line)
            if not m:
                continue
            seen += 1
            desc = m.group(2)
            if desc.startswith('run-check:'):
                checks.append((desc, m.group(1) == 'ok'))
                continue
            if re.search(r'#\s*SKIP', desc, re.I):
                skipped += 1
            elif m.group(1) == 'ok':
                passed += 1
            else:
                failed += 1
                failures.append(desc)
    if plan is None:
        problems.append(f'no plan ({seen} results): the program stopped before '
                        'it printed one, or never does')
    elif plans > 1:
        problems.append(f'{plans} plans in one file')
    elif plan == 0:
        problems.append('plan 1..0: nothing was tested')
    elif seen < plan:
        failed += plan - seen
        failures.append(f'{plan - seen} result(s) missing: plan 1..{plan}, {seen} seen')
    elif seen > plan:
        problems.append(f'{seen} results, plan 1..{plan}')
    return passed, failed, skipped, failures, checks, problems


def expected_suites(path):
    """[(config, suite, number of tests)] of kunit/expected-suites."""
    exp = []
    if not os.path.exists(path):
        return exp
    for line in open(path):
        line = line.split('#', 1)[0].split()
        if len(line) >= 2:
            exp.append((line[0], line[1], int(line[2]) if len(line) >= 3 else None))
    return exp


def main():
    args = sys.argv[1:]
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    expected = os.path.join(top, 'kunit', 'expected-suites')
    if len(args) == 3 and args[0] == '--expected':
        expected = args[1]
        args = args[2:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    res = args[0]
    rows = []
    total = [0, 0, 0]
    all_failures = []
    # Checks of the run itself: (what, ok)
    checks = []
    for name in sorted(os.listdir(res)):
        if name.endswith('.tap'):
            p, f, s, fl, ck, pl = read_tap(os.path.join(res, name))
            checks += [(f'{name}: {d}', ok) for d, ok in ck]
            all_failures += [f'{name[:-4]}: {d}' for d, ok in ck if not ok]
            rows.append((name[:-4], p, f, s))
            all_failures += [f'{name[:-4]}: {x}' for x in fl]
            total = [total[0] + p, total[1] + f, total[2] + s]
            checks.append((f'{name}: one plan, kept', not pl))
            all_failures += [f'{name[:-4]}: {x}' for x in pl]
    steps = os.path.join(res, 'steps')
    step_rows = []
    if os.path.exists(steps):
        step_rows = [l.split() for l in open(steps) if len(l.split()) == 3]
    else:
        checks.append(('the steps file exists', False))
        all_failures.append('no steps file: tools/check did not record its steps')
    for a, b, c in step_rows:
        checks.append((f'step {a} exited 0', b == '0'))
        if b != '0':
            all_failures.append(f'step {a} exited {b}')
    kunit = {}
    tsv = os.path.join(res, 'kunit.tsv')
    if os.path.exists(tsv):
        for line in open(tsv):
            parts = line.split()
            if len(parts) != 4:
                continue
            cfg, suite, test, status = parts
            c = kunit.setdefault((cfg, suite), [0, 0, 0])
            if status == 'PASS':
                c[0] += 1
            elif status == 'SKIP':
                c[2] += 1
            else:
                c[1] += 1
                all_failures.append(f'kunit {cfg} {suite}.{test}: {status}')
    else:
        checks.append(('kunit.tsv exists', False))
        all_failures.append('no kunit.tsv: the KUnit step wrote no results')
    for cfg, suite, n in expected_suites(expected):
        got = kunit.get((cfg, suite))
        if not got:
            checks.append((f'kunit[{cfg}] {suite} ran', False))
            all_failures.append(f'kunit {cfg} {suite}: expected suite did not run')
            continue
        checks.append((f'kunit[{cfg}] {suite} ran {n} tests', sum(got) == n))
        if n is None:
            all_failures.append(f'kunit/expected-suites: no number of tests for {cfg} {suite}')
        elif sum(got) != n:
            all_failures.append(f'kunit {cfg} {suite}: {sum(got)} tests ran, '
                                f'kunit/expected-suites says {n}')
    # The same suites under UML and under QEMU (x86_64, arm64) must run the
    # same tests; only what is skipped may differ (a reason is always given).
    for (cfg, suite), (p, f, s) in sorted(kunit.items()):
        arch = cfg.split('-', 1)[0]
        if arch not in ('x86_64', 'arm64'):
            continue
        uml = kunit.get(('default', suite))
        if not uml:
            continue
        checks.append((f'same tests UML/{arch} {suite}', p + f + s == sum(uml)))
        if p + f + s != sum(uml):
            all_failures.append(f'{suite}: {p + f + s} tests under {arch}, '
                                f'{sum(uml)} under UML')
    for (cfg, suite), (p, f, s) in sorted(kunit.items()):
        rows.append((f'kunit[{cfg}] {suite}', p, f, s))
        total = [total[0] + p, total[1] + f, total[2] + s]
    if not rows:
        total[1] += 1
        all_failures.append('no result file at all')

    width = max([len(r[0]) for r in rows] + [10])
    print(f'{"results":<{width}}  passed  failed  skipped')
    for name, p, f, s in rows:
        print(f'{name:<{width}}  {p:6d}  {f:6d}  {s:7d}')
    if step_rows:
        print('step times: ' + ', '.join(
            f'{a} {c} s' + ('' if b == '0' else f' (exit {b})')
            for a, b, c in step_rows))
    bad = [w for w, ok in checks if not ok]
    print(f'run checks: {len(checks) - len(bad)} ok, {len(bad)} failed '
          '(not counted as tests; a failed one counts as a failure)')
    total[1] += len(bad)
    for x in all_failures:
        print(f'FAILED: {x}')
    line = f'{total[0]} passed, {total[1]} failed'
    if total[2]:
        line += f', {total[2]} skipped'
    with open(os.path.join(res, 'summary'), 'w') as f:
        f.write(line + '\n')
    print(line)
    return 1 if total[1] else 0


if __name__ == '__main__':
    sys.exit(main())
