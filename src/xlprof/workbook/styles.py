"""One place for cell formats: inputs look like inputs, formulas are locked, one currency policy.

Amounts are stored at full precision and displayed per currency (2 decimals, thousands
separators); percentages with one decimal; dates ISO.
"""

from __future__ import annotations

CURRENCY_FORMATS = {
    "EUR": '#,##0.00 [$€-x-euro2];[Red]-#,##0.00 [$€-x-euro2]',
    "USD": '[$$-409]#,##0.00;[Red]-[$$-409]#,##0.00',
    "GBP": '[$£-809]#,##0.00;[Red]-[$£-809]#,##0.00',
}
INPUT_FILL = "#FFF2CC"
HEADER_FILL = "#1F3864"


def money_format(currency: str) -> str:
    return CURRENCY_FORMATS.get(currency, f'#,##0.00 "{currency}";[Red]-#,##0.00 "{currency}"')


class Styles:
    """Formats of one workbook (XlsxWriter formats belong to one workbook)."""

    def __init__(self, wb, currency: str):
        add = wb.add_format
        money = money_format(currency)
        self.header = add({"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_FILL,
                           "text_wrap": True, "valign": "top", "border": 1})
        self.title = add({"bold": True, "font_size": 14, "font_color": HEADER_FILL})
        self.subtitle = add({"bold": True, "font_size": 11, "font_color": HEADER_FILL})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.text = add({})
        self.bold = add({"bold": True})
        inp = {"bg_color": INPUT_FILL, "locked": False, "border": 1, "border_color": "#BFBFBF"}
        self.in_text = add({**inp})
        self.in_number = add({**inp, "num_format": "#,##0.##"})
        self.in_money = add({**inp, "num_format": money})
        self.in_date = add({**inp, "num_format": "yyyy-mm-dd"})
        self.in_ratio = add({**inp, "num_format": "0.00%"})
        self.money = add({"num_format": money})
        self.number = add({"num_format": "#,##0.00"})
        self.integer = add({"num_format": "#,##0"})
        self.rate = add({"num_format": "#,##0.0000"})
        self.pct = add({"num_format": "0.0%"})
        self.share = add({"num_format": "0%"})
        self.score = add({"num_format": "0.0"})
        self.signal = add({"num_format": "0.00"})
        self.date = add({"num_format": "yyyy-mm-dd"})
        self.money_bold = add({"num_format": money, "bold": True, "top": 1})
        self.loss = add({"font_color": "#C00000", "bg_color": "#FDE9E7"})
        self.ok = add({"font_color": "#006100", "bg_color": "#E2EFDA"})
