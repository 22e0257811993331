"""Run xlwings' real *Windows* classic-UDF machinery on Linux, for tests.

What this does
--------------
On Windows, Excel calls a classic xlwings UDF like this: the VBA wrapper that
``xlwings.udfs.import_udfs``/``generate_vba_wrapper`` generated calls
``XLPy.CallUDF(module, func, Array(args...), ThisWorkbook, Application.Caller)``
on xlwings' COM server (``xlwings.com_server.XLPython``), which calls
``xlwings.udfs.call_udf``, which reads the arguments through
``xlwings.conversion``, calls the Python function and converts the result back.

``install_windows_stubs()`` makes that exact code importable on Linux:

* puts small stand-ins for ``pythoncom``, ``pywintypes``, ``win32api``,
  ``win32con``, ``win32event``, ``win32gui``, ``win32process``,
  ``win32timezone``, ``win32com``, ``win32com.client`` and
  ``win32com.server.{util,policy,dispatcher,exception}`` into ``sys.modules``;
* patches ``ctypes.windll``/``ctypes.oledll``/``ctypes.PyDLL`` *only while*
  ``xlwings._xlwindows`` is imported (restored right after);
* imports the real ``xlwings._xlwindows``, ``xlwings.udfs`` and
  ``xlwings.com_server``;
* registers the ``excel`` engine in ``xlwings.engines`` (it is *not* made the
  active engine, so ``xw.Book()``/``xw.apps`` behave as before on Linux);
* rebinds ``xlwings.func/arg/ret/script/sub`` (and ``serve``,
  ``get_udf_module``, ``import_udfs``) to the ``xlwings.udfs`` versions, as
  ``xlwings/__init__.py`` does on Windows;
* gives ``xlwings.udfs`` a fake ``apps[pid]`` lookup answering like a
  Microsoft 365 Excel (dynamic arrays available), which
  ``udfs.has_dynamic_array`` probes for ``async_mode``;
* starts ``xlwings.com_server.loop`` in a daemon thread, as ``serve()`` does
  (needed for ``async def`` UDFs, ``async_mode='threading'`` and the legacy
  dynamic-array resize that ``@xw.ret(expand=...)`` schedules).

**Call it before the UDF module under test is imported** -- the decorators run
at import time.  ``load_udf_module(name)`` takes care of that: it (re)imports
the module after installing, so its decorators record ``__xlfunc__`` metadata.
Only the named module is re-imported: decorated functions living in *other*
modules that were imported earlier keep the Linux no-op decorators; load those
with ``load_udf_module`` too.

``call_udf(module, func, *args)`` goes through ``XLPython().CallUDF`` -- the
method Excel's VBA calls -- with arguments shaped as COM delivers them.

Reversibility
-------------
``uninstall_windows_stubs()`` undoes everything: it drains and stops the COM
server loop, shuts down xlwings' COM thread pool, removes the engine, restores
the ``xlwings`` attributes, drops ``xlwings.udfs``/``_xlwindows``/
``com_server``/``_win32patch`` and the stub modules from ``sys.modules`` and
restores (or removes) every module loaded by ``load_udf_module``.  The test
modules use it from a module-scoped fixture, so other tests in the same pytest
session never see the stubs.

What this does NOT cover
------------------------
* The VBA actually running (``Array(...)`` building, ``On Error GoTo failed``
  turning a Python exception into the cell text ``Err.Description``; here the
  Python exception is raised instead).
* Real COM marshalling: pywin32 turning Range objects/SAFEARRAYs into Python
  and lists of lists/``datetime`` back into VARIANTs (what comes back here is
  the Python value handed to pywin32), Excel's number/date/text coercions, the
  255-char limit for strings in some contexts, etc.
* Excel's recalculation: nothing recalculates after xlwings rewrites a
  formula (``FormulaArray`` for legacy dynamic arrays); the fake range just
  records the write.  ``async_mode='threading'`` is emulated by calling
  ``CallUDF`` a second time once xlwings rewrote the caller's formula.
* Real Excel ranges: ``FakeRange`` only implements the handful of properties
  xlwings' UDF path touches (Value, Address, Row, Column, Rows/Columns.Count,
  Count, Worksheet, Item/call, Formula*, ClearContents).  Argument options
  that navigate the sheet (``@xw.arg(..., expand='table')``), chunked reads
  above 4,000,000 cells and ``Book.caller()`` are not supported.
* Embedded code / xlwings PRO features, ``serve()`` itself, the ribbon/add-in.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import datetime as _dt
import importlib
import io
import statistics
import sys
import threading
import time
import types
from typing import Any

__all__ = [
    "XL_NULL",
    "XL_DIV0",
    "XL_VALUE",
    "XL_REF",
    "XL_NAME",
    "XL_NUM",
    "XL_NA",
    "XL_ERRORS",
    "MISSING",
    "TimeType",
    "FakeRange",
    "fake_caller",
    "com_date",
    "install_windows_stubs",
    "uninstall_windows_stubs",
    "load_udf_module",
    "call_udf",
    "time_call_udf",
    "vba_wrapper",
    "macro_options",
    "wait_for_formula_write",
]

# --------------------------------------------------------------------------
# Excel error values as they arrive through COM (VT_ERROR, 0x800A0000 + xlErr*)
# --------------------------------------------------------------------------
XL_NULL = -2146826288  # #NULL!  (xlErrNull  2000)
XL_DIV0 = -2146826281  # #DIV/0! (xlErrDiv0  2007)
XL_VALUE = -2146826273  # #VALUE! (xlErrValue 2015)
XL_REF = -2146826265  # #REF!   (xlErrRef   2023)
XL_NAME = -2146826259  # #NAME?  (xlErrName  2029)
XL_NUM = -2146826252  # #NUM!   (xlErrNum   2036)
XL_NA = -2146826246  # #N/A    (xlErrNA    2042)
XL_ERRORS = {
    XL_NULL: "#NULL!",
    XL_DIV0: "#DIV/0!",
    XL_VALUE: "#VALUE!",
    XL_REF: "#REF!",
    XL_NAME: "#NAME?",
    XL_NUM: "#NUM!",
    XL_NA: "#N/A",
}
#: What VBA puts into ``Array(...)`` for an omitted ``Optional`` argument
#: (DISP_E_PARAMNOTFOUND); xlwings replaces it with the Python default.
MISSING = -2147352572

_RANGE_IID = "{00020846-0000-0000-C000-000000000046}"
_IDISPATCH_IID = "{00020400-0000-0000-C000-000000000046}"
_IENUMVARIANT_IID = "{00020404-0000-0000-C000-000000000046}"
_FAKE_HWND = 4242  # the fake Excel's window handle; the stub maps hwnd -> pid 4242

_STUB_NAMES = (
    "pywintypes",
    "pythoncom",
    "win32api",
    "win32con",
    "win32event",
    "win32gui",
    "win32process",
    "win32timezone",
    "win32com",
    "win32com.client",
    "win32com.server",
    "win32com.server.util",
    "win32com.server.policy",
    "win32com.server.dispatcher",
    "win32com.server.exception",
)
_XLWINGS_WIN_MODULES = (
    "xlwings._win32patch",
    "xlwings._xlwindows",
    "xlwings.udfs",
    "xlwings.com_server",
)
_REBOUND = {
    # xlwings attribute -> attribute of xlwings.udfs / xlwings.com_server
    "func": ("udfs", "xlfunc"),
    "arg": ("udfs", "xlarg"),
    "ret": ("udfs", "xlret"),
    "script": ("udfs", "xlsub"),
    "sub": ("udfs", "xlsub"),
    "get_udf_module": ("udfs", "get_udf_module"),
    "import_udfs": ("udfs", "import_udfs"),
    "serve": ("com_server", "serve"),
}
_ABSENT = object()


class _State:
    def __init__(self) -> None:
        self.installed = False
        self.saved_modules: dict[str, Any] = {}
        self.saved_attrs: dict[str, Any] = {}
        self.saved_pkg_attrs: dict[str, Any] = {}
        self.loaded: dict[str, tuple[Any, Any]] = {}
        self.engine: Any = None
        self.loop_thread: threading.Thread | None = None
        self.lock = threading.RLock()


_state = _State()


# --------------------------------------------------------------------------
# Stub modules (pywin32 stand-ins): only what xlwings' import + UDF path need
# --------------------------------------------------------------------------
def _module(name: str, doc: str, **attrs: Any) -> types.ModuleType:
    mod = types.ModuleType(name, f"Test stub for {name}: {doc}")
    mod.__file__ = f"<xlwings_win stub {name}>"
    for key, value in attrs.items():
        setattr(mod, key, value)
    return mod


class TimeType(_dt.datetime):
    """Stand-in for ``pywintypes.TimeType`` (pywin32's COM DATE, a datetime
    subclass; pywin32 hands dates out tz-aware, in UTC).  Same class across
    install/uninstall cycles."""


def _build_stubs() -> dict[str, types.ModuleType]:
    class com_error(Exception):
        def __init__(self, hresult=None, strerror=None, excepinfo=None, argerror=None):
            super().__init__(hresult, strerror, excepinfo, argerror)
            self.hresult = hresult
            self.strerror = strerror
            self.excepinfo = excepinfo
            self.argerror = argerror

    class error(Exception):
        pass

    def IID(iid: str, is_bytes: bool = False) -> str:
        return str(iid).upper()

    pywintypes = _module(
        "pywintypes",
        "datetime type, error classes, IID()",
        TimeType=TimeType,
        datetime=TimeType,
        com_error=com_error,
        error=error,
        IID=IID,
    )

    class PyIDispatch:
        """Never instantiated: fake COM objects are passed as themselves."""

    def _noop(*args: Any, **kwargs: Any) -> None:
        return None

    pythoncom = _module(
        "pythoncom",
        "CoInitialize & co are no-ops, marshalling between threads is identity",
        CoInitialize=_noop,
        CoUninitialize=_noop,
        IID_IDispatch=IID(_IDISPATCH_IID),
        IID_IEnumVARIANT=IID(_IENUMVARIANT_IID),
        TypeIIDs={IID(_IDISPATCH_IID): PyIDispatch},
        com_error=com_error,
        ole_error=com_error,
        CoMarshalInterThreadInterfaceInStream=lambda iid, obj: obj,
        CoGetInterfaceAndReleaseStream=lambda stream, iid: stream,
    )

    win32api = _module(
        "win32api", "thread id only", GetCurrentThreadId=threading.get_native_id
    )
    win32con = _module(
        "win32con",
        "MessageBox constants",
        MB_OK=0x0,
        MB_OKCANCEL=0x1,
        MB_YESNOCANCEL=0x3,
        MB_YESNO=0x4,
        MB_ICONWARNING=0x30,
        MB_ICONINFORMATION=0x40,
    )

    def _no_message_loop(*args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("xlwings_win: no Windows message loop (serve())")

    win32event = _module(
        "win32event",
        "constants for serve()",
        INFINITE=0xFFFFFFFF,
        QS_ALLEVENTS=0x04BF,
        WAIT_OBJECT_0=0,
        MsgWaitForMultipleObjects=_no_message_loop,
    )
    win32gui = _module("win32gui", "no windows", FindWindowEx=lambda *a: 0)
    win32process = _module(
        "win32process",
        "hwnd -> (thread id, pid=hwnd)",
        GetWindowThreadProcessId=lambda hwnd: (0, int(hwnd)),
    )

    class TimeZoneInfo:
        @staticmethod
        def utc() -> _dt.tzinfo:
            return _dt.timezone.utc

    win32timezone = _module("win32timezone", "UTC only", TimeZoneInfo=TimeZoneInfo)

    class CDispatch:
        pass

    class DispatchBaseClass:
        pass

    class CoClassBaseClass:
        pass

    def Dispatch(dispatch, userName=None, resultCLSID=None, typeinfo=None, clsctx=None):
        if isinstance(dispatch, str):
            raise com_error(-2147221005, "Invalid class string (no COM here)", None, None)
        return dispatch

    def DispatchEx(*args: Any, **kwargs: Any) -> None:
        raise com_error(-2147221005, "Invalid class string (no COM here)", None, None)

    client = _module(
        "win32com.client",
        "Dispatch(obj) returns obj",
        CDispatch=CDispatch,
        DispatchBaseClass=DispatchBaseClass,
        CoClassBaseClass=CoClassBaseClass,
        Dispatch=Dispatch,
        DispatchEx=DispatchEx,
    )

    class _Wrapped:
        def __init__(self, ob: Any) -> None:
            self.ob = ob

    def wrap(ob, iid=None, usePolicy=None, useDispatcher=None):
        return _Wrapped(ob)

    def unwrap(ob):
        if isinstance(ob, _Wrapped):
            return ob.ob
        raise ValueError("not a wrapped Python COM object")

    util = _module("win32com.server.util", "wrap/unwrap", wrap=wrap, unwrap=unwrap)

    class DefaultPolicy:
        pass

    policy = _module("win32com.server.policy", "policy class", DefaultPolicy=DefaultPolicy)
    dispatcher = _module("win32com.server.dispatcher", "empty")

    class COMException(Exception):
        def __init__(self, description=None, scode=None, **kwargs: Any) -> None:
            super().__init__(description, scode)
            self.description = description
            self.scode = scode

    exception = _module(
        "win32com.server.exception", "COMException", COMException=COMException
    )
    server = _module(
        "win32com.server",
        "package",
        util=util,
        policy=policy,
        dispatcher=dispatcher,
        exception=exception,
        __path__=[],
    )
    win32com = _module(
        "win32com", "package", client=client, server=server, __path__=[]
    )
    return {m.__name__: m for m in (
        pywintypes, pythoncom, win32api, win32con, win32event, win32gui,
        win32process, win32timezone, win32com, client, server, util, policy,
        dispatcher, exception,
    )}


class _FakeFunc:
    def __init__(self) -> None:
        self.restype = None
        self.argtypes = None

    def __call__(self, *args: Any) -> int:
        return 0


class _FakeDLL:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._funcs: dict[str, _FakeFunc] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._funcs.setdefault(name, _FakeFunc())


class _FakeLoader:
    def __getattr__(self, name: str) -> _FakeDLL:
        if name.startswith("__"):
            raise AttributeError(name)
        return _FakeDLL()


@contextlib.contextmanager
def _patched_ctypes():
    saved = {name: getattr(ctypes, name, _ABSENT) for name in ("windll", "oledll", "PyDLL")}
    ctypes.windll = _FakeLoader()
    ctypes.oledll = _FakeLoader()
    ctypes.PyDLL = _FakeDLL
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is _ABSENT:
                delattr(ctypes, name)
            else:
                setattr(ctypes, name, value)


# --------------------------------------------------------------------------
# Fake Excel object model: just enough for xlwings' UDF path
# --------------------------------------------------------------------------
def _col_letters(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class _Count:
    __slots__ = ("Count",)

    def __init__(self, n: int) -> None:
        self.Count = n


_TYPE_ATTR = types.SimpleNamespace(iid=_RANGE_IID)
_TYPE_INFO = types.SimpleNamespace(
    GetTypeAttr=lambda: _TYPE_ATTR,
    GetDocumentation=lambda index: ("Range", None, None, None),
)
_OLEOBJ = types.SimpleNamespace(GetTypeInfo=lambda: _TYPE_INFO)


class _FakeComponents:
    """``Workbook.VBProject.VBComponents``: captures the imported .bas text."""

    def __init__(self) -> None:
        self.modules: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self.modules:
            import pywintypes  # the stub

            raise pywintypes.com_error(-2147352565, "Subscript out of range", None, None)
        return name

    def Remove(self, name: str) -> None:
        self.modules.pop(name, None)

    def Import(self, path: str) -> None:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        first = text.splitlines()[0] if text else ""
        name = first.split('"')[1] if first.startswith("Attribute VB_Name") else path
        self.modules[name] = text


class FakeApp:
    """``Excel.Application``: Hwnd (-> pid), Version, records MacroOptions calls."""

    def __init__(self, hwnd: int = _FAKE_HWND, version: str = "16.0", *, dynamic_arrays: bool = True,
                 addins: dict[str, str] | None = None) -> None:
        self.Hwnd = hwnd
        self._addins = dict(addins or {})  # open add-in workbooks: name -> FullName
        self.Version = version
        self.Name = "Microsoft Excel"
        self.macro_options: dict[str, dict[str, Any]] = {}
        # Excel with dynamic arrays (what udfs.has_dynamic_array probes); Excel 2016/2019
        # (dynamic_arrays=False) has no WorksheetFunction.Unique
        self.WorksheetFunction = (types.SimpleNamespace(Unique=lambda *args: args) if dynamic_arrays
                                  else types.SimpleNamespace())

    def Workbooks(self, name: str) -> Any:
        """``Application.Workbooks(name)``: only the add-ins given (``FullName``)."""
        if name not in self._addins:
            import pywintypes  # the stub

            raise pywintypes.com_error(-2147352565, "Subscript out of range", None, None)
        return types.SimpleNamespace(Name=name, FullName=self._addins[name])

    def MacroOptions(self, Macro: str, **kwargs: Any) -> None:
        self.macro_options[Macro] = kwargs


class _FakeApps:
    """Replaces ``xlwings.udfs.apps`` (Excel instances by pid)."""

    def __getitem__(self, pid: int) -> Any:
        return types.SimpleNamespace(api=FakeApp(hwnd=pid))


class FakeBook:
    """``Workbook``: Name, Application, VBProject, and an event log of the writes
    xlwings makes to ranges of this book (``(attribute, address, value)``)."""

    def __init__(self, name: str = "xlprof_test.xlsm", app: FakeApp | None = None) -> None:
        self.Name = name
        self.Application = app or FakeApp()
        self.VBProject = types.SimpleNamespace(VBComponents=_FakeComponents())
        self.events: list[tuple[str, str, Any]] = []
        self._cond = threading.Condition()
        self._sheets: dict[str, FakeSheet] = {}

    def sheet(self, name: str = "Sheet1") -> FakeSheet:
        if name not in self._sheets:
            self._sheets[name] = FakeSheet(name, self)
        return self._sheets[name]

    def _record(self, attr: str, address: str, value: Any) -> None:
        with self._cond:
            self.events.append((attr, address, value))
            self._cond.notify_all()


class FakeSheet:
    """``Worksheet``: Name, Parent (book), Cells(r, c), Range(cell1, cell2)."""

    def __init__(self, name: str, book: FakeBook) -> None:
        self.Name = name
        self.Parent = book

    def Cells(self, row: int, column: int) -> FakeRange:
        return FakeRange(sheet=self, row=row, column=column, rows=1, columns=1)

    def Range(self, cell1: Any, cell2: Any = None) -> FakeRange:
        if not isinstance(cell1, FakeRange) or not (cell2 is None or isinstance(cell2, FakeRange)):
            raise NotImplementedError("FakeSheet.Range only accepts FakeRange corners")
        cell2 = cell2 or cell1
        top, left = min(cell1.Row, cell2.Row), min(cell1.Column, cell2.Column)
        bottom = max(cell1.Row + cell1._nrows, cell2.Row + cell2._nrows) - 1
        right = max(cell1.Column + cell1._ncols, cell2.Column + cell2._ncols) - 1
        return FakeRange(
            sheet=self, row=top, column=left, rows=bottom - top + 1, columns=right - left + 1
        )


class FakeRange:
    """A fake COM ``Range`` (what ``Application.Caller`` or a cell reference
    argument is in VBA).  xlwings recognises it as a Range
    (``_xlwindows.is_range_instance``) and reads it via ``.Value``.

    ``values``: nested tuples of rows (or a scalar for one cell); ``.Value``
    returns a scalar for a 1x1 range and nested tuples otherwise, like COM.
    Writes to ``Value``/``Formula``/``FormulaArray``/``Formula2`` and
    ``ClearContents()`` are recorded in ``Worksheet.Parent.events``.
    """

    _RECORDED = ("Value", "Formula", "FormulaArray", "Formula2")

    def __init__(
        self,
        values: Any = None,
        *,
        sheet: FakeSheet | None = None,
        row: int = 1,
        column: int = 1,
        rows: int | None = None,
        columns: int | None = None,
    ) -> None:
        if isinstance(values, (tuple, list)):
            data = tuple(tuple(r) for r in values)
            if not data or not all(isinstance(r, tuple) for r in data):
                raise ValueError("FakeRange values must be a non-empty 2-D tuple of rows")
            if len({len(r) for r in data}) != 1 or not data[0]:
                raise ValueError("FakeRange rows must all have the same non-zero length")
        elif values is None and (rows or columns):
            data = tuple((None,) * (columns or 1) for _ in range(rows or 1))
        else:
            data = ((values,),)
        d = self.__dict__
        d["Worksheet"] = sheet if sheet is not None else FakeBook().sheet()
        d["Row"], d["Column"] = row, column
        d["_nrows"], d["_ncols"] = len(data), len(data[0])
        if rows is not None and rows != d["_nrows"] or columns is not None and columns != d["_ncols"]:
            raise ValueError("rows/columns do not match the shape of values")
        d["_data"] = data
        d["Formula"] = d["FormulaArray"] = d["Formula2"] = ""
        d["CLSID"] = _RANGE_IID
        d["_oleobj_"] = _OLEOBJ
        d["cleared"] = False

    # -- COM-like properties -------------------------------------------------
    @property
    def Value(self) -> Any:
        if self._nrows == 1 and self._ncols == 1:
            return self._data[0][0]
        return self._data

    @property
    def Address(self) -> str:
        first = f"${_col_letters(self.Column)}${self.Row}"
        if self._nrows == 1 and self._ncols == 1:
            return first
        last_col = _col_letters(self.Column + self._ncols - 1)
        return f"{first}:${last_col}${self.Row + self._nrows - 1}"

    @property
    def Rows(self) -> _Count:
        return _Count(self._nrows)

    @property
    def Columns(self) -> _Count:
        return _Count(self._ncols)

    @property
    def Count(self) -> int:
        return self._nrows * self._ncols

    @property
    def Parent(self) -> FakeSheet:
        return self.Worksheet

    @property
    def Application(self) -> FakeApp:
        return self.Worksheet.Parent.Application

    def __call__(self, row: int, column: int | None = None) -> FakeRange:
        """``Range.Item(row, column)``: relative, 1-based, may lie outside."""
        if column is None:  # linear index, row-major
            row, column = divmod(row - 1, self._ncols)
            row, column = row + 1, column + 1
        return FakeRange(
            sheet=self.Worksheet,
            row=self.Row + row - 1,
            column=self.Column + column - 1,
            rows=1,
            columns=1,
        )

    Item = __call__

    def Resize(self, rows: int, columns: int) -> FakeRange:
        return FakeRange(sheet=self.Worksheet, row=self.Row, column=self.Column, rows=rows, columns=columns)

    def ClearContents(self) -> None:
        self.__dict__["cleared"] = True
        self.Worksheet.Parent._record("ClearContents", self.Address, None)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "Value":
            if self._nrows == 1 and self._ncols == 1 and not isinstance(value, (tuple, list)):
                value = ((value,),)
            self.__dict__["_data"] = tuple(tuple(r) for r in value)
        elif name not in self._RECORDED:
            raise AttributeError(f"FakeRange has no settable attribute {name!r}")
        else:
            self.__dict__[name] = value
        self.Worksheet.Parent._record(name, self.Address, value)

    def __repr__(self) -> str:
        return f"<FakeRange {self.Worksheet.Name}!{self.Address}>"


def fake_caller(
    rows: int = 1,
    columns: int = 1,
    *,
    row: int = 1,
    column: int = 1,
    sheet: str = "Sheet1",
    book: FakeBook | None = None,
    formula: str = "",
) -> FakeRange:
    """The calling cell(s) -- what VBA passes as ``Application.Caller``.

    xlwings uses it (1) for the reserved ``caller`` argument (handed to the UDF
    as an ``xw.Range`` subclass), (2) for ``@xw.ret(expand=...)``: the cache key
    (app pid, book, sheet, address) and the comparison of the caller's size with
    the result's size -- if they differ, xlwings asynchronously rewrites the
    formula as an array formula over a resized range (recorded in
    ``caller.Worksheet.Parent.events``), and (3) for ``async_mode``.
    Its book is also passed as ``ThisWorkbook``.
    """
    book = book or FakeBook()
    rng = FakeRange(sheet=book.sheet(sheet), row=row, column=column, rows=rows, columns=columns)
    rng.__dict__["Formula"] = rng.__dict__["Formula2"] = formula
    return rng


def com_date(year: int, month: int, day: int, *rest: int) -> Any:
    """A date as pywin32 delivers a date cell: ``pywintypes.TimeType`` in UTC."""
    return TimeType(year, month, day, *rest, tzinfo=_dt.timezone.utc)


# --------------------------------------------------------------------------
# Install / uninstall
# --------------------------------------------------------------------------
def install_windows_stubs() -> None:
    """Idempotent.  Must run before the UDF module under test is imported
    (use :func:`load_udf_module`, which calls this).  Reversible with
    :func:`uninstall_windows_stubs`."""
    with _state.lock:
        if _state.installed:
            return
        import xlwings

        for name in _STUB_NAMES + _XLWINGS_WIN_MODULES:
            _state.saved_modules[name] = sys.modules.get(name, _ABSENT)
        for name in ("_win32patch", "_xlwindows", "udfs", "com_server"):
            _state.saved_pkg_attrs[name] = getattr(xlwings, name, _ABSENT)
        for name in _REBOUND:
            _state.saved_attrs[name] = getattr(xlwings, name, _ABSENT)
        _state.installed = True  # from here on, uninstall can clean up a failure
        try:
            sys.modules.update(_build_stubs())
            with _patched_ctypes():
                _xlwindows = importlib.import_module("xlwings._xlwindows")
            udfs = importlib.import_module("xlwings.udfs")
            com_server = importlib.import_module("xlwings.com_server")

            # udfs.has_dynamic_array(pid) asks apps[pid] for
            # WorksheetFunction.Unique; answer like a Microsoft 365 Excel.
            udfs.apps = _FakeApps()

            if "excel" not in [e.name for e in xlwings.engines]:
                _state.engine = xlwings.Engine(impl=_xlwindows.engine)
                xlwings.engines.add(_state.engine)
            mods = {"udfs": udfs, "com_server": com_server}
            for name, (mod, attr) in _REBOUND.items():
                setattr(xlwings, name, getattr(mods[mod], attr))

            # as com_server.serve() does: run the asyncio loop in a thread
            _state.loop_thread = threading.Thread(
                target=com_server._start_background_loop,
                name="xlwings_win-com-loop",
                daemon=True,
            )
            _state.loop_thread.start()
        except BaseException:
            uninstall_windows_stubs()
            raise


async def _drain_loop() -> None:
    me = asyncio.current_task()
    pending = [t for t in asyncio.all_tasks() if t is not me]
    if pending:
        done, still = await asyncio.wait(pending, timeout=10)
        for task in still:
            task.cancel()
        if still:
            await asyncio.wait(still, timeout=2)


def uninstall_windows_stubs() -> None:
    """Undo :func:`install_windows_stubs` (see the module docstring)."""
    with _state.lock:
        if not _state.installed:
            return
        import xlwings

        com_server = sys.modules.get("xlwings.com_server")
        udfs = sys.modules.get("xlwings.udfs")
        _xlwindows = sys.modules.get("xlwings._xlwindows")
        if com_server is not None:
            loop = com_server.loop
            thread = _state.loop_thread
            if thread is not None and thread.is_alive():
                asyncio.run_coroutine_threadsafe(_drain_loop(), loop).result(timeout=20)
                loop.call_soon_threadsafe(loop.stop)
                thread.join(timeout=10)
            if not loop.is_running():
                loop.close()
        _state.loop_thread = None
        if udfs is not None:
            udfs.com_executor.shutdown(wait=True)
            udfs.cache.clear()
            udfs.udf_modules.clear()
        if _xlwindows is not None:
            atexit.unregister(_xlwindows.cleanup)
        if _state.engine is not None:
            engines = xlwings.engines
            if _state.engine in engines.engines:
                engines.engines.remove(_state.engine)
            if engines.engines_by_name.get("excel") is _state.engine:
                del engines.engines_by_name["excel"]
            if engines.active is _state.engine:
                engines.active = None
            _state.engine = None

        for name, value in _state.saved_attrs.items():
            if value is _ABSENT:
                if hasattr(xlwings, name):
                    delattr(xlwings, name)
            else:
                setattr(xlwings, name, value)
        for name, value in _state.saved_pkg_attrs.items():
            if value is _ABSENT:
                if name in vars(xlwings):
                    delattr(xlwings, name)
            else:
                setattr(xlwings, name, value)
        for name in list(_state.loaded):
            _restore_module(name, *_state.loaded.pop(name))
        for name, value in _state.saved_modules.items():
            if value is _ABSENT:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = value
        _state.saved_modules.clear()
        _state.saved_attrs.clear()
        _state.saved_pkg_attrs.clear()
        _state.installed = False


def _parent_attr(name: str) -> tuple[Any, str] | None:
    parent, _, child = name.rpartition(".")
    if parent and parent in sys.modules:
        return sys.modules[parent], child
    return None


def _restore_module(name: str, module: Any, parent_attr: Any) -> None:
    if module is _ABSENT:
        sys.modules.pop(name, None)
    else:
        sys.modules[name] = module
    pa = _parent_attr(name)
    if pa is not None:
        parent, child = pa
        if parent_attr is _ABSENT:
            if child in vars(parent):
                delattr(parent, child)
        else:
            setattr(parent, child, parent_attr)


def _udfs() -> Any:
    install_windows_stubs()
    return sys.modules["xlwings.udfs"]


def load_udf_module(name: str) -> types.ModuleType:
    """(Re)import UDF module ``name`` with the Windows decorators active and
    register it with xlwings (``xlwings.udfs.get_udf_module``, the loader the
    COM server uses).  Returns the module.  Undone by uninstall."""
    udfs = _udfs()
    with _state.lock:
        if name not in _state.loaded:
            pa = _parent_attr(name)
            _state.loaded[name] = (
                sys.modules.get(name, _ABSENT),
                getattr(pa[0], pa[1], _ABSENT) if pa else _ABSENT,
            )
        sys.modules.pop(name, None)
        udfs.udf_modules.pop(name, None)
        importlib.invalidate_caches()
        return udfs.get_udf_module(name, None)


def _udf_function(module_name: str, func_name: str) -> Any:
    udfs = _udfs()
    if module_name not in _state.loaded or module_name not in udfs.udf_modules:
        load_udf_module(module_name)
    func = getattr(udfs.get_udf_module(module_name, None), func_name)
    if not hasattr(func, "__xlfunc__"):
        raise TypeError(f"{module_name}.{func_name} is not decorated with @xw.func")
    return func


# --------------------------------------------------------------------------
# Calling
# --------------------------------------------------------------------------
def _to_com(value: Any, sheet: FakeSheet, next_col: list[int], as_range: bool) -> Any:
    """One argument as VBA/pywin32 delivers it."""
    if isinstance(value, FakeRange):
        return value
    if isinstance(value, (tuple, list)):
        if all(isinstance(r, tuple) for r in value) and not any(
            isinstance(c, (_dt.date, tuple, list)) for r in value for c in r
        ):
            rows = tuple(value)  # fast path: already COM-shaped
        else:
            rows = tuple(
                tuple(_to_com(c, sheet, next_col, False) for c in r)
                if isinstance(r, (tuple, list))
                else _to_com(r, sheet, next_col, False)
                for r in value
            )
        if as_range and rows and all(isinstance(r, tuple) for r in rows):
            rng = FakeRange(rows, sheet=sheet, row=1, column=next_col[0])
            next_col[0] += rng._ncols + 1
            return rng
        return rows
    if isinstance(value, _dt.datetime) and not isinstance(value, TimeType):
        return TimeType(
            value.year, value.month, value.day, value.hour, value.minute,
            value.second, value.microsecond, tzinfo=_dt.timezone.utc,
        )
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return TimeType(value.year, value.month, value.day, tzinfo=_dt.timezone.utc)
    return value


def _vba_args(func: Any, args: tuple, caller: FakeRange, as_range: bool) -> tuple:
    """Build what the generated VBA's ``Array(...)`` would hold."""
    info = func.__xlfunc__
    sheet = caller.Worksheet
    next_col = [caller.Column + caller._ncols + 1]  # argument ranges sit right of the caller
    out: list[Any] = []
    pos = 0
    for arg in info["args"]:
        if arg["vararg"]:
            out.extend(_to_com(v, sheet, next_col, as_range) for v in args[pos:])
            pos = len(args)
            break
        if arg["name"] == "caller":
            out.append(None)  # VBA passes Nothing; xlwings substitutes the caller
            continue
        if arg["vba"]:
            if "caller" in arg["vba"].lower():
                out.append(caller)
                continue
            raise NotImplementedError(f"cannot evaluate VBA expression {arg['vba']!r}")
        if pos < len(args):
            out.append(_to_com(args[pos], sheet, next_col, as_range))
            pos += 1
        elif "optional" in arg:
            out.append(MISSING)
        else:
            raise TypeError(f"{info['name']}: missing required argument {arg['name']!r}")
    if pos < len(args):
        raise TypeError(f"{info['name']}: too many arguments ({len(args)})")
    return tuple(out)


