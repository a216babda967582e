"""Vietnamese is complete: the catalogue, the template strings, the rendered pages and the fonts."""

import fcntl
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.signals import setting_changed

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
VI_PO = LOCALE_DIR / "vi" / "LC_MESSAGES" / "django.po"
TEMPLATE_DIRS = [BASE_DIR / "templates", *sorted((BASE_DIR / "apps").glob("*/templates"))]
TEMPLATES = sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))
FONTS_DIR = BASE_DIR / "static" / "fonts"
VIETNAMESE_LETTERS = (
    "ẮẰẲẴẶắằẳẵặẤẦẨẪẬấầẩẫậĐđÉÈẺẼẸÊẾỀỂỄỆíìỉĩịỐỒỔỖỘốồổỗộƠỚỜỞỠỢơớờởỡợÚÙỦŨỤƯỨỪỬỮỰưứừửữựÝỲỶỸỴýỳỷỹỵĂăÂâÔôÀÁẢÃẠàáảãạÒÓỎÕỌòóỏõọ₫"
)


def stale_catalogues() -> list[Path]:
    return [
        po
        for po in LOCALE_DIR.glob("*/LC_MESSAGES/django.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    """Compile the .mo files when missing or older than their .po, then drop Django's cached catalogues."""
    # pytest-xdist workers start together: one compiles while the others wait, so none reads a half-written .mo.
    with (Path(tempfile.gettempdir()) / "egov-compilemessages.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stale_catalogues():
            call_command("compilemessages", verbosity=0, ignore=[".venv", "var"])
    # Catalogues this process loaded earlier (at start-up, migrations) may predate the .mo another worker wrote.
    setting_changed.send(sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False)


@dataclass
class PoEntry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def po_entries(path: Path) -> list[PoEntry]:
    """Read the active entries of a .po file (obsolete ``#~`` ones are left out)."""
    entries: list[PoEntry] = []
    flags: set[str] = set()
    current: PoEntry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            text = json.loads(line)
        else:
            text = json.loads(rest)
            if keyword in ("msgctxt", "msgid") and (current is None or current.msgstr):
                current = PoEntry(msgid="", flags=flags, line=number)
                entries.append(current)
                flags = set()
            assert current is not None, f"{path}:{number}: {keyword} before msgid"
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
                current.msgstr.extend([""] * (index + 1 - len(current.msgstr)))
                target = ("msgstr", index)
            else:
                setattr(current, keyword, "")
                target = (keyword, 0)
        assert current is not None and target is not None, f"{path}:{number}: text outside an entry"
        name, index = target
        if name == "msgstr":
            current.msgstr[index] += text
        else:
            setattr(current, name, getattr(current, name) + text)
    return entries


def vi_catalogue() -> dict[tuple[str | None, str], PoEntry]:
    return {(entry.msgctxt, entry.msgid): entry for entry in po_entries(VI_PO) if entry.msgid}


TRANSLATE_TAG = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(?P<q>["'])(?P<msgid>.*?)(?P=q)"""
    r"""(?:\s+noop)?(?:\s+context\s+(?P<cq>["'])(?P<context>.*?)(?P=cq))?[^%]*%\}""",
    re.DOTALL,
)
BLOCK_TAG = re.compile(
    r"\{%\s*(?:blocktranslate|blocktrans)(?P<args>[^%]*)%\}(?P<body>.*?)\{%\s*(?:endblocktranslate|endblocktrans)\s*%\}",
    re.DOTALL,
)
TEMPLATE_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def template_msgids(path: Path) -> list[tuple[str | None, str]]:
    """Return the (context, msgid) pairs that makemessages would take from a template's literal tags."""
    source = path.read_text(encoding="utf-8")
    found = [(m["context"], m["msgid"]) for m in TRANSLATE_TAG.finditer(source)]
    for block in BLOCK_TAG.finditer(source):
        body = block["body"].split("{% plural %}")[0]
        body = TEMPLATE_VARIABLE.sub(lambda m: f"%({m[1]})s", body.replace("%", "%%").replace("%%(", "%("))
        if "trimmed" in block["args"].split():
            body = " ".join(line.strip() for line in body.splitlines() if line.strip())
        context = re.search(r"""context\s+(["'])(.*?)\1""", block["args"])
        found.append((context[2] if context else None, body))
    return found


def test_vi_catalogue_is_complete_and_has_no_fuzzy_entry():
    entries = po_entries(VI_PO)

    untranslated = [e.msgid for e in entries if e.msgid and not all(e.msgstr)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]

    assert len(entries) > 50
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
@pytest.mark.parametrize("language", ["vi", "en"])
def test_catalogue_compiles_with_matching_placeholders(language):
    po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"

    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    if language == "vi":
        assert "untranslated" not in result.stderr
        assert "fuzzy" not in result.stderr


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_every_template_string_is_translated_to_vietnamese(template):
    catalogue = vi_catalogue()

    missing = [key for key in template_msgids(template) if key not in catalogue or not all(catalogue[key].msgstr)]

    assert missing == [], "run makemessages and translate these in locale/vi/LC_MESSAGES/django.po"


def test_template_scanner_reads_translate_and_blocktranslate(tmp_path):
    template = tmp_path / "sample.html"
    template.write_text(
        "{% translate \"Sign in\" %}{% trans 'Home' context 'menu' %}"
        "{% blocktranslate with name=user.full_name %}Hello, {{ name }}{% endblocktranslate %}",
        encoding="utf-8",
    )

    assert template_msgids(template) == [(None, "Sign in"), ("menu", "Home"), (None, "Hello, %(name)s")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("/", ["Cổng dịch vụ công", "Tỉnh Hà Tĩnh", "Dịch vụ công tỉnh Hà Tĩnh"], id="home"),
        pytest.param("/tai-khoan/dang-nhap/", ["Đăng nhập", "Tên đăng nhập", "Mật khẩu"], id="login"),
    ],
)
def test_pages_are_vietnamese_by_default(client, path, expected):
    response = client.get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    for text in expected:
        assert text in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "expected", "vietnamese"),
    [
        pytest.param("/", ["Public service portal", "Hà Tĩnh Province"], "Cổng dịch vụ công", id="home"),
        pytest.param("/tai-khoan/dang-nhap/", ["Sign in", "Username", "Password"], "Tên đăng nhập", id="login"),
    ],
)
def test_pages_switch_to_english_when_the_visitor_chooses_it(client, path, expected, vietnamese):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(path)

    html = response.content.decode()
    assert '<html lang="en">' in html
    for text in expected:
        assert text in html
    assert vietnamese not in html


@pytest.mark.django_db
def test_a_browser_set_to_english_still_gets_vietnamese(client):
    # Many phones in Vietnam run an English system language; the portal speaks Vietnamese unless
    # the visitor picks English with the language form.
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})

    assert '<html lang="vi">' in response.content.decode()


