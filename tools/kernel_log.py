# SPDX-License-Identifier: GPL-2.0-only
"""What tools/kunit-results.py and tools/e2e-results.py look for in a kernel
log: the first line of a KASAN, lockdep, RCU, UBSAN or kmemleak report, a
WARN, a BUG, an oops or a panic.  Imported, not run."""
import re

SPLAT_RE = re.compile(
    r'(BUG:|WARNING:|possible circular locking|possible recursive locking|'
    r'inconsistent lock state|suspicious RCU usage|UBSAN:|'
    r'kmemleak: \d+ new suspected|Kernel panic|general protection fault|Oops)')
