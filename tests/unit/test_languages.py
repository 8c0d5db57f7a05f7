"""Spanish and Portuguese knowledge, and the routing of an article to a language's knowledge."""

from __future__ import annotations

from typing import Any

import pytest

from coopstream.enrich import Enricher, Knowledge
from coopstream.enrich.clean import clean
from coopstream.schemas import EnrichedEvent, RawArticle


def enrich(enricher: Enricher, text: str, language: str | None = None, **fields: Any) -> EnrichedEvent:
    return enricher.enrich(RawArticle(id="t", text=text, language=language, **fields), processed_at="t")


def persons(event: EnrichedEvent) -> dict[str, dict[str, Any]]:
    return {e.name: dict(e.attributes) for e in event.entities if e.type == "person"}


def names(event: EnrichedEvent, etype: str) -> set[str]:
    return {e.name for e in event.entities if e.type == etype}


# ---------------------------------------------------------------------------- language routing


def test_the_given_language_wins(knowledge: Knowledge) -> None:
    doc = clean(
        RawArticle(id="t", text="The minister visited Lima and met the commander.", language="es-PE"), knowledge
    )
    assert doc.language == "es" and doc.pack is knowledge.packs["es"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("El comandante del Comando Sur visitó Lima para reunirse con el ministro de Defensa del Perú.", "es"),
        ("O ministro da Defesa Nacional recebeu o comandante em Luanda nesta quinta-feira.", "pt"),
        ("The commander of U.S. Southern Command visited Lima to meet the minister of defense.", "en"),
        ("SOUTHCOM COMMANDER VISITS PERU FOR TALKS ON SECURITY", "en"),
        ("Le ministre de la Défense a reçu le commandant à Paris pour parler de sécurité maritime.", "fr"),
    ],
)
def test_the_language_is_guessed(knowledge: Knowledge, text: str, language: str) -> None:
    assert knowledge.guesser.guess(text) == language


def test_too_little_text_has_no_language(knowledge: Knowledge) -> None:
    assert knowledge.guesser.guess("Lima") is None


def test_a_language_without_knowledge_runs_the_language_independent_passes(enricher: Enricher) -> None:
    text = "Le commandant de l'U.S. Southern Command a rencontré à Lima le ministre et la Marina de Guerra del Perú."
    event = enrich(enricher, text)
    assert event.language == "fr"
    assert "U.S. Southern Command" in names(event, "organization")
    assert not event.themes and not event.engagements and not names(event, "person")
    assert {"US", "PE"} <= {c.code for c in event.countries}


# ---------------------------------------------------------------------------- Spanish


def test_spanish_ranks_titles_and_names(enricher: Enricher) -> None:
    text = (
        "LIMA, Perú (17 de septiembre de 2025) — El comandante del Comando Sur de los Estados Unidos (SOUTHCOM), "
        "almirante de la Armada de EE. UU. Raymond C. Ellery, visitó el Perú del 15 al 17 de septiembre. "
        "Se reunió con el Jefe del Comando Conjunto de las Fuerzas Armadas (CCFFAA), General de Ejército "
        "Julio César de la Puente Ugarte, y con el Ministro de Defensa, Ricardo Antonio Salcedo del Águila."
    )
    event = enrich(enricher, text, "es")
    people = persons(event)
    assert people["Raymond C. Ellery"]["rank"] == "almirante"
    assert people["Raymond C. Ellery"]["grade"] == "O-10"  # U.S. personnel: the U.S. grade
    assert people["Raymond C. Ellery"]["affiliation"] == "US"
    assert people["Raymond C. Ellery"]["title"] == "comandante del Comando Sur de los Estados Unidos"
    assert people["Julio César de la Puente Ugarte"]["rank"] == "General de Ejército"
    assert "grade" not in people["Julio César de la Puente Ugarte"]  # a non-NATO general: rank only
    assert people["Ricardo Antonio Salcedo del Águila"]["title"] == "Ministro de Defensa"
    orgs = {e.name: e.attributes for e in event.entities if e.type == "organization"}
    assert orgs["Comando Sur de los Estados Unidos"]["acronym"] == "SOUTHCOM"  # as the article defines it
    assert orgs["Comando Sur de los Estados Unidos"]["country"] == "US"
    assert "Joint Command of the Armed Forces of Peru" in orgs  # the knowledge's one name in every language
    assert event.dateline is not None and event.dateline.date == "2025-09-17" and event.dateline.country == "PE"
    assert {c.code for c in event.countries} == {"PE", "US"}


