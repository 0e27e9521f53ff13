"""Country names and codes, to recognise a country column by its values."""

from __future__ import annotations

from ml.parsing.text import fold

# ISO 3166-1 alpha-2 codes.
_ISO2 = (
    "ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl "
    "bm bn bo bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv "
    "cw cx cy cz de dj dk dm do dz ec ee eg eh er es et fi fj fk fm fo fr ga gb gd "
    "ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im "
    "in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk "
    "lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw "
    "mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr "
    "ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss "
    "st sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug um us uy "
    "uz va vc ve vg vi vn vu wf ws ye yt za zm zw uk el"
)

# Common names in English and the languages headers are matched in, plus the
# spellings exports use ("EIRE", "RSA", "USA").
_NAMES = (
    "afghanistan;albania;algeria;andorra;angola;argentina;armenia;australia;austria;"
    "azerbaijan;bahamas;bahrain;bangladesh;barbados;belarus;belgium;belize;benin;"
    "bhutan;bolivia;bosnia and herzegovina;botswana;brazil;brunei;bulgaria;"
    "burkina faso;burundi;cambodia;cameroon;canada;chad;chile;china;colombia;"
    "costa rica;croatia;cuba;cyprus;czech republic;czechia;denmark;dominican republic;"
    "ecuador;egypt;el salvador;estonia;ethiopia;fiji;finland;france;gabon;georgia;"
    "germany;ghana;greece;greenland;guatemala;honduras;hong kong;hungary;iceland;"
    "india;indonesia;iran;iraq;ireland;eire;israel;italy;jamaica;japan;jordan;"
    "kazakhstan;kenya;korea;south korea;kosovo;kuwait;latvia;lebanon;liechtenstein;"
    "lithuania;luxembourg;madagascar;malaysia;malta;mexico;moldova;monaco;mongolia;"
    "montenegro;morocco;mozambique;namibia;nepal;netherlands;the netherlands;holland;"
    "new zealand;nicaragua;nigeria;north macedonia;norway;oman;pakistan;panama;"
    "paraguay;peru;philippines;poland;portugal;puerto rico;qatar;romania;russia;"
    "russian federation;rwanda;saudi arabia;senegal;serbia;singapore;slovakia;"
    "slovenia;south africa;rsa;spain;sri lanka;sudan;sweden;switzerland;syria;"
    "taiwan;tanzania;thailand;tunisia;turkey;turkiye;uganda;ukraine;"
    "united arab emirates;uae;united kingdom;great britain;britain;england;scotland;"
    "wales;northern ireland;united states;united states of america;usa;america;"
    "uruguay;uzbekistan;venezuela;vietnam;viet nam;yemen;zambia;zimbabwe;"
    "channel islands;european community;european union;"
    "deutschland;osterreich;schweiz;frankreich;spanien;italien;niederlande;belgien;"
    "danemark;schweden;norwegen;polen;tschechien;vereinigtes konigreich;"
    "vereinigte staaten;grossbritannien;"
    "allemagne;autriche;suisse;espagne;italie;pays bas;belgique;danemark;suede;"
    "norvege;pologne;royaume uni;etats unis;irlande;grece;bresil;chine;japon;"
    "alemania;austria;suiza;francia;espana;italia;paises bajos;belgica;dinamarca;"
    "suecia;noruega;polonia;reino unido;estados unidos;irlanda;grecia;brasil;japon;"
    "duitsland;oostenrijk;zwitserland;frankrijk;spanje;italie;nederland;belgie;"
    "denemarken;zweden;noorwegen;verenigd koninkrijk;verenigde staten;ierland"
)

COUNTRIES = frozenset(_ISO2.split()) | frozenset(
    name.strip() for name in _NAMES.split(";")
)


def is_country(value: str) -> bool:
    """Return whether a value is a country name or code we know."""
    return fold(value).replace(".", "").replace("-", " ") in COUNTRIES
