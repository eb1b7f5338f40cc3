"""The translation catalogs do not silently re-translate each other.

Django looks a message up in ``LOCALE_PATHS`` (the project catalog, ``locale/``) before the apps'
own catalogs, so an entry added to the project catalog for one app's page changes the same English
text on every other app's pages. That happened once: billing's work orders added "Accept" → 受理,
and the order page's 接单 button became 受理 (the browser flow caught it). A new message shared by two
areas must use a context (``pgettext``) or agree on one translation.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

# Differences that were there before this check, each read and found harmless on its pages (the
# project's word is the one shown everywhere). Do not add to this list: give the message a context.
KNOWN = {
    "code", "level", "Level", "description", "Open", "Done.", "kind", "Kind", "body", "from", "to",
    "Timeline", "on time", "Paused", "frozen at", "Item", "note", "Note", "reason", "active",
    "This cannot be done now: the record is “%(state)s”.",
}  # fmt: skip

_ENTRY = re.compile(
    r'(?:msgctxt "((?:[^"\\]|\\.)*)"\n)?msgid ((?:"(?:[^"\\]|\\.)*"\n?)+)msgstr ((?:"(?:[^"\\]|\\.)*"\n?)+)'
)


def _joined(quoted: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', quoted))


def entries(path: Path) -> dict[tuple[str | None, str], str]:
    found = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        text = "\n".join(line for line in block.split("\n") if not line.startswith("#")) + "\n"
        match = _ENTRY.search(text)
        if match and _joined(match.group(2)):
            found[(match.group(1), _joined(match.group(2)))] = _joined(match.group(3))
    return found


def test_the_project_catalog_does_not_re_translate_an_apps_messages():
    project = entries(PROJECT)
    clashes = []
    for path in sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")):
        for key, text in entries(path).items():
            theirs = project.get(key)
            if text and theirs and theirs != text and key[1] not in KNOWN:
                clashes.append(f"{path.parts[-5]}: {key[1]!r} is {text} there but {theirs} in locale/")
    assert clashes == []


def test_the_check_sees_a_clash(tmp_path):
    po = tmp_path / "django.po"
    po.write_text('msgid "Accept"\nmsgstr "受理"\n\nmsgctxt "x"\nmsgid "Accept"\nmsgstr "接单"\n', encoding="utf-8")
    assert entries(po) == {(None, "Accept"): "受理", ("x", "Accept"): "接单"}
