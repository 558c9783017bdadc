#!/usr/bin/env python3
"""Sample where a QEMU guest's CPUs are, by their instruction pointers.

usage: tools/guest-profile.py --monitor SOCKET --vmlinux VMLINUX
                              --console LOG [--begin MARK] [--end MARK]
                              [--interval SECONDS] [--top N]

Under TCG the guest has no PMU and no perf, but QEMU's human monitor
(-monitor unix:SOCKET,server,nowait) answers "info registers -a" while the
guest runs.  Once the serial console LOG shows the line MARK (default
BENCH-PROFILE-BEGIN), this asks for every vCPU's registers every INTERVAL
seconds until the console shows END (default BENCH-PROFILE-END), maps each
kernel RIP to the function of VMLINUX that holds it (nm -n) and prints
the functions by share of the samples, user space and the idle loop
apart.  A sample is where TCG last synced the vCPU's state: the end of a
translated block, near enough for a share per function.
"""
import argparse
import bisect
import collections
import re
import socket
import subprocess
import sys
import time

RIP_RE = re.compile(r'RIP=([0-9a-f]{16})')
IDLE = ('default_idle', 'pv_native_safe_halt', 'native_safe_halt',
        'default_idle_call', 'do_idle', 'cpu_idle_poll', 'arch_cpu_idle')


def symbols(vmlinux):
    out = subprocess.run(['nm', '-n', vmlinux], capture_output=True,
                         text=True, check=True).stdout
    addrs, names = [], []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in 'tTwW':
            addrs.append(int(f[0], 16))
            names.append(f[2])
    return addrs, names


def console_has(path, mark):
    try:
        with open(path, errors='replace') as f:
            return any(line.startswith(mark) for line in f)
    except OSError:
        return False


def hmp(sock, cmd):
    sock.sendall(cmd.encode() + b'\n')
    buf = b''
    while not buf.endswith(b'(qemu) '):
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError('monitor closed')
        buf += chunk
    return buf.decode(errors='replace')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--monitor', required=True)
    ap.add_argument('--vmlinux', required=True)
    ap.add_argument('--console', required=True)
    ap.add_argument('--begin', default='BENCH-PROFILE-BEGIN')
    ap.add_argument('--end', default='BENCH-PROFILE-END')
    ap.add_argument('--interval', type=float, default=0.002)
    ap.add_argument('--top', type=int, default=40)
    ap.add_argument('--wait', type=float, default=600,
                    help='seconds to wait for the guest to reach MARK')
    a = ap.parse_args()

    addrs, names = symbols(a.vmlinux)
    deadline = time.time() + a.wait
    sock = None
    while time.time() < deadline:
        try:
            sock = socket.socket(socket.AF_UNIX)
            sock.connect(a.monitor)
            break
        except OSError:
            sock = None
            time.sleep(0.5)
    if sock is None:
        sys.exit('guest-profile: no monitor at %s' % a.monitor)
    buf = b''
    while not buf.endswith(b'(qemu) '):
        buf += sock.recv(65536)
    while not console_has(a.console, a.begin):
        if time.time() > deadline:
            sys.exit('guest-profile: the console never showed %s' % a.begin)
        time.sleep(0.2)

    where = collections.Counter()
    user = idle = kernel = 0
    checked = time.time()
    while True:
        try:
            text = hmp(sock, 'info registers -a')
        except (OSError, EOFError):
            break
        for m in RIP_RE.finditer(text):
            rip = int(m.group(1), 16)
            if rip < 0xffff800000000000:
                user += 1
                continue
            i = bisect.bisect_right(addrs, rip) - 1
            name = names[i] if i >= 0 else '?'
            if name in IDLE:
                idle += 1
            else:
                kernel += 1
                where[name] += 1
        time.sleep(a.interval)
        if time.time() - checked > 0.5:
            checked = time.time()
            if console_has(a.console, a.end):
                break
    total = user + idle + kernel
    if not kernel:
        sys.exit('guest-profile: no kernel sample (%d samples)' % total)
    print('%d samples: kernel %d (%.1f%%), user %d, idle %d' % (
        total, kernel, 100.0 * kernel / total, user, idle))
    print('%7s %6s  %s' % ('samples', 'kernel', 'function'))
    for name, n in where.most_common(a.top):
        print('%7d %5.1f%%  %s' % (n, 100.0 * n / kernel, name))
    return 0


if __name__ == '__main__':
    sys.exit(main())
