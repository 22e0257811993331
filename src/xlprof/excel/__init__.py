"""The Excel front doors, in one layer (they only convert; every number comes from the model).

* :mod:`~xlprof.excel.convert`, :mod:`~xlprof.excel.align` -- Excel values to arrays and
  back, one place for every front door;
* :mod:`~xlprof.excel.functions`, :mod:`~xlprof.excel.portfolio` -- the ``XLPROF_``
  worksheet functions, defined once (:mod:`~xlprof.excel.spec`, :mod:`~xlprof.excel.catalog`);
  registered for classic xlwings by :mod:`xlprof.udfs` (:mod:`~xlprof.excel.classic`);
* :mod:`~xlprof.excel.recalc` (pure) and :mod:`~xlprof.excel.live` (the xlwings adapter) --
  the Recalculate button;
* :mod:`~xlprof.excel.addin`, :mod:`~xlprof.excel.cli_addin` -- building and installing
  ``xlprof.xlam``.

Importing this package loads no xlwings: only :mod:`xlprof.udfs` and the add-in installer do.
"""
