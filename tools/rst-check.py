#!/usr/bin/python3
"""Check reStructuredText files with Debian's docutils, without Sphinx.

usage: tools/rst-check.py FILE...

Parses each file with docutils (python3-docutils) and prints every message
of level WARNING or above as "FILE:LINE: LEVEL: text", one per line.  The
kernel's Sphinx-only directives (kernel-doc, toctree, ...) and roles
(:c:func:, :ref:, :doc:, ...) are accepted without being checked, so only
reStructuredText errors are reported: bad section underlines, unbalanced
markup, broken literal blocks, unknown internal references and the like.
Exits 1 if there was any message, 2 on bad usage.

Include directives are followed, relative to the file (the repository's
Documentation/performance.rst includes bench/matrix.rst).

This is a syntax check, not `make htmldocs`: it does not run kernel-doc on
the files a directive names, nor resolve cross-document references.
"""
import sys

try:
    import docutils.core
    import docutils.utils
    from docutils.parsers.rst import Directive, directives, roles
    from docutils import nodes
except ImportError:
    sys.exit('rst-check: python3-docutils is missing (tools/deps check)')


class Ignored(Directive):
    """A Sphinx directive: content and options are accepted unchecked."""
    has_content = True
    optional_arguments = 100
    final_argument_whitespace = True
    option_spec = None  # any option

    def run(self):
        return []


class AnyOptions(dict):
    def __getitem__(self, key):
        return directives.unchanged


Ignored.option_spec = AnyOptions()

SPHINX_DIRECTIVES = [
    'kernel-doc', 'kernel-feat', 'kernel-abi', 'kernel-include', 'toctree',
    'c:function', 'c:type', 'c:struct', 'c:macro', 'c:member', 'c:var',
    'c:enum', 'c:enumerator', 'c:union', 'code-block', 'highlight',
    'only', 'tabularcolumns', 'glossary', 'index', 'literalinclude',
    'sectionauthor', 'seealso', 'versionadded', 'versionchanged',
    'deprecated', 'flat-table', 'cssclass', 'SPDX-License-Identifier',
]
SPHINX_ROLES = [
    'c:func', 'c:type', 'c:macro', 'c:member', 'c:data', 'c:struct',
    'c:union', 'c:enum', 'c:expr', 'c:texpr', 'ref', 'doc', 'manpage',
    'envvar', 'file', 'kbd', 'program', 'option', 'term', 'abbr',
    'menuselection', 'samp', 'command', 'numref', 'download',
]


def sphinx_role(name, rawtext, text, lineno, inliner, options=None,
                content=None):
    return [nodes.literal(rawtext, text)], []


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ('-h', '--help'):
        print(__doc__.strip())
        return 0 if len(sys.argv) > 1 else 2
    for d in SPHINX_DIRECTIVES:
        directives.register_directive(d, Ignored)
    for r in SPHINX_ROLES:
        roles.register_local_role(r, sphinx_role)
    bad = 0
    for path in sys.argv[1:]:
        with open(path, encoding='utf-8') as f:
            text = f.read()
        msgs = []

        def observer(msg, path=path, msgs=msgs):
            level = int(msg['level'])
            if level < docutils.utils.Reporter.WARNING_LEVEL:
                return
            # astext() is "PATH:LINE: (LEVEL/N) text", the text first line
            msgs.append(msg.astext().split('\n')[0])

        settings = {'report_level': 5, 'halt_level': 5,
                    'file_insertion_enabled': True, 'raw_enabled': False,
                    'warning_stream': False}
        doc = docutils.utils.new_document(
            path, docutils.frontend.get_default_settings(
                docutils.parsers.rst.Parser))
        for k, v in settings.items():
            setattr(doc.settings, k, v)
        doc.reporter.attach_observer(observer)
        doc.reporter.report_level = 5
        docutils.parsers.rst.Parser().parse(text, doc)
        doc.transformer.add_transforms(
            docutils.readers.standalone.Reader().get_transforms())
        doc.transformer.apply_transforms()
        for m in msgs:
            print(m)
        bad += len(msgs)
    return 1 if bad else 0


if __name__ == '__main__':
    import docutils.frontend
    import docutils.parsers.rst
    import docutils.readers.standalone
    sys.exit(main())
