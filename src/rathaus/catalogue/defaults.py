"""The default catalogue that ships with Rathaus (German content, as citizens read it).

LeiKa keys: see docs/catalogue.md for which ones were checked against public sources. A key is
left empty where no LeiKa entry exists (a local contact form, a plain appointment) or where we
could not confirm one; an empty key is allowed, a wrong one is not.
Fees as of 2026; towns override the fees they set themselves (Meldebescheinigung).
"""

from .constants import DeliveryMode

LIFE_SITUATIONS = [
    {"slug": "umzug", "name": "Umzug", "order": 10},
    {"slug": "ausweise-dokumente", "name": "Ausweise & Dokumente", "order": 20},
    {"slug": "wahlen", "name": "Wahlen", "order": 30},
    {"slug": "familie", "name": "Familie", "order": 40},
    {"slug": "arbeit-ehrenamt", "name": "Arbeit & Ehrenamt", "order": 50},
    {"slug": "meine-daten", "name": "Meine Daten & Datenschutz", "order": 60},
    {"slug": "kontakt", "name": "Kontakt & Termine", "order": 70},
]

FREE = {"kind": "free"}

SERVICES = [
    {
        "slug": "anmeldung",
        "leika_key": "urn:de:fim:leika:leistung:99115005104000",
        "name": "Wohnsitz anmelden (Anmeldung)",
        "keywords": "Anmeldung, Wohnsitz, Wohnung, Zuzug, Einzug, Umzug, Meldeamt, anmelden, "
        "Hauptwohnung, Nebenwohnung",
        "summary": "Sie ziehen in eine Wohnung ein? Melden Sie sich innerhalb von zwei Wochen an.",
        "description": "Wer eine Wohnung bezieht, muss sich innerhalb von zwei Wochen nach dem "
        "Einzug bei der Meldebehörde anmelden. Mit der Online-Ausweisfunktion können Sie die "
        "Anmeldung vollständig online erledigen; sonst kommen Sie mit Termin ins Bürgerbüro. "
        "Wer innerhalb Deutschlands umzieht, muss sich am alten Wohnort nicht abmelden.",
        "who_may_apply": "Jede Person, die eine Wohnung bezieht. Für Kinder unter 16 Jahren "
        "melden die Eltern an; eine Person kann die ganze Familie anmelden, wenn alle zusammen "
        "einziehen.",
        "required_documents": "Personalausweis, Reisepass oder eID-Karte aller Personen\n"
        "Wohnungsgeberbestätigung des Vermieters (§ 19 BMG)\n"
        "Für die Online-Anmeldung: Ausweis mit Online-Ausweisfunktion und PIN",
        "legal_basis": "§ 17 Abs. 1 Bundesmeldegesetz (BMG) – Anmeldung\n"
        "§ 19 BMG – Mitwirkung des Wohnungsgebers\n"
        "§ 23a BMG – Elektronische Anmeldung",
        "delivery_mode": DeliveryMode.BOTH,
        "trust_level": "high",
        "processing_time": "Sofort; online in der Regel innerhalb weniger Tage",
        "fee_rule": FREE,
        "popular_rank": 1,
        "life_situations": ["umzug", "familie"],
    },
    {
        "slug": "ummeldung",
        "leika_key": "",
        "name": "Umzug innerhalb der Stadt (Ummeldung)",
        "keywords": "Ummeldung, Umzug, neue Adresse, Adressänderung, umziehen, Wohnungswechsel",
        "summary": "Sie ziehen innerhalb der Stadt um? Melden Sie Ihre neue Adresse innerhalb "
        "von zwei Wochen.",
        "description": "Auch ein Umzug innerhalb derselben Gemeinde ist eine Anmeldung der neuen "
        "Wohnung. Die Adresse im Personalausweis wird dabei aktualisiert.",
        "who_may_apply": "Jede Person, die innerhalb der Stadt in eine andere Wohnung zieht.",
        "required_documents": "Personalausweis oder Reisepass\n"
        "Wohnungsgeberbestätigung des Vermieters (§ 19 BMG)",
        "legal_basis": "§ 17 Abs. 1 BMG – Anmeldung\n§ 19 BMG – Mitwirkung des Wohnungsgebers\n"
        "§ 23a BMG – Elektronische Anmeldung",
        "delivery_mode": DeliveryMode.BOTH,
        "trust_level": "high",
        "processing_time": "Sofort; online in der Regel innerhalb weniger Tage",
        "fee_rule": FREE,
        "popular_rank": None,
        "life_situations": ["umzug"],
    },
    {
        "slug": "wohnungsgeberbestaetigung",
        "leika_key": "",
        "name": "Wohnungsgeberbestätigung online abgeben",
        "keywords": "Wohnungsgeberbestätigung, Vermieterbescheinigung, Vermieter, Vermieterin, "
        "Wohnungsgeber, Einzug bestätigen, Mieter, Zuordnungsmerkmal",
        "summary": "Vermieterinnen und Vermieter bestätigen den Einzug ihrer Mieter online und "
        "erhalten einen Code für die Anmeldung.",
        "description": "Wer eine Wohnung überlässt, bestätigt der meldepflichtigen Person den "
        "Einzug innerhalb von zwei Wochen. Online erhalten Sie sofort ein Zuordnungsmerkmal "
        "(einen Code) und eine Bestätigung als PDF. Ihre Mieter geben den Code bei der "
        "Anmeldung an; ein Papierformular ist dann nicht nötig. Der Code gilt nur für die "
        "genannte Wohnung, das genannte Einzugsdatum und die genannten Personen.",
        "who_may_apply": "Der Wohnungsgeber (Vermieter) oder eine von ihm beauftragte Person; "
        "wer in die eigene Wohnung einzieht, bestätigt für sich selbst.",
        "required_documents": "Ausweis mit Online-Ausweisfunktion (oder BundID)\n"
        "Namen der einziehenden Personen, Anschrift der Wohnung, Einzugsdatum",
        "legal_basis": "§ 19 Bundesmeldegesetz (BMG) – Mitwirkung des Wohnungsgebers\n"
        "§ 19 Abs. 4 BMG – elektronische Bestätigung und Zuordnungsmerkmal",
        "delivery_mode": DeliveryMode.ONLINE,
        "trust_level": "high",
        "processing_time": "Sofort",
        "fee_rule": FREE,
        "popular_rank": None,
        "life_situations": ["umzug"],
    },
    {
        "slug": "abmeldung",
        "leika_key": "",
        "name": "Wohnsitz abmelden (Abmeldung)",
        "keywords": "Abmeldung, Wegzug, Ausland, Auswanderung, Nebenwohnung aufgeben, abmelden",
        "summary": "Sie ziehen ins Ausland oder geben eine Nebenwohnung auf? Dann melden Sie "
        "sich ab.",
        "description": "Eine Abmeldung ist nur nötig, wenn Sie ins Ausland ziehen und keine "
        "Wohnung in Deutschland behalten, oder wenn Sie eine Nebenwohnung aufgeben. Sie ist "
        "frühestens eine Woche vor und spätestens zwei Wochen nach dem Auszug möglich.",
        "who_may_apply": "Jede gemeldete Person, die ihre Wohnung aufgibt und nicht innerhalb "
        "Deutschlands umzieht.",
        "required_documents": "Personalausweis oder Reisepass\nNeue Anschrift im Ausland "
        "(falls bekannt)",
        "legal_basis": "§ 17 Abs. 2 BMG – Abmeldung\n"
        "§ 23 Abs. 6 BMG – Identitätsnachweis ohne Online-Ausweis",
        "delivery_mode": DeliveryMode.BOTH,
        # The eID, or the alternative proof of §23(6) BMG (name, date of birth, serial number
        # of the last ID document) checked by a clerk: any account may start it.
        "trust_level": "basic",
        "processing_time": "Sofort; online in der Regel innerhalb weniger Tage",
        "fee_rule": FREE,
        "popular_rank": None,
        "life_situations": ["umzug"],
    },
    {
        "slug": "uebermittlungssperren",
        "leika_key": "",
        "name": "Übermittlungssperren einrichten",
        "keywords": "Übermittlungssperre, Widerspruch, Auskunftssperre, Datenweitergabe, "
        "Parteien, Wahlwerbung, Adressbuch, Jubiläum, Bundeswehr, Religionsgemeinschaft, "
        "Datenschutz",
        "summary": "Widersprechen Sie der Weitergabe Ihrer Meldedaten, zum Beispiel an Parteien "
        "vor Wahlen oder an Adressbuchverlage.",
        "description": "Sie können kostenlos widersprechen, dass die Meldebehörde Ihre Daten "
        "weitergibt: an Parteien und Wählergruppen vor Wahlen, an Mandatsträger und Presse bei "
        "Alters- und Ehejubiläen, an Adressbuchverlage, an öffentlich-rechtliche "
        "Religionsgesellschaften für Familienangehörige und an das Bundesamt für das "
        "Personalmanagement der Bundeswehr. Eine Auskunftssperre nach § 51 BMG setzt dagegen "
        "eine Gefahr für Leben, Gesundheit oder Freiheit voraus und muss begründet werden.",
        "who_may_apply": "Jede gemeldete Person für sich selbst; Eltern für ihre minderjährigen "
        "Kinder.",
        "required_documents": "Personalausweis oder Reisepass\n"
        "Für eine Auskunftssperre: Nachweise für die Gefährdung",
        "legal_basis": "§ 36 Abs. 2 BMG – Bundeswehr\n"
        "§ 42 Abs. 3 BMG – Religionsgesellschaften\n"
        "§ 50 Abs. 5 BMG – Parteien, Jubiläen, Adressbuchverlage\n"
        "§ 51 BMG – Auskunftssperre",
        "delivery_mode": DeliveryMode.BOTH,
        "trust_level": "substantial",
        "processing_time": "Wenige Tage",
        "fee_rule": FREE,
        "popular_rank": None,
        "life_situations": ["meine-daten"],
    },
    {
        "slug": "meldebescheinigung",
        "leika_key": "urn:de:fim:leika:leistung:99115003012000",
        "name": "Meldebescheinigung",
        "keywords": "Meldebescheinigung, Meldebestätigung, Wohnsitzbescheinigung, "
        "Aufenthaltsbescheinigung, Nachweis Wohnsitz, Bescheinigung",
        "summary": "Eine Bescheinigung darüber, wo Sie gemeldet sind – zum Beispiel für "
        "Behörden, Arbeitgeber oder Banken.",
        "description": "Die einfache Meldebescheinigung enthält Namen, frühere Namen, "
        "Doktorgrad, Ordens- oder Künstlernamen, Geburtsdatum und -ort sowie die derzeitigen "
        "Anschriften. Die erweiterte Meldebescheinigung enthält weitere Daten aus dem "
        "Melderegister, aber keine gesperrten Daten. Die Gebühr legt die Gemeinde fest.",
        "who_may_apply": "Jede gemeldete Person für sich selbst; andere Personen nur mit "
        "schriftlicher Vollmacht.",
        "required_documents": "Personalausweis oder Reisepass\n"
        "Für die Online-Beantragung: Ausweis mit Online-Ausweisfunktion",
        "legal_basis": "§ 18 BMG – Meldebescheinigung\n"
        "Gebührensatzung bzw. Verwaltungskostenrecht des Landes",
        "delivery_mode": DeliveryMode.BOTH,
        "trust_level": "high",
        "processing_time": "Sofort; online als PDF nach der Bezahlung",
        "fee_rule": {"kind": "fixed", "amount": "7.50"},
        "fee_note": "Die Gebühr wird von der Gemeinde festgelegt.",
        "popular_rank": 3,
        "life_situations": ["ausweise-dokumente", "umzug"],
    },
    {
        "slug": "auskunftssperre",
        "leika_key": "",
        "name": "Auskunftssperre beantragen",
        "keywords": "Auskunftssperre, Melderegistersperre, Gefahr, Stalking, Schutz, "
        "Adresse sperren, Datenschutz",
        "summary": "Wenn Ihnen durch eine Auskunft aus dem Melderegister Gefahr droht, "
        "lassen Sie Ihre Daten sperren.",
        "description": "Eine Auskunftssperre wird eingetragen, wenn Tatsachen die Annahme "
        "rechtfertigen, dass Ihnen oder einer anderen Person durch eine Melderegisterauskunft "
        "eine Gefahr für Leben, Gesundheit, persönliche Freiheit oder ähnliche schutzwürdige "
        "Interessen erwachsen kann. Sie gilt zwei Jahre und kann verlängert werden.",
        "who_may_apply": "Jede gemeldete Person für sich selbst.",
        "required_documents": "Begründung\nNachweise der Gefährdung (zum Beispiel eine "
        "Schutzanordnung oder eine Anzeige)",
        "legal_basis": "§ 51 BMG – Auskunftssperren",
        "delivery_mode": DeliveryMode.BOTH,
        "trust_level": "high",
        "processing_time": "Wenige Tage",
        "fee_rule": FREE,
        "popular_rank": None,
        "life_situations": ["meine-daten"],
    },
    {
        "slug": "meldedatensatz",
        "leika_key": "",
        "name": "Eigene Meldedaten abrufen (Meldedatensatz)",
        "keywords": "Meldedatensatz, Meldedaten, Auskunft, eigene Daten, Datenauskunft, "
        "maschinenlesbar, JSON",
        "summary": "Ihre eigenen Daten aus dem Melderegister als signierte, maschinenlesbare "
        "Datei – sofort und kostenlos.",
        "description": "Mit der Online-Ausweisfunktion erhalten Sie Ihre Daten aus dem "
        "Melderegister als Datei (JSON), die Sie an andere Stellen weitergeben können. Die "
        "Echtheit der Datei lässt sich mit dem Prüfcode auf der Prüfseite der Stadt bestätigen.",
        "who_may_apply": "Jede gemeldete Person für sich selbst.",
        "required_documents": "Ausweis mit Online-Ausweisfunktion und PIN",
        "legal_basis": "§ 18a BMG – Meldedatensatz zum Abruf",
        "delivery_mode": DeliveryMode.ONLINE,
        "trust_level": "high",
        "processing_time": "Sofort",
        "fee_rule": FREE,
        "popular_rank": None,
        "life_situations": ["meine-daten"],
    },
    {
        "slug": "fuehrungszeugnis",
        "leika_key": "",
        "name": "Führungszeugnis",
        "keywords": "Führungszeugnis, polizeiliches Führungszeugnis, erweitertes "
        "Führungszeugnis, Bundeszentralregister, Strafregister, Vorstrafen, Ehrenamt",
        "summary": "Ein Auszug aus dem Bundeszentralregister, etwa für Arbeitgeber, Behörden oder "
        "ein Ehrenamt mit Kindern.",
        "description": "Das Führungszeugnis stellt das Bundesamt für Justiz aus; die "
        "Meldebehörde nimmt den Antrag entgegen und leitet ihn weiter. Das private "
        "Führungszeugnis (Belegart N) wird Ihnen zugeschickt, das Führungszeugnis für eine "
        "Behörde (Belegart O) geht direkt an die Behörde. Für ein erweitertes Führungszeugnis "
        "brauchen Sie die schriftliche Aufforderung der Stelle, die es verlangt.",
        "who_may_apply": "Personen ab 14 Jahren für sich selbst; eine Vertretung ist nicht "
        "möglich, bei Minderjährigen kann auch der gesetzliche Vertreter den Antrag stellen.",
        "required_documents": "Personalausweis oder Reisepass\n"
        "Bei Belegart O: Anschrift der Behörde und Verwendungszweck bzw. Aktenzeichen\n"
        "Beim erweiterten Führungszeugnis: schriftliche Aufforderung nach § 30a Abs. 2 BZRG\n"
        "Für ein Kind von 14 bis 17 Jahren: sein Personalausweis, Kinderreisepass oder Reisepass "
        "und der des Elternteils; beide kommen gemeinsam",
        "legal_basis": "§ 30 Bundeszentralregistergesetz (BZRG) – Antrag\n"
        "§ 30a BZRG – Erweitertes Führungszeugnis\n"
        "Nr. 1130 Kostenverzeichnis zum Justizverwaltungskostengesetz (JVKostG) – Gebühr",
        "delivery_mode": DeliveryMode.BOTH,
        # Prepared online with an account; the identity is checked at the counter.
        "trust_level": "basic",
        "processing_time": "Etwa zwei Wochen",
        # The European certificate (§30b BZRG) costs 17.00 EUR: an option of the same rule.
        "fee_rule": {"kind": "fixed", "amount": "13.00", "options": {"european": "17.00"}},
        "fee_note": "Das Europäische Führungszeugnis kostet 17,00 EUR. Für ein Ehrenamt ist es "
        "mit Nachweis gebührenfrei; bei geringem Einkommen entscheidet das Bundesamt für Justiz "
        "über eine Ermäßigung.",
        "popular_rank": 4,
        "life_situations": ["ausweise-dokumente", "arbeit-ehrenamt"],
    },
    {
        "slug": "personalausweis",
        "leika_key": "",
        "name": "Personalausweis beantragen",
        "keywords": "Personalausweis, Ausweis, Perso, Identitätskarte, eID, neuer Ausweis, "
        "Ausweis verlängern, Ausweis verloren",
        "summary": "Einen neuen Personalausweis beantragen Sie persönlich mit Termin im "
        "Bürgerbüro.",
        "description": "Der Antrag ist nur persönlich möglich: Im Bürgerbüro werden zwei "
        "Fingerabdrücke genommen, und das Lichtbild muss digital sein (Aufnahme im Bürgerbüro "
        "oder von einem zertifizierten Fotografen übermittelt). Ab 24 Jahren gilt der Ausweis "
        "zehn Jahre, darunter sechs Jahre. Online buchen Sie den Termin und verfolgen, wann "
        "der Ausweis abholbereit ist.",
        "who_may_apply": "Deutsche ab Geburt; ab 16 Jahren besteht Ausweispflicht. Für Kinder "
        "unter 16 Jahren beantragen die sorgeberechtigten Eltern.",
        "required_documents": "Bisheriger Personalausweis oder Reisepass (oder "
        "Geburtsurkunde)\nDigitales biometrisches Lichtbild, falls nicht im Bürgerbüro "
        "aufgenommen\nBei Kindern: Zustimmung aller Sorgeberechtigten",
        "legal_basis": "§ 9 Personalausweisgesetz (PAuswG) – Ausstellung\n"
        "§ 1 Personalausweisgebührenverordnung (PAuswGebV) – Gebühren",
        "delivery_mode": DeliveryMode.APPOINTMENT,
        "trust_level": "basic",
        "processing_time": "Etwa drei bis vier Wochen nach dem Termin",
        # §1 PAuswGebV: by age; the options are what choices in the application cost instead
        # (a provisional card) or on top (sent by post; outside opening hours or at an office
        # that is not responsible). The photo taken at the counter is the service "lichtbild".
        "fee_rule": {
            "kind": "age_bands",
            "bands": [{"min_age": 0, "amount": "27.60"}, {"min_age": 24, "amount": "46.00"}],
            "options": {"provisional": "10.00", "post": "15.00", "elsewhere": "13.00"},
        },
        "fee_note": "Vorläufiger Personalausweis: 10,00 EUR. Versand per Post: 15,00 EUR "
        "zusätzlich. Lichtbild im Bürgerbüro: 6,00 EUR zusätzlich.",
        "popular_rank": 2,
        "life_situations": ["ausweise-dokumente", "familie"],
    },
    {
        "slug": "lichtbild",
        "leika_key": "",
        "name": "Lichtbild im Bürgerbüro aufnehmen",
        "keywords": "Lichtbild, Passfoto, Foto, biometrisches Foto, Ausweisfoto, Passbild",
        "summary": "Das biometrische Foto für Personalausweis oder Reisepass nehmen wir bei "
        "Ihrem Termin im Bürgerbüro auf.",
        "description": "Seit Mai 2025 werden Lichtbilder für Ausweis und Pass nur noch digital "
        "übermittelt: von einem zertifizierten Fotografen (Sie bringen den Ausdruck mit dem "
        "Code mit) oder aufgenommen im Bürgerbüro. Papierfotos werden nicht mehr angenommen.",
        "who_may_apply": "Jede Person, die einen Personalausweis oder Reisepass beantragt.",
        "required_documents": "",
        "legal_basis": "§ 1 Personalausweisgebührenverordnung (PAuswGebV)",
        "delivery_mode": DeliveryMode.APPOINTMENT,
        "trust_level": "basic",
        "processing_time": "Während des Termins",
        "fee_rule": {"kind": "fixed", "amount": "6.00"},
        "popular_rank": None,
        "life_situations": ["ausweise-dokumente"],
    },
    {
        "slug": "briefwahl",
        "leika_key": "",
        "name": "Briefwahl beantragen (Wahlschein)",
        "keywords": "Briefwahl, Wahlschein, Briefwahlunterlagen, Wahl, wählen, Bundestagswahl, "
        "Europawahl, Kommunalwahl, Landtagswahl",
        "summary": "Sie möchten per Brief wählen? Beantragen Sie Wahlschein und "
        "Briefwahlunterlagen.",
        "description": "Den Wahlschein können Sie schriftlich oder elektronisch beantragen, nicht "
        "telefonisch. Die Angaben von Ihrer Wahlbenachrichtigung (Wählerverzeichnisnummer, "
        "Wahlbezirk) helfen, sind aber nicht zwingend. Der Antrag ist bis Freitag vor der Wahl, "
        "15 Uhr, möglich; bei plötzlicher Erkrankung bis zum Wahltag, 15 Uhr.",
        "who_may_apply": "Wahlberechtigte, die im Wählerverzeichnis eingetragen sind. Für eine "
        "andere Person nur mit schriftlicher Vollmacht.",
        "required_documents": "Familienname, Vornamen, Geburtsdatum und Anschrift\n"
        "Wahlbenachrichtigung (falls vorhanden)",
        "legal_basis": "§ 27 Bundeswahlordnung (BWO) – Antrag auf Erteilung eines Wahlscheins\n"
        "Landes- und Kommunalwahlrecht für Landtags- und Kommunalwahlen",
        "delivery_mode": DeliveryMode.ONLINE,
        "trust_level": "basic",
        "processing_time": "Wenige Tage nach Versand der Wahlunterlagen",
        "fee_rule": FREE,
        "popular_rank": 5,
        "life_situations": ["wahlen"],
    },
    {
        "slug": "termin-buergerbuero",
        "leika_key": "",
        "name": "Termin im Bürgerbüro",
        "keywords": "Termin, Bürgerbüro, Bürgeramt, Einwohnermeldeamt, Vorsprache, "
        "Terminvereinbarung, Wartemarke",
        "summary": "Buchen Sie einen Termin für Ihr Anliegen im Bürgerbüro.",
        "description": "Für Anliegen, die persönlich erledigt werden müssen, buchen Sie einen "
        "Termin. Bitte bringen Sie die nötigen Unterlagen mit.",
        "who_may_apply": "Alle Bürgerinnen und Bürger.",
        "required_documents": "Personalausweis oder Reisepass\nUnterlagen für Ihr Anliegen",
        "legal_basis": "",
        "delivery_mode": DeliveryMode.APPOINTMENT,
        "trust_level": "basic",
        "processing_time": "",
        "fee_rule": FREE,
        "popular_rank": 6,
        "life_situations": ["kontakt"],
    },
    {
        "slug": "allgemeines-anliegen",
        "leika_key": "",
        "name": "Allgemeines Anliegen",
        "keywords": "Anliegen, Frage, Kontakt, Nachricht, Anfrage, Beschwerde, Hinweis, "
        "Kontaktformular",
        "summary": "Ihr Anliegen passt zu keiner anderen Leistung? Schreiben Sie uns.",
        "description": "Schildern Sie Ihr Anliegen. Die Verwaltung antwortet Ihnen in Ihrem "
        "Postfach.",
        "who_may_apply": "Alle Bürgerinnen und Bürger.",
        "required_documents": "",
        "legal_basis": "",
        "delivery_mode": DeliveryMode.ONLINE,
        "trust_level": "basic",
        "processing_time": "In der Regel innerhalb einer Woche",
        "fee_rule": FREE,
        "popular_rank": None,
        "life_situations": ["kontakt"],
    },
]