class _Prepared:
    def __init__(self, module_name, func_name, args, caller, as_range):
        self.func = _udf_function(module_name, func_name)
        self.info = self.func.__xlfunc__
        self.caller = caller if caller is not None else fake_caller()
        if not (self.caller.Formula or self.caller.Formula2 or self.caller.FormulaArray):
            self.caller.__dict__["Formula"] = self.caller.__dict__["Formula2"] = f"={func_name}()"
        self.book = self.caller.Worksheet.Parent
        self.vba_args = _vba_args(self.func, tuple(args), self.caller, as_range)
        self.server = sys.modules["xlwings.com_server"].XLPython()
        self.module_name, self.func_name = module_name, func_name

    def once(self) -> Any:
        return self.server.CallUDF(
            self.module_name, self.func_name, self.vba_args, self.book, self.caller
        )

    def run(self, timeout: float) -> Any:
        udfs = sys.modules["xlwings.udfs"]
        before = set(udfs.cache)
        try:
            if self.info["async_mode"] != "threading":
                return self.once()
            # async_mode: 1st call returns "#N/A waiting...", xlwings runs the
            # function on its loop and rewrites the caller's formula to make
            # Excel recalc; the 2nd call then hits xlwings' cache.
            mark = len(self.book.events)
            self.once()
            wait_for_formula_write(self.caller, since=mark, timeout=timeout)
            return self.once()
        finally:
            # Drop cache entries that only a later Excel recalc would consume.
            for key in set(udfs.cache) - before:
                udfs.cache.pop(key, None)


