"""docs/architecture.md's "Error boundaries" is the one list of mvae's typed errors (helper-411 found two lists that
disagreed, each missing some): every :class:`~mvae_core.errors.MvaeError` subclass of the packages is named there,
under the exit code it has (``exit_code``, 2 unless a class sets another; one whose ``__init__`` sets it is listed
apart), and every error named there exists. Read from the source (no imports): a fast test."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("mvae_core", "mvae_plugins", "schedules")
BASE = "MvaeError"


def _classes() -> dict[str, tuple[list[str], int | None, bool]]:
    """Every class of the packages by name: its bases' names, the ``exit_code`` its body sets (None: inherited) and
    whether its ``__init__`` sets one."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.parse(path.read_text()).body:  # mvae defines its errors at module level
                if not isinstance(node, ast.ClassDef):
                    continue
                bases = [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases]
                code, in_init = None, False
                for item in node.body:
                    if isinstance(item, ast.AnnAssign | ast.Assign) and item.value is not None:
                        targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                        if any(getattr(t, "id", None) == "exit_code" for t in targets):
                            code = ast.literal_eval(item.value)
                    if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                        in_init = "self.exit_code =" in ast.unparse(item)
                found[node.name] = (bases, code, in_init)
    return found


def _errors() -> dict[str, int | None]:
    """Every MvaeError subclass and its exit code (None: set per instance, in ``__init__``)."""
    classes = _classes()

    def code(name: str) -> int | None:
        bases, own, in_init = classes[name]
        if in_init:
            return None
        if own is not None:
            return own
        return next((code(b) for b in bases if b in classes and _is_error(b)), 2)

    def _is_error(name: str) -> bool:
        return name == BASE or any(b in classes and _is_error(b) for b in classes[name][0])

    return {name: code(name) for name in classes if name != BASE and _is_error(name)}


def _listed() -> dict[str, int | None]:
    """The errors the doc lists, by the exit code of the group that first names them (None: "its cause's")."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text[text.index("**Error boundaries:**") : text.index("The library raises them")]
    listed: dict[str, int | None] = {}
    for group in re.split(r"\n    - \*\*", section)[1:]:
        head = re.match(r"(\d+)?", group).group(1)
        code = int(head) if head and int(head) < 128 else None
        for token in re.findall(r"`([\w.]+)`", group):
            name = token.rsplit(".", 1)[-1]
            if name[0].isupper():
                listed.setdefault(name, code)  # where it is first named (a later mention refers back to it)
    return listed


def test_every_typed_error_is_listed_once_under_its_exit_code() -> None:
    errors, listed = _errors(), _listed()
    assert sorted(set(errors) - set(listed)) == [], "MvaeError subclasses architecture.md does not list"
    assert sorted(set(listed) - set(errors)) == [], "listed in architecture.md but no MvaeError subclass"
    wrong = {name: (listed[name], code) for name, code in errors.items() if listed[name] != code}
    assert wrong == {}, "listed under another exit code (listed, the code's)"
