"""One place for cell formats: inputs look like inputs, formulas are locked, one currency policy.

Amounts are stored at full precision. Detail sheets show them with cents; summary views
(Dashboard, Segmentation, Client) without. Rates carry their currency, volumes show as
typed (no ".00"), percentages with one decimal, dates ISO.
"""

from __future__ import annotations

import math

_CURRENCY = {  # number format: prefix/suffix around the amount
    "EUR": ("", " [$€-x-euro2]"),
    "USD": ("[$$-409]", ""),
    "GBP": ("[$£-809]", ""),
}
INPUT_FILL = "#FFF2CC"
HEADER_FILL = "#1F3864"
NOTICE_RED = "#C00000"
STALE_GREY = "#A6A6A6"
FOOTER = "&L&8&A&R&8&P / &N"     # sheet name left, page / pages right


def money_format(currency: str, decimals: int | str = 2) -> str:
    """Amounts in ``currency``: thousands separators, ``decimals`` decimals (an int, or a
    digits pattern such as ``"00##"``), negatives red with a minus sign."""
    digits = "0" * decimals if isinstance(decimals, int) else decimals
    number = "#,##0" + (f".{digits}" if digits else "")
    safe = currency.replace('"', "")
    pre, post = _CURRENCY.get(currency, ("", f' "{safe}"'))
    return f"{pre}{number}{post};[Red]-{pre}{number}{post}"


class Styles:
    """Formats of one workbook (XlsxWriter formats belong to one workbook)."""

    def __init__(self, wb, currency: str):
        add = wb.add_format
        money = money_format(currency)
        self.header = add({"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_FILL,
                           "text_wrap": True, "valign": "top", "border": 1})
        self.in_header = add({"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_FILL, "text_wrap": True,
                              "valign": "top", "border": 1, "locked": False})
        self.title = add({"bold": True, "font_size": 14, "font_color": HEADER_FILL})
        self.subtitle = add({"bold": True, "font_size": 11, "font_color": HEADER_FILL})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.label_wrap = add({"text_wrap": True, "valign": "bottom"})
        self.text = add({})
        self.bold = add({"bold": True})
        self.note = add({"italic": True, "font_color": "#595959"})
        self.notice = add({"bold": True, "font_color": NOTICE_RED})
        self.stale = add({"font_color": STALE_GREY, "italic": True})
        inp = {"bg_color": INPUT_FILL, "locked": False, "border": 1, "border_color": "#BFBFBF"}
        self.in_text = add({**inp})
        self.in_number = add({**inp, "num_format": "General"})
        self.in_money = add({**inp, "num_format": money})
        self.in_date = add({**inp, "num_format": "yyyy-mm-dd"})
        self.in_ratio = add({**inp, "num_format": "0.00%"})
        self.money = add({"num_format": money})
        self.money0 = add({"num_format": money_format(currency, 0)})
        self.number = add({"num_format": "#,##0.00"})
        self.hours = add({"num_format": "#,##0.0"})
        self.qty = add({"num_format": "General"})
        self.integer = add({"num_format": "#,##0"})
        self.rate = add({"num_format": money_format(currency, "00##")})
        self.pct = add({"num_format": "0.0%"})
        self.share = add({"num_format": "0%"})
        self.score = add({"num_format": "0.0"})
        self.signal = add({"num_format": "0.00"})
        self.sci = add({"num_format": "0.000000E+00"})
        self.date = add({"num_format": "yyyy-mm-dd"})
        self.money_bold = add({"num_format": money, "bold": True, "top": 1})
        self.money0_bold = add({"num_format": money_format(currency, 0), "bold": True, "top": 1})
        self.loss = add({"font_color": NOTICE_RED, "bg_color": "#FDE9E7"})
        self.ok = add({"font_color": "#006100", "bg_color": "#E2EFDA"})
        # totals rows: bold with a rule above
        tot = {"bold": True, "top": 1}
        self.total_label = add({**tot})
        self.total_money = add({**tot, "num_format": money})
        self.total_money0 = add({**tot, "num_format": money_format(currency, 0)})
        self.total_hours = add({**tot, "num_format": "#,##0.0"})
        self.total_qty = add({**tot, "num_format": "General"})
        self.total_integer = add({**tot, "num_format": "#,##0"})
        self.total_pct = add({**tot, "num_format": "0.0%"})
        self.total_blank = add({**tot})


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapping cell ``width`` characters wide (word wrap)."""
    room = max(int(width * 0.95) - 1, 4)
    lines, used = 1, 0
    for word in text.split():
        n = len(word)
        if used and used + 1 + n > room:
            lines += 1
            used = n
        else:
            used += n + (1 if used else 0)
        while used > room:  # a word longer than the cell breaks
            lines += 1
            used -= room
    return lines


def amount_width(largest: float) -> int:
    """Width of a column whose largest amount (absolute) is ``largest``, shown as
    ``-1,234,567.89 €`` (Excel shows ### for a number that does not fit)."""
    digits = len(f"{int(largest):,}") if math.isfinite(largest) and largest < 1e15 else 1
    return digits + 6          # sign, cents and the currency (separators are narrower than digits)


def text_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapping cell ``width`` characters wide, its line breaks kept."""
    return sum(wrapped_lines(part, width) for part in text.split("\n"))


def page_setup(ws, *, landscape: bool = True, fit_width: int = 1, fit_height: int = 0,
               repeat_row: int | None = None, scale: int | None = None) -> None:
    """A4, fitted to ``fit_width`` pages wide (or printed at ``scale`` %, which keeps
    manual page breaks), sheet name and page number in the footer."""
    if landscape:
        ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    if scale is None:
        ws.fit_to_pages(fit_width, fit_height)
    else:
        ws.set_print_scale(scale)
    ws.set_footer(FOOTER)
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)
