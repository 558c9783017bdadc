#!/usr/bin/env python3
"""Tests of the harness itself: each injected break must turn a run red.

usage: tools/harness-test.py

Runs tools/summary.py, tools/kunit-results.py, tools/e2e-results.py,
tools/conformance-results.py and tools/checkpatch on made-up results in a temporary directory: a clean run
(must stay green, counted right), a step that failed without a failing
result, TAP cut short, TAP without a plan, a 1..0 plan, more results than
the plan, a failed run check, an expected KUnit suite that did not run or
ran a different number of tests, a KUnit guest that crashed inside a
suite, an e2e program that died before its trailing plan, a guest that
never finished, conformance answers that differ, an accepted difference
that no longer differs, conformance probes that did not finish, ran on
one kernel only or were too few, and a checkpatch.pl that does not run or
whose SPDX check died.  Prints TAP, the
plan first; make check runs it as its "harness" step.
"""
import os
import subprocess
import sys
import tempfile

TOOLS = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(TOOLS)
results = []


def check(desc, ok, detail=''):
    results.append((bool(ok), desc, detail))


def write(path, text):
    with open(path, 'w') as f:
        f.write(text)


def tap(n_ok, n_not_ok=0, plan=None, extra=''):
    lines = ['TAP version 13']
    n = n_ok + n_not_ok
    if plan is not False:
        lines.append(f'1..{n if plan is None else plan}')
    for i in range(n_ok):
        lines.append(f'ok {i + 1} case {i + 1}')
    for i in range(n_not_ok):
        lines.append(f'not ok {n_ok + i + 1} case {n_ok + i + 1}')
    return '\n'.join(lines) + '\n' + extra


def summary(files, expected='cfg suite 2\n'):
    """Run summary.py on a results dir made of FILES; return (rc, last line)."""
    with tempfile.TemporaryDirectory() as d:
        res = os.path.join(d, 'results')
        os.mkdir(res)
        files = dict(files)
        files.setdefault('steps', 'apply 0 1\nkunit 0 2\n')
        files.setdefault('kunit.tsv', 'cfg suite a PASS\ncfg suite b PASS\n')
        for name, text in files.items():
            if text is not None:
                write(os.path.join(res, name), text)
        exp = os.path.join(d, 'expected-suites')
        write(exp, expected)
        p = subprocess.run([sys.executable, os.path.join(TOOLS, 'summary.py'),
                            '--expected', exp, res],
                           capture_output=True, text=True)
        out = p.stdout.strip().splitlines()
        return p.returncode, out[-1] if out else ''


def red(desc, files, expected='cfg suite 2\n'):
    rc, last = summary(files, expected)
    check(f'summary: {desc} turns the run red', rc == 1 and ' 0 failed' not in last,
          f'rc {rc}, last line "{last}"')


def summary_tests():
    rc, last = summary({'a.tap': tap(3)})
    check('summary: a clean run is green and counts 3 TAP + 2 KUnit tests',
          rc == 0 and last == '5 passed, 0 failed', f'rc {rc}, "{last}"')
    rc, last = summary({'a.tap': tap(3, plan=4, extra='ok 4 run-check: KASAN is on\n')})
    check('summary: a passed run check is not counted as a passed test',
          rc == 0 and last == '5 passed, 0 failed', f'rc {rc}, "{last}"')
    red('a step that exited 1 with every result ok',
        {'a.tap': tap(3), 'steps': 'apply 0 1\nkunit 1 2\n'})
    red('a missing steps file', {'a.tap': tap(3), 'steps': None})
    red('TAP cut short of its plan', {'a.tap': tap(2, plan=5)})
    red('TAP with no plan (a program that prints it last and died)',
        {'a.tap': tap(3, plan=False)})
    red('a 1..0 plan', {'a.tap': tap(0, plan=0)})
    red('more results than the plan', {'a.tap': tap(4, plan=2)})
    red('two plans in one file', {'a.tap': tap(2) + '1..2\n'})
    red('a failed run check',
        {'a.tap': tap(3, plan=4, extra='not ok 4 run-check: KASAN is on\n')})
    red('an expected KUnit suite that did not run',
        {'a.tap': tap(1)}, expected='cfg suite 2\ncfg other 1\n')
    red('a KUnit suite that ran fewer tests than expected-suites says',
        {'a.tap': tap(1)}, expected='cfg suite 3\n')
    red('no kunit.tsv (the KUnit step stopped before it)',
        {'a.tap': tap(1), 'kunit.tsv': None})


KTAP_HEAD = 'KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: suite\n    1..3\n'


def kunit_results(log, expected):
    with tempfile.TemporaryDirectory() as d:
        write(os.path.join(d, 'test.log'), log)
        exp = os.path.join(d, 'expected-suites')
        write(exp, expected)
        p = subprocess.run([sys.executable, os.path.join(TOOLS, 'kunit-results.py'),
                            '--config', 'cfg', '--expected', exp, d],
                           capture_output=True, text=True)
        return p.returncode, p.stdout


