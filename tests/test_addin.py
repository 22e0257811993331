"""xlprof.xlam: built without Excel from the xlwings custom ribbon add-in template."""

from __future__ import annotations

import argparse
import importlib.util
import io
import re
import sys
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from defusedxml import ElementTree as DET

from xlprof.excel import addin as addin_mod
from xlprof.excel.addin import (
    ADDIN_FILENAME,
    LABELS,
    ExcelUnavailableError,
    build_addin,
    check_addin,
    install_addin,
    interpreter_settings,
    template_path,
)
from xlprof.excel.cli_addin import addin as addin_cli
from xlprof.errors import EXIT_UNWRITABLE, InputError, OutputError, UnreadableFileError

CUI = "{http://schemas.microsoft.com/office/2006/01/customui}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _vba_subs(vba_bin: bytes) -> dict[str, set[str]]:
    """Module name -> names of its Subs, as olevba lists the VBA code."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from oletools.olevba import VBA_Parser

    parser = VBA_Parser("vbaProject.bin", data=vba_bin)
    try:
        out = {}
        for _f, _s, vba_filename, code in parser.extract_macros():
            out[vba_filename.rsplit(".", 1)[0]] = set(
                re.findall(r"(?im)^\s*(?:public\s+|private\s+)?sub\s+(\w+)\s*\(", code)
            )
        return out
    finally:
        parser.close()


def _rewrite(src: Path, dst: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, data if info.filename == name else zin.read(info.filename))
    return dst


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for lang in ("en", "es"):
        d = tmp_path_factory.mktemp(f"addin_{lang}")
        out[lang] = build_addin(d, lang=lang)
    return out


def test_template_is_the_installed_xlwings_one():
    path = template_path()
    assert path.name == "quickstart_addin_ribbon.xlam"
    assert path.parent.name == "xlwings"
    assert path.is_file()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_build_passes_check(built, lang):
    path = built[lang]
    assert path.name == ADDIN_FILENAME
    assert check_addin(path) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_ribbon_xml(built, lang):
    m = _members(built[lang])
    rels = DET.fromstring(m["_rels/.rels"])
    ui_targets = [r.get("Target") for r in rels if r.get("Type", "").endswith("/ui/extensibility")]
    assert ui_targets == ["customUI/customUI.xml"]
    root = DET.fromstring(m["customUI/customUI.xml"])
    tabs = root.findall(f".//{CUI}tab")
    assert [t.get("label") for t in tabs] == ["xlprof"]
    groups = tabs[0].findall(f"{CUI}group")
    assert len(groups) == 1
    buttons = groups[0].findall(f"{CUI}button")
    assert len(buttons) == 1
    b = buttons[0]
    assert b.get("label") == LABELS[lang]["button"]
    assert b.get("label") == {"en": "Recalculate", "es": "Recalcular"}[lang]
    assert b.get("size") == "large"
    assert b.get("screentip") == LABELS[lang]["screentip"]
    assert groups[0].get("label") == LABELS[lang]["group"]
    # onAction names a Sub that exists in the VBA project, per olevba
    module, _, sub = b.get("onAction").rpartition(".")
    subs = _vba_subs(m["xl/vbaProject.bin"])
    assert sub in subs[module]
    assert (module, sub) == ("RibbonMyAddin", "RunMain")


def test_ribbon_macro_runs_main_of_the_file_stem(built):
    """The button runs 'import <stem>; <stem>.main()': the file must be xlprof.xlam."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from oletools.olevba import VBA_Parser

    parser = VBA_Parser("vbaProject.bin", data=_members(built["en"])["xl/vbaProject.bin"])
    try:
        code = {v: c for _f, _s, v, c in parser.extract_macros()}
    finally:
        parser.close()
    ribbon = code["RibbonMyAddin.bas"]
    assert "ThisWorkbook.Name" in ribbon
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in ribbon
    assert 'PROJECT_NAME As String = "myaddin"' in code["xlwings.bas"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_config_sheet_activated(built, lang):
    m = _members(built[lang])
    wb = DET.fromstring(m["xl/workbook.xml"])
    names = [s.get("name") for s in wb.iter(f"{MAIN}sheet")]
    assert names == ["myaddin.conf"]
    assert b"_myaddin.conf" not in m["xl/workbook.xml"]
    assert b"_myaddin.conf" not in m["docProps/app.xml"]
    assert config_rows(built[lang]) == [
        ("UDF Modules", "xlprof.udfs"), ("Debug UDFs", False), ("Use UDF Server", False),
        ("Show Console", False),
    ]  # no empty Interpreter/PYTHONPATH/Conda rows: they would hide the user's xlwings.conf
    root = DET.fromstring(m["xl/sharedStrings.xml"])
    sst = [si.findtext(f"{MAIN}t") for si in root]
    assert root.get("count") == root.get("uniqueCount") == str(len(sst))


def config_rows(path: Path) -> list[tuple[str, object]]:
    """The config sheet as the xlwings VBA reads it: A1 down to the first blank, value in B."""
    m = _members(path)
    sst = [si.findtext(f"{MAIN}t") for si in DET.fromstring(m["xl/sharedStrings.xml"])]
    sheet = DET.fromstring(m["xl/worksheets/sheet1.xml"])
    values = {}
    for c in sheet.iter(f"{MAIN}c"):
        v = c.findtext(f"{MAIN}v")
        if v is not None:
            values[c.get("r")] = sst[int(v)] if c.get("t") == "s" else (v == "1" if c.get("t") == "b" else v)
    rows, r = [], 1
    while values.get(f"A{r}"):
        rows.append((values[f"A{r}"], values.get(f"B{r}")))
        r += 1
    assert not any(ref[1:].isdigit() and int(ref[1:]) >= r for ref in values), values  # nothing below
    return rows


def test_interpreter_from_the_python_that_builds_it(tmp_path):
    win = build_addin(tmp_path, lang="en", config=interpreter_settings(r"C:\Py311\python.exe", "win32"))
    assert config_rows(win)[0] == ("Interpreter_Win", r"C:\Py311\python.exe")
    assert check_addin(win) == []
    (tmp_path / "mac").mkdir()
    mac = build_addin(tmp_path / "mac", config=interpreter_settings("/opt/py/bin/python3", "darwin"))
    assert config_rows(mac)[0] == ("Interpreter_Mac", "/opt/py/bin/python3")
    assert interpreter_settings("/usr/bin/python3", "linux") == {}


def test_only_the_intended_parts_change(built):
    tpl = _members(template_path())
    new = _members(built["en"])
    assert set(new) == set(tpl)
    changed = {n for n in tpl if tpl[n] != new[n]}
    assert changed == {
        "customUI/customUI.xml",
        "xl/workbook.xml",
        "xl/sharedStrings.xml",
        "xl/worksheets/sheet1.xml",
        "docProps/core.xml",
    }
    assert new["xl/vbaProject.bin"] == tpl["xl/vbaProject.bin"]


def test_deterministic_bytes(built, tmp_path):
    for lang, first in built.items():
        again = build_addin(tmp_path, lang=lang)
        assert again.read_bytes() == first.read_bytes()
        # and twice into the same folder (replacing the file)
        assert build_addin(tmp_path, lang=lang).read_bytes() == first.read_bytes()
    assert built["en"].read_bytes() != built["es"].read_bytes()
    with zipfile.ZipFile(built["en"]) as zf:
        infos = zf.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    assert not list(tmp_path.glob(".xlprof-*"))  # no temp file left behind


def test_build_errors(tmp_path):
    with pytest.raises(OutputError) as ei:
        build_addin(tmp_path / "missing", lang="en")
    assert ei.value.exit_code == EXIT_UNWRITABLE
    with pytest.raises(InputError):
        build_addin(tmp_path, lang="fr")


# ----------------------------------------------------------------- checker negatives


def test_check_catches_missing_macro(built, tmp_path):
    m = _members(built["en"])
    ui = m["customUI/customUI.xml"].replace(b"RibbonMyAddin.RunMain", b"RibbonMyAddin.NoSuchMacro")
    bad = _rewrite(built["en"], tmp_path / ADDIN_FILENAME, "customUI/customUI.xml", ui)
    problems = check_addin(bad)
    assert any("NoSuchMacro" in p for p in problems), problems
    ui = m["customUI/customUI.xml"].replace(b"RibbonMyAddin.RunMain", b"Nowhere.RunMain")
    bad = _rewrite(built["en"], tmp_path / ADDIN_FILENAME, "customUI/customUI.xml", ui)
    assert any("Nowhere" in p for p in check_addin(bad))


def test_check_catches_malformed_ribbon(built, tmp_path):
    ui = _members(built["en"])["customUI/customUI.xml"].replace(b"</customUI>", b"")
    bad = _rewrite(built["en"], tmp_path / ADDIN_FILENAME, "customUI/customUI.xml", ui)
    problems = check_addin(bad)
    assert any("well-formed" in p for p in problems), problems


def test_check_catches_inactive_config_and_changed_vba(built, tmp_path):
    wb = _members(built["en"])["xl/workbook.xml"]
    wb = wb.replace(b'name="myaddin.conf"', b'name="_myaddin.conf"')
    bad = _rewrite(built["en"], tmp_path / "a.xlam", "xl/workbook.xml", wb)
    assert any("myaddin.conf" in p for p in check_addin(bad))

    sheet = _members(built["en"])["xl/worksheets/sheet1.xml"]
    sheet = re.sub(rb'<c r="B1"[^>]*>.*?</c>', b"", sheet)  # UDF Modules without its value
    bad = _rewrite(built["en"], tmp_path / "b.xlam", "xl/worksheets/sheet1.xml", sheet)
    problems = check_addin(bad)
    assert any("UDF Modules" in p and "expected 'xlprof.udfs'" in p for p in problems), problems
    assert any("row 1 (UDF Modules) has no value" in p for p in problems), problems

    vba = bytearray(_members(built["en"])["xl/vbaProject.bin"])
    vba[-1] ^= 0xFF
    bad = _rewrite(built["en"], tmp_path / "c.xlam", "xl/vbaProject.bin", bytes(vba))
    assert any("vbaProject.bin differs" in p for p in check_addin(bad))


def test_check_catches_broken_package(built, tmp_path):
    junk = tmp_path / "junk.xlam"
    junk.write_bytes(b"not a zip")
    assert check_addin(junk)
    assert check_addin(tmp_path / "absent.xlam")

    no_ui = tmp_path / "noui.xlam"
    rels = _members(built["en"])["_rels/.rels"]
    rels = re.sub(rb'<Relationship Id="rId4"[^>]*/>', b"", rels)
    _rewrite(built["en"], no_ui, "_rels/.rels", rels)
    assert any("customUI" in p for p in check_addin(no_ui))

    bad_rels = _rewrite(built["en"], tmp_path / "badrels.xlam", "_rels/.rels", b"<Relationships")
    assert any("_rels/.rels" in p for p in check_addin(bad_rels))

    no_ct = tmp_path / "noct.xlam"
    with zipfile.ZipFile(built["en"]) as zin, zipfile.ZipFile(no_ct, "w") as zout:
        for info in zin.infolist():
            if info.filename != "[Content_Types].xml":
                zout.writestr(info.filename, zin.read(info.filename))
    assert any("[Content_Types].xml" in p for p in check_addin(no_ct))


def test_check_reports_missing_oletools(built, monkeypatch):
    monkeypatch.setitem(sys.modules, "oletools.olevba", None)  # import -> ImportError
    problems = check_addin(built["en"])
    assert len(problems) == 1 and "oletools" in problems[0]


def test_template_without_xlwings(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UnreadableFileError):
        template_path()


# --------------------------------------------------------------------------- install


@pytest.mark.skipif(sys.platform.startswith("win") or sys.platform == "darwin", reason="Linux only")
def test_install_on_linux_is_a_clear_error(built):
    with pytest.raises(ExcelUnavailableError) as ei:
        install_addin(built["en"])
    assert ei.value.exit_code == EXIT_UNWRITABLE
    assert "Excel" in str(ei.value) and "Windows" in str(ei.value)


def _fake_windows(monkeypatch, xlstart: Path | None):
    """Pretend to be Windows; xlwings' install copies into ``xlstart``."""
    import xlwings
    from xlwings import cli as xlcli

    monkeypatch.setattr(addin_mod.sys, "platform", "win32")
    monkeypatch.setattr(xlwings, "apps", [])

    def get_addin_dir(global_location=False):
        if xlstart is None:
            raise OSError("Invalid class string")  # what COM says without Excel
        return str(xlstart)

    monkeypatch.setattr(xlcli, "get_addin_dir", get_addin_dir)
    monkeypatch.setattr(xlcli, "sys", argparse.Namespace(platform="win32"))


def test_install_copies_to_xlstart(built, tmp_path, monkeypatch):
    xlstart = tmp_path / "XLSTART"
    xlstart.mkdir()
    _fake_windows(monkeypatch, xlstart)
    message = install_addin(built["es"])
    assert (xlstart / ADDIN_FILENAME).read_bytes() == built["es"].read_bytes()
    assert str(xlstart) in message and "Import Functions" in message


def test_install_without_excel_on_windows(built, monkeypatch):
    _fake_windows(monkeypatch, None)
    with pytest.raises(ExcelUnavailableError) as ei:
        install_addin(built["en"])
    assert "Excel was not found" in str(ei.value)


def test_install_reports_a_failed_copy(built, tmp_path, monkeypatch):
    _fake_windows(monkeypatch, tmp_path / "no-such-xlstart")  # copy fails; xlwings only prints
    with pytest.raises(OutputError):
        install_addin(built["en"])


def test_install_refuses_wrong_name_or_broken_file(built, tmp_path, monkeypatch):
    _fake_windows(monkeypatch, tmp_path)
    other = tmp_path / "other.xlam"
    other.write_bytes(built["en"].read_bytes())
    with pytest.raises(InputError, match="xlprof.xlam"):
        install_addin(other)
    broken = tmp_path / "sub" / ADDIN_FILENAME
    broken.parent.mkdir()
    broken.write_bytes(b"junk")
    with pytest.raises(InputError):
        install_addin(broken)


# ------------------------------------------------------------------------------- CLI


def test_cli_build(tmp_path):
    runner = CliRunner()
    result = runner.invoke(addin_cli, ["build", "-o", str(tmp_path), "--lang", "es"])
    assert result.exit_code == 0, result.output
    path = tmp_path / ADDIN_FILENAME
    assert path.is_file() and str(path) in result.output
    assert check_addin(path) == []
    assert b'label="Recalcular"' in _members(path)["customUI/customUI.xml"]


def test_cli_build_default_folder_and_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(addin_cli, ["build"])
    assert result.exit_code == 0, result.output
    assert b'label="Recalculate"' in _members(tmp_path / ADDIN_FILENAME)["customUI/customUI.xml"]

    result = runner.invoke(addin_cli, ["build", "-o", str(tmp_path / "missing")])
    assert result.exit_code == EXIT_UNWRITABLE
    assert "cannot write" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)

    result = runner.invoke(addin_cli, ["build", "--lang", "fr"])
    assert result.exit_code == 2


