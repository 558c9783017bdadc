#!/usr/bin/env python3
"""Turn one KUnit run into per-test result lines and check it.

usage: tools/kunit-results.py --config NAME --expected FILE [--filter GLOB] BUILD_DIR
       tools/kunit-results.py --summary RESULTS_TSV

First form: parses the raw KTAP that kunit.py saved in BUILD_DIR/test.log
(the kernel's own output, not kunit.py's rendering) and prints one line per
test case, "CONFIG SUITE TEST STATUS" with STATUS PASS, FAIL or SKIP; a
parameterised case counts once per parameter, as kunit.py counts it.  It
also scans the kernel log for splats (KASAN, lockdep, WARN, BUG, UBSAN,
kmemleak) and reports each as a failed "kernel-log" test.  Exits 1 when a
test failed, when a test was skipped without a reason, when a KTAP plan is
short or exceeded, when the run stopped inside a suite, or when a suite
listed for CONFIG in the expected-suites FILE did not run or ran another
number of tests than the file gives (with --filter, only the expected
suites that the glob selects count, and their numbers are not checked).
Each of those problems is also printed as a FAIL line ("CONFIG ktap
problem-N FAIL"), so that the results, not only the exit code, show it.

Second form: prints a table of the lines collected so far.
"""
import argparse
import fnmatch
import re
import sys
from collections import OrderedDict

from kernel_log import SPLAT_RE

# A name may hold spaces (a parameter's description, "seed 1"): the tsv
# gets it with underscores
RESULT_RE = re.compile(r'^(\s*)(not ok|ok) (\d+) ([^#]*?)\s*(?:#\s*(\S+)\s*(.*))?$')
SUBTEST_RE = re.compile(r'^(\s*)# Subtest: (\S+)')
PLAN_RE = re.compile(r'^(\s*)1\.\.(\d+)')


def parse_ktap(lines):
    """Return [(suite, test, status, reason)] and a list of problems."""
    results = []
    problems = []
    # Stack of open subtests: (indent, name, plan, children seen)
    stack = []
    started = False
    for raw in lines:
        line = raw.rstrip('\n')
        if not started:
            if line.strip().startswith('KTAP version') or line.strip().startswith('TAP version'):
                started = True
            continue
        m = SUBTEST_RE.match(line)
        if m:
            stack.append([len(m.group(1)), m.group(2), None, 0])
            continue
        m = PLAN_RE.match(line)
        if m and stack and len(m.group(1)) == stack[-1][0] and stack[-1][2] is None:
            stack[-1][2] = int(m.group(2))
            continue
        m = RESULT_RE.match(line)
        if not m:
            continue
        indent = len(m.group(1))
        ok, name = m.group(2) == 'ok', m.group(4).replace(' ', '_')
        directive, reason = (m.group(5) or '').upper(), (m.group(6) or '').strip()
        # A result line one level out from an open subtest closes it.
        if stack and indent < stack[-1][0] and stack[-1][1] == name:
            ind, sname, plan, seen = stack.pop()
            if plan is not None and seen != plan:
                problems.append(f'{sname}: plan 1..{plan} but {seen} result(s)')
            if stack:
                stack[-1][3] += 1
            if seen == 0:
                # A test or suite that reported no children: count it once.
                suite = stack[0][1] if stack else sname
                status = 'SKIP' if directive == 'SKIP' else ('PASS' if ok else 'FAIL')
                results.append((suite, sname, status, reason))
            elif not ok:
                # The parent failed although each child may have passed
                # (e.g. a crash in exit): record it.
                suite = stack[0][1] if stack else sname
                if not any(r[0] == suite and r[2] == 'FAIL' for r in results):
                    results.append((suite, sname, 'FAIL', 'parent reported not ok'))
            continue
        if not stack:
            continue
        stack[-1][3] += 1
        suite = stack[0][1]
        test = '.'.join([s[1] for s in stack[1:]] + [name])
        if directive == 'SKIP':
            status = 'SKIP'
        else:
            status = 'PASS' if ok else 'FAIL'
        results.append((suite, test, status, reason))
    for ind, sname, plan, seen in stack:
        problems.append(f'{sname}: no result line (the run stopped inside it)')
    return results, problems


def expected_for(path, config):
    """[(suite, number of tests or None)] expected of CONFIG."""
    out = []
    for line in open(path):
        line = line.split('#', 1)[0].split()
        if len(line) >= 2 and line[0] == config:
            out.append((line[1], int(line[2]) if len(line) >= 3 else None))
    return out


def summary(path):
    table = OrderedDict()
    for line in open(path):
        parts = line.split()
        if len(parts) != 4:
            continue
        cfg, suite, _, status = parts
        t = table.setdefault((cfg, suite), {'PASS': 0, 'FAIL': 0, 'SKIP': 0})
        t[status if status in t else 'FAIL'] += 1
    width = max([len(f'{c} {s}') for c, s in table] + [12])
    print(f'{"KUnit suite":<{width}}  pass  fail  skip')
    tot = {'PASS': 0, 'FAIL': 0, 'SKIP': 0}
    for (cfg, suite), t in table.items():
        print(f'{cfg + " " + suite:<{width}}  {t["PASS"]:4d}  {t["FAIL"]:4d}  {t["SKIP"]:4d}')
        for k in tot:
            tot[k] += t[k]
    print(f'{"total":<{width}}  {tot["PASS"]:4d}  {tot["FAIL"]:4d}  {tot["SKIP"]:4d}')
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--config')
    ap.add_argument('--expected')
    ap.add_argument('--filter')
    ap.add_argument('--summary')
    ap.add_argument('build_dir', nargs='?')
    a = ap.parse_args()
    if a.summary:
        return summary(a.summary)

    log = open(f'{a.build_dir}/test.log', encoding='utf-8', errors='replace').readlines()
    results, problems = parse_ktap(log)
    rc = 0
    for suite, test, status, reason in results:
        if status == 'SKIP' and not reason:
            status = 'FAIL'
            problems.append(f'{suite}.{test}: skipped without a reason')
        print(f'{a.config} {suite} {test} {status}')
        if status == 'FAIL':
            rc = 1
    splats = [l.strip() for l in log if SPLAT_RE.search(l)]
    for i, s in enumerate(splats):
        print(f'{a.config} kernel-log splat-{i + 1} FAIL')
        print(f'kunit-results: [{a.config}] kernel log: {s}', file=sys.stderr)
        rc = 1
    ran = {}
    for r in results:
        ran[r[0]] = ran.get(r[0], 0) + 1
    for suite, n in expected_for(a.expected, a.config):
        if a.filter and not fnmatch.fnmatch(suite, a.filter.split('.')[0]):
            continue
        if suite not in ran:
            problems.append(f'expected suite {suite} did not run')
            print(f'{a.config} {suite} - MISSING')
        elif n is None:
            problems.append(f'{suite}: kunit/expected-suites gives no number of tests')
        elif ran[suite] != n and not a.filter:
            problems.append(f'{suite}: {ran[suite]} tests ran, expected-suites says {n}')
    for i, p in enumerate(problems, 1):
        print(f'kunit-results: [{a.config}] {p}', file=sys.stderr)
        print(f'{a.config} ktap problem-{i} FAIL')
        rc = 1
    if not results:
        print(f'kunit-results: [{a.config}] no KTAP result in {a.build_dir}/test.log', file=sys.stderr)
        print(f'{a.config} - no-results FAIL')
        rc = 1
    return rc


if __name__ == '__main__':
    sys.exit(main())
