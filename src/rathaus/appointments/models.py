"""Offices, their calendars and the booking engine's rows.

Every row carries ``municipality`` (also where it could be derived through ``office``) so that each
query can name the tenant directly. Capacity lives in ``Slot`` and is guarded by the database:
``0 <= taken <= capacity`` is a check constraint, and services change ``taken`` only through one
conditional ``UPDATE`` per slot (see services.hold_create).
"""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rathaus.core.fields import EncryptedCharField, EncryptionRowIdField

from .constants import BookingStatus, HoldState, NameGender, TicketKind, TicketStatus, Weekday
from .grammar import office_at, office_to


class Office(models.Model):
    """A Standort: a place where citizens are served."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="offices"
    )
    name = models.CharField(_("name"), max_length=120)
    name_gender = models.CharField(
        _("grammatical gender of the name"),
        max_length=1,
        choices=NameGender.choices,
        default=NameGender.NEUTER,
        help_text=_("So that texts say „beim Bürgerbüro“ or „bei der Stadtverwaltung“."),
    )
    slug = models.SlugField(_("short name"))
    street = models.CharField(_("street and number"), max_length=120, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    accessibility_notes = models.TextField(
        _("accessibility notes"),
        blank=True,
        help_text=_("Step-free access, lift, accessible toilet, induction loop, parking …"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="office_slug_per_town"),
        ]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name

    @property
    def name_at(self) -> str:
        """ "beim Bürgerbüro …" (see ``grammar.office_at``)."""
        return office_at(self.name, self.name_gender)

    @property
    def name_to(self) -> str:
        """ "zum Bürgerbüro …" (see ``grammar.office_to``)."""
        return office_to(self.name, self.name_gender)


class Counter(models.Model):
    """An Arbeitsplatz (Schalter) in an office. Active counters make up a slot's capacity."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="counters")
    name = models.CharField(_("name"), max_length=60, help_text=_("e.g. Schalter 4"))
    is_active = models.BooleanField(_("active"), default=True)
    services = models.ManyToManyField(
        "OfficeService",
        blank=True,
        related_name="counters",
        verbose_name=_("services served here"),
        help_text=_(
            "Leave empty if this counter serves every service of the office. Otherwise "
            '"call next" gives it only appointments whose services are all chosen here.'
        ),
    )

    class Meta:
        ordering = ["office", "name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="counter_name_per_office"),
        ]
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return f"{self.office} – {self.name}"


class OfficeService(models.Model):
    """A catalogue service offered at an office, with the time one case of it takes.

    ``service_slug`` is the slug of the catalogue's service (Leistung) in the same municipality.
    It is a plain string rather than a foreign key so that the booking engine does not depend on
    the catalogue's tables; a service may therefore be configured here before it is published in
    the catalogue, and the catalogue's page links to the booking by the same slug.
    """

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="services")
    service_slug = models.SlugField(_("catalogue service (slug)"), max_length=80)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration in minutes"), validators=[MinValueValidator(1), MaxValueValidator(480)]
    )
    max_count = models.PositiveSmallIntegerField(
        _("maximum number per appointment"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("e.g. up to five identity cards for one family in one appointment."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["office", "service_slug"]
        constraints = [
            models.UniqueConstraint(fields=["office", "service_slug"], name="office_service_once"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1), name="office_service_duration_positive"
            ),
        ]
        verbose_name = _("service offered at an office")
        verbose_name_plural = _("services offered at offices")

    def __str__(self) -> str:
        return f"{self.office}: {self.service_slug} ({self.duration_minutes} min)"


class OpeningHours(models.Model):
    """One opening interval on a weekday. Several intervals on a day make breaks between them."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["office", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="opening_ordered"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_weekday_valid"),
        ]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ClosureDay(models.Model):
    """A day (or part of it) on which an office, or every office of the town, does not serve.

    Public holidays of the municipality's state need no rows: they come from the ``holidays``
    package. Without times the whole day is closed; with times only that range.
    """

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    office = models.ForeignKey(
        Office,
        on_delete=models.CASCADE,
        related_name="closures",
        null=True,
        blank=True,
        help_text=_("Empty: all offices of the municipality."),
    )
    date = models.DateField(_("date"))
    starts = models.TimeField(_("closed from"), null=True, blank=True)
    ends = models.TimeField(_("closed until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(starts__isnull=True) & Q(ends__isnull=True))
                | (Q(starts__isnull=False) & Q(ends__isnull=False) & Q(starts__lt=F("ends"))),
                name="closure_times_complete",
            ),
        ]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"


class StaffAbsence(models.Model):
    """Fewer counters are staffed between ``starts_at`` and ``ends_at`` (holiday, illness …)."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="absences")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    counters = models.PositiveSmallIntegerField(
        _("counters not staffed"), default=1, validators=[MinValueValidator(1)]
    )
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="absence_ordered"),
            models.CheckConstraint(condition=Q(counters__gte=1), name="absence_counters_positive"),
        ]
        verbose_name = _("staff absence")
        verbose_name_plural = _("staff absences")

    def __str__(self) -> str:
        return f"{self.office}: −{self.counters} ({self.starts_at:%Y-%m-%d %H:%M})"


