"""Where visible signatures go on the page (Decree 30/2020, Annex I).

The document's template leaves an empty box between the signer's position and name; the
person's signature image fills it, and the organisation's seal (true size) overlaps the left
third of it. Attachments are signed top right of page 1 with a line of text and no image.
"""

import io
import subprocess
import unicodedata
from dataclasses import dataclass

from defusedxml import ElementTree
from pyhanko.pdf_utils.reader import PdfFileReader

MM = 72 / 25.4
SEAL_DIAMETER = 36 * MM


@dataclass(frozen=True)
class SignatureBox:
    """A rectangle on a page, in PDF points from the bottom-left corner; ``page`` counts from 0."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return self.y2 - self.y1

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (round(self.x1), round(self.y1), round(self.x2), round(self.y2))

    def as_dict(self) -> dict:
        return {"page": self.page, "x1": self.x1, "y1": self.y1, "x2": self.x2, "y2": self.y2}


def seal_box(signature: SignatureBox, *, diameter: float = SEAL_DIAMETER) -> SignatureBox:
    """Where the seal goes: true size, over the left third of the signature, centred on its height."""
    right = signature.x1 + signature.width / 3
    middle = (signature.y1 + signature.y2) / 2
    return SignatureBox(signature.page, right - diameter, middle - diameter / 2, right, middle + diameter / 2)


def attachment_box(pdf: bytes, *, width: float = 290, height: float = 22) -> SignatureBox:
    """Top right of page 1, inside the right margin (15 mm) and 8 mm from the top edge."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    page = reader.root["/Pages"]
    while "/Kids" in page and "/MediaBox" not in page:
        page = page["/Kids"][0].get_object()
    _, _, x2, y2 = (float(v) for v in page["/MediaBox"])
    right, top = x2 - 15 * MM, y2 - 8 * MM
    return SignatureBox(0, right - width, top - height, right, top)


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def signature_box_between(
    pdf: bytes, *, above: str, below: str, width: float = 60 * MM, gap: float = 1.5 * MM
) -> SignatureBox | None:
    """The empty box between the line ``above`` (the position) and the line ``below`` (the name).

    Read from the text layout poppler reports (``pdftotext -bbox-layout``), on the last page where
    both lines appear, the name under the position; centred on the position line. None if absent.
    """
    result = subprocess.run(
        ["pdftotext", "-bbox-layout", "-", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        timeout=60,
        check=True,
    )
    root = ElementTree.fromstring(result.stdout)
    namespace = "{http://www.w3.org/1999/xhtml}"
    found = None
    for number, page in enumerate(root.iter(f"{namespace}page")):
        height = float(page.get("height"))
        lines = [
            (_fold(" ".join(w.text or "" for w in line.iter(f"{namespace}word"))), line)
            for line in page.iter(f"{namespace}line")
        ]
        tops = [line for text, line in lines if text == _fold(above)]
        bottoms = [line for text, line in lines if text == _fold(below)]
        for top in tops:
            for bottom in bottoms:
                if float(bottom.get("yMin")) > float(top.get("yMax")):
                    centre = (float(top.get("xMin")) + float(top.get("xMax"))) / 2
                    found = SignatureBox(
                        number,
                        centre - width / 2,
                        height - float(bottom.get("yMin")) + gap,
                        centre + width / 2,
                        height - float(top.get("yMax")) - gap,
                    )
    return found