def test_field_grades_hold_for_every_country(enricher: Enricher) -> None:
    people = persons(enrich(enricher, "El Capitán de Navío Andrés Felipe Rojas Cárdenas dirigió el operativo.", "es"))
    assert people["Andrés Felipe Rojas Cárdenas"]["grade"] == "O-6"
    assert people["Andrés Felipe Rojas Cárdenas"]["nato_grade"] == "OF-5"


def test_spanish_country_forms_and_demonyms(enricher: Enricher) -> None:
    event = enrich(enricher, "Las tropas peruanas y estadounidenses entrenaron con la Armada de Chile en EE. UU.", "es")
    assert {"PE", "US", "CL"} <= {c.code for c in event.countries}
    mexico = enrich(enricher, "Los Estados Unidos Mexicanos firmaron el acuerdo con Guatemala.", "es")
    assert {c.code for c in mexico.countries} == {"MX", "GT"}


def test_places_introduced_by_a_lower_case_noun(enricher: Enricher) -> None:
    # names no gazetteer holds: the noun before them is what makes them places
    es = enrich(
        enricher,
        "Las patrullas cruzaron el río Tarumbo y desembarcaron en la bahía de Quilcarí. "
        "La ayuda llegó a las provincias de Ocobamba, Tarmanta y Villa Querén.",
        "es",
    )
    places = {e.name: e.attributes.get("kind") for e in es.entities if e.type == "location"}
    assert places["río Tarumbo"] == "water" and places["bahía de Quilcarí"] == "water"
    assert {"Ocobamba", "Tarmanta", "Villa Querén"} <= places.keys()  # the list after a plural noun continues
    assert "provincias de Ocobamba" not in places
    text = "O desfile passou pelos bairros de Vila Aurora e Jardim Sulacap, perto da ilha do Gorgulho."
    pt = enrich(enricher, text, "pt")
    assert {"Vila Aurora", "Jardim Sulacap", "ilha do Gorgulho"} <= names(pt, "location")
    en = enrich(enricher, "The patrol crossed the river Tarumbo near the town.", "en")
    assert "river Tarumbo" not in names(en, "location")  # English writes its features capitalised


def test_rank_words_inside_other_names_name_no_one(enricher: Enricher) -> None:
    text = 'El buque ARA "Contraalmirante Cordero" zarpó de Comodoro Rivadavia rumbo a Cabo Verde.'
    event = enrich(enricher, text, "es")
    assert not names(event, "person")
    vessels = {e.name for e in event.entities if e.attributes.get("kind") == "vessel"}
    assert vessels == {"ARA Contraalmirante Cordero"}


@pytest.mark.parametrize(
    ("language", "text", "conference", "place"),
    [
        (
            "es",
            "Los delegados asistieron a la Conferencia Regional de Seguridad Marítima en Montevideo.",
            "Conferencia Regional de Seguridad Marítima",
            "Montevideo",
        ),
        (
            "pt",
            "Os delegados participaram do Simpósio Regional de Defesa Cibernética em Recife.",
            "Simpósio Regional de Defesa Cibernética",
            "Recife",
        ),
        (
            "en",
            "They attended the Regional Maritime Security Conference in Montevideo.",
            "Regional Maritime Security Conference",
            "Montevideo",
        ),
    ],
)
def test_a_conference_is_named_by_its_head_where_the_language_puts_it(
    enricher: Enricher, language: str, text: str, conference: str, place: str
) -> None:
    event = enrich(enricher, text, language)
    ops = {e.name: e.attributes.get("kind") for e in event.entities if e.type == "operation"}
    assert ops == {conference: "conference"}
    assert place in names(event, "location")


def test_a_small_town_named_with_nothing_for_it_is_a_namesake(enricher: Enricher) -> None:
    byline = enrich(enricher, "Por Carla Espinal Ruiz\n\nLos helicópteros regresaron a Honduras.", "es")
    assert "Espinal" not in names(byline, "location")
    listed = enrich(enricher, "No norte de Moçambique, os insurgentes atacaram Mocímboa da Praia e Palma.", "pt")
    assert "Palma" in names(listed, "location")  # after another place in a list, it is one