def kunit_tests():
    good = KTAP_HEAD + '    ok 1 a\n    ok 2 b\n    ok 3 c\nok 1 suite\n'
    rc, out = kunit_results(good, 'cfg suite 3\n')
    check('kunit-results: a whole suite passes', rc == 0 and out.count(' PASS') == 3,
          f'rc {rc}: {out!r}')
    rc, out = kunit_results(KTAP_HEAD + '    ok 1 a\n[ cut here ]\n', 'cfg suite 3\n')
    check('kunit-results: a guest that crashed inside a suite writes a FAIL line',
          rc == 1 and ' FAIL' in out, f'rc {rc}: {out!r}')
    rc, out = kunit_results(good, 'cfg suite 4\n')
    check('kunit-results: a suite that ran 3 of the 4 tests expected fails',
          rc == 1 and ' FAIL' in out, f'rc {rc}: {out!r}')
    rc, out = kunit_results(good.replace('    1..3\n', '    1..5\n'), 'cfg suite 3\n')
    check('kunit-results: a suite short of its KTAP plan writes a FAIL line',
          rc == 1 and ' FAIL' in out, f'rc {rc}: {out!r}')
    rc, out = kunit_results(good, 'cfg suite 3\ncfg gone 1\n')
    check('kunit-results: an expected suite that did not run writes a line that fails',
          rc == 1 and 'gone' in out, f'rc {rc}: {out!r}')


def e2e_results(log, expected=None):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 'console.log')
        write(path, log)
        args = [path]
        if expected is not None:
            args = ['--expected', os.path.join(d, 'expected'), path]
            write(args[1], expected)
        p = subprocess.run([sys.executable, os.path.join(TOOLS, 'e2e-results.py'), *args],
                           capture_output=True, text=True)
        return p.returncode, p.stdout


def e2e_tests():
    prog = 'E2E-BEGIN prog\nok 1 x\nok 2 y\n1..2\nE2E-END prog rc=0\n'
    rc, out = e2e_results(prog + 'E2E-DONE\n')
    check('e2e-results: a program with its trailing plan passes',
          rc == 0 and 'not ok' not in out, f'rc {rc}: {out!r}')
    rc, out = e2e_results('E2E-BEGIN prog\nok 1 x\nok 2 y\nE2E-END prog rc=0\nE2E-DONE\n')
    check('e2e-results: a program that died before its trailing plan fails',
          rc == 1 and 'not ok' in out, f'rc {rc}: {out!r}')
    rc, out = e2e_results('E2E-BEGIN prog\nok 1 x\n1..3\nE2E-END prog rc=0\nE2E-DONE\n')
    check('e2e-results: a program short of its plan fails', rc == 1, f'rc {rc}: {out!r}')
    rc, out = e2e_results(prog)
    check('e2e-results: a guest that never reported E2E-DONE fails',
          rc == 1 and 'E2E-DONE' in out, f'rc {rc}: {out!r}')
    rc, out = e2e_results('E2E-BEGIN prog\nok 1 x\n')
    check('e2e-results: a guest that crashed inside a program fails',
          rc == 1 and 'did not finish' in out, f'rc {rc}: {out!r}')
    rc, out = e2e_results(prog + 'E2E-DONE\n', 'prog 2\n')
    check('e2e-results: the results the expected file asks for pass',
          rc == 0 and 'not ok' not in out, f'rc {rc}: {out!r}')
    rc, out = e2e_results(prog + 'E2E-DONE\n', 'prog 2\nselftest 3 debug\n')
    check('e2e-results: a debug-only program need not run in the other guest',
          rc == 0 and 'not ok' not in out, f'rc {rc}: {out!r}')
    rc, out = e2e_results(prog + 'E2E-DONE\n', 'prog 2\nselftest 3 always\n')
    check('e2e-results: an expected line it cannot read fails',
          rc != 0, f'rc {rc}: {out!r}')
    skipped = prog.replace('ok 2 y', 'ok 2 y # SKIP no such memory')
    rc, out = e2e_results(skipped + 'E2E-DONE\n', 'prog 2\n')
    check('e2e-results: a skipped result fails in the guest made to run it',
          rc == 1 and 'skipped in a guest' in out, f'rc {rc}: {out!r}')


def conf_console(probes, rc=0, dmesg='', end=True):
    text = 'CONF-BEGIN\n' + ''.join(f'PROBE {n} {a}\n' for n, a in probes)
    text += f'PROBES {len(probes)}\n'
    if end:
        text += f'CONF-END rc={rc}\n'
    return text + ''.join(f'CONF-DMESG {l}\n' for l in dmesg.splitlines())