@pytest.mark.skipif(sys.platform.startswith("win") or sys.platform == "darwin", reason="Linux only")
@pytest.mark.parametrize("args", [[], ["-f", "FILE"]])
def test_cli_install_on_linux(built, args):
    args = [str(built["en"]) if a == "FILE" else a for a in args]
    result = CliRunner().invoke(addin_cli, ["install", *args])
    assert result.exit_code == EXIT_UNWRITABLE
    assert "Excel" in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_cli_install_builds_then_installs(tmp_path, monkeypatch):
    xlstart = tmp_path / "XLSTART"
    xlstart.mkdir()
    _fake_windows(monkeypatch, xlstart)
    result = CliRunner().invoke(addin_cli, ["install", "--lang", "es"])
    assert result.exit_code == 0, result.output
    installed = xlstart / ADDIN_FILENAME
    assert b'label="Recalcular"' in _members(installed)["customUI/customUI.xml"]
    assert check_addin(installed) == []
    # built by the Python running the command: the add-in finds it without PATH
    assert config_rows(installed)[0] == ("Interpreter_Win", sys.executable)


def test_docs_describe_import_functions():
    doc = Path(__file__).resolve().parents[1] / "docs" / "addin.md"
    text = doc.read_text(encoding="utf-8")
    assert "ImportPythonUDFsToAddin" in text
    assert "xlprof addin build" in text and "xlprof addin install" in text
    stream = io.StringIO(addin_mod.__doc__ or "")
    assert "Import Functions" in stream.getvalue()


