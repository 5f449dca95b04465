"""The built-in resident register. Names, dates of birth and addresses are encrypted; what must be
found by exact match carries a keyed hash beside it (``match_digest``, ``dwelling_digest``)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rathaus.core.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
    EncryptionRowIdField,
)

from .constants import (
    AssignmentCodeKind,
    BlockKind,
    FamilyRelation,
    MessageStatus,
    RegisterAction,
    ResidenceKind,
    Sex,
    StreetParity,
)


class Street(models.Model):
    """A section of a street in the town's street directory: its postal code and the house
    numbers that exist there (``number_from`` to ``number_to``, all, odd or even)."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="streets"
    )
    name = models.CharField(_("street"), max_length=120)
    # Lower case, umlauts and ß spelled out: what suggestions and checks compare.
    search_name = models.CharField(max_length=120, editable=False)
    postal_code = models.CharField(_("postal code"), max_length=5)
    number_from = models.PositiveIntegerField(_("from house number"), default=1)
    number_to = models.PositiveIntegerField(_("to house number"))
    parity = models.CharField(
        _("numbers"), max_length=4, choices=StreetParity.choices, default=StreetParity.ALL
    )

    class Meta:
        ordering = ["name", "number_from"]
        indexes = [models.Index(fields=["municipality", "search_name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name", "postal_code", "number_from"],
                name="street_section_unique",
            ),
            models.CheckConstraint(
                condition=Q(number_to__gte=models.F("number_from")),
                name="street_section_range_ordered",
            ),
        ]
        verbose_name = _("street")
        verbose_name_plural = _("street directory")

    def __str__(self) -> str:
        return f"{self.name} {self.number_from}–{self.number_to} ({self.postal_code})"

    def covers(self, number: int) -> bool:
        if not self.number_from <= number <= self.number_to:
            return False
        if self.parity == StreetParity.ODD:
            return number % 2 == 1
        if self.parity == StreetParity.EVEN:
            return number % 2 == 0
        return True


class Person(models.Model):
    """A person registered in the town (§3 BMG, the data the register keeps)."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="residents"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    encryption_row_id = EncryptionRowIdField()
    family_name = EncryptedCharField(_("family name"), max_length=120)
    given_names = EncryptedCharField(_("given names"), max_length=200)
    birth_name = EncryptedCharField(_("birth name"), max_length=120, blank=True)
    doctorate = EncryptedCharField(_("doctorate"), max_length=40, blank=True)
    birth_date = EncryptedDateField(_("date of birth"))
    birth_place = EncryptedCharField(_("place of birth"), max_length=120, blank=True)
    sex = EncryptedCharField(_("sex"), max_length=1, choices=Sex.choices)
    nationalities = EncryptedJSONField(_("nationalities"), default=list)
    # For church tax: the public-law religious community, "" for none.
    religion = EncryptedCharField(_("religious affiliation"), max_length=40, blank=True)
    # Keyed hash of family name, given names and date of birth (normalised): exact matching.
    match_digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["municipality", "match_digest"])]
        verbose_name = _("registered person")
        verbose_name_plural = _("registered persons")

    def __str__(self) -> str:
        return f"person {self.public_id}"

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


class Residence(models.Model):
    """A dwelling a person lives in, from ``moved_in`` until ``moved_out`` (open: still there).

    At most one open main residence per person: a database constraint (§21 BMG)."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="residences")
    encryption_row_id = EncryptionRowIdField()
    kind = models.CharField(_("kind"), max_length=10, choices=ResidenceKind.choices)
    street = EncryptedCharField(_("street"), max_length=120)
    house_number = EncryptedCharField(_("house number"), max_length=10)
    address_addition = EncryptedCharField(_("addition"), max_length=60, blank=True)
    postal_code = EncryptedCharField(_("postal code"), max_length=5)
    city = EncryptedCharField(_("city"), max_length=80)
    # Keyed hash of street, house number and postal code: who lives in one dwelling.
    dwelling_digest = models.CharField(max_length=64, editable=False)
    moved_in = models.DateField(_("moved in"))
    moved_out = models.DateField(_("moved out"), null=True, blank=True)

    class Meta:
        ordering = ["-moved_in", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(kind="main", moved_out__isnull=True),
                name="one_open_main_residence_per_person",
            ),
            models.CheckConstraint(
                condition=Q(moved_out__isnull=True) | Q(moved_out__gte=models.F("moved_in")),
                name="residence_moved_out_after_moved_in",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "dwelling_digest"])]
        verbose_name = _("residence")
        verbose_name_plural = _("residences")

    def __str__(self) -> str:
        return f"{self.kind} residence of {self.person_id}"


