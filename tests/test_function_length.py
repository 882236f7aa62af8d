"""No function in cmanalytics/ runs past 60 lines (issue 13: long functions are split into named steps).

A function's length is counted from its ``def`` line to its last line, blank lines and comments included,
without its docstring and decorators; a nested function counts towards the function that holds it.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cmanalytics"
MAX_LINES = 60


def function_lengths(source: str) -> list[tuple[str, int, int]]:
    """(name, line of the def, length without the docstring) for every function and method in ``source``."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                length -= first.end_lineno - first.lineno + 1
            out.append((node.name, node.lineno, length))
    return out


def test_the_count_leaves_out_the_docstring_and_keeps_the_rest():
    source = textwrap.dedent(
        '''
        @decorator
        def f(a,
              b):
            """One line
            and a second."""
            # a comment

            return a + b

        class C:
            async def g(self):
                def inner():
                    return 1
                return inner()
        '''
    )
    # f: the two lines of the signature, the comment, the blank line and the return (5; the 2-line docstring and
    # the decorator not counted); g: its def, inner's two lines and the return (4); inner: 2
    assert sorted(function_lengths(source)) == [("f", 3, 5), ("g", 12, 4), ("inner", 13, 2)]


def test_no_function_runs_past_60_lines():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 50, f"found only {len(files)} modules under {PACKAGE}"
    too_long = [
        f"{path.relative_to(PACKAGE.parent)}:{line} {name} ({length} lines)"
        for path in files
        for name, line, length in function_lengths(path.read_text(encoding="utf-8"))
        if length > MAX_LINES
    ]
    if too_long:
        pytest.fail(f"functions over {MAX_LINES} lines (split them into named steps):\n" + "\n".join(too_long))
