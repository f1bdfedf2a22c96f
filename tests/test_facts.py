"""The fact model: prose figures with the noun they count, their role and their action; facts in
the index with provenance; and the answers computed over them through /api/ask."""

from __future__ import annotations

import sqlite3

import pytest

from knowledge.extract.prose_figures import figures_in, owner_of


def test_a_figure_keeps_the_noun_it_counts():
    found = list(figures_in("Al respecto, se atendió a 17 268 ciudadanos en el exterior."))
    assert [(f["value"], f["noun"], f["role"]) for f in found] == [(17268.0, "ciudadanos en el exterior", "valor")]


def test_targets_roundings_dates_and_identifiers_are_told_apart():
    roles = {f["raw"]: f["role"] for f in figures_in(
        "se ha logrado repatriar 407 bienes, superándose la meta anual de 251 bienes")}
    assert roles == {"407": "valor", "251": "meta"}
    assert [f["role"] for f in figures_in("con más de 17,000 connacionales atendidos")] == ["aprox"]
    assert list(figures_in("El 16 de agosto se firmó la Ley N° 31234 en 2024.")) == []
    assert list(figures_in("- (3) repatriación de bienes culturales;")) == []
    spelled = list(figures_in("La meta correspondía a cuarenta y tres (43) reuniones."))
    assert [(f["value"], f["noun"], f["role"]) for f in spelled] == [(43.0, "reuniones", "meta")]


@pytest.mark.parametrize("heading,code", [
    ("Acción estratégica priorizada 01.04. Ampliar y profundizar las relaciones", "AEI.01.04"),
    ("AEI.05.01. Fortalecer el sistema de la asistencia legal", "AEI.05.01"),
    ("Objetivo estratégico institucional 05. Fortalecer la protección", "OEI.05"),
    ("Se tuvo un avance de 90.7% sobre la meta", None),
])
def test_action_headings_give_the_owner_of_what_follows(heading, code):
    assert owner_of(heading) == code


def test_facts_carry_provenance_and_are_indexed(db_file):
    conn = sqlite3.connect(db_file)
    rows = conn.execute("select metric, count(*) from facts group by metric").fetchall()
    metrics = dict(rows)
    for metric in ("avance_pei", "meta", "linea_base", "valor_obtenido", "cifra", "responsable"):
        assert metrics.get(metric, 0) > 0, metric
    missing = conn.execute("select count(*) from facts where file is null or line_start is null").fetchone()[0]
    assert missing == 0
    plan = " ".join(r[3] for r in conn.execute(
        "explain query plan select * from facts where subject = ? and metric = ?", ("AEI.01.01", "meta")))
    assert "USING INDEX" in plan and "SCAN facts" not in plan


def ask(client, question, conversation=None):
    return client.post("/api/ask", json={"question": question, "conversation_id": conversation}).get_json()


@pytest.mark.parametrize("question,expected,file", [
    ("¿cuántas AEI del OEI.01 tuvieron avance PEI por debajo de 50 %?", ["2 de 11", "AEI.01.02", "AEI.01.03"], "000"),
    ("¿qué porcentaje de las recomendaciones figura como ejecutado?", ["3 de 6 = 50 %", "3 de 11 = 27.3 %"], "000"),
    ("¿qué indicador no varió entre 2019 y 2020?", ["Patrimonio cultural peruano", "0.6"], "003"),
    ("cuantos puntos subio el avance de la aei 5.1 del semestre al año 2024", ["82.9", "90.7", "7.8"], "001"),
    ("cuántos connacionales se atendieron en 2024", ["17 268"], "001"),
    ("cuántos bienes culturales se repatriaron", ["407"], "000"),
    ("reuniones con asia y oceania en 2024: cual era la meta y cuantas se hicieron", ["43", "55"], "001"),
    ("pesem 2020: promocion economica vs promocion cultural por organo de servicio exterior, valores 2020",
     ["6.05", "2.5"], "003"),
])
def test_computed_and_prose_figures_are_answered_and_cited(client, question, expected, file):
    body = ask(client, question)
    assert body["found"], body["answer"]
    for e in expected:
        assert e in body["answer"], (e, body["answer"])
    assert any(s["file"].startswith(file) for s in body["sources"])


def test_a_named_plan_is_a_hard_constraint(client):
    body = ask(client, "meta 2028 del número de campañas de sensibilización contra la trata de personas "
                       "(AEI.05.01) en el PEI 2025-2030")
    assert body["found"] and "PEI 2025-2030" in body["answer"]
    assert "19 030" not in body["answer"]  # the old plan's 2024 target is another plan's figure


def test_a_year_with_no_report_is_not_answered_from_another(client):
    body = ask(client, "¿qué recomendaciones tiene el informe anual 2022?")
    assert not body["found"]
    assert "2022" in body["answer"]


def test_follow_up_keeps_subject_and_period(client):
    first = ask(client, "la aei 1.3 cuanto avanzo en 2024?")
    body = ask(client, "y cuantas reuniones se hicieron al final?", first["conversation_id"])
    assert body["found"] and "AEI.01.03" in body["answer"] and "8" in body["answer"]
    who = ask(client, "como le fue a la aei 5.1 en 2024")
    body = ask(client, "quien la ve?", who["conversation_id"])
    assert body["found"] and "Comunidades Peruanas en el Exterior" in body["answer"]


def test_a_new_topic_inherits_nothing(client):
    first = ask(client, "meta 2027 del indicador de la AEI.03.01 en el nuevo PEI")
    body = ask(client, "¿qué recomendaciones siguen en proceso y quién las tiene?", first["conversation_id"])
    assert body["found"], body["answer"]
    assert "2027" not in body["answer"]


def test_an_ordinal_picks_from_the_last_list(client):
    first = ask(client, "¿Qué acciones estratégicas tiene el OEI.04 del PEI 2025-2030?")
    body = ask(client, "¿quién es responsable de la segunda?", first["conversation_id"])
    assert body["found"] and "AEI.04.02" in body["answer"]


def test_a_follow_up_in_another_plan_carries_the_name_not_the_code(client):
    first = ask(client, "¿Cuál es la línea de base del porcentaje de oficinas consulares en condiciones adecuadas "
                        "en el PEI 2025-2030?")
    body = ask(client, "¿Y cuánto valía ese mismo indicador en 2020 según el reporte de seguimiento del PESEM?",
               first["conversation_id"])
    assert body["found"] and "PESEM" in body["answer"] and "9.48" in body["answer"]
