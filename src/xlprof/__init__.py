"""xlprof: client profitability, cost-to-serve, segmentation and exit planning, in Excel.

Importing ``xlprof`` loads neither xlwings nor any Excel library: the pure model is
in :mod:`xlprof.model`. ``main()`` is what the ribbon add-in's Recalculate button runs.
"""

__version__ = "0.1.0"


def main(book=None) -> None:
    """Recalculate the analysis workbook open in Excel (the ribbon's Recalculate button).

    ``book`` defaults to ``xlwings.Book.caller()``; tests and xlwings Server pass one in.
    When the loaded ``xlprof.xlam`` was built for another xlwings than the installed one,
    says "rebuild the add-in: xlprof addin install" and changes nothing.
    """
    from .excel.live import recalculate_book
    from .excel.versions import addin_problem

    if book is None:
        import xlwings as xw  # imported here so that importing the model never loads xlwings

        book = xw.Book.caller()
    try:
        problem = addin_problem(book.app.api)
    except Exception:  # noqa: BLE001 - not desktop Excel (xlwings Server, Lite): no add-in
        problem = None
    if problem:
        book.app.alert(problem[0].upper() + problem[1:] + ".", title="xlprof", mode="critical")
        return
    recalculate_book(book)
