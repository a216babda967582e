"""How visible signatures look: the signature image, the seal image, the attachment line."""

from datetime import datetime
from pathlib import Path

from django.conf import settings
from PIL import Image
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

from apps.core.working_days import VN_TZ

ATTACHMENT_FONT_SIZE = 10  # Times 10 pt (Decree 30/2020, Annex I)


def _termes() -> Path:
    return Path(settings.FONTS_DIR) / "tex-gyre-termes" / "texgyretermes-regular.otf"


_CENTRED = layout.SimpleBoxLayoutRule(
    x_align=layout.AxisAlignment.ALIGN_MID,
    y_align=layout.AxisAlignment.ALIGN_MID,
    margins=layout.Margins.uniform(0),
    inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
)


def image_style(image: Image.Image) -> TextStampStyle:
    """Only the image (signature or seal), fully opaque where it is drawn, no border, no text."""
    return TextStampStyle(
        stamp_text="",
        border_width=0,
        background=PdfImage(image),
        background_opacity=1.0,
        background_layout=_CENTRED,
    )


class AttachmentStampStyle(TextStampStyle):
    """Number and symbol and the signing time in ISO 8601, Vietnam time (pyHanko gives host time)."""

    def create_stamp(self, writer, box, text_params):
        moment = datetime.strptime(text_params["ts"], self.timestamp_format)
        text_params = {**text_params, "ts": moment.astimezone(VN_TZ).isoformat(timespec="seconds")}
        return super().create_stamp(writer, box, text_params)


def attachment_style(reference: str) -> TextStampStyle:
    font = GlyphAccumulatorFactory(str(_termes()), font_size=ATTACHMENT_FONT_SIZE)
    return AttachmentStampStyle(
        stamp_text=f"Số: {reference.replace('%', '%%')} — %(ts)s",
        timestamp_format="%Y-%m-%dT%H:%M:%S%z",
        border_width=0,
        text_box_style=TextBoxStyle(
            font=font,
            font_size=ATTACHMENT_FONT_SIZE,
            leading=ATTACHMENT_FONT_SIZE + 2,
            box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MAX,
                y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins(left=0, right=0, top=4, bottom=4),
            ),
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )
