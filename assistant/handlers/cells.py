"""Figures of a table row named in the question: "¿cuántos connacionales fueron asistidos en
Europa y qué porcentaje eran mujeres?" reads the row "Europa" of the table whose caption and
columns the question's words name, and the columns it asks (or the first, the total)."""

from __future__ import annotations

import json
import re
from collections import defaultdict

from knowledge.extract.prose_figures import content_stems
from knowledge.stemming import tokens
from queries.operations import share

from ..answer import Answer
from ..resolve import describe_period
from . import Context

ASKS_PERCENT = re.compile(r"\b(porcentaje|por ciento|proporcion)\b|%")
# The question must name the table's subject with at least this many of its caption's words.
MIN_CAPTION_WORDS = 2


def _names(column: frozenset[str], wanted: set[str]) -> bool:
    """A column named by a question word, allowing the stemmer's plural forms ("mujeres"/"Mujer")."""
    return any(c == w or (len(c) >= 3 and len(w) >= 3 and (c.startswith(w) or w.startswith(c)))
               for c in column for w in wanted)


def _table_key(f: dict) -> tuple[str, str]:
    return f["file"], f.get("locator") or ""


def _share_of_column(ctx: Context, cell: dict) -> str:
    """The row's share of its column: its value over the sum of the column's rows."""
    column = [f for facts in ctx.resolver.facts.by_label.values() for f in facts
              if _table_key(f) == _table_key(cell) and f["noun"] == cell["noun"]]
    total = sum(f["value"] for f in column)
    if not total or len(column) < 2:
        return ""
    s = share(int(cell["value"]), int(total)) if float(cell["value"]).is_integer() and float(total).is_integer() else None
    if s is None:
        return ""
    return f" ({s.arithmetic} del total de la columna, suma de sus {len(column)} filas)"


