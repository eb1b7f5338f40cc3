"""File sizes in the apps (issue 12, acceptance "no file in the apps over ~500 lines except models").

The apps are core, sla, accounts, responses, faults, billing and config, and any other top-level
directory with an ``apps.py``. Every ``.py`` file in them counts except files named ``models.py``
and files under ``migrations/``. A file over ``MAX_LINES`` lines fails, naming it and its count:
split it by resource (faults/api/ and responses/api/ show how).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 500
NAMED_APPS = ("core", "sla", "accounts", "responses", "faults", "billing", "config")


def app_dirs(root: Path) -> list[Path]:
    found = {p.parent for p in root.glob("*/apps.py")}
    return sorted(found | {root / name for name in NAMED_APPS if (root / name).is_dir()})


def oversized(root: Path, max_lines: int = MAX_LINES) -> list[str]:
    """``"<path>: <n> lines"`` for every counted file longer than ``max_lines``."""
    found = []
    for app in app_dirs(root):
        for path in sorted(app.rglob("*.py")):
            relative = path.relative_to(root)
            if path.name == "models.py" or "migrations" in relative.parts:
                continue
            with path.open("rb") as f:
                lines = sum(1 for _ in f)
            if lines > max_lines:
                found.append(f"{relative.as_posix()}: {lines} lines")
    return found


def test_no_app_file_over_500_lines():
    assert oversized(ROOT) == [], f"files over {MAX_LINES} lines (split them): {oversized(ROOT)}"


def test_the_check_sees_a_long_file_and_skips_models_and_migrations(tmp_path):
    long = "\n".join(["x = 1"] * 6) + "\n"
    counted = ("shop/apps.py", "shop/views.py", "config/urls.py")
    for name in (*counted, "shop/models.py", "shop/migrations/0001_initial.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(long)
    (tmp_path / "notanapp").mkdir()
    (tmp_path / "notanapp" / "big.py").write_text(long)
    assert oversized(tmp_path, max_lines=5) == [
        "config/urls.py: 6 lines",
        "shop/apps.py: 6 lines",
        "shop/views.py: 6 lines",
    ]
