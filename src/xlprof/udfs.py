"""The Excel worksheet functions for classic xlwings: ``=XLPROF_MARGIN(...)`` and friends.

This is the module xlwings' "UDF Modules" setting names (``xlprof.udfs``): xlwings' Import
Functions writes one VBA wrapper per ``XLPROF_`` function found here, and Excel calls them
through ``XLPy.CallUDF("xlprof.udfs", ...)``. The definitions live in
:mod:`xlprof.excel` (one place, shared with xlwings Lite); this module only registers them
with the ``xlwings`` of the running process. Reference: docs/functions.md.
"""

import xlwings as _xw

from xlprof.excel.classic import functions as _functions

globals().update(_functions(_xw))

__all__ = sorted(name for name in globals() if name.startswith("XLPROF_"))
