"""No module imports another module's private name: a shared helper is public where it lives."""

import ast
from pathlib import Path

import cabinet

PACKAGE = Path(cabinet.__file__).parent


def private_imports(source: Path) -> list[str]:
    """`module.name` for each `from cabinet… import _name` in `source`, however deep."""
    return [f"{node.module}.{alias.name}" for node in ast.walk(ast.parse(source.read_text("utf-8")))
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cabinet")
            for alias in node.names
            if alias.name.startswith("_") and not alias.name.startswith("__")]


def test_no_module_imports_a_private_name_of_another():
    found = {str(path.relative_to(PACKAGE)): names for path in sorted(PACKAGE.rglob("*.py"))
             if (names := private_imports(path))}
    assert found == {}