def call_udf(
    module_name: str,
    func_name: str,
    *args: Any,
    caller: FakeRange | None = None,
    as_range: bool = True,
    timeout: float = 30.0,
) -> Any:
    """Call ``module_name.func_name`` the way Excel does: through
    ``xlwings.com_server.XLPython().CallUDF(module, func, Array(...),
    ThisWorkbook, Application.Caller)``; returns what CallUDF hands to COM.

    ``args`` are the worksheet arguments in order (omit trailing optional ones
    -> ``MISSING``; the reserved ``caller`` argument and ``vba=`` arguments are
    filled in like the VBA wrapper does).  Give them as COM delivers them:
    numbers as ``float``, text ``str``, ``bool``, ``None`` for blanks, error
    cells as ``XL_*`` ints, dates as :func:`com_date` (plain ``datetime``/``date``
    are converted to it), ranges as nested tuples of rows.  With
    ``as_range=True`` (default) a nested tuple becomes a :class:`FakeRange`
    (a cell reference: xlwings reads it via ``Range.Value``); with
    ``as_range=False`` it is passed as an array (``=F({1,2;3,4})``).
    ``caller`` defaults to a fresh 1x1 :func:`fake_caller` at Sheet1!$A$1.
    Python exceptions propagate (Excel would show ``Err.Description``).
    """
    _udfs()
    return _Prepared(module_name, func_name, args, caller, as_range).run(timeout)


