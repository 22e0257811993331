"""xlprof: client profitability, cost-to-serve, segmentation and exit planning, in Excel.

Importing ``xlprof`` loads neither xlwings nor any Excel library: the pure model is
in :mod:`xlprof.model`. ``main()`` is what the ribbon add-in's Recalculate button runs.
"""

__version__ = "0.1.0"


def main(book=None) -> None:
    """Recalculate the analysis workbook open in Excel (the ribbon's Recalculate button).

    ``book`` defaults to ``xlwings.Book.caller()``; tests and xlwings Server pass one in.
    """
    from .excel.live import recalculate_book

    if book is None:
        import xlwings as xw  # imported here so that importing the model never loads xlwings

        book = xw.Book.caller()
    recalculate_book(book)
