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
    sst = [si.findtext(f"{MAIN}t") for si in DET.fromstring(m["xl/sharedStrings.xml"])]
    sheet = DET.fromstring(m["xl/worksheets/sheet1.xml"])
    values = {}
    for c in sheet.iter(f"{MAIN}c"):
        v = c.findtext(f"{MAIN}v")
        if v is not None:
            values[c.get("r")] = sst[int(v)] if c.get("t") == "s" else v
    # key in column A, value in column B; the VBA reads A1 down to the first blank
    keys = {values[f"A{r}"]: r for r in range(1, 10)}
    assert set(keys) == {
        "Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "Conda Path", "Conda Env",
        "UDF Modules", "Debug UDFs", "Use UDF Server", "Show Console",
    }  # fmt: skip
    assert values[f"B{keys['UDF Modules']}"] == "xlprof.udfs"
    assert "A10" not in values
    root = DET.fromstring(m["xl/sharedStrings.xml"])
    assert root.get("count") == root.get("uniqueCount") == str(len(sst))


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
    sheet = re.sub(rb'<c r="B6"[^>]*>.*?</c>', b"", sheet)
    bad = _rewrite(built["en"], tmp_path / "b.xlam", "xl/worksheets/sheet1.xml", sheet)
    assert any("UDF Modules" in p for p in check_addin(bad))

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


def test_docs_describe_import_functions():
    doc = Path(__file__).resolve().parents[1] / "docs" / "addin.md"
    text = doc.read_text(encoding="utf-8")
    assert "ImportPythonUDFsToAddin" in text
    assert "xlprof addin build" in text and "xlprof addin install" in text
    stream = io.StringIO(addin_mod.__doc__ or "")
    assert "Import Functions" in stream.getvalue()
