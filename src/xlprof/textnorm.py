"""Parsing what people type into spreadsheets: one parser for the reader, the Excel
functions and the live Recalculate (design.md section 5, the reading rule).

The rules (docs/bad-input.md lists every case and its test):

* Numbers: real numbers pass (booleans do not); ``decimal.Decimal`` (COM hands over
  Currency/Accounting cells so) passes; the integers COM hands over for error cells are
  errors. Text is read by :mod:`xlprof.io.evidence`: surrounding spaces, a currency sign or
  code and a trailing ``%`` are allowed (``"12 %"`` = 0.12); ``"1.234,56"``, ``"1,234.56"``,
  ``"12,5"``, ``"1'234.50"`` read one way only and are read; a lone ``"1,234"`` or
  ``"1.500"`` reads two ways and is refused (:class:`~xlprof.io.evidence.AmbiguousValue`,
  naming both readings and ``decimal_separator``) unless ``decimal=`` settles it. A reader
  that sees a whole column decides it from the column's evidence first (see
  :mod:`xlprof.io.reader`). NaN, infinities, ``"n/a"``, ``"-"`` and error texts such as
  ``"#N/A"`` are errors, not zeros.
* Yes/no: ``yes/no``, ``sí/si/no``, ``true/false``, ``y/n``, ``s/n``, ``1/0``, ``x``.
* Dates: real dates; text ``YYYY-MM-DD``, ``31/12/2027`` (day first), ``12/31/2027`` (month
  first), ``31-Dec-2027``; ``03/04/2027`` reads two ways and is refused unless ``order=``
  settles it. A bare number is not a date. Dates outside 1900-01-01 .. 2199-12-31 are typos
  (Excel starts in 1900; year 9999 plus a notice period overflows date arithmetic) and are
  errors.
"""

from __future__ import annotations

import datetime as dt
import decimal as decimal_
import math
import re
import unicodedata
from typing import Any

from .io import evidence
from .messages import Msg, msg

EXCEL_ERRORS = ("#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!",
                "#SPILL!", "#CALC!", "#GETTING_DATA", "#CONNECT!", "#BLOCKED!", "#UNKNOWN!",
                "#FIELD!", "#BUSY!", "#PYTHON!", "#EXTERNAL!")

# Excel hands error cells over COM as the HRESULT 0x800A0000 + CVErr code, a negative
# int32 (xlwings names the seven classic ones and passes the newer ones through as ints).
_COM_ERROR_BASE = -2146828288          # 0x800A0000 as a signed 32-bit integer
COM_ERROR_CODES = {2000: "#NULL!", 2007: "#DIV/0!", 2015: "#VALUE!", 2023: "#REF!",
                   2029: "#NAME?", 2036: "#NUM!", 2042: "#N/A", 2043: "#GETTING_DATA",
                   2045: "#SPILL!", 2046: "#CONNECT!", 2047: "#BLOCKED!", 2048: "#UNKNOWN!",
                   2049: "#FIELD!", 2050: "#CALC!"}


def com_error(value: Any) -> str | None:
    """The Excel error an integer from COM stands for (``-2146826246`` is ``#N/A``), else None.

    Any code in Excel's CVErr range 2000..2099 counts, named or not: no amount in a
    spreadsheet is within a hundred of -2,146,826,288 by chance.
    """
    if isinstance(value, bool) or not isinstance(value, int) and type(value).__module__ != "numpy":
        return None
    try:
        if float(value) != int(value):
            return None
        code = int(value) - _COM_ERROR_BASE
    except (TypeError, ValueError, OverflowError):
        return None
    if 2000 <= code <= 2099:
        return COM_ERROR_CODES.get(code, f"#ERROR({code})")
    return None



def _fold(text: Any) -> str:
    """``text`` in lower case without accents (``"Sí"`` -> ``"si"``)."""
    s = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def norm_key(text: Any) -> str:
    """Header/key normal form: lower case, no accents, no spaces/underscores/hyphens/dots."""
    return re.sub(r"[\s_\-./()]+", "", _fold(text))


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return False  # NaN is not blank: it is an error, caught by parse_number
    if isinstance(value, str):
        return not value.strip()
    try:  # pandas NA / NaT
        import pandas as pd

        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False


