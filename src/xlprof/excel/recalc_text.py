"""The messages of Recalculate (message boxes and the status line), in English and Spanish."""

from __future__ import annotations

from typing import Any

MAX_PROBLEMS_SHOWN = 8

TEXT = {
    "title": {"en": "xlprof Recalculate", "es": "xlprof Recalcular"},
    "not_xlprof": {
        "en": "This workbook is not an xlprof analysis workbook (it has no {sheets} sheets).\n\n"
              "Recalculate refreshes the analysis workbooks written by 'xlprof generate' or 'xlprof demo'. "
              "Nothing was changed.",
        "es": "Este libro no es un libro de análisis de xlprof (no tiene las hojas {sheets}).\n\n"
              "Recalcular actualiza los libros de análisis escritos por 'xlprof generate' o 'xlprof demo'. "
              "No se ha cambiado nada.",
    },
    "missing": {  # (one, other): chosen by ``count``
        "en": ("This xlprof workbook lost its sheet {sheets}. Nothing was changed.\n\n{regen}",
               "This xlprof workbook lost its sheets {sheets}. Nothing was changed.\n\n{regen}"),
        "es": ("A este libro de xlprof le falta la hoja {sheets}. No se ha cambiado nada.\n\n{regen}",
               "A este libro de xlprof le faltan las hojas {sheets}. No se ha cambiado nada.\n\n{regen}"),
    },
    "bad_inputs": {
        "en": ("Nothing was changed: 1 problem in the inputs.\n\n{problems}\n\n"
               "Correct it and press Recalculate again.",
               "Nothing was changed: {count} problems in the inputs.\n\n{problems}\n\n"
               "Correct them and press Recalculate again."),
        "es": ("No se ha cambiado nada: 1 problema en los datos.\n\n{problems}\n\n"
               "Corríjalo y pulse Recalcular de nuevo.",
               "No se ha cambiado nada: {count} problemas en los datos.\n\n{problems}\n\n"
               "Corríjalos y pulse Recalcular de nuevo."),
    },
    "layout": {
        "en": "Nothing was changed: the workbook's rows and columns no longer match its formulas "
              "({reasons}).\n\nRecalculate refreshes a workbook that has the same clients, activities and "
              "resources, in the same rows, as when it was written.\n\n{regen}",
        "es": "No se ha cambiado nada: las filas y columnas del libro ya no encajan con sus fórmulas "
              "({reasons}).\n\nRecalcular actualiza un libro con los mismos clientes, actividades y recursos, "
              "en las mismas filas, que cuando se escribió.\n\n{regen}",
    },
    "regen": {
        "en": "To rebuild it, save and close the workbook, run\n    xlprof recalc \"{book}\"\nand open it "
              "again (ratings, settings, task statuses and notes are kept).",
        "es": "Para rehacerlo, guarde y cierre el libro, ejecute\n    xlprof recalc \"{book}\"\ny vuelva a "
              "abrirlo (se conservan valoraciones, parámetros, estados y notas).",
    },
    "failed": {
        "en": "xlprof could not recalculate this workbook: {error}\n\nNothing was changed.",
        "es": "xlprof no ha podido recalcular este libro: {error}\n\nNo se ha cambiado nada.",
    },
    "write_failed": {
        "en": "Excel refused a change while xlprof was writing the results ({error}); part of the "
              "analysis may be old.\n\nPress Recalculate again, or save and close the workbook and run\n"
              "    xlprof recalc \"{book}\"",
        "es": "Excel rechazó un cambio mientras xlprof escribía los resultados ({error}); parte del "
              "análisis puede estar sin actualizar.\n\nPulse Recalcular de nuevo, o guarde y cierre el libro "
              "y ejecute\n    xlprof recalc \"{book}\"",
    },
    "more": {"en": "... and {n} more", "es": "... y {n} más"},
    "status_failed": {"en": "(The status line on the Dashboard could not be written either: {error}.)",
                      "es": "(Tampoco se pudo escribir la línea de estado del Panel: {error}.)"},
    # layout reasons
    "n_clients": {"en": "{now} clients instead of {was}", "es": "{now} clientes en lugar de {was}"},
    "n_activities": {"en": "{now} activities instead of {was}", "es": "{now} actividades en lugar de {was}"},
    "n_resources": {"en": "{now} resources instead of {was}", "es": "{now} recursos en lugar de {was}"},
    "client_rows": {"en": "sheet {sheet}: the clients are not in rows 2 to {last} in client ID order",
                    "es": "hoja {sheet}: los clientes no están en las filas 2 a {last} por orden de ID"},
    "volume_cols": {"en": "sheet {sheet}: the columns are not the activities in the order of sheet {acts}",
                    "es": "hoja {sheet}: las columnas no son las actividades en el orden de la hoja {acts}"},
    "table_rows": {"en": "sheet {sheet}: an empty row between the rows",
                   "es": "hoja {sheet}: una fila vacía entre las filas"},
    "rate_source": {"en": "how the rate of {activity} is set changed ({was} -> {now})",
                    "es": "cambió cómo se fija la tarifa de {activity} ({was} -> {now})"},
    "names": {"en": "activity names changed (sheet {sheet})", "es": "cambiaron nombres de actividades (hoja {sheet})"},
    "split": {
        "en": "Nothing was changed: this workbook holds part of a portfolio ('xlprof generate --split-by') "
              "and its rates are the whole portfolio's, which Recalculate cannot see.\n\nRegenerate the "
              "split workbooks from the portfolio's input: xlprof generate INPUT --split-by COLUMN",
        "es": "No se ha cambiado nada: este libro es parte de una cartera ('xlprof generate --split-by') y "
              "sus tarifas son las de toda la cartera, que Recalcular no ve.\n\nRegenere los libros "
              "divididos desde los datos de la cartera: xlprof generate DATOS --split-by COLUMNA",
    },
    "no_stamp": {"en": "it was written by an older xlprof", "es": "lo escribió una versión anterior de xlprof"},
    "language": {"en": "Settings language '{setting}' applies when the book is regenerated",
                 "es": "el idioma '{setting}' de Parámetros se aplica al regenerar el libro"},
}


def text(key: str, lang: str, **values: Any) -> str:
    """The text ``key`` in ``lang``; a (one, other) pair is chosen by ``values["count"]``."""
    entry = TEXT[key][lang if lang in ("en", "es") else "en"]
    if isinstance(entry, tuple):
        n = values["count"]
        entry = entry[0] if n == 1 else entry[1]
        values = {**values, "count": f"{n:,}".replace(",", "." if lang == "es" else ",")}
    return entry.format(**values)