def time_call_udf(module_name: str, func_name: str, *args: Any, repeat: int = 3, **kwargs: Any) -> float:
    """Median wall time in seconds of ``repeat`` calls through ``CallUDF``.

    Arguments are marshalled once (untimed) and one untimed warm-up call is
    made.  For ``expand=`` functions the caller is then sized to the result
    (Excel's steady state after xlwings' resize), so the timed calls are real
    computations, not xlwings cache hits.  ``kwargs`` as for :func:`call_udf`.
    """
    _udfs()
    prepared = _Prepared(module_name, func_name, args, kwargs.pop("caller", None), kwargs.pop("as_range", True))
    timeout = kwargs.pop("timeout", 30.0)
    if kwargs:
        raise TypeError(f"unexpected keyword arguments {sorted(kwargs)}")
    result = prepared.run(timeout)
    if prepared.info["ret"]["options"].get("expand"):
        if isinstance(result, list) and result and isinstance(result[0], list):
            shape = (len(result), len(result[0]))
        elif isinstance(result, list):
            shape = (1, max(1, len(result)))
        else:
            shape = (1, 1)
        if shape != (prepared.caller._nrows, prepared.caller._ncols):
            old = prepared.caller
            prepared.caller = fake_caller(*shape, row=old.Row, column=old.Column,
                                          sheet=old.Worksheet.Name, formula=old.Formula)
            prepared.book = prepared.caller.Worksheet.Parent
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        prepared.run(timeout)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def wait_for_formula_write(caller: FakeRange, *, since: int = 0, timeout: float = 5.0) -> tuple[str, str, Any]:
    """Block until xlwings wrote a formula into caller's book (events after
    index ``since``); returns ``(attribute, address, formula)``.  Used to observe
    the legacy dynamic-array resize and async_mode formula rewrites."""
    book = caller.Worksheet.Parent
    deadline = time.monotonic() + timeout
    with book._cond:
        while True:
            for event in book.events[since:]:
                if event[0] in ("Formula", "FormulaArray", "Formula2"):
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"xlwings wrote no formula to {book.Name} within {timeout}s")
            book._cond.wait(remaining)


