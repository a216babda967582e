"""The images a visible signature shows, drawn at run time (no copied artwork).

Decree 30/2020 Annex I: the person's handwritten signature is a blue PNG with a transparent
background; the organisation's seal is a red PNG at true size, also transparent. Officials and
agencies may upload their real images later; until then these drawings stand in for them.
"""

import functools
import io
import math
import random
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

SIGNATURE_BLUE = (18, 52, 180, 255)
SEAL_RED = (214, 24, 32, 255)
SEAL_DIAMETER_MM = 36  # the round seal of a provincial agency
SEAL_PIXELS = 720  # about 500 dpi at 36 mm


def _font(size: int, *, bold: bool = True) -> ImageFont.FreeTypeFont:
    name = "texgyretermes-bold.otf" if bold else "texgyretermes-regular.otf"
    return ImageFont.truetype(str(Path(settings.FONTS_DIR) / "tex-gyre-termes" / name), size)


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@functools.lru_cache(maxsize=64)
def signature_image(seed: str, *, width: int = 600, height: int = 240) -> Image.Image:
    """A blue handwritten-looking scribble, the same for the same ``seed`` (e.g. the official's UUID)."""
    rng = random.Random(seed)  # noqa: S311 - a drawing, not a secret
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = []
    x, mid = width * 0.08, height * 0.55
    loops = rng.randint(4, 6)
    for i in range(loops * 24):
        t = i / 24
        x += width * 0.62 / (loops * 24)
        y = mid - math.sin(t * math.pi * 2) * height * (0.18 + 0.1 * rng.random()) - t * height * 0.03
        points.append((x + math.cos(t * math.pi * 2) * width * 0.035, y))
    draw.line(points, fill=SIGNATURE_BLUE, width=7, joint="curve")
    # the long closing stroke and the underline flourish
    tail = [(points[-1][0], points[-1][1])]
    for i in range(1, 30):
        t = i / 30
        tail.append((points[-1][0] + t * width * 0.22, points[-1][1] - math.sin(t * math.pi) * height * 0.3))
    draw.line(tail, fill=SIGNATURE_BLUE, width=6, joint="curve")
    under = [(width * (0.12 + 0.78 * i / 40), height * (0.86 - 0.08 * math.sin(i / 40 * math.pi))) for i in range(41)]
    draw.line(under, fill=SIGNATURE_BLUE, width=5, joint="curve")
    return image


@functools.lru_cache(maxsize=64)
def seal_image(agency_name: str, place: str = "HÀ TĨNH") -> Image.Image:
    """A red round seal: double ring, the agency's name around the top, a star and the place."""
    size = SEAL_PIXELS
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = size / 2
    draw.ellipse((8, 8, size - 8, size - 8), outline=SEAL_RED, width=14)
    draw.ellipse((92, 92, size - 92, size - 92), outline=SEAL_RED, width=6)
    _text_on_arc(image, agency_name.upper(), radius=c - 56, font=_font(44))
    _star(draw, c, c + 8, 92, 38)
    bottom = _font(46)
    width = draw.textlength(place, font=bottom)
    draw.text((c - width / 2, c + 130), place, font=bottom, fill=SEAL_RED)
    return image


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, outer: float, inner: float) -> None:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=SEAL_RED)


def _text_on_arc(image: Image.Image, text: str, *, radius: float, font: ImageFont.FreeTypeFont) -> None:
    """Write ``text`` clockwise along the top of a circle, letters upright towards the centre."""
    c = image.width / 2
    probe = ImageDraw.Draw(image)
    widths = [probe.textlength(ch, font=font) for ch in text]
    natural = sum(widths) * 1.12 / radius  # a little letter spacing
    total_angle = min(natural, math.radians(290))
    scale = 1.12 * total_angle / natural
    angle = -math.pi / 2 - total_angle / 2
    ascent, _ = font.getmetrics()
    for ch, w in zip(text, widths, strict=True):
        step = w * scale / radius
        middle = angle + step / 2
        tile = Image.new("RGBA", (int(w) + 40, ascent + 60), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((20, 20), ch, font=font, fill=SEAL_RED)
        rotated = tile.rotate(-math.degrees(middle + math.pi / 2), resample=Image.Resampling.BICUBIC, expand=True)
        x = c + radius * math.cos(middle) - rotated.width / 2
        y = c + radius * math.sin(middle) - rotated.height / 2
        image.alpha_composite(rotated, (int(x), int(y)))
        angle += step