# ------------------------------------------------------------- add-in vs installed xlwings


def _stamped(built: Path, out: Path, version: str) -> Path:
    core = _members(built)["docProps/core.xml"].decode()
    return _rewrite(built, out, "docProps/core.xml",
                    re.sub(r"built from xlwings \S+ ", f"built from xlwings {version} ", core).encode())


def test_the_build_stamps_its_xlwings_version(built):
    import xlwings

    from xlprof.excel.versions import built_for, mismatch

    assert built_for(built["en"]) == xlwings.__version__
    assert mismatch(xlwings.__version__, xlwings.__version__) is None
    assert mismatch("0.36.0", "0.37.8") == ("rebuild the add-in: xlprof addin install (then restart Excel). "
                                           "It was built for xlwings 0.36.0, and this Python has xlwings 0.37.8")


def test_functions_say_rebuild_when_the_addin_is_for_another_xlwings(built, tmp_path, udfs):
    import xlwings
    import xlwings_win as xw_win

    (tmp_path / "old").mkdir(exist_ok=True)
    old = _stamped(built["en"], tmp_path / "old" / ADDIN_FILENAME, "0.36.0")
    app = xw_win.FakeApp(hwnd=3601, addins={ADDIN_FILENAME: str(old)})
    caller = xw_win.fake_caller(book=xw_win.FakeBook("book.xlsm", app=app))
    out = xw_win.call_udf("xlprof.udfs", "XLPROF_MARGIN", 1000.0, 600.0, caller=caller)
    assert out == ("#XLPROF! rebuild the add-in: xlprof addin install (then restart Excel). It was built "
                   f"for xlwings 0.36.0, and this Python has xlwings {xlwings.__version__}")
    same = xw_win.FakeApp(hwnd=3602, addins={ADDIN_FILENAME: str(built["en"])})
    caller = xw_win.fake_caller(book=xw_win.FakeBook("book.xlsm", app=same))
    assert xw_win.call_udf("xlprof.udfs", "XLPROF_MARGIN", 1000.0, 600.0, caller=caller) == 400.0


def test_recalculate_says_rebuild_and_changes_nothing(built, tmp_path):
    import types

    import xlprof

    (tmp_path / "old").mkdir(exist_ok=True)
    old = _stamped(built["en"], tmp_path / "old" / ADDIN_FILENAME, "0.36.0")
    alerts = []

    class Book:
        name = "analysis.xlsx"
        app = types.SimpleNamespace(
            api=types.SimpleNamespace(Hwnd=3603, Workbooks=lambda name: types.SimpleNamespace(FullName=str(old))),
            alert=lambda *a, **k: alerts.append((a, k)))

        @property
        def sheets(self):
            raise AssertionError("nothing may be read or written")

    xlprof.main(Book())
    assert len(alerts) == 1
    (message,), options = alerts[0]
    assert message.startswith("Rebuild the add-in: xlprof addin install (then restart Excel).")
    assert options["mode"] == "critical"
