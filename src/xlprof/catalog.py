"""The catalog of messages about the inputs: key -> (English, Spanish) template.

Rendering rules are in :mod:`xlprof.messages`. The English texts are the ones the tests and
docs/bad-input.md pin; the Spanish ones address the user as *usted*, like the rest of xlprof.
Setting keys (``decimal_separator``) stay as the Settings sheet shows them in both languages.
"""

from __future__ import annotations

CATALOG: dict[str, tuple] = {
    # --- framing (errors.py, the command line) --------------------------------------------
    "where_sheet": ("sheet {sheet}", "hoja {sheet}"),
    "where_row": ("row {row}", "fila {row}"),
    "where_column": ("column {column}", "columna {column}"),
    "head_one": ("problem in the inputs:", "problema en los datos:"),
    "head_many": ("{n:,} problems in the inputs:", "{n:,} problemas en los datos:"),
    "and_more": ("... and {n:,} more", "... y {n:,} más"),
    "note": ("note: {text}", "nota: {text}"),
    "cannot_write": ("cannot write: {reason}", "no se puede escribir: {reason}"),
    "internal": ("internal error ({kind}: {detail}); this is a defect in xlprof, not a problem with your "
                 "input: please report it with the command you ran",
                 "error interno ({kind}: {detail}); es un defecto de xlprof, no un problema de sus datos: "
                 "comuníquelo junto con la orden que ejecutó"),
    "validated": ("{path}: OK - {clients}, {activities}, {resources}, {volumes}",
                  "{path}: correcto - {clients}, {activities}, {resources}, {volumes}"),
    "n_clients": (("1 client", "{n:,} clients"), ("1 cliente", "{n:,} clientes")),
    "n_activities": (("1 activity", "{n:,} activities"), ("1 actividad", "{n:,} actividades")),
    "n_resources": (("1 resource", "{n:,} resources"), ("1 recurso", "{n:,} recursos")),
    "n_volumes": (("1 volume entry", "{n:,} volume entries"), ("1 consumo", "{n:,} consumos")),
    "not_analysis_book": ("{book}: is an input workbook, not an analysis workbook written by xlprof; recalc "
                          "would replace it. To analyse it, run: xlprof generate {book} -o FOLDER",
                          "{book}: es un libro de datos, no un libro de análisis escrito por xlprof; recalc lo "
                          "reemplazaría. Para analizarlo, ejecute: xlprof generate {book} -o CARPETA"),
    "large_book_recalc": ("{book}: is the summary book of a large portfolio (values only; every client is in the "
                          "-clients.parquet and -clients.csv files beside it): there is nothing in it to recalculate. "
                          "Change the inputs and run: xlprof generate INPUT -o FOLDER",
                          "{book}: es el libro resumen de una cartera grande (solo valores; cada cliente está en los "
                          "archivos -clients.parquet y -clients.csv junto a él): no hay nada que recalcular. Cambie "
                          "los datos de entrada y ejecute: xlprof generate ENTRADA -o CARPETA"),
    "interrupted": ("interrupted", "interrumpido"),
    "out_of_memory": ("out of memory; the input is too large", "sin memoria; los datos son demasiado grandes"),

    # --- values: the one parser (textnorm.py) and the reading rule (io/evidence.py) ----------
    "not_a_number": ("{value!r} is not a number", "{value!r} no es un número"),
    "not_finite": ("{value!r} is not a finite number", "{value!r} no es un número finito"),
    "not_finite_str": ("{value!s} is not a finite number", "{value!s} no es un número finito"),
    "yesno_not_number": ("{value!r} is a yes/no value, not a number", "{value!r} es un sí/no, no un número"),
    "date_not_number": ("{value!s} is a date, not a number", "{value!s} es una fecha, no un número"),
    "error_not_number": ("{code} is an Excel error, not a number; fix the formula or type the value",
                         "{code} es un error de Excel, no un número; corrija la fórmula o escriba el valor"),
    "not_yesno": ("{value} is not yes/no (use yes/no, sí/no, true/false, x or blank, 1/0)",
                  "{value} no es sí/no (use sí/no, yes/no, verdadero/falso, x o vacío, 1/0)"),
    "date_out_of_range": ("{date} is outside the dates xlprof accepts ({low} to {high})",
                          "{date} está fuera de las fechas que acepta xlprof ({low} a {high})"),
    "yesno_not_date": ("{value!r} is a yes/no value, not a date", "{value!r} es un sí/no, no una fecha"),
    "number_not_date": ("{value!r} is a number, not a date", "{value!r} es un número, no una fecha"),
    "not_a_date": ("{value!r} is not a date", "{value!r} no es una fecha"),
    "not_a_date_expected": ("{value!r} is not a date (expected YYYY-MM-DD, or DD/MM/YYYY or MM/DD/YYYY)",
                            "{value!r} no es una fecha (se espera AAAA-MM-DD, o DD/MM/AAAA o MM/DD/AAAA)"),
    "not_a_valid_date": ("{value!r} is not a valid date", "{value!r} no es una fecha válida"),
    "two_digit_year": ("{value!r} has a two-digit year; type the year with four digits (or YYYY-MM-DD)",
                       "{value!r} tiene el año con dos cifras; escriba el año con cuatro (o AAAA-MM-DD)"),
    "decimal_conflict": ("{a!r} can only be read with a decimal point and {b!r} only with a decimal comma; "
                         "type every number{scope} the same way",
                         "{a!r} solo puede leerse con punto decimal y {b!r} solo con coma decimal; escriba "
                         "todos los números{scope} de la misma forma"),
    "decimal_ambiguous": ("{example!r} can be read as {thousands:.15g} ('{mark}' separating thousands) or as "
                          "{decimal:.15g} ('{mark}' as {as_decimal}), and {nothing} shows which; set "
                          "decimal_separator to '.' or ',' {where}, or type the number without a thousands "
                          "separator",
                          "{example!r} puede leerse como {thousands:.15g} ('{mark}' separa los miles) o como "
                          "{decimal:.15g} ('{mark}' es {as_decimal}), y {nothing} indica cuál; ponga "
                          "decimal_separator a '.' o ',' {where}, o escriba el número sin separador de miles"),
    "the_decimal_point": ("the decimal point", "el punto decimal"),
    "the_decimal_comma": ("the decimal comma", "la coma decimal"),
    "has_other_decimal": ("{value!r} has {has} but the other numbers have {other}",
                          "{value!r} tiene {has} pero los demás números tienen {other}"),
    "a_decimal_point": ("a decimal point", "punto decimal"),
    "a_decimal_comma": ("a decimal comma", "coma decimal"),
    "date_conflict": ("{a!r} has the day first but {b!r} has the month first; type every date{scope} the "
                      "same way (best: YYYY-MM-DD)",
                      "{a!r} lleva el día primero pero {b!r} lleva el mes primero; escriba todas las "
                      "fechas{scope} de la misma forma (mejor: AAAA-MM-DD)"),
    "date_ambiguous": ("{example!r} can be {dmy:long} (day first) or {mdy:long} (month first), and {nothing} "
                       "shows which; set date_order to dmy or mdy {where}{extra}, or type the date as "
                       "YYYY-MM-DD",
                       "{example!r} puede ser el {dmy:long} (día primero) o el {mdy:long} (mes primero), y "
                       "{nothing} indica cuál; ponga date_order a dmy o mdy {where}{extra}, o escriba la "
                       "fecha como AAAA-MM-DD"),
    # where a setting is set, in the two messages above
    "set_in_sheet": ("in the Settings sheet", "en la hoja Parámetros"),
    "set_in_csv_decimal": ("in the folder's Settings.csv (or Parámetros.csv): add the line decimal_separator,. "
                           "or decimal_separator,\",\" under its key,value header, creating the file if there is "
                           "none",
                           "en el archivo Parámetros.csv (o Settings.csv) de la carpeta: añada la línea "
                           "decimal_separator,. o decimal_separator,\",\" bajo su encabezado clave,valor, y "
                           "cree el archivo si no existe"),
    "set_in_csv_date": ("in the folder's Settings.csv (or Parámetros.csv): add the line date_order,dmy or "
                        "date_order,mdy under its key,value header, creating the file if there is none",
                        "en el archivo Parámetros.csv (o Settings.csv) de la carpeta: añada la línea "
                        "date_order,dmy o date_order,mdy bajo su encabezado clave,valor, y cree el archivo si "
                        "no existe"),
    "ymd_settles_nothing": (" (date_order ymd only settles dates written year first)",
                            " (date_order ymd solo decide las fechas escritas con el año primero)"),
    "has_other_order": ("{value!r} has the {has} first but the other dates have the {other} first",
                        "{value!r} lleva {has} primero pero las demás fechas llevan {other} primero"),
    "day": ("day", "el día"),
    "month": ("month", "el mes"),
    # where the values come from, in the two messages above
    "in_file": (" in the file", " del archivo"),
    "in_column": (" in the column", " de la columna"),
    "in_settings": (" in the Settings sheet", " de la hoja Parámetros"),
    "in_nothing": ("", ""),
    "nothing_else_file": ("nothing else in the file", "nada más en el archivo"),
    "nothing_else_column": ("nothing else in the column", "nada más en la columna"),
    "nothing_else_settings": ("nothing else in the Settings sheet", "nada más en la hoja Parámetros"),
    "nothing": ("nothing", "nada"),

    # --- cells (io/columns.py, io/numbers.py) ----------------------------------------------
    "excel_error": ("cell holds the Excel error {code}; fix the formula or type the value",
                    "la celda contiene el error de Excel {code}; corrija la fórmula o escriba el valor"),
    "formula_untrusted": ("the formula ={formula} cannot be trusted ({why}; {saved}); open the file in Excel "
                          "or LibreOffice and save it, so that the values are calculated and saved",
                          "no se puede confiar en la fórmula ={formula} ({why}; {saved}); abra el archivo en "
                          "Excel o LibreOffice y guárdelo, para que los valores se calculen y se guarden"),
    "formula_no_value": ("it has no saved value", "no tiene valor guardado"),
    "formula_old_value": ("its saved value {value!r} may be out of date",
                          "su valor guardado {value!r} puede estar desfasado"),
    "formula_not_calculated": ("the program that wrote the file did not calculate it",
                               "el programa que escribió el archivo no la calculó"),
    "formula_volatile": ("{function}() gives a new value each time it is calculated",
                         "{function}() da un valor nuevo cada vez que se calcula"),
    "formula_full_calc": ("the workbook asks to recalculate every formula when it is opened",
                          "el libro pide recalcular todas las fórmulas al abrirse"),
    "formula_manual": ("the workbook is set to manual calculation and was saved without recalculating",
                       "el libro está en cálculo manual y se guardó sin recalcular"),
    "percent_money": ("{shown!r} is a percentage; this column takes an amount of money, not a share of "
                      "something: type the amount itself as a plain number (work a share out first: 5 % of "
                      "1,000 is 50)",
                      "{shown!r} es un porcentaje; esta columna lleva un importe, no una parte de algo: "
                      "escriba el importe mismo como número (calcule antes la parte: el 5 % de 1.000 es 50)"),
    "percent_days": ("{shown!r} is a percentage; this column takes a number of days, not a share of "
                     "something: type the number of days itself as a plain number",
                     "{shown!r} es un porcentaje; esta columna lleva un número de días, no una parte de "
                     "algo: escriba los días mismos como número"),
    "percent_rating": ("{shown!r} is a percentage; this column takes a rating from 1 to 5, not a share of "
                       "something: type the rating itself as a plain number",
                       "{shown!r} es un porcentaje; esta columna lleva una valoración de 1 a 5, no una parte "
                       "de algo: escriba la valoración misma como número"),
    "percent_quantity": ("{shown!r} is a percentage; this column takes a quantity, not a share of "
                         "something: type the quantity itself as a plain number",
                         "{shown!r} es un porcentaje; esta columna lleva una cantidad, no una parte de algo: "
                         "escriba la cantidad misma como número"),
    "percent_not_date": ("{shown!r} is a percentage, not a date", "{shown!r} es un porcentaje, no una fecha"),
    "percent_not_yesno": ("{shown!r} is a percentage, not yes/no", "{shown!r} es un porcentaje, no un sí/no"),
    "percent_id": ("{shown!r} is formatted as a percentage; type the id as text",
                   "{shown!r} tiene formato de porcentaje; escriba el identificador como texto"),
    "text_too_long": ("text of {length:,} characters is longer than Excel's {limit:,}-character cell limit",
                      "un texto de {length:,} caracteres supera el límite de {limit:,} caracteres de una "
                      "celda de Excel"),
    "behavior_blank": ("is blank; expected one of {codes}", "está en blanco; se espera uno de {codes}"),
    "behavior_unknown": ("{value!r} is not a cost behaviour; expected one of {codes}",
                         "{value!r} no es un comportamiento de coste; se espera uno de {codes}"),
    "more_two_way": (("{reason} (1 more cell read two ways)", "{reason} ({n:,} more cells read two ways)"),
                     ("{reason} (1 celda más se lee de dos formas)",
                      "{reason} ({n:,} celdas más se leen de dos formas)")),
    "conflict_counts": ("{reason} ({many} read one way and {few} the other; this is the first of the {few})",
                        "{reason} ({many} se leen de una forma y {few} de la otra; esta es la primera de "
                        "ellas)"),
    "conflict_count_one": ("{reason} ({many} read one way and only this one the other)",
                           "{reason} ({many} se leen de una forma y solo esta de la otra)"),
    "cells": (("1 cell", "{n:,} cells"), ("1 celda", "{n:,} celdas")),
    "not_rating": ("{value} is not a rating between 1 and 5", "{value} no es una valoración entre 1 y 5"),
    "negative": ("{value} is negative; expected a number >= 0", "{value} es negativo; se espera un número >= 0"),
    "not_finite_value": ("{value} is not a finite number", "{value} no es un número finito"),
    "too_large_amount": ("{value} is too large for an amount (limit 1e15)",
                         "{value} es demasiado grande para un importe (límite 1e15)"),
    "too_many_days": ("{value} days is more than 36,500 (100 years); is it a date or a typo?",
                      "{value} días son más de 36.500 (100 años); ¿es una fecha o una errata?"),

    # --- tables (io/tables.py, io/reader.py, io/volumes.py) -----------------------------------
    "sheet_empty": ("the sheet is empty; expected a header row with {columns}",
                    "la hoja está vacía; se espera una fila de encabezados con {columns}"),
    "no_header": ("no header row found; expected columns {columns}",
                  "no se encuentra la fila de encabezados; se esperan las columnas {columns}"),
    "columns_same": ("columns {a!r} and {b!r} both mean {column}",
                     "las columnas {a!r} y {b!r} significan las dos {column}"),
    "missing_columns": (("missing required column {columns} (found: {found})",
                         "missing required columns {columns} (found: {found})"),
                        ("falta la columna obligatoria {columns} (hay: {found})",
                         "faltan las columnas obligatorias {columns} (hay: {found})")),
    "blank_required": ("{column} is blank; a value is required", "{column} está en blanco; hace falta un valor"),
    "csv_row_too_long": ("this row has {n} fields, the header {width}, so its values are shifted into the "
                         "wrong columns; the likely cause is an unquoted thousands separator (120,000) or a "
                         "comma inside an unquoted text; put that value in double quotes (\"120,000\") or "
                         "remove the separator (120000)",
                         "esta fila tiene {n} campos y el encabezado {width}, así que sus valores caen en "
                         "columnas equivocadas; la causa probable es un separador de miles sin comillas "
                         "(120,000) o una coma dentro de un texto sin comillas; ponga ese valor entre comillas "
                         "dobles (\"120,000\") o quite el separador (120000)"),
    "csv_row_too_long_text": ("this row has {n} fields, the header {width}, so its values are shifted into the "
                              "wrong columns; the likely cause is a {delimiter} inside an unquoted text; put that "
                              "value in double quotes or remove the {delimiter}",
                              "esta fila tiene {n} campos y el encabezado {width}, así que sus valores caen en "
                              "columnas equivocadas; la causa probable es un {delimiter} dentro de un texto sin "
                              "comillas; ponga ese valor entre comillas dobles o quite el {delimiter}"),
    "totals_row_label": ("this row looks like a totals row ({column} {value!r}): read as data it would be a "
                         "client whose amounts are the sum of the others, doubling the portfolio's totals; "
                         "delete the row (xlprof computes its own totals). If a client really has the ID "
                         "{value!r}, give it another one (e.g. '{value}-1')",
                         "esta fila parece una fila de totales ({column} {value!r}): leída como datos sería un "
                         "cliente cuyos importes son la suma de los demás, y duplicaría los totales de la "
                         "cartera; borre la fila (xlprof calcula sus propios totales). Si un cliente tiene de "
                         "verdad el ID {value!r}, dele otro (p. ej. '{value}-1')"),
    "totals_row_name": ("this row looks like a totals row ({column} blank, name {value!r}): read as data it "
                        "would be a client whose amounts are the sum of the others, doubling the portfolio's "
                        "totals; delete the row (xlprof computes its own totals). If it is a real client, "
                        "type its {column}",
                        "esta fila parece una fila de totales ({column} vacío, nombre {value!r}): leída como "
                        "datos sería un cliente cuyos importes son la suma de los demás, y duplicaría los "
                        "totales de la cartera; borre la fila (xlprof calcula sus propios totales). Si es un "
                        "cliente real, escriba su {column}"),
    "totals_row_formula": ("this row looks like a totals row: {formula} adds up the column above it, so client "
                           "{value!r} would count the other clients' amounts again; delete the row (xlprof "
                           "computes its own totals), or type this client's own amounts instead of the formula",
                           "esta fila parece una fila de totales: {formula} suma la columna de encima, así que "
                           "el cliente {value!r} contaría otra vez los importes de los demás; borre la fila "
                           "(xlprof calcula sus propios totales), o escriba los importes de este cliente en vez "
                           "de la fórmula"),
    "totals_row_formula_blank": ("this row looks like a totals row: {column} is blank and {formula} adds up the "
                                 "column above it; delete the row (xlprof computes its own totals)",
                                 "esta fila parece una fila de totales: {column} está vacío y {formula} suma la "
                                 "columna de encima; borre la fila (xlprof calcula sus propios totales)"),
    "delim_tab": ("tab", "tabulador"),
    "delim_semicolon": ("semicolon", "punto y coma"),
    "delim_pipe": ("'|'", "'|'"),
    "header_merged_across": ("header cells {span} are merged, so column {letter} has values but no header; "
                             "unmerge them and give each column its own header",
                             "las celdas de encabezado {span} están combinadas, así que la columna {letter} "
                             "tiene valores pero no encabezado; separe las celdas y dé a cada columna su "
                             "encabezado"),
    "header_merged_down": ("cells {span} are merged from the header into the data below it, so the header "
                           "{header!r} would be read as the value of {rows}; unmerge {span}, keep the header "
                           "in row {row} and type each row's own value",
                           "las celdas {span} están combinadas desde el encabezado hasta los datos de debajo, "
                           "así que el encabezado {header!r} se leería como el valor de {rows}; separe {span}, "
                           "deje el encabezado en la fila {row} y escriba el valor de cada fila"),
    "rows_span": (("row {first}", "rows {first} to {last}"), ("la fila {first}", "las filas {first} a {last}")),
    "duplicate_id": ("{column} {value!r} is a duplicate of {first!r} in row {row}",
                     "{column} {value!r} repite {first!r} de la fila {row}"),
    "duplicate_case": ("{column} {value!r} differs only by case from {first!r} in row {row}",
                       "{column} {value!r} solo se distingue de {first!r} de la fila {row} en mayúsculas y "
                       "minúsculas"),
    "same_table_sheets_two": ("sheets {names:andr} both hold the {table} table, and xlprof will not choose "
                              "between them: rename or delete one of them",
                              "las hojas {names:andr} contienen las dos la tabla {table}, y xlprof no elige "
                              "entre ellas: cambie el nombre de una o bórrela"),
    "same_table_sheets_many": ("sheets {names:andr} all hold the {table} table, and xlprof will not choose "
                               "between them: rename or delete all but one",
                               "las hojas {names:andr} contienen todas la tabla {table}, y xlprof no elige "
                               "entre ellas: cambie el nombre o borre todas menos una"),
    "same_table_files_two": ("files {names:andr} both hold the {table} table, and xlprof will not choose "
                             "between them: rename or delete one of them",
                             "los archivos {names:andr} contienen los dos la tabla {table}, y xlprof no elige "
                             "entre ellos: cambie el nombre de uno o bórrelo"),
    "same_table_files_many": ("files {names:andr} all hold the {table} table, and xlprof will not choose "
                              "between them: rename or delete all but one",
                              "los archivos {names:andr} contienen todos la tabla {table}, y xlprof no elige "
                              "entre ellos: cambie el nombre o borre todos menos uno"),
    "table_Clients": ("Clients", "Clientes"),
    "table_Activities": ("Activities", "Actividades"),
    "table_Volumes": ("Volumes", "Consumos"),
    "table_Resources": ("Resources", "Recursos"),
    "table_Settings": ("Settings", "Parámetros"),
    "missing_sheet": ("missing sheet {table} (or {aliases}); sheets found: {found}",
                      "falta la hoja {table} (o {aliases}); hojas encontradas: {found}"),
    "none": ("none", "ninguna"),
    "header_no_rows_clients": ("the sheet has a header but no data rows; expected one row per client",
                               "la hoja tiene encabezados pero no filas de datos; se espera una fila por "
                               "cliente"),
    "header_no_rows_activities": ("the sheet has a header but no data rows; expected one row per activity",
                                  "la hoja tiene encabezados pero no filas de datos; se espera una fila por "
                                  "actividad"),
    "unknown_resource": ("resource {value!r} is not in the Resources sheet",
                         "el recurso {value!r} no está en la hoja Recursos"),
    "unknown_resource_hint": ("resource {value!r} is not in the Resources sheet (did you mean {hint!r}?)",
                              "el recurso {value!r} no está en la hoja Recursos (¿quería decir {hint!r}?)"),
    "resource_needs_minutes": ("an activity on a resource needs {minutes}",
                               "una actividad con recurso necesita {minutes}"),
    "resource_and_cost": ("an activity on a resource takes its cost from the resource; leave {pool} and "
                          "{rate} blank",
                          "una actividad con recurso toma su coste del recurso; deje {pool} y {rate} en "
                          "blanco"),
    "pool_and_rate": ("give {pool} or {rate}, not both", "indique {pool} o {rate}, no los dos"),
    "needs_a_cost": ("needs a cost: {pool}, {rate}, or a resource with {minutes}",
                     "necesita un coste: {pool}, {rate}, o un recurso con {minutes}"),
    "settings_no_value_column": ("missing column value (or valor) next to the keys",
                                 "falta la columna valor (o value) junto a las claves"),
    "setting_reason": ("setting {key}: {reason}", "parámetro {key}: {reason}"),
    "no_client_id_header": ("no header row with a client ID column found",
                            "no se encuentra una fila de encabezados con la columna ID cliente"),
    "not_an_activity_column": ("column {value!r} is not an activity of the Activities sheet",
                               "la columna {value!r} no es una actividad de la hoja Actividades"),
    "unknown_client": ("client {value!r} is not in the Clients sheet",
                       "el cliente {value!r} no está en la hoja Clientes"),
    "client_twice": ("client {value!r} appears twice (first in row {row})",
                     "el cliente {value!r} aparece dos veces (primero en la fila {row})"),
    "unknown_activity": ("activity {value!r} is not in the Activities sheet",
                         "la actividad {value!r} no está en la hoja Actividades"),
    "pair_twice": ("client {client!r} and activity {activity!r} appear twice (first in row {row})",
                   "el cliente {client!r} y la actividad {activity!r} aparecen dos veces (primero en la "
                   "fila {row})"),

    # --- notes (printed as "xlprof: note: ...") ----------------------------------------------
    "note_unknown_columns": (("{file}, sheet {sheet}: ignored unknown column {names}",
                              "{file}, sheet {sheet}: ignored unknown columns {names}"),
                             ("{file}, hoja {sheet}: se ignora la columna desconocida {names}",
                              "{file}, hoja {sheet}: se ignoran las columnas desconocidas {names}")),
    "note_mac_roman": ("{file}: read as Mac Roman text (Excel for Mac); if accented letters look wrong, save "
                       "it as CSV UTF-8",
                       "{file}: leído como texto Mac Roman (Excel para Mac); si los acentos se ven mal, "
                       "guárdelo como CSV UTF-8"),
    "note_headerless": (("{file}, sheet {sheet}: ignored column {letters}: it has values but no header",
                         "{file}, sheet {sheet}: ignored columns {letters}: they have values but no header"),
                        ("{file}, hoja {sheet}: se ignora la columna {letters}: tiene valores pero no "
                         "encabezado",
                         "{file}, hoja {sheet}: se ignoran las columnas {letters}: tienen valores pero no "
                         "encabezado")),
    "note_ids_case": (("{file}, sheet {sheet}: 1 client ID matched the Clients sheet ignoring case ({examples:comma})",
                       "{file}, sheet {sheet}: {n:,} client IDs matched the Clients sheet ignoring case "
                       "({examples:comma})"),
                      ("{file}, hoja {sheet}: 1 ID de cliente coincide con la hoja Clientes sin distinguir "
                       "mayúsculas ({examples:comma})",
                       "{file}, hoja {sheet}: {n:,} ID de cliente coinciden con la hoja Clientes sin "
                       "distinguir mayúsculas ({examples:comma})")),
    "id_as": ("{given!r} as {known!r}", "{given!r} como {known!r}"),
    "note_hidden_shadowed": ("{file}: sheet {hidden!r} is hidden; read the visible sheet {shown!r} for {table}",
                             "{file}: la hoja {hidden!r} está oculta; se lee la hoja visible {shown!r} para "
                             "{table}"),
    "note_hidden_alone": ("{file}: sheet {hidden!r} is hidden; read it for {table} (no visible sheet holds "
                          "{table})",
                          "{file}: la hoja {hidden!r} está oculta; se lee para {table} (ninguna hoja visible "
                          "contiene {table})"),
    "note_total_row": ("{file}, sheet {sheet}: left out row {rows}, the Total Row of Excel table {table!r}",
                       "{file}, hoja {sheet}: se deja fuera la fila {rows}, la fila de totales de la tabla "
                       "de Excel {table!r}"),

    # --- settings (settings.py) ---------------------------------------------------------------
    "unknown_setting": ("unknown setting {key!r}; known settings: {known}",
                        "parámetro desconocido {key!r}; parámetros conocidos: {known}"),
    "setting_twice": ("setting {key!r} is given twice", "el parámetro {key!r} aparece dos veces"),
    "setting_not_date": ("{value!r} is not a date (expected YYYY-MM-DD)",
                         "{value!r} no es una fecha (se espera AAAA-MM-DD)"),
    "percent_not_rate": ("{shown!r} is a percentage, but {key} is not a rate: type it as a plain number "
                         "(e.g. {plain})",
                         "{shown!r} es un porcentaje, pero {key} no es una tasa: escríbalo como número "
                         "(p. ej. {plain})"),
    "whole_days": ("{value!r} must be a whole number of days", "{value!r} debe ser un número entero de días"),
    "check_period": ("period_months must be > 0, got {value}", "period_months debe ser > 0, y es {value}"),
    "check_period_max": ("period_months must be at most 120, got {value}",
                         "period_months debe ser como mucho 120, y es {value}"),
    "check_cost_of_capital": ("cost_of_capital is a yearly fraction between 0 and 1, got {value}",
                              "cost_of_capital es una fracción anual entre 0 y 1, y es {value}"),
    "check_language": ("language must be one of {choices}, got {value!r}",
                       "language debe ser uno de {choices}, y es {value!r}"),
    "check_weight": ("weights must be >= 0: {key} is {value}", "los pesos deben ser >= 0: {key} es {value}"),
    "check_weights_sum": ("at least one weight must be > 0", "al menos un peso debe ser > 0"),
    "check_score_terminate": ("score_terminate must be between 0 and 100, got {value}",
                              "score_terminate debe estar entre 0 y 100, y es {value}"),
    "check_coverage": ("coverage_min must be between 0 and 1, got {value}",
                       "coverage_min debe estar entre 0 y 1, y es {value}"),
    "check_tiers": ("tiers need 0 < tier_platinum < tier_gold <= 1, got {platinum} and {gold}",
                    "los niveles necesitan 0 < tier_platinum < tier_gold <= 1, y son {platinum} y {gold}"),
    "check_freed_hour": ("value_per_freed_hour must be >= 0", "value_per_freed_hour debe ser >= 0"),
    "check_notice_lead": ("notice_lead_days must be between 0 and 3650 days, got {value}",
                          "notice_lead_days debe estar entre 0 y 3650 días, y es {value}"),
    "check_span": ("{key} must be > 0, got {value}", "{key} debe ser > 0, y es {value}"),
    "check_target_margin": ("target_net_margin is a fraction between -1 and 1, got {value}",
                            "target_net_margin es una fracción entre -1 y 1, y es {value}"),
    "check_cts_floor": ("cts_floor is a ratio between 0 and 10, got {value}",
                        "cts_floor es una razón entre 0 y 10, y es {value}"),
    "check_restructure": ("restructure_burden is a signal between 0 and 1, got {value}",
                          "restructure_burden es una señal entre 0 y 1, y es {value}"),
    "check_date_order": ("date_order must be one of {choices}, got {value!r}",
                         "date_order debe ser uno de {choices}, y es {value!r}"),
    "check_decimal": ("decimal_separator must be one of {choices}, got {value!r}",
                      "decimal_separator debe ser uno de {choices}, y es {value!r}"),
    "check_currency": ("currency must be a short code such as EUR, got {value!r}",
                       "currency debe ser un código corto como EUR, y es {value!r}"),

    # --- files (io/reader.py, io/textfiles.py, io/xlsx.py, io/safety.py) ----------------------
    "no_such_file": ("no such file or folder", "no existe ese archivo o carpeta"),
    "no_such_file_only": ("no such file", "no existe ese archivo"),
    "is_folder": ("is a folder, not a workbook", "es una carpeta, no un libro"),
    "permission_denied": ("permission denied", "permiso denegado"),
    "cannot_read": ("cannot be read ({detail})", "no se puede leer ({detail})"),
    "old_xls": ("old .xls workbooks are not supported; save it as .xlsx",
                "los libros .xls antiguos no se admiten; guárdelo como .xlsx"),
    "ods": ("OpenDocument files are not supported; save it as .xlsx",
            "los archivos OpenDocument no se admiten; guárdelo como .xlsx"),
    "single_csv": ("give the folder that holds Clients.csv, Activities.csv, Volumes.csv (a single CSV file is "
                   "one table, not a portfolio)",
                   "indique la carpeta que contiene Clients.csv, Activities.csv, Volumes.csv (un solo archivo "
                   "CSV es una tabla, no una cartera)"),
    "unsupported_type": ("unsupported file type {suffix}: expected .xlsx or a folder of CSV files",
                         "tipo de archivo no admitido {suffix}: se espera .xlsx o una carpeta de archivos CSV"),
    "no_suffix": ("(none)", "(ninguno)"),
    "no_csv_files": ("holds no .csv files and no tables saved as text (expected Clients.csv, Activities.csv, "
                     "Volumes.csv, or Clients.txt... from Excel's \"Unicode Text\" save)",
                     "no contiene archivos .csv ni tablas guardadas como texto (se esperan Clients.csv, "
                     "Activities.csv, Volumes.csv, o Clients.txt... del formato \"Texto Unicode\" de Excel)"),
    "csv_memory": ("holds {size:,.0f} MiB of CSV: reading and analysing it takes about {need:,.0f} MiB of "
                   "memory, more than the {have:,.0f} MiB available; split the portfolio into smaller "
                   "folders (e.g. one per region) or run xlprof where there is more memory",
                   "contiene {size:,.0f} MiB de CSV: leerlo y analizarlo requiere unos {need:,.0f} MiB de "
                   "memoria, más que los {have:,.0f} MiB disponibles; divida la cartera en carpetas más "
                   "pequeñas (p. ej. una por región) o ejecute xlprof donde haya más memoria"),
    "not_valid_csv": ("is not valid CSV ({detail})", "no es un CSV válido ({detail})"),
    "too_many_rows": ("has {rows:,} rows (limit {limit:,})", "tiene {rows:,} filas (límite {limit:,})"),
    "binary_csv": ("is not a text CSV file (binary content)", "no es un archivo CSV de texto (contenido binario)"),
    "bad_bom_text": ("starts like {label} text but byte {at:,} is not {label}; save it again as CSV UTF-8",
                     "empieza como texto {label} pero el byte {at:,} no es {label}; guárdelo de nuevo como "
                     "CSV UTF-8"),
    "unknown_encoding": ("is not UTF-8, and its accented letters read neither as Windows-1252 nor as Mac Roman "
                         "text; save it from Excel as \"CSV UTF-8 (Comma delimited)\"",
                         "no es UTF-8, y sus letras acentuadas no se leen ni como Windows-1252 ni como Mac "
                         "Roman; guárdelo desde Excel como \"CSV UTF-8 (delimitado por comas)\""),
    "changed_while_read": ("has changed while it was read (part {part!r} is gone)",
                           "ha cambiado mientras se leía (la parte {part!r} ya no está)"),
    "password": ("is password-protected; remove the password and try again",
                 "está protegido con contraseña; quite la contraseña e inténtelo de nuevo"),
    "not_a_workbook": ("cannot be read as a workbook ({detail})", "no se puede leer como libro ({detail})"),
    "ole": ("is password-protected or an old .xls workbook; remove the password or save it as .xlsx (Excel "
            "Workbook) and try again",
            "está protegido con contraseña o es un libro .xls antiguo; quite la contraseña o guárdelo como "
            ".xlsx (Libro de Excel) e inténtelo de nuevo"),
    "not_zip": ("is not an .xlsx workbook (not a zip package)", "no es un libro .xlsx (no es un paquete zip)"),
    "damaged": ("is a damaged or truncated .xlsx file ({detail})",
                "es un archivo .xlsx dañado o incompleto ({detail})"),
    "too_many_parts": ("has {n:,} parts; more than {limit:,} is not a normal workbook",
                       "tiene {n:,} partes; más de {limit:,} no es un libro normal"),
    "outside_package": ("is unsafe: part name {part!r} points outside the package",
                        "no es seguro: el nombre de parte {part!r} apunta fuera del paquete"),
    "zip_bomb": ("is unsafe: part {part!r} expands {ratio}x (a zip bomb?)",
                 "no es seguro: la parte {part!r} se expande {ratio}x (¿una bomba zip?)"),
    "too_large_package": ("is too large: {size:,.0f} MiB uncompressed (limit {limit:,.0f} MiB)",
                          "es demasiado grande: {size:,.0f} MiB sin comprimir (límite {limit:,.0f} MiB)"),
    "ods_renamed": ("is an OpenDocument (.ods) file renamed; save it as .xlsx",
                    "es un archivo OpenDocument (.ods) renombrado; guárdelo como .xlsx"),
    "zip_not_workbook": ("is a zip file but not an Excel workbook (no xl/workbook.xml)",
                         "es un archivo zip pero no un libro de Excel (no tiene xl/workbook.xml)"),
    "larger_than_declared": ("is unsafe: part {part!r} is larger than it declares",
                             "no es seguro: la parte {part!r} es mayor de lo que declara"),
    "not_utf8": ("is not a standard .xlsx: part {part!r} is not UTF-8 XML{declared}; open it in Excel and save "
                 "it again",
                 "no es un .xlsx estándar: la parte {part!r} no es XML UTF-8{declared}; ábralo en Excel y "
                 "guárdelo de nuevo"),
    "declared": (" (declared {encoding})", " (declara {encoding})"),
    "dtd": ("is unsafe: part {part!r} declares a DTD or XML entities",
            "no es seguro: la parte {part!r} declara una DTD o entidades XML"),
    "invalid_xml": ("is a damaged .xlsx file: part {part!r} is not valid XML ({detail}); open it in Excel and "
                    "save it again",
                    "es un archivo .xlsx dañado: la parte {part!r} no es XML válido ({detail}); ábralo en Excel "
                    "y guárdelo de nuevo"),
    "invalid_xml_line": ("is a damaged .xlsx file: part {part!r} is not valid XML ({detail}, line {line}); open "
                         "it in Excel and save it again",
                         "es un archivo .xlsx dañado: la parte {part!r} no es XML válido ({detail}, línea "
                         "{line}); ábralo en Excel y guárdelo de nuevo"),
    "sheet_too_large": ("sheet {sheet}: {rows:,} rows x {cols:,} columns is too large (limits: {max_rows:,} "
                        "rows, {max_cells:,} cells)",
                        "hoja {sheet}: {rows:,} filas x {cols:,} columnas es demasiado grande (límites: "
                        "{max_rows:,} filas, {max_cells:,} celdas)"),
    "invalid_reference": ("has a cell with an invalid reference {ref!r}",
                          "tiene una celda con una referencia no válida {ref!r}"),
    "foreign_cell": ("is not a standard .xlsx: part {part!r} has a cell element in {where}",
                     "no es un .xlsx estándar: la parte {part!r} tiene un elemento de celda en {where}"),
    "the_namespace": ("the namespace {uri!r}", "el espacio de nombres {uri!r}"),
    "no_namespace": ("no namespace", "ningún espacio de nombres"),
}