def as_typed(v: Any) -> str:
    """A cell's value as the user typed it, for messages: ``-5`` for the float -5.0 a
    workbook stores (and numpy's ``np.int64(-5)``), ``-5.5``; text quoted (``'-5'``)."""
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def excel_error(value: Any) -> str | None:
    """The Excel error text (``#N/A``...) if ``value`` is one (as text, or as the integer
    COM hands over), else None."""
    if not isinstance(value, str):
        return com_error(value)
    if isinstance(value, str):
        s = value.strip().upper()
        for err in EXCEL_ERRORS:
            if s == err:
                return err
    return None


def parse_number(value: Any, *, decimal: str = "auto") -> float | None:
    """A finite float, or None for blank; raises ValueError with a reason otherwise.

    ``decimal`` (``"auto"``, ``"."`` or ``","``: the Settings key ``decimal_separator``)
    settles text that reads two ways (``"1,234"``); with ``"auto"`` such text raises
    :class:`~xlprof.io.evidence.AmbiguousValue` (a ValueError) naming both readings.
    Text that proves its separator (``"12,5"``, ``"1,234.56"``) is read whatever ``decimal``.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(msg("yesno_not_number", value=value))
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        raise ValueError(msg("date_not_number", value=value))
    if isinstance(value, decimal_.Decimal):  # COM: Currency/Accounting-formatted cells
        if not value.is_finite():
            raise ValueError(msg("not_finite_str", value=value))
        return float(value)
    err = com_error(value)
    if err:
        raise ValueError(msg("error_not_number", code=err))
    if isinstance(value, (int, float)) or type(value).__module__ == "numpy":
        try:
            f = float(value)
        except (TypeError, ValueError, OverflowError):  # OverflowError: int beyond 1e308
            raise ValueError(msg("not_finite", value=value)) from None
        if not math.isfinite(f):               # named as a float: nan, not np.float64(nan)
            raise ValueError(msg("not_finite", value=f))
        return f
    if not isinstance(value, str):
        raise ValueError(msg("not_a_number", value=value))
    err = excel_error(value)
    if err:
        raise ValueError(msg("error_not_number", code=err))
    cls = evidence.number_class(value)
    if cls is None:
        raise ValueError(msg("not_a_number", value=value))
    sep = evidence.decide_decimal({cls: value}, setting=decimal, scope="")
    return evidence.to_number(value, sep)


_YES = {"yes", "y", "si", "s", "true", "verdadero", "1", "x", "1.0"}
_NO = {"no", "n", "false", "falso", "0", "0.0"}


def parse_bool(value: Any) -> bool | None:
    """True/False, or None for blank; raises ValueError otherwise."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    key = _fold(value).strip()    # not norm_key: its dropped '-' and '.' made "-1" a yes and "1.0" no yes/no
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(msg("not_yesno", value=as_typed(value)))


MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)


def parse_date(value: Any, *, order: str = "auto") -> dt.date | None:
    """A date between MIN_DATE and MAX_DATE, or None for blank; raises ValueError otherwise.

    ``order`` (``"auto"``, ``"dmy"``, ``"mdy"``, ``"ymd"``: the Settings key ``date_order``)
    settles text dates that read two ways (``"03/04/2027"``); with ``"auto"`` they raise
    :class:`~xlprof.io.evidence.AmbiguousValue` naming both readings.
    """
    d = _parse_date(value, order)
    if d is not None and not MIN_DATE <= d <= MAX_DATE:
        raise ValueError(date_out_of_range(d))
    return d


def date_out_of_range(d: dt.date) -> Msg:
    """Why date ``d`` is refused (outside MIN_DATE..MAX_DATE)."""
    return msg("date_out_of_range", date=d.isoformat(), low=MIN_DATE.isoformat(), high=MAX_DATE.isoformat())


def _parse_date(value: Any, order: str) -> dt.date | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):        # pandas Timestamp too (a datetime subclass)
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        cls = evidence.date_class(value)
        if cls is None:
            return evidence.to_date(value, None)      # raises the reason
        return evidence.to_date(value, evidence.decide_date_order({cls: value}, setting=order, scope=""))
    if isinstance(value, bool):
        raise ValueError(msg("yesno_not_date", value=value))
    if isinstance(value, (int, float)):
        raise ValueError(msg("number_not_date", value=value))
    raise ValueError(msg("not_a_date", value=value))
