#!/usr/bin/env python3
"""Count the results of `make check` from the files its steps wrote.

usage: tools/summary.py RESULTS_DIR

Reads every *.tap file (TAP 13 / KTAP: "ok N ..." / "not ok N ...", with
"# SKIP" directives counted as skipped), and kunit.tsv (one line per KUnit
test: CONFIG SUITE TEST STATUS, written by tools/kunit-results.py).  A suite
listed in kunit/expected-suites that has no line in kunit.tsv counts as one
failure, as does a TAP file whose plan promises more results than it has.
Prints a table per source and, last, "N passed, N failed[, N skipped]";
writes that line to RESULTS_DIR/summary too.  Exits 1 if anything failed.
"""
import os
import re
import sys

TAP_RE = re.compile(r'^\s*(not ok|ok)\s+\d+\s*(.*)$')
PLAN_RE = re.compile(r'^\s*1\.\.(\d+)')


def read_tap(path):
    passed = failed = skipped = 0
    failures = []
    plan = None
    seen = 0
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            m = PLAN_RE.match(line)
            if m and line == line.lstrip() and plan is None:
                plan = int(m.group(1))
                continue
            if line != line.lstrip():
                continue  # nested subtests are counted by their parent
            m = TAP_RE.match(line)
            if not m:
                continue
            seen += 1
            desc = m.group(2)
            if re.search(r'#\s*SKIP', desc, re.I):
                skipped += 1
            elif m.group(1) == 'ok':
                passed += 1
            else:
                failed += 1
                failures.append(desc)
    if plan is not None and seen < plan:
        failed += plan - seen
        failures.append(f'{plan - seen} result(s) missing: plan 1..{plan}, {seen} seen')
    if plan is None and seen == 0:
        failed += 1
        failures.append('no TAP result at all')
    return passed, failed, skipped, failures


def expected_suites(top):
    exp = []
    path = os.path.join(top, 'kunit', 'expected-suites')
    if not os.path.exists(path):
        return exp
    for line in open(path):
        line = line.split('#', 1)[0].split()
        if len(line) >= 2:
            exp.append((line[0], line[1]))
    return exp


def main():
    res = sys.argv[1]
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rows = []
    total = [0, 0, 0]
    all_failures = []
    for name in sorted(os.listdir(res)):
        if name.endswith('.tap'):
            p, f, s, fl = read_tap(os.path.join(res, name))
            rows.append((name[:-4], p, f, s))
            all_failures += [f'{name[:-4]}: {x}' for x in fl]
            total = [total[0] + p, total[1] + f, total[2] + s]
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
    for cfg, suite in expected_suites(top):
        if (cfg, suite) not in kunit:
            kunit[(cfg, suite)] = [0, 1, 0]
            all_failures.append(f'kunit {cfg} {suite}: expected suite did not run')
    # The same suites under UML and under QEMU (x86_64, arm64) must run the
    # same tests; only what is skipped may differ (a reason is always given).
    for (cfg, suite), (p, f, s) in sorted(kunit.items()):
        arch = cfg.split('-', 1)[0]
        if arch not in ('x86_64', 'arm64'):
            continue
        uml = kunit.get(('default', suite))
        if not uml:
            continue
        if p + f + s == sum(uml):
            rows.append((f'same tests UML/{arch} {suite}', 1, 0, 0))
        else:
            rows.append((f'same tests UML/{arch} {suite}', 0, 1, 0))
            all_failures.append(f'{suite}: {p + f + s} tests under {arch}, '
                                f'{sum(uml)} under UML')
        total = [total[0] + rows[-1][1], total[1] + rows[-1][2], total[2]]
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
    steps = os.path.join(res, 'steps')
    if os.path.exists(steps):
        print('step times: ' + ', '.join(
            f'{a} {c} s' + ('' if b == '0' else f' (exit {b})')
            for a, b, c in (l.split() for l in open(steps) if len(l.split()) == 3)))
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
