"""The Excel front doors, in one layer (they only convert; every number comes from the model).

* :mod:`~xlprof.excel.convert`, :mod:`~xlprof.excel.align` -- Excel values to arrays and
  back (the one number parser and the reading rule), one place for every front door;
* :mod:`~xlprof.excel.shape` -- whole columns, header rows, the caller's row, and Excel
  2016/2019 (no dynamic arrays);
* :mod:`~xlprof.excel.functions`, :mod:`~xlprof.excel.portfolio` -- the ``XLPROF_``
  worksheet functions, defined once (:mod:`~xlprof.excel.spec`, :mod:`~xlprof.excel.catalog`)
  and registered twice: for classic xlwings by :mod:`xlprof.udfs`
  (:mod:`~xlprof.excel.classic`), for xlwings Lite by :mod:`xlprof.lite`
  (:mod:`~xlprof.excel.lite`);
* :mod:`~xlprof.excel.recalc` (pure) and :mod:`~xlprof.excel.live` (the xlwings adapter) --
  the Recalculate button and the Lite script;
* :mod:`~xlprof.excel.addin`, :mod:`~xlprof.excel.addin_package`,
  :mod:`~xlprof.excel.addin_check`, :mod:`~xlprof.excel.versions`,
  :mod:`~xlprof.excel.cli_addin`, :mod:`~xlprof.excel.cli_lite` -- building, checking and
  installing ``xlprof.xlam``, the add-in/xlwings version check, ``xlprof lite``.

Importing this package loads no xlwings: only :mod:`xlprof.udfs`, :mod:`xlprof.lite` and
the add-in installer do.
"""