def test_a_place_name_joined_by_a_hyphen_is_part_of_another_name(enricher: Enricher) -> None:
    event = enrich(enricher, "O voo de Alberto Santos-Dumont em 1906 foi lembrado no Rio de Janeiro.", "pt")
    assert names(event, "location") == {"Rio de Janeiro"}
    pair = enrich(enricher, "The U.S.-Peru exercise ended near Dallas-Fort Worth.", "en")
    assert {"Peru", "Dallas-Fort Worth"} <= names(pair, "location")  # countries and whole names still count


def test_an_operation_named_after_a_lower_case_noun(enricher: Enricher) -> None:
    text = "Durante la operación Escudo Andino, la Armada apoyó la iniciativa Mujeres, Paz y Seguridad."
    es = enrich(enricher, text, "es")
    assert {e.name: e.attributes.get("kind") for e in es.entities if e.type == "operation"} == {
        "Escudo Andino": "operation"
    }  # the agenda the comma cuts is no operation
    pt = enrich(enricher, "A fragata integrará o exercício Tridente Azul 2026 da Marinha Portuguesa.", "pt")
    ops = [e for e in pt.entities if e.type == "operation"]
    assert [(e.name, e.attributes.get("kind"), e.attributes.get("year")) for e in ops] == [
        ("Tridente Azul 2026", "exercise", 2026)
    ]
    assert "Marinha Portuguesa" in names(pt, "organization")


def test_spanish_institution_names_open_at_their_head(enricher: Enricher) -> None:
    text = (
        "Un avión P-3C Orion de la Aviación Naval apoyó la patrulla, coordinada por el Estado Mayor Conjunto "
        "de las Fuerzas Armadas. La jefa del Estado Mayor del ejercicio habló con el mayor Luis Pérez."
    )
    orgs = names(enrich(enricher, text, "es"), "organization")
    assert {"Aviación Naval", "Estado Mayor Conjunto de las Fuerzas Armadas"} <= orgs
    assert "Estado Mayor" not in orgs  # the short form alone is generic
    assert not any(o.startswith("P-3C") for o in orgs)


@pytest.mark.parametrize(
    ("language", "text", "units"),
    [
        (
            "es",
            "Llegaron el 1.er Batallón del 228.º Regimiento de Aviación y la 3.ª Brigada.",
            {"1.er Batallón del 228.º Regimiento de Aviación", "3.ª Brigada"},
        ),
        ("es", "Firmaron en las instalaciones de la 36/a. Zona Militar.", {"36/a. Zona Militar"}),
        (
            "pt",
            "Chegaram o 1.º Batalhão de Infantaria e a 2ª Divisão de Exército.",
            {"1.º Batalhão de Infantaria", "2ª Divisão de Exército"},
        ),
    ],
)
def test_units_named_with_an_abbreviated_ordinal(enricher: Enricher, language: str, text: str, units: set[str]) -> None:
    event = enrich(enricher, text, language)
    assert names(event, "organization") == units
    for e in event.entities:
        for m in e.mentions:
            assert text[m.start : m.end] == m.text


def test_a_lone_word_and_an_article_after_the_coordinator_make_two_phrases(enricher: Enricher) -> None:
    text = "Reuniu-se com responsáveis do Governo e das Forças Armadas Angolanas em Luanda."
    orgs = [e for e in enrich(enricher, text, "pt").entities if e.type == "organization"]
    assert [[m.text for m in e.mentions] for e in orgs] == [["Forças Armadas Angolanas"]]
    both = "Visitou o Ministério da Defesa Nacional e a Marinha de Guerra Angolana."
    two = {"Ministério da Defesa Nacional", "Marinha de Guerra Angolana"}
    assert names(enrich(enricher, both, "pt"), "organization") == two


def test_the_acronym_of_a_post_is_not_the_staffs(enricher: Enricher) -> None:
    text = "O Chefe do Estado-Maior-General das Forças Armadas (CEMGFA), almirante Rui Nogueira, falou."
    event = enrich(enricher, text, "pt")
    orgs = {e.name: e.attributes for e in event.entities if e.type == "organization"}
    assert list(orgs) == ["Estado-Maior-General das Forças Armadas"]
    assert orgs["Estado-Maior-General das Forças Armadas"].get("acronym") != "CEMGFA"


def test_a_quoted_ship_name_is_the_ship_not_its_namesake(enricher: Enricher) -> None:
    event = enrich(enricher, "Participaron la fragata BAP “Callao” y el patrullero ARC 'Almirante Padilla'.", "es")
    vessels = {e.name for e in event.entities if e.attributes.get("kind") == "vessel"}
    assert vessels == {"BAP Callao", "ARC Almirante Padilla"}
    assert not names(event, "location") and not names(event, "person")


