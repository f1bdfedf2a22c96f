"""Intent of a question, from the words it uses (folded text). Ordered: the first rule that
applies wins, so specific intents come before generic ones."""

from __future__ import annotations

import re

from .understand import Question

RULES: list[tuple[str, str]] = [
    ("person", r"\b(como se llama (el|la) (jefe|jefa|director|directora|ministro|ministra|canciller|titular|persona)|"
               r"(la persona|quien) (que )?(dirige|encabeza|preside|esta al frente)|"
               r"nombre (del|de la) (jefe|jefa|director|directora|ministro|ministra|titular)|"
               r"quien es (el|la) (jefe|jefa|director|directora|ministro|ministra|canciller|viceministr\w*)|"
               r"(como se llama|quien (es|era|fue)|nombre (del|de la)) (el |la |los |las )?(funcionari\w*|ministr\w*|"
               r"viceministr\w*|canciller|embajador\w*|consul|consules|entrevistad\w*|jefe|jefa|director\w*|titular))\b"),
    ("budget", r"\b(cuanto presupuesto|presupuesto (ejecutado|asignado|total|institucional)|pim|pia|soles|monto|"
               r"devengad\w*)\b"),
    ("brief", r"\b(brief|pdf|ficha resumen|documento para (la )?reunion)\b"),
    ("recommendation", r"\brecomend"),
    ("methodology", r"\b(formula|como se calcula|metodolog|umbral|umbrales|criterio|criterios|base metodologica|"
                    r"por que .*(0|cero) ?%|ficha tecnica|guia para el planeamiento|enfoque|rangos?|"
                    r"a partir de que (porcentaje|valor|avance)|"
                    r"como se (determin|defin|estable|obtuvo|obtien|calcul|imput|mide el avance))"),
    ("methodology", r"\b(que (se )?entiende (el \w+ |la \w+ )?(\w+ )?por|que significa|como (se )?define|definicion de)\b"),
    ("critical", r"\bcritic"),
    ("activity", r"\b(actividad(es)? operativa|aoi\d|aoi\b|ejecucion fisica|avance fisico|codigo de (la )?actividad|"
                 r"(que|cual|cuales) actividad)"),
    ("trend", r"\b(tendencia|evolucion|evoluciono|mayor caida|mayor aumento|cay\w+|caida|disminu\w+|se redujo|"
              r"aument\w+|crecio|crecieron|subio|en que ano|ano a ano|interanual)"),
    ("compare", r"\b(vs\.?|versus|compar\w*|diferencia|puntos porcentuales|separan|brecha|frente a(l)?|supera\w*|"
                r"cuantos puntos)\b"),
    ("list", r"\b(cual|cuales|que)\b.{0,120}\b((?:avanz\w+|creci\w+) mas|mayor avance|menor avance|mas alto|"
             r"mas bajo|mas negati[vb]\w*|mejor avance|peor avance|mayor distancia|mayor brecha|mas indicadores|"
             r"mas abajo|mas arriba)"),
    ("target", r"\b(meta|metas|se espera (lograr|alcanzar)|logros? esperados? (al |para |en )?(el )?20\d\d|al 20\d\d|"
               r"para (el )?20\d\d)\b"),
    ("baseline", r"\blinea(s)? (de )?base\b|\blb\b"),
    ("priority", r"\b(prioridad|ruta estrategica|orden de prioridad|priorizad)"),
    ("indicator", r"\b(como se mide|con que (indicador|se mide)|codigos? de (los )?indicador|que indicador|"
                  r"(que )?codigo (lleva|tiene) el indicador|"
                  r"a que (accion|objetivo)[\w ]{0,40}(corresponde|pertenece))"),
    ("list", r"\bque (objetivos?|acciones|accion|aei|oei|aes|oes)\b|\bcuales (aei|oei|aes|oes|objetivos|acciones)\b"),
    ("responsible", r"\b(responsable|a cargo|quien (la |lo |las |los )?ve\b|quien se encarga|encargad|unidad(es)? organica|responde por)"),
    ("count", r"\b(cuantos|cuantas|numero de (oei|aei|objetivos|acciones))\b"),
    ("avance", r"\b(avance|avanzo|avanze|ejecucion (?:del? )?(?:poi|pei)|valia|valio|cuanto vale|valor obtenido|que valor obtuvo|valor (?:de |en |del )?(?:19|20)\d\d|desempeno|cumplimiento|logro esperado|cuanto (dio|dieron|"
               r"obtuvo|logro|alcanzo)|nivel de)\b"),
    ("indicator", r"\b(indicador|indicadores|se mide)\b"),
    ("list", r"\b(cuales|lista|listado)\b|\b(objetivos|acciones)( estrategic\w+)?( institucionales| sectoriales| generales| especificos)? "
             r"(del|de la|de los) (plan|pei|pesem|nuevo|ministerio|sector)"),
    ("summary", r"\b(resumen|resume|sintesis|conclusiones)\b"),
    ("objective", r"\b(de que trata|texto|titulo|cual es el objetivo|en que consiste|enunciado|cual es|que dice|"
                  r"que plantea|que propone|que busca|que establece|"
                  r"describe|descripcion|redaccion|que busca|que persigue)\b"),
]
_COMPILED = [(name, re.compile(rx)) for name, rx in RULES]


def classify(q: Question) -> list[str]:
    """Every intent whose words appear, most specific first."""
    found = list(dict.fromkeys(name for name, rx in _COMPILED if rx.search(q.text)))
    if q.aois and "activity" not in found:
        found.insert(0, "activity")
    return found


def is_follow_up(q: Question) -> bool:
    """"¿y el OEI.03?", "¿y en 2019?", "¿y cuáles están culminadas?": short questions opening with
    "y" (or "e", "tambien") that lean on the previous turn."""
    if re.match(r"^(y|e|tambien|ademas|y que|y en|y para|y de|y del|y la|y el)\b", q.text) and (
            len(q.text.split()) <= 12 or (not q.codes and len(q.text.split()) <= 24)):
        return True  # a longer "¿y …?" that names nothing of its own still leans on the last turn
    # a short question with no intent of its own ("¿por qué la AEI.07.03?", "¿y 2019?") leans on the last turn
    if len(q.text.split()) <= 6 and not classify(q):
        return True
    # "¿quién la ve?", "¿quién lo tiene a cargo?": an object pronoun before the verb points back
    if not q.codes and len(q.text.split()) <= 8 and re.search(r"\b(la|lo|las|los|le|les)\s+(?!de\b|del\b|que\b)\w+(?<!cion)\b",
                                                              re.sub(r"^\w+\s", "", q.text)) \
            and re.match(r"^(quien|quienes|que|cual|cuales|cuando|donde|como)\b", q.text):
        return True
    # "¿qué plazo tiene?", "¿y ese mismo indicador…?": words pointing back, nothing named
    return not q.codes and not q.aois and len(q.text.split()) <= 16 and bool(
        re.search(r"\b(ese|esa|esos|esas|dicho|dicha|mismo|misma|su|sus|tiene|tienen|la tiene|lo tiene)\b", q.text))