class BookingPolicy(models.Model):
    """How an office's calendar may be booked."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="policy")
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length in minutes"), default=10, validators=[MinValueValidator(1)]
    )
    min_days_ahead = models.PositiveSmallIntegerField(_("bookable from (days ahead)"), default=0)
    max_weeks_ahead = models.PositiveSmallIntegerField(
        _("bookable until (weeks ahead)"), default=6, validators=[MinValueValidator(1)]
    )
    min_notice_minutes = models.PositiveIntegerField(_("minimum notice in minutes"), default=60)
    daily_release_time = models.TimeField(
        _("daily release time"),
        default=datetime.time(7, 0),
        help_text=_("The last day of the booking window becomes bookable at this time."),
    )
    hold_minutes = models.PositiveSmallIntegerField(
        _("reservation time in minutes"), default=10, validators=[MinValueValidator(1)]
    )
    quarantine_minutes = models.PositiveIntegerField(
        _("quarantine after cancellation in minutes"), default=60
    )
    max_bookings_per_email = models.PositiveSmallIntegerField(
        _("open appointments per e-mail address"), default=2, validators=[MinValueValidator(1)]
    )
    max_bookings_per_identity = models.PositiveSmallIntegerField(
        _("open appointments per verified identity"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Applies to citizens logged in with a verified identity (trust level substantial or "
            "high), whatever e-mail address they give."
        ),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(slot_minutes__gte=1), name="policy_slot_positive"),
            models.CheckConstraint(
                condition=Q(max_bookings_per_email__gte=1), name="policy_email_limit_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_bookings_per_identity__gte=1),
                name="policy_identity_limit_positive",
            ),
        ]
        verbose_name = _("booking policy")
        verbose_name_plural = _("booking policies")

    def __str__(self) -> str:
        return f"{self.office}"


class Slot(models.Model):
    """One bookable time unit of an office with its capacity (number of counters staffed).

    The check constraint is the last line of defence: even a buggy caller cannot oversell.
    """

    # No single-column indexes on the two keys: the (municipality, office, start) index and
    # the unique (office, start) serve every lookup, and each index is work on every write.
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="slots", db_index=False
    )
    start = models.DateTimeField(_("start"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    taken = models.PositiveSmallIntegerField(_("taken"), default=0)

    class Meta:
        ordering = ["office", "start"]
        constraints = [
            models.UniqueConstraint(fields=["office", "start"], name="slot_once_per_office"),
            models.CheckConstraint(condition=Q(taken__gte=0), name="slot_taken_not_negative"),
            models.CheckConstraint(
                condition=Q(taken__lte=F("capacity")), name="slot_taken_within_capacity"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "office", "start"])]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")

    def __str__(self) -> str:
        return f"{self.office} {self.start:%Y-%m-%d %H:%M} {self.taken}/{self.capacity}"


class Hold(models.Model):
    """Capacity taken from ``units`` × consecutive ``slots``, identified by a secret token.

    ``state`` changes only through conditional updates, so expiry, confirmation and cancellation
    cannot both act on the same hold: exactly one of them wins.
    """

    # No index on the two keys: every query finds a hold by its id, its token (unique) or its
    # state and time (the indexes below), and each index is work on every hold a storm writes.
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="holds", db_index=False
    )
    token = models.CharField(max_length=64, editable=False)
    slots = models.ManyToManyField(Slot, related_name="holds")
    units = models.PositiveSmallIntegerField(default=1)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    services = models.JSONField(
        default=list, help_text="[[service_slug, count], …] as chosen; no personal data."
    )
    state = models.CharField(max_length=12, choices=HoldState.choices, default=HoldState.ACTIVE)
    expires_at = models.DateTimeField()
    release_after = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "expires_at"]),
            models.Index(fields=["state", "release_after"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=1), name="hold_units_positive"),
            # A constraint rather than ``unique=True``: on PostgreSQL the latter adds a second
            # (pattern) index that no query uses and every hold would have to write.
            models.UniqueConstraint(fields=["token"], name="hold_token_unique"),
        ]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")

    def __str__(self) -> str:
        return f"{self.office} {self.start:%Y-%m-%d %H:%M} ({self.state})"


class Booking(models.Model):
    """An appointment. The name cannot be changed after booking; a new name means a new booking."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="bookings")
    hold = models.OneToOneField(Hold, on_delete=models.PROTECT, related_name="booking")
    code = models.CharField(_("booking code"), max_length=12, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.HELD
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    encryption_row_id = EncryptionRowIdField()
    name = EncryptedCharField(_("name"), max_length=200)
    email = EncryptedCharField(_("e-mail address"), max_length=254)
    email_digest = models.CharField(max_length=64, db_index=True, editable=False)
    phone = EncryptedCharField(_("phone"), max_length=40, blank=True)
    citizen = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The case whose journey booked this appointment (an ID card's counter appointment …): it is
    # shown on the case and cancelled when the case is withdrawn or rejected.
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # The page's language when booking: the reminder and the office's mails are written in it.
    language = models.CharField(_("language"), max_length=8, default="de", editable=False)

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["municipality", "email_digest", "status"]),
            models.Index(fields=["municipality", "office", "start"]),
        ]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return self.code