def test_spanish_themes_and_engagements(enricher: Enricher) -> None:
    text = (
        "BOGOTÁ, Colombia (3 de marzo de 2025) — La Armada de Colombia y la Guardia Costera de los Estados Unidos "
        "firmaron un memorando de entendimiento para combatir el narcotráfico y la pesca ilegal en el Pacífico. "
        "Durante la ceremonia, el comandante de la Armada destacó la cooperación contra el crimen organizado "
        "transnacional y las incautaciones de cocaína."
    )
    event = enrich(enricher, text, "es")
    themes = {t.id for t in event.themes}
    assert {"counter_narcotics", "iuu_fishing", "counter_transnational_crime"} <= themes
    assert "agreement" in {e.type for e in event.engagements}


def test_agreeing_is_not_signing(enricher: Enricher) -> None:
    event = enrich(enricher, "Ambas partes acordaron ampliar la cooperación en seguridad marítima con Colombia.", "es")
    assert "agreement" not in {e.type for e in event.engagements}


# ---------------------------------------------------------------------------- Portuguese


def test_portuguese_ranks_titles_and_places(enricher: Enricher) -> None:
    text = (
        "LUANDA, Angola, 12 de março de 2025 – O comandante do Comando dos Estados Unidos para a África, "
        "general do Exército norte-americano Michael E. Langley, reuniu-se com o ministro da Defesa Nacional, "
        "João Ernesto dos Santos, e visitou a Marinha de Guerra Angolana. O coordenador, Tenente-Coronel "
        "Aviador Fábio Henrique Lima, explicou o programa."
    )
    event = enrich(enricher, text, "pt")
    people = persons(event)
    assert people["Michael E. Langley"]["affiliation"] == "US"
    assert people["Michael E. Langley"]["grade"] == "O-10"
    assert "João Ernesto dos Santos" in people
    assert people["Fábio Henrique Lima"]["rank"] == "Tenente-Coronel"
    assert people["Fábio Henrique Lima"]["grade"] == "O-5"
    assert {c.code for c in event.countries} == {"AO", "US"}  # Lima the surname gives no Peru, Coronel no Chile
    assert {"meeting", "visit"} <= {e.type for e in event.engagements}


def test_portuguese_dates(knowledge: Knowledge) -> None:
    grammar = knowledge.packs["pt"].grammar
    assert grammar is not None
    start, end = grammar.find_range("de 13 a 15 de setembro de 2023", None)
    assert (start.isoformat(), end.isoformat()) == ("2023-09-13", "2023-09-15")  # type: ignore[union-attr]
    start, end = grammar.find_range("Entre 9 e 18 de abril", 2025)
    assert (start.isoformat(), end.isoformat()) == ("2025-04-09", "2025-04-18")  # type: ignore[union-attr]
    assert grammar.parse_full("24 de Julho de 2025").isoformat() == "2025-07-24"  # type: ignore[union-attr]


def test_spanish_ranges_across_a_year_end(knowledge: Knowledge) -> None:
    grammar = knowledge.packs["es"].grammar
    assert grammar is not None
    start, end = grammar.find_range("del 30 de diciembre al 2 de enero de 2025", None)
    assert (start.isoformat(), end.isoformat()) == ("2024-12-30", "2025-01-02")  # type: ignore[union-attr]


def test_english_ranges_across_a_year_end(knowledge: Knowledge) -> None:
    grammar = knowledge.packs["en"].grammar
    assert grammar is not None
    start, end = grammar.find_range("from Dec. 30 – Jan. 2", 2025)
    assert (start.isoformat(), end.isoformat()) == ("2025-12-30", "2026-01-02")  # type: ignore[union-attr]


def test_today_and_yesterday_count_from_the_date_of_the_story(enricher: Enricher) -> None:
    text = (
        "CIUDAD DE MÉXICO, México (22 de mayo de 2025) — La Secretaría de la Defensa Nacional y el Ministerio "
        "de la Defensa Nacional de Guatemala firmaron hoy un convenio de cooperación fronteriza."
    )
    event = enrich(enricher, text, "es")
    agreement = next(e for e in event.engagements if e.type == "agreement")
    assert (agreement.start_date, agreement.end_date) == ("2025-05-22", "2025-05-22")
