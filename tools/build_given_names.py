#!/usr/bin/env python3
"""Build ``workers/coopstream/enrich/data/given_names.txt``.

Source: the first-name dictionary ``nam_dict.txt`` by Jörg Michael (2007-2008,
GNU Free Documentation License 1.2 or later), as shipped inside the PyPI
package ``gender-guesser==0.4.0`` (``gender_guesser/data/nam_dict.txt``).
The dictionary lists about 45,000 first names with a frequency digit (hex,
1 = rare ... D = extremely common, logarithmic) for each of 55 countries or
country groups.  A name is kept when it is common in at least one of them
(see ``THRESHOLD`` / ``EXTRA_THRESHOLD``), unless it is on one of the stop
lists below; a hand-written ``SUPPLEMENT`` adds names from regions the
dictionary does not cover (sub-Saharan Africa, the Pacific, Mongolia,
Southeast Asia) and recent U.S. names.

With ``--lang es`` or ``--lang pt`` it builds ``data/<lang>/given_names.txt``
instead: the names whose frequency digit reaches ``LANG_THRESHOLD`` in Spain
or Portugal (the dictionary has no Latin American or African columns), plus a
hand-written supplement of names common in Latin America, Brazil and
Lusophone Africa, less the Spanish or Portuguese words, rank, title and place
words of ``LANG_STOP`` and every country name and demonym of
``data/<lang>/countries.tsv``.  These lists add to the English one (a Spanish
article still names U.S. officers); they do not replace it.

Usage::

    python3 -m venv /tmp/namesvenv && /tmp/namesvenv/bin/pip install gender-guesser==0.4.0
    python3 tools/build_given_names.py                       # finds the venv above
    python3 tools/build_given_names.py --lang es             # data/es/given_names.txt
    python3 tools/build_given_names.py --lang pt             # data/pt/given_names.txt
    python3 tools/build_given_names.py --source PATH/nam_dict.txt --output FILE

Only the standard library is used; the run is deterministic.
"""

from __future__ import annotations

import argparse
import glob
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "workers" / "coopstream" / "enrich" / "data" / "given_names.txt"
SOURCE_GLOBS = (
    "/tmp/namesvenv/lib/python3*/site-packages/gender_guesser/data/nam_dict.txt",
    "/usr/lib/python3*/site-packages/gender_guesser/data/nam_dict.txt",
    "/usr/local/lib/python3*/site-packages/gender_guesser/data/nam_dict.txt",
)


def _words(text: str) -> set[str]:
    return set(text.split())


