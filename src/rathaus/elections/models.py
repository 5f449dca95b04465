"""Elections, their voter register (Wählerverzeichnis), postal-vote applications and Wahlscheine.

Personal data is encrypted at rest (rathaus.core.fields); what must be found by exact match
carries a keyed hash beside it: ``match_digest`` is the resident register's own
(``register.selectors.person_match_digest``), ``birth_digest`` finds the few entries sharing a
date of birth for the near match."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rathaus.core.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptionRowIdField,
)

from .constants import (
    FIXED_RULE_KINDS,
    ApplicationStatus,
    Basis,
    Delivery,
    ElectionKind,
    MatchKind,
)
from .rules import Deadlines, Ground, RuleSet, deadlines_for


class Election(models.Model):
    """One election in a town, with its rule set (the deadline times)."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="elections"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=ElectionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    election_day = models.DateField(_("election day"))
    application_time = models.TimeField(
        _("application deadline (Friday before election day)"),
        default=datetime.time(15, 0),
        help_text=_("Federal and EU elections: 15:00 (§27(4) BWO). A Land may set another time."),
    )
    exception_time = models.TimeField(
        _("deadline on election day (sudden illness, §25(2))"), default=datetime.time(15, 0)
    )
    replacement_time = models.TimeField(
        _("replacement deadline (Saturday before election day)"), default=datetime.time(12, 0)
    )
    candidate_lists_approved_at = models.DateTimeField(
        _("candidate lists approved at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-election_day", "pk"]
        verbose_name = _("election")
        verbose_name_plural = _("elections")

    def __str__(self) -> str:
        return f"{self.title} ({self.election_day:%d.%m.%Y})"

    def clean(self):
        if self.kind in FIXED_RULE_KINDS and self.rules() != RuleSet():
            raise ValidationError(
                _("Federal and EU elections keep the times of the BWO: 15:00, 15:00 and 12:00.")
            )

    def rules(self) -> RuleSet:
        return RuleSet(
            application_time=self.application_time,
            exception_time=self.exception_time,
            replacement_time=self.replacement_time,
        )

    def deadlines(self) -> Deadlines:
        return deadlines_for(election_day=self.election_day, rules=self.rules())

    @property
    def lists_approved(self) -> bool:
        return self.candidate_lists_approved_at is not None


class District(models.Model):
    """A polling district (Wahlbezirk) of an election."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="districts")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "code"], name="one_district_code_per_election"
            )
        ]
        verbose_name = _("polling district")
        verbose_name_plural = _("polling districts")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Voter(models.Model):
    """An entry in the voter register (Wählerverzeichnis) of one election.

    A re-import updates entries in place, found by ``match_digest``; an entry that is no longer
    in the import but has an application keeps its row, marked ``removed_at``."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="voters")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="voters")
    # The number on the polling card (Wählerverzeichnisnummer); None for a removed entry.
    number = models.PositiveIntegerField(_("voter number"), null=True, blank=True)
    encryption_row_id = EncryptionRowIdField()
    family_name = EncryptedCharField(_("family name"), max_length=120)
    given_names = EncryptedCharField(_("given names"), max_length=200)
    birth_date = EncryptedDateField(_("date of birth"))
    street = EncryptedCharField(_("street"), max_length=120)
    house_number = EncryptedCharField(_("house number"), max_length=10)
    postal_code = EncryptedCharField(_("postal code"), max_length=5)
    city = EncryptedCharField(_("city"), max_length=80)
    match_digest = models.CharField(max_length=64, editable=False)
    birth_digest = models.CharField(max_length=64, editable=False)
    # "W" in the voter register (§28(7) BWO): a Wahlschein was issued.
    wahlschein_marked = models.BooleanField(_("W (Wahlschein issued)"), default=False)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["election", "number"], name="one_voter_number_per_election"
            ),
        ]
        indexes = [
            models.Index(fields=["election", "match_digest"]),
            models.Index(fields=["election", "birth_digest"]),
        ]
        verbose_name = _("voter register entry")
        verbose_name_plural = _("voter register")

    def __str__(self) -> str:
        return f"voter {self.number}"

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    @property
    def address_lines(self) -> list[str]:
        return [f"{self.street} {self.house_number}", f"{self.postal_code} {self.city}"]


