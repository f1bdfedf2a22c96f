"""Test data made by code: a first-semester 2025 evaluation of the PEI 2025-2030, in the layout of
the 2024 semester report (000), with the objectives, actions and indicators that the plan
document (002) holds — read from it by the extractors, never typed here. Figures are invented
deterministically (logro esperado = the plan's 2025 target, or 10; valor obtenido = 80 % of it).
"""

from __future__ import annotations

import json
from pathlib import Path

from knowledge.document import read_document
from knowledge.extract import extract_all


def _figure(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def semester_report(plan_file: Path, oeis: tuple[str, ...] = ("OEI.01", "OEI.05")) -> list[str]:
    records = extract_all(read_document(plan_file), [])
    plan = read_document(plan_file).plan or ""
    span = plan.replace("PEI ", "")
    entities = [e for e in records["entities"] if e["kind"] in ("OEI", "AEI")]
    indicators = {i["owner"]: i for i in reversed(records["indicators"]) if i.get("owner")}
    targets = {(t["owner"], t["year"]): t["value"] for t in records["targets"] if t.get("value") is not None}
    out = ["", "PERÚ", "", "Ministerio de Relaciones Exteriores", "", "Pliego 008: Ministerio de Relaciones Exteriores",
           "", "Informe de Evaluación Institucional", "correspondiente al primer semestre del año 2025", "", "",
           "Septiembre, 2025", "", "1. Prioridades institucionales en el periodo", "",
           f"El Plan Estratégico Institucional (PEI) {span} es el instrumento de planeamiento que orienta la "
           "política institucional del Ministerio de Relaciones Exteriores. Este informe evalúa su primer semestre "
           "de implementación.", "", "1.2. Prioridades institucionales", "",
           "Tabla 1. Nivel de prioridad, por objetivo estratégico", "",
           "Código\tObjetivo estratégico institucional\tNivel de prioridad"]
    for e in entities:
        if e["kind"] == "OEI":
            out.append(f"{e['code']}\t{e['title']}\t{e.get('priority') or ''}")
    out += ["", f"Fuente: Elaboración propia – Plan Estratégico Institucional {span}", "",
            "4. Análisis de implementación de las acciones estratégicas", "", "4.2. Proceso de implementación", "",
            "4.2.1. Análisis de actividades e inversiones relacionadas", ""]
    table = 2
    critical: list[dict] = []
    for oei in oeis:
        actions = [e for e in entities if e["kind"] == "AEI" and e.get("parent") == oei]
        rows = []
        measured = []
        for k, a in enumerate(actions):
            le = targets.get((a["code"], 2025), 10.0)
            vo = round(le * (0.8 if k % 2 == 0 else 0.3), 2)
            pei = min(100.0, round(vo / le * 100, 2)) if le else 0.0
            rows.append(f"{a['code']}. {a['title']}\t{_figure(90.0 - 10 * k)}\t{_figure(pei)}")
            measured.append((a, le, vo, pei))
        out += [f"Tabla {table}. OEI {int(oei[-2:])} – Avance de implementación de acciones estratégicas (Porcentaje)",
                "", "Acción estratégica\tAvance POI (%)\tAvance PEI (%)", *rows, "",
                "Fuente: Elaboración propia – Reporte de Seguimiento PEI", ""]
        table += 1
        for a, le, vo, pei in measured:
            ind = indicators.get(a["code"])
            name = ind["name"] if ind else f"Indicador de la {a['code']}"
            nums = a["code"].split(".")[1:]
            out += [f"{a['code']}. {a['title']}", "", "- **Situación de implementación**", "",
                    f"En el primer semestre, se alcanzó un {_figure(pei)}% de avance (Tabla {table}).", "",
                    f"Tabla {table}. Avance semestral de indicadores - Acción estratégica {'.'.join(nums)}", "",
                    "Indicador\tSentido esperado\tTipo de agregación\tLogro esperado semestral\t"
                    "Valor obtenido semestral\tAvance semestral (%)",
                    f"{name}\tAscendente\tAgregable\t{_figure(le)}\t{_figure(vo)}\t{_figure(pei)}", "",
                    "Fuente: Elaboración propia – Reporte de Seguimiento PEI", ""]
            table += 1
            if pei < 50:
                critical.append(a)
    out += ["4.2.2. Identificación de acciones críticas", "",
            f"En esta sección, se selecciona {len(critical)} acciones estratégicas para analizar con mayor detalle "
            "las condiciones que determinaron los bajos resultados de implementación.", ""]
    for a in critical:
        out += [f"{a['code']}. {a['title']} (priorizado)", "",
                "Esta AEI fue identificada como un caso crítico debido a que su indicador no alcanzó la mitad del "
                "logro esperado semestral.", ""]
    units = []
    for e in entities:
        for unit in json.loads(e.get("responsible") or "[]"):
            if unit not in units:
                units.append(unit)
    out += ["6. Recomendaciones", "",
            "N°\tAspecto de mejora\tRecomendación\tUnidad de organización responsable\tPlazo de ejecución"]
    for n, (aspect, text) in enumerate(RECOMMENDATIONS, start=1):
        out.append(f"{n}\t{aspect}\t{text}\t{units[(n - 1) % len(units)] if units else ''}\t{3 * n} meses")
    out += ["", "", "7. Bibliografía", ""]
    return out


# Invented for the test (no document says them); the units come from the plan's own records.
RECOMMENDATIONS = (
    ("Diseño", "Alinear los indicadores del plan operativo con los indicadores del nuevo plan estratégico"),
    ("Implementación", "Programar metas semestrales para los indicadores que solo tienen meta anual"),
    ("Seguimiento", "Registrar mensualmente el avance de las acciones críticas en el aplicativo de seguimiento"),
)


def write(plan_file: Path, out: Path) -> Path:
    out.write_text("\n".join(semester_report(plan_file)) + "\n", encoding="utf-8")
    return out