def _word_list(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Column order of the frequency digits (characters 30..84 of each name line).
COUNTRIES = _word_list(
    "great_britain ireland usa italy malta portugal spain france belgium luxembourg the_netherlands "
    "east_frisia germany austria swiss iceland denmark norway sweden finland estonia latvia lithuania "
    "poland czech_republic slovakia hungary romania bulgaria bosnia croatia kosovo macedonia montenegro "
    "serbia slovenia albania greece russia belarus moldova ukraine armenia azerbaijan georgia the_stans "
    "turkey arabia israel china india japan korea vietnam other_countries"
)
assert len(COUNTRIES) == 55

# Keep a name whose frequency digit reaches THRESHOLD in any country (4 ~ at
# least a few hundredths of a percent of the population), or EXTRA_THRESHOLD
# in the languages most used across the Americas, Africa and the Middle East.
THRESHOLD = 4
EXTRA_THRESHOLD = 3
EXTRA_COUNTRIES = ("great_britain", "ireland", "usa", "spain", "portugal", "france", "arabia")

# Two-letter names are mostly syllables of East Asian names or function
# words; keep only these.
SHORT_KEEP = {"Bo", "Ed", "Jo"}

# Names that are also common English words, often capitalised at the start of
# a sentence or a heading (months, function words, frequent nouns/verbs).
ENGLISH_WORDS = _words(
    """
    Abed Ad Ago Ah Albino Alter An Ant Ante Anti Ants Are Ascension Asset August Ban Bang Bay Be Beat
    Bent Berry Bilge Bin Bitten Bong Boo Bum Bun Cam Can Chi Chin Constant Cu Dare Deep Despot Dime
    Ding Do Doc Due Dung Duo Edit Else Era Ergo Eve Fan Fang Fares Fen Ferry File Franc Gad Gal Gang
    Garret Gent Go Gong Goo Greet Grit Gull Gun Ha Hale Hamlet Hang Hardy Harm Hat He Henna Hero Hey
    Hi Hilly Hind Ho Hoc Hoe Hope Hue Hung In Ion Jet Jihad Joke Kook Lam Lama Lance Lap Lei Lie Lien
    Lies Lieu Lii Line Loan Lone Long Lore Major Mall Man Mane Mar Mare Mart Martial Mate Me Mentor
    Merit Meta Mi Mien Mile Min Mine Mite Mo Moo Moon My Nail Nil Novel Oak Odd Oh On Owe Pal Peep
    Peer Per Pier Pile Pin Ping Rain Ram Ran Raid Rein Rim Roar Rye Saga Said Sang Saviour Semen Shady
    Shin Shun Silver Sim Sin Slave So Son Song Soon Spas Stole Sub Sun Sung Sup Tam Tan Tang Tat Tea
    The Than Tho Thong Tin Tine Ting To Tome Toms Ton Tone Tong Tore Tram Trees Tuba Unto Urban Valve
    Van Wail Wan Wen Will Wolf Won Woo Ye Yen Yo Yon You Young Yup
    Ave Con Earnest Ing Pol Que Sad Shaker Sine Tiny Uno
    January February March April May June July September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    """
)

# Words that often begin a capitalised phrase that is not a person in defence
# and security-cooperation news: ranks and titles, unit and place words,
# exercise names, NATO phonetic letters, countries and cities that double as
# first names, and name particles that are never a first name on their own.
DOMAIN_WORDS = _words(
    """
    Admiral Air Ambassador Army Bishop Captain Camp Central Chaplain Chief Coast Colonel Commander
    Commodore Dame Defence Defense Doctor Duke Exercise Force Forces Fort General Governor Gulf Island
    Joint King Lady Lake Lord Marine Marines Marshal Marshall Minister Mount National Naval Navy Operation
    Pastor Pope Port President Prince Princess Private Queen Republic Royal Security Senator Sergeant
    Sir Special Task United
    Agile Black Blue Eager Freedom Gold Golden Green Guardian Gunner Iron Justice Liberty Native Noble
    Patriot Pilot Ranger Red Resolute Sentinel Steadfast Swift Trooper Valiant Vanguard Victory White
    Adriatic Aegean Amazon Andes Arabian Arctic Atlantic Baltic Caribbean Caspian Coral Eastern Harbor
    Horn Indian Levant Mediterranean Nordic Northern Pacific Persian Sahel Southern Western
    North South East West Sea Star Christmas Easter Midway Norfolk Jersey Wake Pearl Solomon Guam
    Africa America Asia China Chad Georgia India Israel Jordan Kenya Trinidad Carolina Dakota Virginia
    Sydney Paris Lima Dallas Alexandria Cheyenne Darwin Kennedy Reagan Brooklyn Montana Phoenix
    Sierra Summer Autumn Winter Spring Genesis Trinity Diamond
    Alpha Bravo Delta Echo Foxtrot Golf Hotel Kilo Papa Quebec Tango Yankee Zulu
    San Santa Santo Saint Sainte St Sri Cruz Costa Puerto Porto Rio Río Monte Vila Villa Nova Nueva Nuevo
    Gran Isla Alta Baja Boca Cabo Punta Ciudad Bahia Sol Sul Asunción Asuncion
    Abd Abu Bint Bou Din Ibn Ould Umm Ras Sheikh Shaikh Emir Sultan Raja Sahib Imam Mullah Haji Hajji
    Khan Ratu Adi Tui Jun
    De Del Della Des Da Das Di Do Dos Du Le La Las Lo Los Van Von Der Den Ten Ter Vander Mac Mc
    Madam Madame Miss Mister Dona Doña Maj
    """
)

STOP = ENGLISH_WORDS | DOMAIN_WORDS

# Names common in regions the source dictionary does not cover, written from
# general knowledge of naming in those regions.
SUPPLEMENT = {
    "west_africa": """
        Abena Abiodun Abimbola Abiola Abubakar Adaeze Adaora Adebayo Adebisi Adekunle Adeola Adewale
        Adeyemi Adjoa Adwoa Afia Afua Akin Akinola Akinwale Akosua Akua Alassane Aliou Aliyu Amadou Amaka
        Aminata Aminu Araba Assane Auwal Awa Ayodeji Ayodele Ayomide Babajide Babatunde Bakary Balaraba
        Bamidele Bassirou Binta Biodun Bolanle Boubacar Boureima Bukola Chiamaka Chibuike Chidi Chidiebere
        Chijioke Chima Chinedu Chinenye Chinonso Chinwe Chinyere Chioma Chukwudi Chukwuebuka Chukwuemeka
        Chukwuma Coumba Damilola Danjuma Dapo Delali Demba Djibril Dzifa Ebere Ebuka Edem Efua Ekow Elikem
        Emeka Esi Fatou Fatoumata Femi Fodé Folake Folasade Funke Funmilayo Garba Gbenga Hadiza Hafsat
        Hamadou Hamidou Harouna Haruna Hauwa Ibrahima Idowu Idrissa Ifeanyi Ifeoma Ikechukwu Issiaka
        Issoufou Jibril Jide Jummai Kabiru Kadiatou Kayode Kehinde Kelechi Khady Kobina Kofi Kojo Kunle
        Kwabena Kwadwo Kwaku Kwame Kwasi Kweku Kwesi Lamido Lamine Lanre Mahamadou Malick Mamadi Mamadou
        Mariama Massamba Mawuli Modou Mouhamed Moussa Moustapha Muhammadu Nasiru Ngozi Nii Nkechi Nkem
        Nnamdi Nneka Obinna Obiora Okechukwu Oladele Oladipo Olamide Olanrewaju Olatunji Olawale
        Olufemi Olumide Olusegun Olusola Oluwafemi Oluwakemi Oluwaseun Oluwatobi Oluwatosin Oluwole Onyeka
        Oumar Oumarou Oumou Ousmane Ousseynou Rabiu Rokhaya Rotimi Sade Salif Salisu Saliou Samba Segun
        Sékou Selasi Senyo Seun Seydou Shehu Souleymane Taiwo Tanko Temitope Tidiane Tijjani Titilayo Tochukwu
        Tolu Tope Tosin Toyin Tunde Uchenna Uche Umaru Usman Wale Yaa Yacouba Yakubu Yaw Yemi Yetunde
        """,
    "east_africa": """
        Abebe Abdiaziz Abdikarim Abdirahman Abdirashid Abdiweli Abiy Achieng Adhiambo Akinyi Akoth Alemayehu
        Almaz Amanuel Anyango Apiyo Asfaw Ashenafi Atieno Auma Awino Ayaan Babirye Bereket Berhane Berhanu
        Biniam Birtukan Chebet Chepkoech Cherono Cheruiyot Dawit Deeqa Demeke Desta Fadumo Farah Faraja
        Fikre Fikru Furaha Getachew Girma Haile Hailemariam Hamisi Hirut Hodan Ifrah Ilhan Jelani Juma
        Kamau Kariuki Kebede Kibet Kimani Kiprono Kiprop Kiprotich Mekdes Meles Mengistu Meseret Mesfin
        Mohamud Mugisha Mukasa Mulatu Mulugeta Mumbi Muthoni Mwajuma Mwangi Nakato Neema Njeri Njoroge
        Nyambura Ochieng Odhiambo Omondi Onyango Otieno Ouma Owino Rehema Rotich Sagal Sahra Selam
        Selamawit Shukri Tadesse Tesfaye Tewodros Tigist Tsegaye Tumaini Ubah Uhuru Upendo Wairimu Wambui
        Wangari Wangui Wanjiku Wanjiru Wasswa Yohannes Yonas Zawadi Zerihun Zewdu
        """,
    "southern_africa": """
        Bongani Boitumelo Bwalya Chanda Chiedza Chikondi Chilufya Chipo Chisomo Dineo Farai Jabulani
        Kabelo Kagiso Karabo Katlego Kondwani Kudzai Lerato Lesego Lindiwe Lwazi Madalitso Mandla Mokgweetsi
        Mpho Mphatso Mulenga Munyaradzi Mwila Nokuthula Nomvula Nompumelelo Nyasha Refilwe Rutendo Ruvimbo
        Sibusiso Sipho Siyabonga Tafadzwa Tapiwa Tatenda Tendai Thabo Thandi Thandiwe Thato Themba
        Thokozani Tinashe Tshepo Tumelo Yamikani Zanele
        """,
    "pacific": """
        Akanisi Anahera Aroha Epeli Fetu Hemi Hone Iliesa Inia Ioane Iosefa Isikeli Jioji Joeli Jone
        Josaia Josefa Kahu Kailani Kainoa Kaleo Kalani Kamaka Kanoa Kealoha Kekoa Kelera Keola Keoni
        Kaimana Leilani Litia Losana Maika Makereta Makoa Malia Manaia Manasa Mele Moana Mosese
        Netani Ngaire Nikau Noelani Pita Rangi Rawiri Salanieta Salote Sakiusa Semisi Sevanaia Siaosi
        Sione Siosaia Sireli Sitani Sitiveni Tavita Tevita Timoci Titilia Torika Unaisi Vasiti Viliame
        Viliami Wiliame Wiremu
        """,
    "mongolia": """
        Altangerel Ariunaa Batbayar Batbold Bat-Erdene Batjargal Battsetseg Battulga Bayarmaa Bayarsaikhan
        Bolormaa Dorj Enkhbayar Enkhbold Enkhjargal Enkhtuya Erdenebat Ganbaatar Ganbold Gantulga Ganzorig
        Gerelmaa Gombojav Khaliun Khurelsukh Munkhbat Munkhtsetseg Narantsetseg Nergui Oyun Oyunerdene
        Purevdorj Sarangerel Sukhbaatar Temuulen Tsogtbaatar Tuvshinbayar Zandanshatar
        """,
    "southeast_asia": """
        Abhisit Agus Aiman Amirul Andika Anutin Apirat Arif Azlan Azman Bambang Bayu Bounmy Budi Chaiwat
        Chatchai Dewi Dian Eko Endang Faizal Fajar Farhan Gede Hafiz Hendra Heru Hishammuddin Indra Iwan
        Joko Ketut Khairul Kittipong Kittisak Komang Kurniawan Mahathir Malee Mohd Muhyiddin Najib
        Narongphan Nattapong Niran Nittaya Nurul Nyoman Paetongtarn Pichai Pornthip Prabowo Prasert Prawit
        Prayut Puspita Putri Putu Rahmat Rina Rosli Rudi Siriporn Siti Slamet Somchai Sombat Somporn
        Somsak Sonexay Sovann Sokha Sophea Srettha Suchart Sugeng Supachai Supaporn Surachai Surasak Susilo
        Sutin Syafiq Teguh Thaksin Thanakorn Thongloun Vannak Wahyu Wanida Wayan Wichai Widodo Wirat
        Yingluck Zulkifli
        """,
    "south_asia": """
        Ajay Amit Anil Anjali Anura Arjun Asim Ashok Babar Benazir Bilawal Bipin Deepak Dinesh Faisal
        Gotabaya Imran Junaid Kamal Kashif Kavita Mahinda Maithripala Manoj Nadeem Narendra Nawaz Neha
        Nimal Nirmala Pooja Pradeep Priya Qamar Rahul Rajiv Rajnath Rakesh Ranil Rishi Sajid Sanjay
        Shavendra Shehbaz Shoaib Sunil Sunita Suresh Sushma Tariq Upendra Vikram Waqar Zubair
        """,
    "americas": """
        Aaliyah Alexa Alondra Angelica Ariana Arianna Ashlyn Avery Brayan Brianna Brittany Brooke Caleb
        Camryn Carlos Cassidy Dayana Deyanira Dilma Dylan Edwin Esmeralda Gianna Hailey Haley Irfaan
        Jaden Jair Jalen Jayden Jaylen Jhon Jhonny Jovenel Kaitlyn Katelyn Kayla Kaylee Kendall Kendrick
        Kylie Landon Leidy Lenín Lizeth Logan Mackenzie Madelyn Makayla Marisol Mckenzie Mia Mikayla
        Nayib Noah Payton Peyton Pete Skylar Taylor Tyler Wilmer Wyatt Xiomara Yadira Yamileth Yaneth
        Yeison Yesenia Yuliana Zachary
        """,
    "compound": """
        Anne-Marie Anne-Sophie Jean-Baptiste Jean-Charles Jean-Christophe Jean-Claude Jean-François
        Jean-Jacques Jean-Louis Jean-Luc Jean-Marc Jean-Marie Jean-Michel Jean-Paul Jean-Philippe
        Jean-Pierre Jean-Robert Jean-Yves Marie-Claire Marie-Christine Marie-France Marie-Louise
        Marie-Thérèse Pierre-Yves
        """,
}


# ----------------------------------------------------------------------------
# Spanish and Portuguese lists (--lang es / --lang pt)
# ----------------------------------------------------------------------------

# Column of the dictionary and frequency digit (2 = a few thousandths of a
# percent of the population, 1 = rare) a name needs in that country.
LANG_COLUMN = {"es": "spain", "pt": "portugal"}
LANG_THRESHOLD = 2

# Capitalised words that open non-person phrases in Spanish and Portuguese
# defence news, or are ordinary words at the start of a sentence: ranks and
# titles, unit and place heads, months and weekdays, function words, and
# given names that are also common nouns or the names of places, saints'
# feasts and brands (Luz, Paz, Cruz, Dolores, Mercedes, Concepción, Natal ...).
LANG_STOP = {
    "es": _words(
        """
        Almirante Alférez Brigadier Cabo Capitán Comandante Comodoro Coronel General Marinero Mayor
        Sargento Soldado Subteniente Suboficial Teniente Vicealmirante Contralmirante Contraalmirante
        Presidente Ministro Ministra Embajador Embajadora Director Directora Secretario Secretaria Jefe
        Jefa Doctor Doctora Licenciado Licenciada Ingeniero Don Doña Señor Señora Fray Sor Padre Madre
        Ejército Armada Marina Fuerza Fuerzas Policía Guardia Comando Estado Base Puerto Isla Islas Río
        Ciudad Villa Valle Sierra Monte Playa Bahía Golfo Cabo Lago Laguna Punta Costa Nueva Nuevo Gran
        San Santa Santo Santos Reyes Ramos Cruz Paz Luz Sol Mar Cielo Estrella Esperanza Gloria Victoria
        Consuelo Dolores Mercedes Pilar Soledad Amparo Remedios Nieves Rocío Salud Angustias Milagros
        Socorro Natividad Asunción Concepción Encarnación Trinidad Rosario Montserrat Guadalupe Candelaria
        Presentación Purificación Inmaculada Anunciación Visitación Ascensión Resurrección Rosa Amor Alegría
        Bienvenida Fe Caridad Clemencia Piedad Gracia Lucero Alba Aurora Perla Azucena Violeta Flor Blanca
        Palma Paloma Sagrario Belén Loreto Fátima Lourdes Begoña Covadonga Macarena Aránzazu Montaña
        Abril Agosto Junio Mayo Enero Marzo Octubre Noviembre Diciembre Febrero Septiembre
        Lunes Martes Miércoles Jueves Viernes Sábado
        America América Argentina Colombia Chile Bolivia Florencia Francia Italia Inglaterra Africa
        Salvador Lima Valencia Córdoba León Toledo Cartagena Mendoza Granada Sevilla Segovia Soria
        Del Las Los Una Uno Este Esta Para Con Sin Mas Más Tras Ante Bajo Entre Hasta Según Como
        Durante Desde Hacia Sobre Todo Toda Todos Cada Otro Otra
        Dulce Divina Felicidad Segunda Segundo Perfecto Primitiva Primitivo Justa Justo Modesta Modesto
        Prudencia Oliva Flora Iluminada Consolación Patrocinio Gema Ángeles Candelas Cinta Urbano Amado
        Amada Benigno Inocencia África
        """
    ),
    "pt": _words(
        """
        Almirante Alferes Brigadeiro Cabo Capitão Comandante Comodoro Coronel General Major Marechal
        Marinheiro Sargento Soldado Tenente Aspirante Suboficial Presidente Ministro Ministra Embaixador
        Embaixadora Diretor Diretora Director Directora Secretário Secretária Chefe Doutor Doutora
        Engenheiro Dom Dona Senhor Senhora Frei Padre Madre Irmã
        Exército Armada Marinha Força Forças Polícia Guarda Comando Estado Base Porto Ilha Ilhas Rio Vila
        Cidade Vale Serra Monte Praia Baía Golfo Cabo Lago Lagoa Ponta Costa Nova Novo Grande São Santa
        Santo Santos Reis Ramos Cruz Paz Luz Sol Mar Céu Estrela Esperança Glória Vitória Graça Dores
        Conceição Rosário Piedade Socorro Aparecida Natal Fátima Lourdes Anunciação Ascensão Assunção
        Encarnação Natividade Purificação Imaculada Trindade Salvação Caridade Fé Amor Alegria Aurora
        Branca Rosa Flor Violeta Açucena Pérola Bonança Luzia Milagres Remédios Prazeres Saudade
        Abril Agosto Julho Junho Maio Janeiro Março Outubro Novembro Dezembro Fevereiro Setembro
        America América Argentina Colômbia Chile Bolívia Florença França Itália Inglaterra Africa África
        Salvador Lima Valença Córdoba Leão Toledo Natália Brasília Bahia Manaus Belém Vitória Fortaleza
        Das Dos Uma Um Este Esta Para Com Sem Mas Mais Após Ante Sob Entre Até Segundo Como Durante
        Desde Sobre Todo Toda Todos Cada Outro Outra Washington Wellington Jefferson Lincoln Franklin
        Branco Pinto Miranda Nascimento Feliz Preciosa Generosa Felicidade Soledade Nazaré Evangelista
        Libertário Maia Mapril Bela Celeste Aires Benigno
        """
    ),
}

# Names common in Latin America, Brazil and Lusophone Africa that a
# dictionary of European frequencies under-counts, written from general
# knowledge of naming in those countries.
LANG_SUPPLEMENT = {
    "es": """
        Aarón Abel Adán Adolfo Adrián Agustín Alan Albino Alcides Aldo Alejandra Alejandro Alexis Alfonso
        Alfredo Alicia Alonso Álvaro Amílcar Ana Andrea Andrés Ángel Ángela Aníbal Antonio Ariel Armando
        Arnoldo Arturo Augusto Aurelio Axel Beatriz Benito Benjamín Bernardo Brayan Camila Camilo Carlos
        Carmen Carolina Catalina Cecilia César Claudia Claudio Cristian Cristina Cristóbal Daniel Daniela
        Darío David Diana Diego Edgar Edgardo Eduardo Efraín Elena Eliana Elías Elizabeth Emilio Enrique
        Ernesto Esteban Eugenia Eugenio Evelyn Fabián Fabiola Federico Felipe Fernanda Fernando Flor
        Francisco Gabriel Gabriela Gastón Gerardo Germán Gilberto Gisela Gonzalo Graciela Guillermo
        Gustavo Héctor Hernán Horacio Hugo Humberto Ignacio Iván Jaime Javier Jazmín Jesús Joaquín Jorge
        José Josefina Juan Julián Juliana Julio Karina Laura Leonardo Leticia Liliana Lorena Lucía Luciana
        Luis Manuel Marcela Marcelo Marco Marcos Margarita María Mariana Mario Marisol Martín Martha Mateo
        Matías Mauricio Miguel Milagros Mónica Nahuel Natalia Nelson Néstor Nicolás Norma Octavio Omar
        Óscar Osvaldo Pablo Patricia Patricio Paula Pedro Rafael Ramiro Ramón Raúl Ricardo Roberto Rodolfo
        Rodrigo Rolando Rubén Santiago Sebastián Sergio Silvia Sofía Susana Teresa Tomás Valentina Valeria
        Verónica Vicente Víctor Wilson Ximena Yolanda Yuri
        """,
    "pt": """
        Abílio Adalberto Adélio Ademir Adriana Adriano Agostinho Aílton Alberto Albino Alcides Alexandre
        Alice Aline Álvaro Amadeu Américo Ana Anderson André Andreia Ângela Anselmo Antônio António
        Armando Artur Augusto Beatriz Benedito Bento Bernardo Bianca Bruna Bruno Caio Camila Carla Carlos
        Carolina Celestino Célia Celso Cláudia Cláudio Cleber Cristiane Cristiano Daniel Daniela Davi
        Débora Denise Diego Diogo Domingos Edison Edson Eduardo Elaine Eliane Elias Emanuel Ernesto Eugénio
        Eusébio Evaristo Fábio Fabiana Feliciano Felipe Fernanda Fernando Filipe Flávia Flávio Francisca
        Francisco Gabriel Gabriela Gilberto Gilmar Gilson Giovana Gonçalo Guilherme Gustavo Helena Hélio
        Henrique Hermínio Hugo Humberto Inácio Isabel Isabela Ivo Jaime Januário Jefferson Jéssica Joana
        João Joaquim Jorge José Josué Juliana Júlio Jussara Karina Kátia Laura Leandro Leonardo Letícia
        Lourenço Lucas Luana Lúcia Luciana Luciano Luís Luiz Manuel Manuela Marcelo Márcia Márcio Marcos
        Mariana Mário Marta Mateus Matheus Maurício Miguel Milton Mônica Natália Nelson Nuno Osvaldo Otávio
        Patrícia Paula Paulo Pedro Priscila Rafael Rafaela Raimundo Raquel Reinaldo Renata Renato Ricardo
        Roberto Rodrigo Rogério Ronaldo Rosângela Rui Samuel Sandra Sebastião Sérgio Silvio Simone Sónia
        Sônia Tânia Tatiana Teresa Thiago Tiago Valdir Valmir Vanessa Vânia Vasco Vinícius Vítor Vitor
        Wagner Wilson Zacarias
        """,
}


def lang_country_words(lang: str) -> set[str]:
    """Country names and capitalised demonyms of data/<lang>/countries.tsv."""
    path = DEFAULT_OUTPUT.parent / lang / "countries.tsv"
    words: set[str] = set()
    if not path.exists():
        sys.exit(f"{path} not found: run tools/build_countries_lang.py first")
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        _, names, demonyms = line.split("\t")
        for n in names.split("|"):
            words.update(n.split())
        for d in demonyms.split("|"):
            if d:
                words.add(d[0].upper() + d[1:])
    return words


def build_lang(source: Path, lang: str) -> list[str]:
    column = COUNTRIES.index(LANG_COLUMN[lang])
    stop = DOMAIN_WORDS | LANG_STOP[lang] | lang_country_words(lang)
    out: set[str] = set()
    for name, freq in parse(source).items():
        if "+" in name or freq[column] < LANG_THRESHOLD:
            continue
        out.add(name)
    out.update(LANG_SUPPLEMENT[lang].split())
    return sorted(
        n
        for n in out
        if n not in stop and len(n) > 2 and n[0].isupper() and all(ch.isalpha() or ch in "-'" for ch in n)
    )


def find_source() -> Path:
    for pattern in SOURCE_GLOBS:
        hits = sorted(glob.glob(pattern))
        if hits:
            return Path(hits[-1])
    sys.exit("nam_dict.txt not found: install gender-guesser==0.4.0 into /tmp/namesvenv or pass --source PATH")


def parse(source: Path) -> dict[str, list[int]]:
    """Name (as written, '+' kept) -> highest frequency digit per country."""
    names: dict[str, list[int]] = {}
    with source.open(encoding="utf-8") as fh:
        for raw in fh:
            line = raw.rstrip("\r\n")
            if not line or line[0] in "#=":
                continue
            # A '+' in column 30 marks a duplicate line sorted with expanded umlauts.
            if len(line) > 29 and line[29] == "+":
                continue
            fields = line[:29].split()
            if len(fields) != 2:
                raise ValueError(f"unexpected line: {line!r}")
            name = fields[1]
            digits = line[30:85].ljust(55)
            freq = [int(c, 16) if c != " " else 0 for c in digits]
            best = names.setdefault(name, [0] * 55)
            for i, value in enumerate(freq):
                if value > best[i]:
                    best[i] = value
    return names


def is_common(freq: list[int]) -> bool:
    if max(freq) >= THRESHOLD:
        return True
    return any(freq[COUNTRIES.index(c)] >= EXTRA_THRESHOLD for c in EXTRA_COUNTRIES)


def written_forms(name: str, freq: list[int]) -> list[str]:
    """The ways a name is written in English-language news.

    '+' joins parts of Arabic, Chinese and Korean names ("Abdel+Aziz"): keep
    the joined form ("Abdelaziz") and, except for Chinese, the hyphenated one
    ("Abdel-Aziz"; Korean style lowercases the second syllable: "Bok-hee").
    """
    if "+" not in name:
        return [name]
    parts = name.split("+")
    joined = parts[0] + "".join(p.lower() for p in parts[1:])
    top = COUNTRIES[max(range(55), key=lambda i: freq[i])]
    if top == "china":
        return [joined]
    if top == "korea":
        return [joined, parts[0] + "-" + "-".join(p.lower() for p in parts[1:])]
    return [joined, "-".join(parts)]


def keep(name: str) -> bool:
    if name in STOP:
        return False
    if len(name) <= 2 and name not in SHORT_KEEP:
        return False
    if not name[0].isupper():
        return False
    return all(ch.isalpha() or ch in "-'" for ch in name)


def build(source: Path) -> list[str]:
    out: set[str] = set()
    for name, freq in parse(source).items():
        if is_common(freq):
            out.update(f for f in written_forms(name, freq) if keep(f))
    for block in SUPPLEMENT.values():
        out.update(n for n in block.split() if keep(n))
    return sorted(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, help="path to gender_guesser/data/nam_dict.txt")
    ap.add_argument("--output", type=Path)
    ap.add_argument("--lang", choices=sorted(LANG_COLUMN), help="build data/<lang>/given_names.txt")
    args = ap.parse_args()
    source = args.source or find_source()
    if args.lang:
        names = build_lang(source, args.lang)
        output = args.output or DEFAULT_OUTPUT.parent / args.lang / "given_names.txt"
        country = LANG_COLUMN[args.lang].capitalize()
        header = (
            f"# Given names for {args.lang} text: frequency digit >= {LANG_THRESHOLD} for {country} in "
            "Jörg Michael's nam_dict.txt (GNU FDL 1.2+, shipped in PyPI gender-guesser 0.4.0), plus a "
            "hand-written supplement of Latin American, Brazilian and Lusophone African names, less common "
            f"words, rank, title and place words and the names and demonyms of {args.lang}/countries.tsv; "
            "built by tools/build_given_names.py --lang " + args.lang
        )
        output.write_text(header + "\n" + "".join(n + "\n" for n in names), encoding="utf-8")
        print(f"{len(names)} names -> {output}")
        return 0
    output = args.output or DEFAULT_OUTPUT
    names = build(source)
    header = (
        "# Given names common in at least one country (frequency digit >= "
        f"{THRESHOLD}, or >= {EXTRA_THRESHOLD} in English/Spanish/Portuguese/French/Arabic use) "
        "from Jörg Michael's nam_dict.txt (GNU FDL 1.2+, shipped in PyPI gender-guesser 0.4.0), "
        "less names that are common English or defence/place words, plus a hand-written supplement; "
        "built by tools/build_given_names.py"
    )
    output.write_text(header + "\n" + "".join(n + "\n" for n in names), encoding="utf-8")
    print(f"{len(names)} names -> {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
