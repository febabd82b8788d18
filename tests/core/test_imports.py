"""No lazy import hides a cycle, and no package uses another's private names (DESIGN.md §3, issue 20).

Packages import downwards only (the import-linter contract in setup.cfg). An import written inside a
function is invisible to nobody but the reader: it still ties the packages together, and it is the
usual way to hide an import that would loop. So an import of another caseapp package inside a
function (at any depth: methods, nested functions, lambdas) fails this test unless its pair is on
ALLOWED below with the reason it must be lazy. Imports within a module's own package are free.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "caseapp"

# (importing module, imported module) -> why it must stay inside a function. "caseapp.*" stands for
# any module of the app. Keep it short: once the layers are right, an import belongs at the top.
ALLOWED = {
    # The application factory. `import caseapp.<anything>` runs caseapp/__init__.py first, so if the
    # package root imported every package at its top, importing one pure rule (or running
    # `python -m caseapp.letters.fonts` at install time) would load the whole app, and each package
    # would be imported while the root is still half made. create_app imports the models, the action
    # registries, the blueprints and the CLI when it builds an app.
    ("caseapp", "caseapp.*"): "the app factory builds the app from every package",
}


def _module_name(path: Path) -> tuple[str, bool]:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The absolute names of the modules an import statement brings in."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: from the module's package, one level up per extra dot
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[:len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if target == "caseapp":  # `from caseapp import demo` imports caseapp.demo
        return [f"caseapp.{alias.name}" for alias in node.names]
    return [target]


def function_level_imports(source: str, module: str, *, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, imported module) of each import inside a function of `source` (the module `module`) that
    brings in a caseapp package other than the module's own."""
    own = module.split(".")[1] if "." in module else None
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if in_function and isinstance(child, (ast.Import, ast.ImportFrom)):
                for name in _imported(child, module, is_package):
                    parts = name.split(".")
                    if parts[0] == "caseapp" and len(parts) > 1 and parts[1] != own:
                        found.append((child.lineno, name))
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(ast.parse(source), False)
    return found


def _allowed(module: str, imported: str) -> str | None:
    return ALLOWED.get((module, imported)) or ALLOWED.get((module, "caseapp.*"))


def _scan() -> list[tuple[str, int, str]]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        module, is_package = _module_name(path)
        out += [(module, line, name) for line, name in
                function_level_imports(path.read_text(encoding="utf-8"), module, is_package=is_package)]
    return out


def test_no_function_level_import_of_another_package_unless_allowed():
    found = _scan()
    hidden = [f"{module}:{line} imports {name} inside a function" for module, line, name in found
              if not _allowed(module, name)]
    assert hidden == [], "import these at the top of the module (or say on ALLOWED why they must be lazy)"


def test_every_allowed_pair_is_still_needed():
    found = _scan()
    for module, imported in ALLOWED:
        assert any(m == module and (imported == "caseapp.*" or name == imported) for m, _line, name in found), \
            f"({module}, {imported}) is no longer imported lazily: remove it from ALLOWED"


def test_the_scanner_finds_function_level_imports():
    source = '''
from caseapp.cases.models import Case          # top level: free
import caseapp.core.clock                      # top level: free


def closes(case):
    from caseapp.letters.operations import draft_letter   # another package, in a function
    from caseapp.fees.queries import fees_of_case         # another package
    from caseapp.consultations.models import Consultation  # its own package: free
    from . import queries                                  # relative, its own package: free
    from .. import demo                                    # relative, caseapp.demo
    return draft_letter


class Panel:
    def render(self):
        def inner():
            import caseapp.stats.report as report          # nested in a method
            return report
        return inner


late = lambda: __import__("os")  # not an import statement
if True:
    from caseapp.jobs.sweep import sweep            # module level, under an if: free
'''
    assert function_level_imports(source, "caseapp.consultations.operations") == [
        (7, "caseapp.letters.operations"), (8, "caseapp.fees.queries"), (11, "caseapp.demo"),
        (18, "caseapp.stats.report")]
    # The package root has no package of its own: every caseapp import in its functions counts.
    root = "def create_app():\n    from caseapp.office import bp\n    from caseapp import cli\n"
    assert function_level_imports(root, "caseapp", is_package=True) == [(2, "caseapp.office"), (3, "caseapp.cli")]
    assert function_level_imports("import caseapp.cases.models\n", "caseapp.office.case") == []


def test_no_package_imports_another_packages_private_names():
    private = []
    for path in sorted(ROOT.rglob("*.py")):
        module, _is_package = _module_name(path)
        own = module.split(".")[1] if "." in module else None
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").startswith("caseapp."):
                if node.module.split(".")[1] != own:
                    private += [f"{module}:{node.lineno} {node.module}.{alias.name}" for alias in node.names
                                if alias.name.startswith("_")]
    assert private == [], "give the other package a public name for what you need"
