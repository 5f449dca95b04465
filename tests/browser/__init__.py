"""Browser tests: Playwright driving Debian's Chromium, axe-core on every page a journey reaches.

A journey goes as a new visitor goes: it types one address, the town's start page
(``helpers_navigation.open_start_page``), and reaches everything else by following links and
buttons by keyboard (``helpers_navigation``, ``helpers_keyboard``). The few typed addresses left
say why in a comment: a link read from an e-mail, a terminal's enrolment, and addresses that test
what a hand-edited URL gets (a refused staff page at the terminal, an unreadable day). The URL walk
(``test_route_walk.py``) and the page checks (``test_look.py``, ``test_reach.py``,
``test_public_pages.py``, ``test_accessibility_pages.py``, ``test_form_errors.py``) open pages by
address on purpose: they check every page, not a way through.

Which journey covers what, each in German (de-DE) and English (en-GB), as file :: test:

- abmeldung: test_meldewesen_journeys :: test_abmeldung_abroad
- accessibility_feedback: test_short_journeys ::
  test_barrier_reported_from_the_accessibility_statement
- anmeldung (and the Ummeldung): test_anmeldung_journey, both tests
- auskunftssperre, meldedatensatz: test_short_journeys ::
  test_register_data_file_then_auskunftssperre
- fuehrungszeugnis: test_fuehrungszeugnis_journey, both tests (German at 1280 px and English at
  320 px, then the other way round)
- general_request: test_case_journey :: test_general_request_from_start_to_postfach
- meldebescheinigung: test_meldebescheinigung_journey
- personalausweis: test_personalausweis_journey
- uebermittlungssperren: test_meldewesen_journeys :: test_uebermittlungssperre_set_and_revoked
- wohnungsgeber: test_anmeldung_journey :: test_landlord_code_then_anmeldung_of_a_family_of_three
- Briefwahl (elections): test_briefwahl_journey, the voter and the election office
- appointments (booking) and wait tickets (online): test_short_journeys ::
  test_wait_ticket_then_appointment_confirmed_from_the_email
- Bürgerterminal (check-in, wait ticket, a draft, "Fertig"): test_kiosk ::
  test_a_visit_and_fertig_leave_nothing_for_the_next_visitor (the terminal's browser is German;
  the English visitor chooses English with the start screen's language switch)
- appointments (staff): test_appointments_office, both tests (call display; statistics and the
  check-in terminal), and test_appointments_day_view
- payments: test_fuehrungszeugnis_journey :: test_prepare_pay_and_send_at_the_counter (the
  citizen pays on the demo payment platform); the back office's refund in
  test_backoffice_payments
- back office: test_backoffice (German at 1280 px, English at 320 px), and the clerk's part of
  test_fuehrungszeugnis_journey and test_briefwahl_journey (both languages)

Still in German only: the other tests of test_kiosk (display settings at 320 px, the idle
countdown, a refused staff page and a revoked terminal), test_accounts_journeys,
test_reply_loop_journey, test_procedure_api_journey, test_backoffice ::
test_request_information_and_message_to_the_applicant and test_case_journey ::
test_attachment_page_and_withdrawing_a_request.
"""