# --------------------------------------------------------------------------
# VBA wrapper / function registration
# --------------------------------------------------------------------------
def _import_udfs(module_name: str, workbook_name: str) -> FakeBook:
    udfs = _udfs()
    if module_name not in _state.loaded or module_name not in udfs.udf_modules:
        load_udf_module(module_name)
    book = FakeBook(workbook_name)
    with contextlib.redirect_stdout(io.StringIO()):  # "Imported functions from ..."
        udfs.import_udfs(module_name, book)
    return book


def vba_wrapper(module_name: str, *, workbook_name: str = "xlprof_udfs.xlsm") -> str:
    """The VBA module (``xlwings_udfs``) xlwings generates for ``module_name``,
    as written by ``xlwings.udfs.import_udfs`` (-> ``generate_vba_wrapper``)
    and imported into the workbook.  A ``.xlam`` name gives ``ActiveWorkbook``
    instead of ``ThisWorkbook`` in the calls."""
    return _import_udfs(module_name, workbook_name).VBProject.VBComponents.modules["xlwings_udfs"]


def macro_options(module_name: str, *, workbook_name: str = "xlprof_udfs.xlsm") -> dict[str, dict[str, Any]]:
    """The ``Application.MacroOptions`` calls ``import_udfs`` makes per function
    (Description, Category, ArgumentDescriptions, ...), keyed by function name."""
    book = _import_udfs(module_name, workbook_name)
    prefix = f"'{workbook_name}'!"
    return {k[len(prefix):] if k.startswith(prefix) else k: v
            for k, v in book.Application.macro_options.items()}
