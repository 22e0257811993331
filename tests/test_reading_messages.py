"""How reading problems are told: counts in words ("1 problem", "3 problems"), in English and
Spanish, on the command line and in Recalculate's message."""

from __future__ import annotations

import datetime as dt

import pytest

from _inputs import expect, problem_lines, raw_tables, run, set_cells
from xlprof.errors import EXIT_INPUT
from xlprof.excel.recalc_text import text


def test_the_command_line_counts_problems_in_words(tmp_path):
    one = set_cells(tmp_path, "Clients", {"E3": "n/a"}, name="one.xlsx")
    out = expect(run("validate", one), EXIT_INPUT)
    assert out.startswith("xlprof: problem in the inputs:\n") and len(problem_lines(out)) == 1
    two = set_cells(tmp_path, "Clients", {"E3": "n/a", "E4": "lots"}, name="two.xlsx")
    out = expect(run("validate", two), EXIT_INPUT)
    assert out.startswith("xlprof: 2 problems in the inputs:\n") and len(problem_lines(out)) == 2
    assert "(s)" not in out


@pytest.mark.parametrize("lang, count, start", [
    ("en", 1, "Nothing was changed: 1 problem in the inputs.\n\n- x\n\nCorrect it and press"),
    ("en", 3, "Nothing was changed: 3 problems in the inputs.\n\n- x\n\nCorrect them and press"),
    ("en", 1200, "Nothing was changed: 1,200 problems in the inputs."),
    ("es", 1, "No se ha cambiado nada: 1 problema en los datos.\n\n- x\n\nCorríjalo y pulse"),
    ("es", 3, "No se ha cambiado nada: 3 problemas en los datos.\n\n- x\n\nCorríjalos y pulse"),
    ("es", 1200, "No se ha cambiado nada: 1.200 problemas en los datos."),
])
def test_recalculate_counts_problems_in_words(lang, count, start):
    assert text("bad_inputs", lang, count=count, problems="- x").startswith(start)


def test_recalculate_names_one_lost_sheet_or_several(tmp_path):
    from test_live import read_values, small_portfolio

    from xlprof.excel.live import DictSource, plan_recalculation
    from xlprof.model import analyze
    from xlprof.workbook.book import write_analysis_book

    p = small_portfolio()
    path = tmp_path / "small.xlsx"
    write_analysis_book(analyze(p), p, path)
    sheets = read_values(path)
    now = dt.datetime(2026, 12, 2)
    one = {k: v for k, v in sheets.items() if k != "Rates"}
    rec = plan_recalculation(DictSource(one), book_name="small.xlsx", now=now)
    assert rec.message.startswith("This xlprof workbook lost its sheet Rates. Nothing was changed.")
    two = {k: v for k, v in one.items() if k != "Scores"}
    rec = plan_recalculation(DictSource(two), book_name="small.xlsx", now=now)
    assert rec.message.startswith("This xlprof workbook lost its sheets Rates, Scores. Nothing was changed.")
    assert text("missing", "es", count=1, sheets="Tarifas", regen="").startswith(
        "A este libro de xlprof le falta la hoja Tarifas.")


# --- the catalog ------------------------------------------------------------------------------

import ast
import pickle
import re
import string
from pathlib import Path

from _inputs import bad_book
from xlprof.catalog import CATALOG
from xlprof.errors import EXIT_OK, EXIT_UNREADABLE, InputError, Problem, UnreadableFileError, format_error
from xlprof.messages import Msg, msg, render

SRC = Path(__file__).resolve().parents[1] / "src" / "xlprof"
#: the modules whose messages the catalog carries (the reader, settings, the xlsx and text files)
READING = [*sorted((SRC / "io").glob("*.py")), SRC / "settings.py", SRC / "textnorm.py", SRC / "errors.py"]


def _fields(template: str) -> set[tuple[str, str]]:
    return {(name, spec) for _, name, spec, _ in string.Formatter().parse(template) if name is not None}


def _templates(entry):
    return list(entry) if isinstance(entry, tuple) else [entry]


def test_every_message_has_english_and_spanish_with_the_same_fields():
    for key, entry in CATALOG.items():
        assert isinstance(entry, tuple) and len(entry) == 2, key
        en, es = (_templates(x) for x in entry)
        assert len(en) == len(es), key
        for a, b in zip(en, es):
            assert a.strip() or not b.strip(), key
            assert {n for n, _ in _fields(a)} == {n for n, _ in _fields(b)}, key
            assert _fields(a) == _fields(b), key         # the same formats (numbers, dates, lists)


