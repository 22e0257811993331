"""The ``XLPROF_`` worksheet functions and the Recalculate script for xlwings Lite.

In the xlwings Lite editor, ``main.py`` is one line::

    from xlprof.lite import *

and ``requirements.txt`` names the xlprof wheel (``xlprof lite`` writes both). The
functions are the same as the classic ones (:mod:`xlprof.udfs`), with the same names,
arguments and ``#XLPROF!`` messages; ``xlprof_recalculate`` is the ribbon's Recalculate.
Reference: docs/functions.md, docs/ribbon.md.
"""

import xlwings as _xw

from xlprof.excel.lite import namespace as _namespace

globals().update(_namespace(_xw))

__all__ = sorted(name for name in globals() if name.startswith(("XLPROF_", "xlprof_")))