class BookingService(models.Model):
    """A service and how many times it is needed in one appointment (e.g. two ID cards)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="items")
    service_slug = models.SlugField(max_length=80)
    count = models.PositiveSmallIntegerField(default=1)
    duration_minutes = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["booking", "service_slug"], name="booking_item_once"),
            models.CheckConstraint(condition=Q(count__gte=1), name="booking_item_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.count} × {self.service_slug}"


class EmailBookingLock(models.Model):
    """One row per (municipality, e-mail digest), locked while the per-address limit is checked.

    Two parallel requests with the same address serialise on this row, so the count of open
    bookings they read is always current.
    """

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    email_digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "email_digest"], name="email_lock_once"
            ),
        ]

    def __str__(self) -> str:
        return self.email_digest[:12]


class AccountBookingLock(models.Model):
    """One row per (municipality, account), locked while the per-identity limit is checked.

    Like ``EmailBookingLock``: parallel confirmations by one verified citizen queue on this row,
    so each of them counts the bookings the others have just made.
    """

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    account = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "account"], name="account_lock_once"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}:{self.account_id}"


class UsedChallenge(models.Model):
    """A solved proof-of-work challenge that has been spent; the unique key refuses a replay."""

    # Rows live ten minutes; indexed only where looked up (the digest, and the expiry for the
    # purge), since every spent solution writes each index.
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["digest"], name="used_challenge_once")]

    def __str__(self) -> str:
        return self.digest[:12]


class TicketSequence(models.Model):
    """The last ticket number given per office, day and prefix; locked while a number is drawn."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    prefix = models.CharField(max_length=1)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "day", "prefix"], name="ticket_seq_once"),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.day} {self.prefix}{self.last}"


class WaitTicket(models.Model):
    """A Wartenummer: a checked-in appointment or a walk-in, waiting to be called."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="tickets")
    day = models.DateField(_("day"))
    number = models.CharField(_("number"), max_length=8)
    kind = models.CharField(_("kind"), max_length=12, choices=TicketKind.choices)
    booking = models.OneToOneField(
        Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="ticket"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    queue_at = models.DateTimeField(help_text="Appointment start, or arrival for walk-ins.")
    counter = models.ForeignKey(
        Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    transferred_to = models.ForeignKey(
        Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    called_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    call_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    called_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["queue_at"]
        constraints = [
            models.UniqueConstraint(fields=["office", "day", "number"], name="ticket_number_once"),
        ]
        indexes = [models.Index(fields=["municipality", "office", "day", "status"])]
        verbose_name = _("wait ticket")
        verbose_name_plural = _("wait tickets")

    def __str__(self) -> str:
        return self.number
