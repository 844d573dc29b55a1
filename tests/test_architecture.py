"""House rules that keep Hatrack safe and consistent, checked on every file of `src/`.

Each rule names the file and line that breaks it. An exception to a rule goes in the
rule's allowlist with the reason, so a reviewer sees every exception in one place.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import hatrack

SRC = Path(hatrack.__file__).resolve().parent
PYTHON_FILES = sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)
TEMPLATE_FILES = sorted(p for p in SRC.rglob("templates/**/*.html"))


def rel(path: Path) -> str:
    return str(path.relative_to(SRC.parent))


@dataclass(frozen=True)
class Violation:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{rel(self.path)}:{self.line}: {self.message}"


def report(violations: list[Violation], rule: str) -> str:
    return f"{rule}\n" + "\n".join(f"  {v}" for v in violations)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def template_root(path: Path) -> Path:
    """The `templates` folder a template lives in."""
    parts = path.parts
    return Path(*parts[: len(parts) - parts[::-1].index("templates")])


def template_name(path: Path) -> str:
    return path.relative_to(template_root(path)).as_posix()


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_the_rules_have_files_to_check():
    assert len(PYTHON_FILES) > 30
    assert len(TEMPLATE_FILES) > 20


# --- No way around autoescaping --------------------------------------------------------------

# Files allowed to mark text safe, each with the reason. Keep it short.
SAFE_ALLOWLIST: dict[str, str] = {
    "hatrack/servicedesk/article_html.py": "knowledge base HTML, rendered from Markdown with "
    "raw HTML off and sanitized by nh3 on save",
    "hatrack/systems/markdown_html.py": "runbooks, continuity plans and reviews, rendered from "
    "Markdown with raw HTML off and sanitized by nh3 on save",
}
UNSAFE_TEMPLATE = re.compile(r"\|\s*safe(seq)?\b|{%\s*autoescape\s+off\s*%}")


def unescaped_output() -> Iterator[Violation]:
    for path in PYTHON_FILES:
        if rel(path) in SAFE_ALLOWLIST:
            continue
        for node in ast.walk(parsed(path)):
            name = getattr(node, "id", None) or getattr(node, "attr", None)
            if isinstance(node, ast.alias):
                name = node.name.rsplit(".", 1)[-1]
            if name == "mark_safe":
                yield Violation(path, getattr(node, "lineno", 1), "mark_safe bypasses escaping")
    for path in TEMPLATE_FILES:
        if rel(path) in SAFE_ALLOWLIST:
            continue
        text = path.read_text(encoding="utf-8")
        for match in UNSAFE_TEMPLATE.finditer(text):
            yield Violation(
                path, line_of(text, match.start()), f"{match.group(0)!r} bypasses escaping"
            )


def test_nothing_bypasses_autoescaping_outside_the_allowlist():
    violations = list(unescaped_output())
    assert violations == [], report(
        violations, "Let Django escape output; add a file to SAFE_ALLOWLIST only with a reason:"
    )


# --- Templates keep scripts and styles in static files (CSP: 'self' only) -----------------

INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"\s(on[a-z]+|hx-on[a-z:-]*)\s*=", re.IGNORECASE)


def inline_code() -> Iterator[Violation]:
    for path in TEMPLATE_FILES:
        text = path.read_text(encoding="utf-8")
        for match in INLINE_SCRIPT.finditer(text):
            if match.group(1).strip():
                yield Violation(path, line_of(text, match.start()), "inline <script> with content")
        for match in STYLE_ELEMENT.finditer(text):
            yield Violation(path, line_of(text, match.start()), "<style> element")
        for tag in TAG.finditer(text):
            for pattern, what in (
                (STYLE_ATTRIBUTE, "style= attribute"),
                (HANDLER_ATTRIBUTE, "event handler attribute"),
            ):
                for match in pattern.finditer(tag.group(0)):
                    offset = tag.start() + match.start()
                    yield Violation(path, line_of(text, offset), f"{what} {match.group(0)!r}")


def test_templates_have_no_inline_scripts_styles_or_event_handlers():
    violations = list(inline_code())
    assert violations == [], report(
        violations,
        "The Content-Security-Policy allows only static files: move code to "
        "static/hatrack/js/ and styles to static/hatrack/css/:",
    )


# --- No print ---------------------------------------------------------------------------------

PRINT_ALLOWLIST: dict[str, str] = {}


def print_calls() -> Iterator[Violation]:
    for path in PYTHON_FILES:
        if rel(path) in PRINT_ALLOWLIST:
            continue
        for node in ast.walk(parsed(path)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "print"
            ):
                yield Violation(path, node.lineno, "print()")


def test_source_code_does_not_print():
    violations = list(print_calls())
    assert violations == [], report(
        violations,
        "Use logging, or self.stdout.write in management commands (CLI output):",
    )


# --- Views and API endpoints do not write: services do -------------------------------------

WRITES = {
    "save",
    "create",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
QUERYSET_STEPS = {"objects", "filter", "exclude", "all", "select_for_update", "get_queryset"}
# "path:method" pairs allowed to call a write-like method in a view module, with the reason.
WRITE_ALLOWLIST: dict[str, str] = {}


def is_view_module(path: Path) -> bool:
    return path.name in {"views.py", "api.py"} or path.parent.name == "views"


def is_queryset(node: ast.expr) -> bool:
    """Does an expression look like a queryset: Model.objects..., .filter(...), qs?"""
    if isinstance(node, ast.Attribute):
        return node.attr in QUERYSET_STEPS or is_queryset(node.value)
    if isinstance(node, ast.Call):
        return is_queryset(node.func)
    if isinstance(node, ast.Name):
        return node.id in {"qs", "queryset"} or node.id.endswith("_qs")
    return False


def writes_in_views() -> Iterator[Violation]:
    for path in filter(is_view_module, PYTHON_FILES):
        for node in ast.walk(parsed(path)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            method = node.func.attr
            is_write = method in WRITES or (method == "update" and is_queryset(node.func.value))
            if is_write and f"{rel(path)}:{method}" not in WRITE_ALLOWLIST:
                yield Violation(path, node.lineno, f".{method}() in a view or API module")


def test_views_and_api_endpoints_leave_writes_to_services():
    violations = list(writes_in_views())
    assert violations == [], report(
        violations,
        "Views parse, check, call one query or service and render; move the write into "
        "the app's services.py (one transaction, audited):",
    )


# --- Every page template sits in the layout -------------------------------------------------

LAYOUTS = {"base.html", "standalone.html"}
EXTENDS = re.compile(r"{%\s*extends\s+[\"']([^\"']+)[\"']\s*%}")
INCLUDE = re.compile(r"{%\s*include\s+[\"']([^\"'#]+)")
# Templates that are whole documents on purpose, each with the reason.
STANDALONE_DOCUMENTS = {
    "errors/500.html": "rendered without context processors or the database, which may be "
    "what failed",
}


def templates_by_name() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in TEMPLATE_FILES:
        found.setdefault(template_name(path), path)
    return found


def partial_names() -> set[str]:
    """Templates that other templates include, or named as partials (_x.html, components/)."""
    names = {
        match.group(1)
        for path in TEMPLATE_FILES
        for match in INCLUDE.finditer(path.read_text(encoding="utf-8"))
    }
    for path in TEMPLATE_FILES:
        name = template_name(path)
        if path.name.startswith("_") or name.startswith(("components/", "partials/")):
            names.add(name)
    return names


def layout_of(name: str, known: dict[str, Path], seen: tuple[str, ...] = ()) -> str | None:
    """The layout a template ends up extending, following {% extends %} through the project."""
    if name in LAYOUTS:
        return name
    path = known.get(name)
    if path is None or name in seen:
        return None
    match = EXTENDS.search(path.read_text(encoding="utf-8"))
    return layout_of(match.group(1), known, (*seen, name)) if match else None


def templates_outside_the_layout() -> Iterator[Violation]:
    known = templates_by_name()
    partials = partial_names()
    for name, path in known.items():
        if name in LAYOUTS or name in partials or name in STANDALONE_DOCUMENTS:
            continue
        if layout_of(name, known) is None:
            yield Violation(
                path, 1, "a page must extend base.html or standalone.html (or be a partial)"
            )


def test_every_page_template_extends_the_layout_or_is_a_partial():
    violations = list(templates_outside_the_layout())
    assert violations == [], report(
        violations,
        "Pages extend the layout so they share navigation, messages and styles; partials "
        "are included by another template or named _name.html:",
    )


# --- The rules catch what they promise to catch -------------------------------------------


def test_the_inline_code_patterns_catch_handlers_styles_and_scripts():
    tag = '<button type="submit" onclick="go()" style="color:red">'
    assert HANDLER_ATTRIBUTE.search(tag)
    assert STYLE_ATTRIBUTE.search(tag)
    assert HANDLER_ATTRIBUTE.search('<div hx-on::after-request="x()">')
    assert not HANDLER_ATTRIBUTE.search('<input name="done" data-one="1">')
    assert INLINE_SCRIPT.search("<script>alert(1)</script>").group(1)
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script>').group(1).strip()


def test_the_queryset_heuristic_finds_bulk_updates_but_not_dictionaries():
    def flagged(code: str) -> bool:
        call = ast.parse(code).body[0].value
        return is_queryset(call.func.value)

    assert flagged("Person.objects.filter(active=True).update(active=False)")
    assert flagged("Person.objects.update(active=False)")
    assert not flagged("context.update(extra)")