# Local fee rules of the demo towns (the Meldebescheinigung fee is set by each municipality).
DEMO_FEE_OVERRIDES = {
    "norderstedt": {"meldebescheinigung": {"kind": "fixed", "amount": "7.50"}},
    "reinbek": {"meldebescheinigung": {"kind": "fixed", "amount": "8.00"}},
}

# The same texts in English (the German ones are the official texts; the English ones help those
# who read German less well). Keys are service slugs; each value fills the ``*_en`` fields.
SERVICES_EN = {
    "anmeldung": {
        "name": "Register your address (Anmeldung)",
        "summary": "Moving into a home? Register within two weeks.",
        "description": "Anyone who moves into a home must register with the registration office "
        "within two weeks of moving in. With the online function of your ID card you can "
        "register fully online; otherwise come to the Bürgerbüro with an appointment. If you "
        "move within Germany, you do not need to deregister at your old address.",
        "who_may_apply": "Everyone who moves into a home. Parents register children under 16; "
        "one person can register the whole family if everyone moves in together.",
        "required_documents": "ID card, passport or eID card of every person\n"
        "Landlord's confirmation (Wohnungsgeberbestätigung, § 19 BMG)\n"
        "To register online: ID card with the online function and its PIN",
        "legal_basis": "§ 17 (1) Federal Registration Act (BMG) – registration\n"
        "§ 19 BMG – the landlord's part\n§ 23a BMG – registering electronically",
        "processing_time": "At once; online usually within a few days",
    },
    "ummeldung": {
        "name": "Moving within the town (Ummeldung)",
        "summary": "Moving within the town? Register your new address within two weeks.",
        "description": "A move within the same town is registered like any new home. The "
        "address in your ID card is updated at the same time.",
        "who_may_apply": "Everyone who moves to another home within the town.",
        "required_documents": "ID card or passport\n"
        "Landlord's confirmation (Wohnungsgeberbestätigung, § 19 BMG)",
        "legal_basis": "§ 17 (1) BMG – registration\n§ 19 BMG – the landlord's part\n"
        "§ 23a BMG – registering electronically",
        "processing_time": "At once; online usually within a few days",
    },
    "wohnungsgeberbestaetigung": {
        "name": "Confirm a tenant's move-in (Wohnungsgeberbestätigung)",
        "summary": "Landlords confirm their tenants' move-in online and receive a code for the "
        "registration.",
        "description": "Whoever lets a dwelling confirms the move-in to the person registering, "
        "within two weeks. Online you receive an assignment code and a PDF confirmation at "
        "once. Your tenants enter the code when they register; no paper form is needed. The "
        "code is valid only for the dwelling, the move-in date and the persons you name.",
        "who_may_apply": "The landlord or a person they authorise; whoever moves into a "
        "dwelling they own confirms for themselves.",
        "required_documents": "ID card with the online function (or BundID)\n"
        "Names of the persons moving in, the dwelling's address, the move-in date",
        "legal_basis": "§ 19 Federal Registration Act (BMG) – the landlord's part\n"
        "§ 19 (4) BMG – electronic confirmation and assignment code",
        "processing_time": "At once",
    },
    "abmeldung": {
        "name": "Deregister your address (Abmeldung)",
        "summary": "Moving abroad or giving up a second home? Then deregister.",
        "description": "You only need to deregister if you move abroad and keep no home in "
        "Germany, or if you give up a second home. It is possible from one week before until "
        "two weeks after you move out.",
        "who_may_apply": "Everyone registered here who gives up their home and does not move "
        "within Germany.",
        "required_documents": "ID card or passport\nNew address abroad (if known)",
        "legal_basis": "§ 17 (2) BMG – deregistration\n"
        "§ 23 (6) BMG – proof of identity without the online ID",
        "processing_time": "At once; online usually within a few days",
    },
    "uebermittlungssperren": {
        "name": "Block the passing on of your data (Übermittlungssperren)",
        "summary": "Object to your registration data being passed on, for example to parties "
        "before elections or to address book publishers.",
        "description": "You can object, free of charge, to the registration office passing on "
        "your data: to parties and voter groups before elections, to office holders and the "
        "press for birthdays and wedding anniversaries, to address book publishers, to "
        "religious communities for family members and to the Federal Armed Forces' personnel "
        "office. A full block on information (§ 51 BMG), by contrast, requires a danger to "
        "life, health or freedom and must be justified.",
        "who_may_apply": "Everyone registered here, for themselves; parents for their children "
        "under 18.",
        "required_documents": "ID card or passport\n"
        "For a block on information: evidence of the danger",
        "legal_basis": "§ 36 (2) BMG – armed forces\n§ 42 (3) BMG – religious communities\n"
        "§ 50 (5) BMG – parties, anniversaries, address book publishers\n"
        "§ 51 BMG – block on information",
        "processing_time": "A few days",
    },
    "meldebescheinigung": {
        "name": "Certificate of registration (Meldebescheinigung)",
        "summary": "A certificate of where you are registered – for authorities, employers or "
        "banks, for example.",
        "description": "The simple certificate shows your names, former names, doctoral "
        "degree, religious or artist's name, date and place of birth and your current "
        "addresses. The extended certificate shows further data from the register, but no "
        "blocked data. The town sets the fee.",
        "who_may_apply": "Everyone registered here, for themselves; others only with written "
        "authority.",
        "required_documents": "ID card or passport\n"
        "To apply online: ID card with the online function",
        "legal_basis": "§ 18 BMG – certificate of registration\n"
        "The town's fee statute or the state's administrative costs law",
        "processing_time": "At once; online as a PDF after payment",
        "fee_note": "The town sets the fee.",
    },
    "auskunftssperre": {
        "name": "Apply for a block on information (Auskunftssperre)",
        "summary": "If information from the register could put you in danger, have your data "
        "blocked.",
        "description": "A block is entered when facts justify the assumption that information "
        "from the register could endanger the life, health, personal freedom or similar "
        "interests of you or another person. It runs for two years and can be renewed.",
        "who_may_apply": "Everyone registered here, for themselves.",
        "required_documents": "Your reasons\nEvidence of the danger (for example a protection "
        "order or a police report)",
        "legal_basis": "§ 51 BMG – blocks on information",
        "processing_time": "A few days",
    },
    "meldedatensatz": {
        "name": "Download your own register data (Meldedatensatz)",
        "summary": "Your own data from the resident register as a signed, machine-readable "
        "file – at once and free of charge.",
        "description": "With the online function of your ID card you get your data from the "
        "resident register as a file (JSON) that you can pass on. Anyone can confirm the file "
        "with its verification code on the town's verification page.",
        "who_may_apply": "Everyone registered here, for themselves.",
        "required_documents": "ID card with the online function and its PIN",
        "legal_basis": "§ 18a BMG – register data for retrieval",
        "processing_time": "At once",
    },
    "fuehrungszeugnis": {
        "name": "Certificate of good conduct (Führungszeugnis)",
        "summary": "An extract from the Federal Central Register, for employers, authorities or "
        "voluntary work with children, for example.",
        "description": "The Federal Office of Justice issues the certificate; the registration "
        "office takes the application and passes it on. The private certificate (type N) is "
        "sent to you, the certificate for an authority (type O) goes straight to the "
        "authority. For an extended certificate you need the written request of the body that "
        "asks for it.",
        "who_may_apply": "People aged 14 and over, for themselves; no one can apply for you, "
        "but for minors the legal guardian can apply as well.",
        "required_documents": "ID card or passport\n"
        "For type O: the authority's address and the purpose or file number\n"
        "For an extended certificate: the written request under § 30a (2) BZRG\n"
        "For a child of 14 to 17: the child's ID card, children's passport or passport and the "
        "parent's; both come together",
        "legal_basis": "§ 30 Federal Central Register Act (BZRG) – application\n"
        "§ 30a BZRG – extended certificate\n"
        "No. 1130 of the fee schedule of the Judicial Administration Costs Act (JVKostG) – fee",
        "processing_time": "About two weeks",
        "fee_note": "The European certificate costs 17.00 EUR. For voluntary work it is free "
        "with proof; on a low income the Federal Office of Justice decides on a reduction.",
    },
    "personalausweis": {
        "name": "Apply for an ID card (Personalausweis)",
        "summary": "You apply for a new ID card in person, with an appointment at the Bürgerbüro.",
        "description": "You can only apply in person: the Bürgerbüro takes two fingerprints, "
        "and the photo must be digital (taken at the Bürgerbüro or sent by a certified "
        "photographer). From 24 the card is valid for ten years, below that for six. Online you "
        "book the appointment and see when the card is ready to collect.",
        "who_may_apply": "Germans from birth; from 16 an ID card is required. For children "
        "under 16 the parents with custody apply.",
        "required_documents": "Current ID card or passport (or birth certificate)\n"
        "Digital biometric photo, unless taken at the Bürgerbüro\n"
        "For children: consent of everyone with custody",
        "legal_basis": "§ 9 ID Card Act (PAuswG) – issue\n"
        "§ 1 ID Card Fees Ordinance (PAuswGebV) – fees",
        "processing_time": "About three to four weeks after the appointment",
        "fee_note": "Temporary ID card: 10.00 EUR. Sent by post: 15.00 EUR extra. Photo taken "
        "at the Bürgerbüro: 6.00 EUR extra.",
    },
    "lichtbild": {
        "name": "Have your photo taken at the Bürgerbüro",
        "summary": "We take the biometric photo for your ID card or passport at your appointment.",
        "description": "Since May 2025 photos for ID cards and passports are only accepted "
        "digitally: from a certified photographer (bring the printout with the code) or taken at "
        "the Bürgerbüro. Paper photos are no longer accepted.",
        "who_may_apply": "Everyone applying for an ID card or passport.",
        "required_documents": "",
        "legal_basis": "§ 1 ID Card Fees Ordinance (PAuswGebV)",
        "processing_time": "During the appointment",
    },
    "briefwahl": {
        "name": "Apply for a postal vote (Wahlschein)",
        "summary": "Want to vote by post? Apply for your polling card and postal voting papers.",
        "description": "You can apply in writing or electronically, not by phone. The details "
        "on your poll card (number in the electoral register, polling district) help but are "
        "not required. You can apply until 3 pm on the Friday before the election; if you "
        "suddenly fall ill, until 3 pm on election day.",
        "who_may_apply": "Voters entered in the electoral register. For someone else only with "
        "written authority.",
        "required_documents": "Family name, given names, date of birth and address\n"
        "Poll card (if you have it)",
        "legal_basis": "§ 27 Federal Electoral Regulations (BWO) – applying for a polling card\n"
        "State and local electoral law for state and local elections",
        "processing_time": "A few days after the voting papers are sent out",
    },
    "termin-buergerbuero": {
        "name": "Appointment at the Bürgerbüro",
        "summary": "Book an appointment at the Bürgerbüro for your matter.",
        "description": "For matters that must be dealt with in person, book an appointment. "
        "Please bring the documents you need.",
        "who_may_apply": "Everyone.",
        "required_documents": "ID card or passport\nDocuments for your matter",
    },
    "allgemeines-anliegen": {
        "name": "General request",
        "summary": "Your matter fits no other service? Write to us.",
        "description": "Describe your matter. The town answers you in your Postfach.",
        "who_may_apply": "Everyone.",
        "processing_time": "Usually within a week",
    },
}

LIFE_SITUATIONS_EN = {
    "umzug": "Moving",
    "ausweise-dokumente": "ID cards & documents",
    "wahlen": "Elections",
    "familie": "Family",
    "arbeit-ehrenamt": "Work & volunteering",
    "meine-daten": "My data & data protection",
    "kontakt": "Contact & appointments",
}
