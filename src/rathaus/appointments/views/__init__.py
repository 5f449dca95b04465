"""Pages of the booking engine, one module per audience. Views parse input, call one service or
selector, render.

* ``booking``: the citizen's booking pages (services, how many, office, day, time, details) and
  booking the appointment a case needs;
* ``links``: the pages behind the links in the booking e-mails — finalise, the appointment with
  its QR code, cancel, move, the calendar file;
* ``office``: the public pages at the office — call display, check-in, online Wartenummer;
* ``staff``: a clerk's counter screen, the day in figures, the day's bookings.

``urls.py`` routes to the views listed here.
"""

from .booking import (
    DAYS_SHOWN,
    SESSION_KEY,
    book_counts,
    book_day,
    book_details,
    book_for_case,
    book_office,
    book_sent,
    book_services,
    book_time,
)
from .links import (
    booking_calendar_view,
    booking_cancel_view,
    booking_code_qr,
    booking_finalise_view,
    booking_move_view,
    booking_page,
)
from .office import call_display_data, call_display_page, check_in_page, walk_in_page
from .staff import COUNTER_ACTIONS, counter_screen, day_view_page, statistics_page

__all__ = [
    "COUNTER_ACTIONS",
    "DAYS_SHOWN",
    "SESSION_KEY",
    "book_counts",
    "book_day",
    "book_details",
    "book_for_case",
    "book_office",
    "book_sent",
    "book_services",
    "book_time",
    "booking_calendar_view",
    "booking_cancel_view",
    "booking_code_qr",
    "booking_finalise_view",
    "booking_move_view",
    "booking_page",
    "call_display_data",
    "call_display_page",
    "check_in_page",
    "counter_screen",
    "day_view_page",
    "statistics_page",
    "walk_in_page",
]