class Application(models.Model):
    """A postal-vote application (Antrag auf Erteilung eines Wahlscheins).

    At most one accepted application per register entry: a database constraint, so concurrent
    applications for one voter end with one accepted and the others told that it exists."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="applications")
    reference = models.CharField(max_length=14, unique=True, editable=False)
    encryption_row_id = EncryptionRowIdField()
    voter = models.ForeignKey(
        Voter, on_delete=models.PROTECT, null=True, blank=True, related_name="applications"
    )
    status = models.CharField(max_length=10, choices=ApplicationStatus.choices)
    match = models.CharField(max_length=10, choices=MatchKind.choices)
    ground = models.CharField(max_length=20, choices=Ground.choices, default=Ground.REGULAR)
    # The system's rule when it accepted the application; "" when a clerk decided.
    decision_rule = models.CharField(max_length=60, blank=True)
    family_name = EncryptedCharField(max_length=120)
    given_names = EncryptedCharField(max_length=200)
    birth_date = EncryptedDateField()
    street = EncryptedCharField(max_length=120)
    house_number = EncryptedCharField(max_length=10)
    postal_code = EncryptedCharField(max_length=5)
    city = EncryptedCharField(max_length=80)
    voter_number_given = models.PositiveIntegerField(null=True, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    delivery_name = EncryptedCharField(max_length=200, blank=True)
    delivery_street = EncryptedCharField(max_length=160, blank=True)
    delivery_postal_code = EncryptedCharField(max_length=10, blank=True)
    delivery_city = EncryptedCharField(max_length=80, blank=True)
    delivery_country = EncryptedCharField(max_length=80, blank=True)
    # Applying for someone else: the proxy, and their written authority (an encrypted file).
    proxy_name = EncryptedCharField(max_length=200, blank=True)
    proxy_address = EncryptedCharField(max_length=300, blank=True)
    proxy_digest = models.CharField(max_length=64, blank=True, db_index=True)
    authority_file = models.CharField(max_length=200, blank=True)
    authority_content_type = models.CharField(max_length=100, blank=True)
    rejection_reason = EncryptedCharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["voter"],
                condition=Q(status="accepted"),
                name="one_accepted_application_per_voter",
            ),
        ]
        indexes = [models.Index(fields=["election", "status"])]
        verbose_name = _("postal-vote application")
        verbose_name_plural = _("postal-vote applications")

    def __str__(self) -> str:
        return self.reference

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    @property
    def notice_to_registered_address(self) -> bool:
        """§28(5) BWO: documents sent elsewhere → a notice to the registered address too."""
        return self.delivery == Delivery.OTHER


class Wahlschein(models.Model):
    """An issued Wahlschein. Invalidated ones stay, listed for the returning officer.

    One valid Wahlschein per register entry (and so per voter and election): a database
    constraint."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="wahlscheine")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="wahlscheine"
    )
    voter = models.ForeignKey(
        Voter, on_delete=models.PROTECT, null=True, blank=True, related_name="wahlscheine"
    )
    number = models.PositiveIntegerField()
    basis = models.CharField(max_length=4, choices=Basis.choices)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dispatched_at = models.DateTimeField(null=True, blank=True)
    invalidated_at = models.DateTimeField(null=True, blank=True)
    invalidated_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "number"], name="one_wahlschein_number_per_election"
            ),
            models.UniqueConstraint(
                fields=["voter"],
                condition=Q(invalidated_at__isnull=True),
                name="one_valid_wahlschein_per_voter",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(invalidated_at__isnull=True),
                name="one_valid_wahlschein_per_application",
            ),
        ]
        verbose_name = _("Wahlschein")
        verbose_name_plural = _("Wahlscheine")

    def __str__(self) -> str:
        return f"Wahlschein {self.number}"

    @property
    def valid(self) -> bool:
        return self.invalidated_at is None
