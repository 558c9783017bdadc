#!/usr/bin/env python3
"""Collect the end-to-end tests' TAP from a guest's serial console.

usage: tools/e2e-results.py [--debug] CONSOLE_LOG

Every test program runs between "E2E-BEGIN NAME" and "E2E-END NAME rc=N"
lines and prints TAP.  Prints one TAP stream, each result prefixed with its
program's name; a program that exited non-zero without a failed result, or
never finished, is a failure, and so is each KASAN, lockdep, WARN or BUG
line of the kernel log and a guest that never reported E2E-DONE.  With
--debug (the debug kernel) the log must also show that KASAN, lockdep and
kmemleak started, so that no splat means something.  Exits 1 on any
failure.
"""
import re
import sys

from kernel_log import SPLAT_RE

RESULT_RE = re.compile(r'^(not ok|ok) \d+ ?(.*)$')
DEBUG_ON = [
    ('KASAN is on', 'KernelAddressSanitizer initialized'),
    ('lockdep is on', 'Lock dependency validator'),
    ('kmemleak is on', 'kmemleak: Kernel memory leak detector initialized'),
]


def main():
    args = sys.argv[1:]
    debug = '--debug' in args
    args = [a for a in args if a != '--debug']
    lines = open(args[0], encoding='utf-8', errors='replace').read().splitlines()
    lines = [l.rstrip('\r') for l in lines]
    out = []
    cur = None
    failed_in = set()
    done = False
    for l in lines:
        if l.startswith('E2E-BEGIN '):
            cur = l.split()[1]
            continue
        m = re.match(r'^E2E-END (\S+) rc=(\d+)', l)
        if m:
            name, rc = m.group(1), int(m.group(2))
            if rc != 0 and name not in failed_in:
                out.append((False, f'{name}: exited {rc}'))
            if not any(o[1].startswith(name + ':') for o in out):
                out.append((False, f'{name}: printed no result'))
            cur = None
            continue
        if l.startswith('E2E-DONE'):
            done = True
            continue
        if cur:
            m = RESULT_RE.match(l)
            if m:
                ok = m.group(1) == 'ok'
                if not ok:
                    failed_in.add(cur)
                out.append((ok, f'{cur}: {m.group(2)}'))
            elif l.startswith('Bail out!'):
                failed_in.add(cur)
                out.append((False, f'{cur}: {l}'))
    if cur:
        out.append((False, f'{cur}: did not finish'))
    if not done:
        out.append((False, 'guest did not report E2E-DONE (crash or time out)'))
    if debug:
        for desc, needle in DEBUG_ON:
            out.append((any(needle in l for l in lines), f'kernel log: {desc}'))
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
