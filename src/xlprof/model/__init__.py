"""The pure model: pandas/numpy only -- no Excel, no files, no clock.

Everything xlprof shows is computed here, once. :func:`analyze` runs the whole
analysis; :mod:`xlprof.model.formulas` holds the element-wise formulas that the
Excel functions (UDFs) call one column at a time.
"""

from .analysis import Analysis, Portfolio, analyze

__all__ = ["Analysis", "Portfolio", "analyze"]