class FamilyLink(models.Model):
    """``relative`` is ``person``'s spouse or child; ``custody``: the person has custody of the
    child (who may then act for the child, e.g. register a move)."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family_links")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(_("relation"), max_length=10, choices=FamilyRelation.choices)
    custody = models.BooleanField(_("custody"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative", "relation"], name="family_link_once"
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")), name="family_link_not_to_oneself"
            ),
        ]
        verbose_name = _("family link")
        verbose_name_plural = _("family links")

    def __str__(self) -> str:
        return f"{self.person_id} → {self.relation} {self.relative_id}"


class ObjectionType(models.Model):
    """An objection to a kind of data transfer (Übermittlungssperre) as the law offers it, with
    the dates it is in force: data, not code (the Bundeswehr objection ended on 1 January 2026)."""

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=60)
    valid_from = models.DateField(_("in force from"))
    valid_until = models.DateField(_("in force until"), null=True, blank=True)

    class Meta:
        ordering = ["legal_basis"]
        verbose_name = _("kind of objection")
        verbose_name_plural = _("kinds of objection")

    def __str__(self) -> str:
        return f"{self.legal_basis}: {self.name}"

    def in_force(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Block(models.Model):
    """An Auskunftssperre (§51 BMG) or an Übermittlungssperre (an ``objection``) of a person,
    in force from ``valid_from`` until ``valid_until`` (open: until revoked)."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="blocks")
    encryption_row_id = EncryptionRowIdField()
    kind = models.CharField(_("kind"), max_length=24, choices=BlockKind.choices)
    objection = models.ForeignKey(
        ObjectionType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)
    # An Auskunftssperre's reasons may describe a threat to the person: encrypted.
    reason = EncryptedCharField(_("reason"), max_length=2000, blank=True)
    # When the renewal reminder before an Auskunftssperre ends was sent (sent once).
    reminder_sent_on = models.DateField(_("renewal reminder sent"), null=True, blank=True)

    class Meta:
        ordering = ["valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=BlockKind.AUSKUNFTSSPERRE, objection__isnull=True)
                | Q(kind=BlockKind.UEBERMITTLUNGSSPERRE, objection__isnull=False),
                name="block_objection_only_for_uebermittlungssperre",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "person", "kind"])]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")

    def __str__(self) -> str:
        return f"{self.kind} of {self.person_id}"

    def in_force(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class RegisterChange(models.Model):
    """The register's history: every change of an entry, who made it, when, and which case
    caused it. Names the changed fields, never their values. Append-only."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("action"), max_length=20, choices=RegisterAction.choices)
    fields = models.JSONField(_("fields"), default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["municipality", "person", "created_at"])]
        verbose_name = _("register change")
        verbose_name_plural = _("register history")

    def __str__(self) -> str:
        return f"{self.action} {self.person_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("The register's history is append-only.")
        super().save(*args, **kwargs)


class AssignmentCode(models.Model):
    """An assignment code (Zuordnungsmerkmal, §19(4) BMG) for one move into one dwelling: issued
    on a landlord's electronic confirmation, or in a code letter to the new address (§23a(3)
    BMG). It serves only the persons named, on the move-in date named, until it expires, once.

    The code itself is kept as a keyed hash (``code_digest``, to find it) and encrypted (``code``,
    to print the landlord's confirmation again); dwelling and persons only as keyed hashes."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    encryption_row_id = EncryptionRowIdField()
    kind = models.CharField(_("kind"), max_length=12, choices=AssignmentCodeKind.choices)
    code = EncryptedCharField(_("code"), max_length=20)
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    dwelling_digest = models.CharField(max_length=64, editable=False)
    moved_in = models.DateField(_("moved in"))
    # Keyed hashes of (first given name, family name) of each person the code serves.
    person_digests = models.JSONField(default=list, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    issued_for = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_by = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # A consent code's one reminder before it ends (``consent_code_reminder_mark``).
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["municipality", "issued_for"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(used_by__isnull=True, used_at__isnull=True)
                | Q(used_by__isnull=False, used_at__isnull=False),
                name="assignment_code_used_with_time",
            ),
        ]
        verbose_name = _("assignment code")
        verbose_name_plural = _("assignment codes")

    def __str__(self) -> str:
        return f"{self.kind} code {self.pk}"


class OutboxMessage(models.Model):
    """One XML message to another registration office: a Rückmeldung (XMeld 0202, §33(1) BMG)
    to the office of the previous dwelling, one row per message, with its status and the day its
    0203 answer is due (three working days). The XML is encrypted: it names a person."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    encryption_row_id = EncryptionRowIdField()
    message_type = models.CharField(_("message type"), max_length=4, default="0202")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MessageStatus.choices,
        default=MessageStatus.AWAITING_ANSWER,
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = EncryptedCharField(_("recipient"), max_length=200)
    content = EncryptedTextField(_("XML message"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    answer_due = models.DateField(_("answer due on"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "answer_due"])]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")

    def __str__(self) -> str:
        return f"{self.message_type} {self.public_id}"
