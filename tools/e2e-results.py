#!/usr/bin/env python3
"""Collect the end-to-end tests' TAP from a guest's serial console.

usage: tools/e2e-results.py [--debug] [--expected FILE] CONSOLE_LOG

Every test program runs between "E2E-BEGIN NAME" and "E2E-END NAME rc=N"
lines and prints TAP with one plan, first or last.  Prints one TAP stream,
each result prefixed with its program's name; a program that exited
non-zero without a failed result, never finished, printed no plan (one
that prints its plan last and dies half way), printed more than one, or
printed a different number of results than its plan promised, is a
failure, and so is each KASAN, lockdep, WARN or BUG line of the kernel log
and a guest that never reported E2E-DONE.  With --debug (the debug kernel)
the log must also show that KASAN, lockdep and kmemleak started, so that
no splat means something; those are checks of the run, not tests, and are
printed as "run-check:" results, which tools/summary.py counts apart.
With --expected FILE (tools/e2e-tests/expected: NAME COUNT per line)
each program listed must have run and printed COUNT results, none of them
skipped (the guest gives every test what it needs: a skip there means a
case that did not run), and no other program may run; a line that ends in
'debug' is expected only with --debug.  Exits 1 on any failure.
"""
import re
import sys

from kernel_log import SPLAT_RE

RESULT_RE = re.compile(r'^(not ok|ok) \d+ ?(.*)$')
PLAN_RE = re.compile(r'^1\.\.(\d+)')
SKIP_RE = re.compile(r'#\s*SKIP', re.I)
DEBUG_ON = [
    ('KASAN is on', 'KernelAddressSanitizer initialized'),
    ('lockdep is on', 'Lock dependency validator'),
    ('kmemleak is on', 'kmemleak: Kernel memory leak detector initialized'),
]


def main():
    args = sys.argv[1:]
    debug = '--debug' in args
    args = [a for a in args if a != '--debug']
    expected = None
    if len(args) == 3 and args[0] == '--expected':
        expected = {}
        for line in open(args[1]):
            line = line.split('#', 1)[0].split()
            # NAME COUNT [debug]: 'debug' runs only in the debug guest
            if len(line) == 2 or (len(line) == 3 and line[2] == 'debug'):
                if debug or len(line) == 2:
                    expected[line[0]] = int(line[1])
            elif line:
                sys.exit(f'{args[1]}: cannot read {" ".join(line)!r}')
        args = args[2:]
    counts = {}
    lines = open(args[0], encoding='utf-8', errors='replace').read().splitlines()
    lines = [l.rstrip('\r') for l in lines]
    out = []
    cur = None
    failed_in = set()
    done = False
    plans = []
    seen = 0
    for l in lines:
        if l.startswith('E2E-BEGIN '):
            cur = l.split()[1]
            plans = []
            seen = 0
            continue
        m = re.match(r'^E2E-END (\S+) rc=(\d+)', l)
        if m:
            name, rc = m.group(1), int(m.group(2))
            counts[name] = seen
            if rc != 0 and name not in failed_in:
                out.append((False, f'{name}: exited {rc}'))
            if not any(o[1].startswith(name + ':') for o in out):
                out.append((False, f'{name}: printed no result'))
            if not plans:
                out.append((False, f'{name}: printed no plan ({seen} results)'))
            elif len(plans) > 1:
                out.append((False, f'{name}: printed {len(plans)} plans'))
            elif plans[0] != seen:
                out.append((False, f'{name}: plan 1..{plans[0]}, {seen} results'))
            cur = None
            continue
        if l.startswith('E2E-DONE'):
            done = True
            continue
        if cur:
            m = PLAN_RE.match(l)
            if m:
                plans.append(int(m.group(1)))
                continue
            m = RESULT_RE.match(l)
            if m:
                seen += 1
                ok = m.group(1) == 'ok'
                if not ok:
                    failed_in.add(cur)
                out.append((ok, f'{cur}: {m.group(2)}'))
                if expected is not None and SKIP_RE.search(m.group(2)):
                    failed_in.add(cur)
                    out.append((False, f'{cur}: skipped in a guest made '
                                       'to run it: ' + m.group(2)))
            elif l.startswith('Bail out!'):
                failed_in.add(cur)
                out.append((False, f'{cur}: {l}'))
    if cur:
        out.append((False, f'{cur}: did not finish'))
    if not done:
        out.append((False, 'guest did not report E2E-DONE (crash or time out)'))
    if expected is not None:
        for name, n in expected.items():
            if name not in counts:
                out.append((False, f'{name}: did not run (tools/e2e-tests/expected)'))
            elif counts[name] != n:
                out.append((False, f'{name}: {counts[name]} results, '
                                   f'tools/e2e-tests/expected says {n}'))
        for name in counts:
            if name not in expected:
                out.append((False, f'{name}: ran, but tools/e2e-tests/expected '
                                   'does not list it'))
    if debug:
        for desc, needle in DEBUG_ON:
            out.append((any(needle in l for l in lines),
                        f'run-check: kernel log: {desc}'))
    for l in lines:
        if SPLAT_RE.search(l):
            out.append((False, f'kernel log: {l.strip()}'))
    print('TAP version 13')
    print(f'1..{len(out)}')
    for i, (ok, desc) in enumerate(out, 1):
        print(f'{"ok" if ok else "not ok"} {i} {desc}')
    return 0 if out and all(o[0] for o in out) else 1


if __name__ == '__main__':
    sys.exit(main())
