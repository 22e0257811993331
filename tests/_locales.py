"""How Excel in a few locales writes numbers and dates into CSV files and text cells.

Excel's "Save as CSV" writes each cell as displayed, with the system's list separator as the
delimiter: Spanish Excel writes ``1.234,56`` and ``31/12/2027`` separated by ``;``; US Excel
``1,234.56`` and ``12/31/2027`` separated by ``,``; Swiss (de-CH) ``1'234.56`` and
``31.12.2027`` with ``;``; UK ``1,234.56`` and ``31/12/2027`` with ``,``. Which of a locale's
spellings a cell gets depends on its number format: General (no thousands separator), ``#,##0``
or ``#,##0.00``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

LOCALES = {  # decimal mark, thousands separator, CSV delimiter, date format
    "es": (",", ".", ";", "{d:02d}/{m:02d}/{y}"),
    "us": (".", ",", ",", "{m}/{d}/{y}"),
    "ch": (".", "'", ";", "{d:02d}.{m:02d}.{y}"),
    "uk": (".", ",", ",", "{d:02d}/{m:02d}/{y}"),
}
FORMATS = ("general", "thousands", "thousands_cents")


def number(x: Decimal, locale: str, fmt: str) -> str:
    """``x`` (cents at most) as the locale's Excel displays it with number format ``fmt``."""
    dec, grp, _, _ = LOCALES[locale]
    if fmt == "general":
        s = format(x.normalize(), "f") if x != x.to_integral_value() else str(int(x))
        return s.replace(".", dec)
    places = 2 if fmt == "thousands_cents" else 0
    s = f"{x:,.{places}f}"                                   # 1,234.56
    return s.replace(",", "\0").replace(".", dec).replace("\0", grp)


def date(d: dt.date, locale: str) -> str:
    return LOCALES[locale][3].format(d=d.day, m=d.month, y=d.year)


def delimiter(locale: str) -> str:
    return LOCALES[locale][2]