def _sample(spec: str):
    if spec == "long":
        return dt.date(2027, 4, 3)
    if spec in ("and", "andr", "or", "orr", "comma"):
        return ["Clients", "Clientes", msg("none")]
    if spec:
        return 1234.5
    return "x"


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_message_renders_in_both_languages(key):
    fields = {name: _sample(spec) for t in _templates(CATALOG[key][0]) for name, spec in _fields(t)}
    for n in (1, 3):
        m = msg(key, **{**fields, "n": n})
        assert str(m) == m.render("en") and (m.render("es") or key in _SAME_IN_BOTH)
        assert m.render("es") != str(m) or not re.search("[a-z]{4}", str(m)) or key in _SAME_IN_BOTH
        assert pickle.loads(pickle.dumps(m)).render("es") == m.render("es")


_SAME_IN_BOTH = {"in_nothing"}


def _keys_used(path: Path) -> set[str]:
    """The literal keys of msg(...)/message(...) calls, and the f-string prefixes."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("msg", "message") and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant):
                out.add(arg.value)
            elif isinstance(arg, ast.IfExp):
                out |= {x.value for x in (arg.body, arg.orelse) if isinstance(x, ast.Constant)}
            elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                out.add(arg.values[0].value + "*")
    return out


def test_every_key_the_code_uses_is_in_the_catalog():
    used = set().union(*(_keys_used(p) for p in [*READING, SRC / "cli.py", SRC / "excel" / "recalc.py"]))
    assert len(used) > 100
    for key in used:
        if key.endswith("*"):
            assert any(k.startswith(key[:-1]) for k in CATALOG), key
        else:
            assert key in CATALOG, key


def test_no_reading_message_is_english_only():
    """Every message the reader, settings and file readers raise goes through the catalog:
    no literal text handed to a Problem, a ValueError, a file error or a note."""
    pattern = re.compile(r"""(Problem|ValueError|Error\([^,()]*,|notes\.append|_note\(notes,|stop|_Stop)\(\s*f?["']""")
    for path in READING:
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not pattern.search(line), f"{path.name}:{no}: {line.strip()}"


def test_spanish_renders_its_own_numbers_and_dates_and_keeps_the_users_text():
    m = msg("decimal_ambiguous", example="1,234", thousands=1234.0, decimal=1.234, mark=",",
            as_decimal=msg("the_decimal_comma"), nothing=msg("nothing"), where=msg("set_in_sheet"))
    assert str(m).startswith("'1,234' can be read as 1234 (',' separating thousands) or as 1.234 (',' as the "
                             "decimal comma), and nothing shows which")
    assert m.render("es").startswith("'1,234' puede leerse como 1234 (',' separa los miles) o como 1,234 (',' es "
                                     "la coma decimal), y nada indica cuál")
    d = msg("date_ambiguous", example="03/04/2027", dmy=dt.date(2027, 4, 3), mdy=dt.date(2027, 3, 4),
            nothing=msg("nothing"), extra=msg("in_nothing"), where=msg("set_in_sheet"))
    assert "el 3 de abril de 2027 (día primero) o el 4 de marzo de 2027 (mes primero)" in d.render("es")
    assert msg("too_many_rows", rows=600000, limit=500000).render("es") == "tiene 600.000 filas (límite 500.000)"
    assert render("plain text", "es") == "plain text" and isinstance(m, str) and isinstance(m, Msg)


# --- which language, on the command line --------------------------------------------------------


def _two_bad_cells(tmp_path, lang="en", name="bad.xlsx"):
    sheet, cells = ("Clientes", {"E3": "mucho", "G4": "n/a"}) if lang == "es" else ("Clients", {"E3": "lots", "G4": "n/a"})

    def fn(wb):
        for ref, v in cells.items():
            wb[sheet][ref] = v

    return bad_book(tmp_path, fn, name=name, lang=lang)


def test_lang_es_tells_the_problems_in_spanish_with_the_users_labels(tmp_path):
    book = _two_bad_cells(tmp_path)                        # an English book: Clients, Revenue, COGS
    out = expect(run("validate", book, "--lang", "es"), EXIT_INPUT)
    assert out.strip() == (f"xlprof: 2 problemas en los datos:\n"
                           f"  {book}, hoja Clients, fila 3, columna Revenue: 'lots' no es un número\n"
                           f"  {book}, hoja Clients, fila 4, columna COGS: 'n/a' no es un número")
    out = expect(run("validate", book), EXIT_INPUT)        # its Settings say en
    assert out.startswith("xlprof: 2 problems in the inputs:\n") and "'lots' is not a number" in out


def test_the_settings_language_speaks_unless_lang_says_otherwise(tmp_path):
    book = _two_bad_cells(tmp_path, "es")                  # Parámetros: language es
    out = expect(run("validate", book), EXIT_INPUT)
    assert out.startswith("xlprof: 2 problemas en los datos:\n")
    assert f"{book}, hoja Clientes, fila 3, columna Ingresos: 'mucho' no es un número" in out
    out = expect(run("score", book, "--lang", "en"), EXIT_INPUT)
    assert out.startswith("xlprof: 2 problems in the inputs:\n")
    assert f"{book}, sheet Clientes, row 3, column Ingresos: 'mucho' is not a number" in out


def test_a_broken_settings_sheet_still_speaks_its_language(tmp_path):
    def fn(wb):
        ws = wb["Parámetros"]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "cost_of_capital")
        ws.cell(row, 2).value = "mucho"

    book = bad_book(tmp_path, fn, lang="es")
    out = expect(run("validate", book), EXIT_INPUT)
    row = next(i for i, r in enumerate(raw_tables("es")["Parámetros"], 1) if r[0] == "cost_of_capital")
    assert out.strip() == (f"xlprof: problema en los datos:\n  {book}, hoja Parámetros, fila {row}, columna Valor: "
                           "parámetro cost_of_capital: 'mucho' no es un número")


def test_before_the_settings_are_read_lang_or_english(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_text("not a workbook")
    assert expect(run("validate", path), EXIT_UNREADABLE).strip() == (
        f"xlprof: {path}: is not an .xlsx workbook (not a zip package)")
    assert expect(run("validate", path, "--lang", "es"), EXIT_UNREADABLE).strip() == (
        f"xlprof: {path}: no es un libro .xlsx (no es un paquete zip)")
    assert expect(run("score", tmp_path / "nothing.xlsx", "--lang", "es"), EXIT_UNREADABLE).strip() == (
        f"xlprof: {tmp_path / 'nothing.xlsx'}: no existe ese archivo o carpeta")


def test_notes_and_the_ok_line_in_spanish(tmp_path):
    def fn(wb):
        wb["Clients"]["U1"] = "Sector"

    book = bad_book(tmp_path, fn)
    out = expect(run("validate", book, "--lang", "es"), EXIT_OK)
    assert f"xlprof: nota: {book}, hoja Clients: se ignora la columna desconocida 'Sector'" in out
    assert f"{book}: correcto - 12 clientes," in out
    out = expect(run("validate", book), EXIT_OK)
    assert f"xlprof: note: {book}, sheet Clients: ignored unknown column 'Sector'" in out


def test_a_csv_folder_in_spanish(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "Clients.csv").write_text("Client ID,Revenue,COGS\r\nC1,1.000,5\r\nC2,7,2\r\n", encoding="utf-8")
    (folder / "Activities.csv").write_text("Activity,Cost pool,Behavior\r\nOrders,100,variable\r\n", encoding="utf-8")
    (folder / "Volumes.csv").write_text("Client ID,Orders\r\nC1,1\r\nC2,1\r\n", encoding="utf-8")
    out = expect(run("validate", folder, "--lang", "es"), EXIT_INPUT)
    assert out.strip() == (
        f"xlprof: problema en los datos:\n  {folder / 'Clients.csv'}, hoja Clients, fila 2, columna Revenue: '1.000' "
        "puede leerse como 1000 ('.' separa los miles) o como 1 ('.' es el punto decimal), y nada más en el "
        "archivo indica cuál; ponga decimal_separator a '.' o ',' en el archivo Parámetros.csv (o Settings.csv) "
        "de la carpeta: añada la línea decimal_separator,. o decimal_separator,\",\" bajo su encabezado "
        "clave,valor, y cree el archivo si no existe, o escriba el número sin separador de miles")


def test_problems_keep_their_language_across_processes():
    e = InputError([Problem(msg("not_a_number", value="x"), file="f", row=2)], lang="es")
    back = pickle.loads(pickle.dumps(e))
    assert back.lang == "es" and format_error(back, lang="es") == "xlprof: problema en los datos:\n  f, fila 2: 'x' no es un número"
    u = pickle.loads(pickle.dumps(UnreadableFileError("p", msg("not_zip"))))
    assert format_error(u, lang="es") == "xlprof: p: no es un libro .xlsx (no es un paquete zip)"