def answer_table_cells(ctx: Context) -> Answer | None:
    q = ctx.q
    if q.codes or q.aois:
        return None
    # the rows the question itself names ("¿y en Europa?"), before those carried from the last turn
    found = ctx.resolver.facts.cells_labelled(tokens(q.raw)) or ctx.resolver.facts.cells_labelled(tokens(q.text))
    if not found:
        return None
    report = ctx.resolver.report_for(q)
    plan = ctx.resolver.plan_for_hint(q)
    label_stems = {s for label in found for s in content_stems(label)}
    said = q.raw
    if ctx.previous and isinstance(ctx.previous.get("question"), type(q)) and len(q.raw.split()) <= 12:
        said += " " + ctx.previous["question"].raw  # "¿y en Europa?": the table the last turn was about
    wanted = {s for s in content_stems(said) if s not in label_stems}
    tables: dict[tuple[str, str], dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for label, facts in found.items():
        for f in facts:
            if (report and f["file"] != report["file"]) or (plan and f.get("plan") != plan):
                continue
            if q.years and f.get("year") not in q.years:
                continue
            tables[_table_key(f)][label].append(f)
    scored = []
    for key, rows in tables.items():
        caption = next(iter(rows.values()))[0]["caption_stems"]
        columns = {s for facts in rows.values() for f in facts for s in f["column_stems"]}
        score = len(wanted & caption) + 0.5 * len(wanted & columns)
        if len(wanted & caption) >= MIN_CAPTION_WORDS:
            scored.append((score, len(rows), key))
    if not scored:
        return None
    scored.sort(reverse=True)
    if len(scored) > 1 and scored[0][:2] == scored[1][:2]:
        return None  # two tables fit as well: the passage search quotes both
    rows = tables[scored[0][2]]
    wants_percent = bool(ASKS_PERCENT.search(q.text))
    pieces, table_rows, cited = [], [], []
    for facts in rows.values():
        named = [f for f in facts if _names(f["column_stems"], wanted)]
        chosen = [facts[0]]  # the first figure of the row: its total
        for f in named:
            if (f.get("unit") == "%") == wants_percent or not wants_percent:
                chosen.append(f)
        chosen = list({id(f): f for f in chosen}.values())
        first = facts[0]
        piece = f"{first['lead']} — " + "; ".join(f"{f['noun']}: {f['raw']}" for f in chosen)
        if wants_percent and not any(f.get("unit") == "%" for f in chosen):
            piece += _share_of_column(ctx, first)  # "¿qué porcentaje del total correspondió a Asia?"
        pieces.append(piece)
        table_rows += [[first["lead"], f["noun"], f["raw"]] for f in chosen]
        cited.append({**first, "text": first["sentence"]})
    first = cited[0]
    where = f"{first['locator']}, {ctx.resolver.titles.get(first['file'], first['file'])}"
    if first.get("period"):
        where += f" ({describe_period(first['period'])})"
    text = f"Según la {where}: " + ". ".join(pieces) + "."
    answer = Answer(text, intent="tabla", entities=ctx.entities(period=first.get("period"), plan=first.get("plan")),
                    columns=["Fila", "Columna", "Valor"], rows=table_rows)
    return answer.cite(*cited)


MODELLED = {"objet", "accion", "acción", "indic", "oei", "aei", "oes", "aes", "activ"}
RANK_RE = re.compile(r"\b(?:que|cual|cuales)\s+(\w+)\b.{0,60}?\b(mayor|mas|menor|menos)\b")


def answer_table_rank(ctx: Context) -> Answer | None:
    """"¿Qué región concentró la mayor cantidad de beneficiarios?": the rows of the table whose rows are
    regions, ranked on the column the question names (or the table's first, its total)."""
    q = ctx.q
    m = RANK_RE.search(q.text)
    if not m or q.codes:
        return None
    dimension = next(iter(content_stems(m.group(1))), None)
    if dimension in MODELLED:
        return None  # objectives, actions and indicators are ranked on their own facts
    facts = ctx.resolver.facts.by_dimension.get(dimension or "", [])
    report = ctx.resolver.report_for(q)
    facts = [f for f in facts if (not report or f["file"] == report["file"]) and (not q.years or f.get("year") in q.years)]
    if not facts:
        return None
    wanted = {s for s in content_stems(q.raw) if s != dimension}
    tables: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for f in facts:
        tables[_table_key(f)].append(f)
    scored = sorted(((len(wanted & fs[0]["caption_stems"]) + 0.5 * len({s for f in fs for s in f["column_stems"]} & wanted),
                      key) for key, fs in tables.items()), reverse=True)
    if not scored or scored[0][0] < 0.5 or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    cells = tables[scored[0][1]]
    columns = list(dict.fromkeys(f["noun"] for f in cells))
    named = [c for c in columns if _names(frozenset(content_stems(c)), wanted) and "(%)" not in c]
    column = named[0] if named else columns[0]
    ranked = sorted((f for f in cells if f["noun"] == column), key=lambda f: -f["value"])
    if m.group(2) in ("menor", "menos"):
        ranked.reverse()
    top = ranked[0]
    text = (f"{top['lead']}, con {top['raw']} ({column}), según la {top['locator']} "
            f"({ctx.resolver.titles.get(top['file'], top['file'])}). Orden completo: "
            + ", ".join(f"{f['lead']} {f['raw']}" for f in ranked) + ".")
    answer = Answer(text, intent="ranking", entities=ctx.entities(period=top.get("period")),
                    columns=[top.get("indicator_name") or "Fila", column], rows=[[f["lead"], f["raw"]] for f in ranked])
    return answer.cite({**top, "text": top["sentence"]})


LIST_RE = re.compile(r"\b(?:que|cuales|cual)\s+(?:son\s+(?:los|las)\s+)?(objetivos?|oei|oes|acciones|aei|aes)\b")
GENERIC = {"objet", "objetiv", "estrateg", "estrat", "accion", "institucional", "tabl", "oei", "aei", "oes", "aes", "pei"}
CODE_CELL = re.compile(r"^(?:OEI|AEI|OES|AES)\.\d\d(?:\.\d\d)?$")


def code_tables(ctx: Context) -> list[dict]:
    """Tables whose rows are objectives or actions by code, read once per index."""
    cache = ctx.resolver.__dict__.setdefault("_code_tables", None)
    if cache is not None:
        return cache
    out = []
    for t in ctx.store.rows("select id, file, caption, rows, line_start, line_end from tables where caption is not null"):
        codes = [r[0].strip() for r in json.loads(t["rows"]) if r and CODE_CELL.match((r[0] or "").strip())]
        if len(codes) >= 2:
            out.append({**t, "codes": list(dict.fromkeys(codes)), "caption_stems": set(content_stems(t["caption"])),
                        "locator": t["caption"]})
    ctx.resolver.__dict__["_code_tables"] = out
    return out


def answer_table_codes(ctx: Context) -> Answer | None:
    """"¿Qué OEI se priorizaron para la evaluación semestral?": the codes of the table the words name."""
    q = ctx.q
    if q.codes or not LIST_RE.search(q.text):
        return None
    report = ctx.resolver.report_for(q)
    wanted = {s for s in content_stems(q.raw) if s not in GENERIC}
    scored = sorted(((len(wanted & t["caption_stems"] - GENERIC), t["id"], t) for t in code_tables(ctx)
                     if not report or t["file"] == report["file"]), key=lambda x: (-x[0], x[1]))
    enough = 1 if report else 2  # within the one report named, one telling word is enough
    if not scored or scored[0][0] < enough or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    t = scored[0][2]
    text = (f"Según la {t['caption']} ({ctx.resolver.titles.get(t['file'], t['file'])}): {len(t['codes'])} — "
            f"{', '.join(t['codes'])}.")
    titles = {e["code"]: e.get("title") or "" for e in ctx.resolver.entities}
    answer = Answer(text, intent="list", entities=ctx.entities(), columns=["Código", "Título"],
                    rows=[[c, titles.get(c, "")] for c in t["codes"]])
    return answer.cite({"file": t["file"], "line_start": t["line_start"], "line_end": t["line_end"], "locator": t["caption"]})
