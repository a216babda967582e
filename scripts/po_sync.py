"""Refresh the gettext catalogues and fill them from the per-part translation files.

    uv run python scripts/po_sync.py

Runs ``makemessages`` over the whole tree, then takes the Vietnamese translation of every new
string from ``locale/pending/*.po`` (small hand-written catalogues kept by whoever adds strings
in parallel work), clears the fuzzy flag where such a translation was found, fills the English
catalogue with the msgid itself, compiles, and prints what is still untranslated or fuzzy.
It holds a lock so two runs never rewrite the catalogues at once.
"""

import fcntl
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
IGNORE = [".venv", ".tools", "var", "static", "tests/vendor", "bench"]


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def pending_translations() -> dict[tuple[str | None, str], polib.POEntry]:
    found: dict[tuple[str | None, str], polib.POEntry] = {}
    for path in sorted((ROOT / "locale" / "pending").glob("*.po")):
        for entry in polib.pofile(str(path)):
            if entry.msgstr or entry.msgstr_plural:
                found[_key(entry)] = entry
    return found


def fill(language: str, pending: dict) -> list[str]:
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path), wrapwidth=120)
    left: list[str] = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        source = pending.get(_key(entry))
        if language == "en":
            source = None
            if entry.msgid_plural and (not any(entry.msgstr_plural.values()) or "fuzzy" in entry.flags):
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            elif not entry.msgid_plural and (not entry.msgstr or "fuzzy" in entry.flags):
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        if source is not None and (not (entry.msgstr or any(entry.msgstr_plural.values())) or "fuzzy" in entry.flags):
            if entry.msgid_plural:
                entry.msgstr_plural = dict(source.msgstr_plural) or {0: source.msgstr}
            else:
                entry.msgstr = source.msgstr
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgctxt = None
            entry.previous_msgid_plural = None  # alone it is a syntax error for msgfmt
        untranslated = not entry.msgstr and not any((entry.msgstr_plural or {}).values())
        if untranslated or "fuzzy" in entry.flags:
            where = entry.occurrences[0][0] if entry.occurrences else "?"
            left.append(f"{language}: {'fuzzy' if not untranslated else 'missing'}: {entry.msgid!r} ({where})")
    catalogue.save(str(path))
    return left


def main() -> int:
    (ROOT / "var").mkdir(exist_ok=True)
    with (ROOT / "var" / "po-sync.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _sync()


def _sync() -> int:
    manage = [sys.executable, str(ROOT / "manage.py")]
    ignores = [f"--ignore={name}" for name in IGNORE]
    subprocess.run([*manage, "makemessages", "-l", "vi", "-l", "en", "-v0", *ignores], cwd=ROOT, check=True)
    pending = pending_translations()
    left = fill("vi", pending) + fill("en", pending)
    compile_ignores = ["--ignore=.venv", "--ignore=.tools", "--ignore=var"]
    subprocess.run([*manage, "compilemessages", "-v0", *compile_ignores], cwd=ROOT, check=True)
    for line in left:
        print(line)
    print(f"{len(left)} chuỗi còn thiếu bản dịch hoặc bị đánh dấu fuzzy.")
    return 1 if left else 0


if __name__ == "__main__":
    raise SystemExit(main())