def conformance_results(series, v73, accepted='', min_probes=2):
    with tempfile.TemporaryDirectory() as d:
        paths = []
        for name, text in (('series', series), ('v73', v73), ('accepted', accepted)):
            paths.append(os.path.join(d, name))
            write(paths[-1], text)
        p = subprocess.run([sys.executable, os.path.join(TOOLS, 'conformance-results.py'),
                            '--accepted', paths[2], '--min-probes', str(min_probes),
                            paths[0], paths[1]], capture_output=True, text=True)
        return p.returncode, p.stdout


def conformance_tests():
    same = [('a', '0'), ('b', 'ENOENT')]
    rc, out = conformance_results(conf_console(same), conf_console(same))
    check('conformance-results: the same answers on both kernels pass',
          rc == 0 and 'not ok' not in out, f'rc {rc}: {out!r}')
    other = [('a', '0'), ('b', 'EOPNOTSUPP')]
    rc, out = conformance_results(conf_console(same), conf_console(other))
    check('conformance-results: a different answer fails', rc == 1, f'rc {rc}: {out!r}')
    rc, out = conformance_results(conf_console(same), conf_console(other),
                                  accepted='b the series answers better\n')
    check('conformance-results: an accepted difference passes', rc == 0, f'rc {rc}: {out!r}')
    rc, out = conformance_results(conf_console(same), conf_console(same),
                                  accepted='b the series answers better\n')
    check('conformance-results: an accepted difference that no longer differs fails',
          rc == 1, f'rc {rc}: {out!r}')
    rc, out = conformance_results(conf_console(same, end=False), conf_console(same))
    check('conformance-results: a guest that never finished its probes fails',
          rc == 1, f'rc {rc}: {out!r}')
    rc, out = conformance_results(conf_console(same, rc=1), conf_console(same))
    check('conformance-results: probes that exited non-zero fail', rc == 1, f'rc {rc}: {out!r}')
    rc, out = conformance_results(conf_console(same, dmesg='BUG: KASAN: use-after-free'),
                                  conf_console(same))
    check('conformance-results: a KASAN report in the series\' log fails',
          rc == 1, f'rc {rc}: {out!r}')
    rc, out = conformance_results(conf_console(same), conf_console(same[:1]))
    check('conformance-results: probes that ran on one kernel only fail',
          rc == 1, f'rc {rc}: {out!r}')
    rc, out = conformance_results(conf_console(same), conf_console(same), min_probes=50)
    check('conformance-results: fewer probes than the minimum fail',
          rc == 1, f'rc {rc}: {out!r}')


def checkpatch_tests():
    tree = os.path.join(TOP, '.build', 'linux')
    if not os.path.exists(os.path.join(tree, 'scripts', 'checkpatch.pl')):
        check('checkpatch: a checkpatch.pl that does not run fails # SKIP no applied tree',
              True)
        return
    env = dict(os.environ, CHECKPATCH_PL='/bin/false')
    p = subprocess.run([os.path.join(TOOLS, 'checkpatch')], capture_output=True,
                       text=True, env=env)
    first = [l for l in p.stdout.splitlines() if l.startswith(('ok ', 'not ok '))][:1]
    check('checkpatch: a checkpatch.pl that exits 1 without a finding fails',
          p.returncode != 0 and first and first[0].startswith('not ok'),
          f'rc {p.returncode}: {first}')
    env = dict(os.environ, CHECKPATCH_PL='/nonexistent/checkpatch.pl')
    p = subprocess.run([os.path.join(TOOLS, 'checkpatch')], capture_output=True,
                       text=True, env=env)
    check('checkpatch: a checkpatch.pl that is not there fails', p.returncode != 0,
          f'rc {p.returncode}')
    with tempfile.TemporaryDirectory() as d:
        fake = os.path.join(d, 'checkpatch.pl')
        write(fake, '#!/bin/sh\necho "Traceback (most recent call last):" >&2\n'
              'echo "total: 0 errors, 0 warnings, 0 checks, 9 lines checked"\n')
        os.chmod(fake, 0o755)
        env = dict(os.environ, CHECKPATCH_PL=fake)
        p = subprocess.run([os.path.join(TOOLS, 'checkpatch')], capture_output=True,
                           text=True, env=env)
        check('checkpatch: a checkpatch.pl whose SPDX check died (a traceback, exit 0) fails',
              p.returncode != 0, f'rc {p.returncode}')


def main():
    summary_tests()
    kunit_tests()
    e2e_tests()
    conformance_tests()
    checkpatch_tests()
    print('TAP version 13')
    print(f'1..{len(results)}')
    for i, (ok, desc, detail) in enumerate(results, 1):
        print(f'{"ok" if ok else "not ok"} {i} {desc}')
        if not ok and detail:
            print(f'# {detail}')
    return 0 if all(r[0] for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
