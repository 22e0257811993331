"""Driver filters: text a user typed (``type = 'RETURN' and shipping in ('Express', 'Air')``),
parsed into structured conditions -- never pasted into SQL.

Grammar (case-insensitive keywords, ``and``/``y`` between conditions)::

    condition := COLUMN OP VALUE | COLUMN [not] in (VALUE, ...) | COLUMN is [not] blank
    OP        := = | != | <> | < | <= | > | >=
    VALUE     := 'text' | "text" | number

COLUMN is a header of the source file (quote it with double quotes or brackets when it has
spaces). Text comparisons ignore case and surrounding spaces; ``<``, ``>``, ``<=``, ``>=`` (and
``=``/``!=`` with a number) compare the column read as a number under the reading rule.
Literals are bound as parameters; column names are quoted identifiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*'|"(?:[^"]|"")*")
  | (?P<br>\[[^\]]+\])
  | (?P<num>[+-]?\d+(?:\.\d+)?)
  | (?P<op><=|>=|<>|!=|=|<|>)
  | (?P<punct>[(),])
  | (?P<word>[^\s'"=<>!(),\[\]]+)
)""", re.VERBOSE)

OPS = ("=", "!=", "<>", "<", "<=", ">", ">=", "in", "not in", "is blank", "is not blank")


@dataclass(frozen=True)
class Condition:
    column: str
    op: str                       # one of OPS ('<>' normalised to '!=')
    values: tuple = ()            # str or float literals

    @property
    def numeric(self) -> bool:
        return any(isinstance(v, float) for v in self.values)

    def __str__(self) -> str:
        vals = ", ".join(repr(v) if isinstance(v, str) else f"{v:g}" for v in self.values)
        if self.op in ("in", "not in"):
            return f"{self.column} {self.op} ({vals})"
        if self.op.startswith("is"):
            return f"{self.column} {self.op}"
        return f"{self.column} {self.op} {vals}"


class FilterError(ValueError):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise FilterError(f"cannot read the filter from {text[pos:]!r}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _value(kind: str, tok: str):
    if kind == "str":
        return tok[1:-1].replace(tok[0] * 2, tok[0])
    if kind == "num":
        return float(tok)
    raise FilterError(f"expected a value ('text' or a number), found {tok!r}")


def parse_filter(text: str | None) -> list[Condition]:
    """Conditions joined by AND; [] for a blank filter. Raises FilterError with a reason."""
    if text is None or not str(text).strip():
        return []
    toks = _tokens(str(text))
    conds: list[Condition] = []
    i = 0

    def peek(k=0):
        return toks[i + k] if i + k < len(toks) else (None, None)

    while True:
        kind, tok = peek()
        if kind is None:
            raise FilterError("the filter ends where a condition was expected")
        if kind == "str" and tok[0] == '"' or kind == "br":
            column = tok[1:-1].replace('""', '"') if kind == "str" else tok[1:-1]
        elif kind == "word":
            column = tok
        else:
            raise FilterError(f"expected a column name, found {tok!r}")
        i += 1
        kind, tok = peek()
        word = (tok or "").lower()
        if kind == "op":
            i += 1
            vk, vt = peek()
            if vk not in ("str", "num"):
                raise FilterError(f"expected a value after {column} {tok}, found {vt!r}")
            op = "!=" if tok == "<>" else tok
            value = _value(vk, vt)
            if op in ("<", "<=", ">", ">=") and not isinstance(value, float):
                raise FilterError(f"{column} {tok} needs a number, not text {vt}")
            conds.append(Condition(column, op, (value,)))
            i += 1
        elif word in ("in", "not", "is", "no", "es"):
            neg = word in ("not", "no")
            if neg:
                i += 1
                word = (peek()[1] or "").lower()
            if word == "in" or word == "en":
                i += 1
                if peek()[1] != "(":
                    raise FilterError(f"expected ( after {column} in")
                i += 1
                vals = []
                while True:
                    vk, vt = peek()
                    vals.append(_value(vk, vt))
                    i += 1
                    sep = peek()[1]
                    i += 1
                    if sep == ")":
                        break
                    if sep != ",":
                        raise FilterError(f"expected , or ) in the list of {column}")
                conds.append(Condition(column, "not in" if neg else "in", tuple(vals)))
            elif word in ("is", "es"):
                i += 1
                w = (peek()[1] or "").lower()
                if w in ("not", "no"):
                    neg, i = True, i + 1
                    w = (peek()[1] or "").lower()
                if w not in ("blank", "empty", "vacío", "vacio", "null"):
                    raise FilterError(f"expected blank after {column} is")
                i += 1
                conds.append(Condition(column, "is not blank" if neg else "is blank"))
            else:
                raise FilterError(f"expected an operator after {column}")
        else:
            raise FilterError(f"expected an operator (=, !=, <, >, in, is blank) after {column}, "
                              f"found {tok!r}" if tok else f"{column} needs an operator and a value")
        kind, tok = peek()
        if kind is None:
            return conds
        if (tok or "").lower() not in ("and", "y"):
            raise FilterError(f"expected 'and' between conditions, found {tok!r} "
                              "(for either/or, use: column in ('a', 'b'))")
        i += 1


def condition_sql(cond: Condition, text_col: str, num_col: str | None, params) -> str:
    """SQL for one condition; ``text_col`` is the text column already trimmed (quoted),
    ``num_col`` the column read as a number (needed when the condition is numeric)."""
    if cond.op == "is blank":
        return f"({text_col} IS NULL OR trim({text_col}) = '')"
    if cond.op == "is not blank":
        return f"({text_col} IS NOT NULL AND trim({text_col}) <> '')"
    if cond.numeric:
        assert num_col is not None
        if cond.op in ("in", "not in"):
            inner = f"list_contains({params.add([float(v) for v in cond.values])}, CAST({num_col} AS DOUBLE))"
            return f"coalesce({'NOT ' if cond.op == 'not in' else ''}{inner}, false)"
        return f"coalesce({num_col} {cond.op} {params.add(cond.values[0])}, false)"
    key = f"lower({text_col})"
    if cond.op in ("in", "not in"):
        inner = f"list_contains({params.add([str(v).strip().lower() for v in cond.values])}, {key})"
        return f"coalesce({'NOT ' if cond.op == 'not in' else ''}{inner}, {'true' if cond.op == 'not in' else 'false'})"
    value = params.add(str(cond.values[0]).strip().lower())
    if cond.op == "=":
        return f"coalesce({key} = {value}, false)"
    return f"coalesce({key} <> {value}, true)"
