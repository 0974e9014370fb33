"""The one font family every document embeds: Bitstream Vera, shipped inside reportlab.

PDF/A forbids the non-embedded base-14 fonts (Helvetica, Courier) reportlab uses by default,
so every style names these families, registered once.
"""

import functools
from pathlib import Path

import reportlab
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR, BOLD, ITALIC, BOLD_ITALIC = "CabinetSans", "CabinetSans-Bold", "CabinetSans-It", \
    "CabinetSans-BoldIt"
_FILES = {REGULAR: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf", BOLD_ITALIC: "VeraBI.ttf"}


@functools.cache
def register() -> None:
    """Register the family with reportlab (idempotent)."""
    folder = Path(reportlab.__file__).parent / "fonts"
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD_ITALIC)