INLINE_STYLE = re.compile(r"\sstyle\s*=|<style[\s>]", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\s(?:on[a-z]+|hx-on[:\w-]*)\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


# Templates rendered to PDF by WeasyPrint (never served to a browser) carry their print CSS inline.
PRINT_TEMPLATE_DIRS = [BASE_DIR / "apps" / "dossiers" / "templates" / "dossiers" / "forms"]
WEB_TEMPLATES = [t for t in TEMPLATES if not any(t.is_relative_to(d) for d in PRINT_TEMPLATE_DIRS)]


@pytest.mark.parametrize("template", WEB_TEMPLATES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_template_has_no_inline_style_or_script(template):
    source = template.read_text(encoding="utf-8")

    assert INLINE_STYLE.findall(source) == [], "the CSP forbids inline styles: use a class in static/css/egov.css"
    assert INLINE_HANDLER.findall(source) == [], "the CSP forbids inline event handlers: use static/js/egov.js"
    assert [tag for tag in SCRIPT_TAG.findall(source) if "src=" not in tag] == [], "the CSP forbids inline scripts"


def font_faces():
    yield from (pytest.param([otf], id=otf.name) for otf in sorted((FONTS_DIR / "tex-gyre-termes").glob("*.otf")))
    # The UI font is split into subsets by unicode-range; together they must cover the alphabet.
    for weight in (400, 600, 700):
        subsets = sorted((FONTS_DIR / "be-vietnam-pro").glob(f"be-vietnam-pro-*-{weight}-normal.woff2"))
        yield pytest.param(subsets, id=f"be-vietnam-pro-{weight}")


@pytest.mark.parametrize("faces", list(font_faces()))
def test_font_has_every_vietnamese_letter(faces):
    ttlib = pytest.importorskip("fontTools.ttLib")

    covered = set().union(*(ttlib.TTFont(face).getBestCmap() for face in faces))

    assert faces
    assert [letter for letter in VIETNAMESE_LETTERS if ord(letter) not in covered] == []
