#!/usr/bin/env python3
"""Compare the conformance probes' answers of the series and of Linux 7.3.

usage: tools/conformance-results.py [--accepted FILE] [--expected FILE]
                                    [--min-probes N] [--out DIR]
                                    SERIES_CONSOLE V73_CONSOLE

Each console holds the answers of tools/conformance-guest/probe.c between
"CONF-BEGIN" and "CONF-END rc=N" lines, one "PROBE NAME ANSWER" per probe
and a closing "PROBES COUNT", then the kernel log as "CONF-DMESG" lines.

Prints TAP: one test per probe, ok when both kernels gave the same answer
or the probe is listed in the accepted file ("NAME REASON" per line, #
comments), not ok otherwise, and not ok for a listed probe whose answers
no longer differ.  Checks of the run, printed as "run-check:" results
that tools/summary.py counts apart: each guest finished (CONF-END rc=0
and as many probes as PROBES says), both ran the same probes in the same
order, at least N of them (default 50) and, with --expected FILE (a
"probes COUNT" line), exactly COUNT, every line between the markers
was a probe, and the series' kernel log has no KASAN, lockdep, WARN or
BUG line.  With --out DIR writes answers-series.txt, answers-v7.3.txt and
answers.diff (a unified diff, empty when they agree) there.  Exits 1 on
any failure.
"""
import difflib
import os
import re
import sys

from kernel_log import SPLAT_RE

END_RE = re.compile(r'^CONF-END rc=(\d+)$')


def read_console(path):
    """Return (answers as [(name, answer)], problems, splats)."""
    answers = []
    problems = []
    splats = []
    inside = False
    ended = False
    count = None
    try:
        text = open(path, encoding='utf-8', errors='replace').read()
    except OSError as e:
        return [], [f'no console ({e.strerror})'], []
    for line in text.splitlines():
        line = line.rstrip('\r')
        if line.startswith('CONF-DMESG '):
            if SPLAT_RE.search(line):
                splats.append(line[len('CONF-DMESG '):].strip())
            continue
        if line == 'CONF-BEGIN':
            if inside or ended:
                problems.append('a second CONF-BEGIN')
            inside = True
            continue
        m = END_RE.match(line)
        if m:
            if not inside:
                problems.append('CONF-END without CONF-BEGIN')
            elif m.group(1) != '0':
                problems.append(f'the probes exited {m.group(1)}')
            inside = False
            ended = True
            continue
        if not inside:
            continue
        if line.startswith('PROBE '):
            parts = line.split(' ', 2)
            if len(parts) < 3 or not parts[2]:
                problems.append(f'a probe without an answer: {line!r}')
                continue
            answers.append((parts[1], parts[2]))
        elif re.match(r'^PROBES \d+$', line):
            count = int(line.split()[1])
        else:
            problems.append(f'not a probe: {line[:100]!r}')
    if not ended:
        problems.append('the guest never reached CONF-END')
    if count is None:
        problems.append('no PROBES count')
    elif count != len(answers):
        problems.append(f'PROBES {count}, {len(answers)} answers')
    return answers, problems, splats


def read_accepted(path):
    accepted = {}
    if not path:
        return accepted
    for line in open(path, encoding='utf-8'):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        name, _, reason = line.partition(' ')
        if not reason.strip():
            sys.exit(f'{path}: {name} is accepted without a reason')
        accepted[name] = reason.strip()
    return accepted


def main():
    args = sys.argv[1:]
    accepted_path = None
    out_dir = None
    min_probes = 50
    expected = None
    while len(args) > 2:
        opt = args.pop(0)
        if opt == '--accepted':
            accepted_path = args.pop(0)
        elif opt == '--out':
            out_dir = args.pop(0)
        elif opt == '--expected':
            for line in open(args.pop(0), encoding='utf-8'):
                f = line.split('#', 1)[0].split()
                if len(f) == 2 and f[0] == 'probes':
                    expected = int(f[1])
        elif opt == '--min-probes':
            min_probes = int(args.pop(0))
        else:
            sys.exit(__doc__)
    if len(args) != 2:
        sys.exit(__doc__)
    accepted = read_accepted(accepted_path)
    series, s_problems, s_splats = read_console(args[0])
    v73, v_problems, _ = read_console(args[1])

    results = []
    for who, problems in (('series', s_problems), ('v7.3', v_problems)):
        results.append((not problems,
                        f'run-check: the {who} guest ran every probe' +
                        (f' ({"; ".join(problems)})' if problems else '')))
    s_names = [n for n, _ in series]
    v_names = [n for n, _ in v73]
    dup = sorted({n for n in s_names if s_names.count(n) > 1})
    results.append((s_names == v_names and not dup,
                    'run-check: both kernels ran the same probes in the same order' +
                    (f' (only on the series: {sorted(set(s_names) - set(v_names))[:5]}, '
                     f'only on 7.3: {sorted(set(v_names) - set(s_names))[:5]}, '
                     f'twice: {dup[:5]})' if s_names != v_names or dup else '')))
    results.append((min(len(series), len(v73)) >= min_probes,
                    f'run-check: at least {min_probes} probes ({len(series)} on the '
                    f'series, {len(v73)} on 7.3)'))
    if expected is not None:
        results.append((len(series) == expected and len(v73) == expected,
                        f'run-check: {expected} probes, as the expected file says '
                        f'({len(series)} on the series, {len(v73)} on 7.3)'))
    results.append((not s_splats,
                    'run-check: no KASAN, lockdep, WARN or BUG in the series\' log' +
                    (f' (first: {s_splats[0][:120]})' if s_splats else '')))

    v_answer = dict(v73)
    for name, answer in series:
        if name not in v_answer:
            continue
        other = v_answer[name]
        if name in accepted:
            if answer == other:
                results.append((False, f'{name}: accepted as a difference, but '
                                f'both answer {answer!r} (remove it from the list)'))
            else:
                results.append((True, f'{name}: series {answer!r}, 7.3 {other!r}: '
                                f'accepted: {accepted[name]}'))
        elif answer == other:
            results.append((True, f'{name}: {answer}'))
        else:
            results.append((False, f'{name}: series {answer!r}, 7.3 {other!r}'))
    for name in sorted(set(accepted) - set(s_names)):
        results.append((False, f'{name}: accepted as a difference, but no such probe'))

    if out_dir:
        s_text = [f'{n} {a}\n' for n, a in series]
        v_text = [f'{n} {a}\n' for n, a in v73]
        for fname, text in (('answers-series.txt', s_text), ('answers-v7.3.txt', v_text)):
            with open(os.path.join(out_dir, fname), 'w', encoding='utf-8') as f:
                f.writelines(text)
        with open(os.path.join(out_dir, 'answers.diff'), 'w', encoding='utf-8') as f:
            f.writelines(difflib.unified_diff(s_text, v_text, 'series', 'v7.3'))

    print('TAP version 13')
    print(f'1..{len(results)}')
    for i, (ok, desc) in enumerate(results, 1):
        print(f'{"ok" if ok else "not ok"} {i} {desc}')
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
