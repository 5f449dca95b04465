from binascii import unhexlify

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import random_hex

from rathaus.core.crypto import blind_index
from rathaus.core.fields import EncryptedCharField, EncryptedDateField, EncryptionRowIdField

from .constants import StaffRole
from .identity.base import VerifiedIdentity

EMAIL_PURPOSE = "account-email"


def email_digest(email: str) -> str:
    return blind_index(email, purpose=EMAIL_PURPOSE)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Accept both the digest (Django internals) and a plain e-mail address.
        if "@" in (username or ""):
            username = email_digest(username)
        return self.get(**{self.model.USERNAME_FIELD: username})

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email)
        user = self.model(email=email, email_digest=email_digest(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_verified", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A citizen or a member of staff. Personal data is encrypted; the e-mail is found by its
    keyed hash (``email_digest``), which is also the login identifier."""

    encryption_row_id = EncryptionRowIdField()
    email = EncryptedCharField(_("e-mail address"), max_length=254)
    email_digest = models.CharField(max_length=64, unique=True, editable=False)
    email_verified = models.BooleanField(_("e-mail verified"), default=False)
    given_name = EncryptedCharField(_("given name"), max_length=120, blank=True)
    family_name = EncryptedCharField(_("family name"), max_length=120, blank=True)
    birth_date = EncryptedDateField(_("date of birth"), null=True, blank=True)
    street = EncryptedCharField(_("street and number"), max_length=120, blank=True)
    postal_code = EncryptedCharField(_("postal code"), max_length=10, blank=True)
    city = EncryptedCharField(_("city"), max_length=80, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(_("language"), max_length=5, default="de")
    # What an identity provider (eID, BundID) last vouched for. Unlike the profile above, which the
    # citizen edits, only a login through a provider writes these; whatever matches an account to
    # the resident register uses them, never the profile.
    verified_given_names = EncryptedCharField(
        _("given names (verified)"), max_length=200, blank=True, editable=False
    )
    verified_family_name = EncryptedCharField(
        _("family name (verified)"), max_length=120, blank=True, editable=False
    )
    verified_birth_date = EncryptedDateField(
        _("date of birth (verified)"), null=True, blank=True, editable=False
    )
    identity_verified_at = models.DateTimeField(
        _("identity verified"), null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff"),
        default=False,
        help_text=_("Staff members log in with a second factor and may use the back office."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email_digest"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or f"#{self.pk}"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

    def get_full_name(self) -> str:
        return self.full_name

    @property
    def verified_identity(self) -> VerifiedIdentity | None:
        """Names and date of birth as an identity provider vouched for them, or None."""
        if self.identity_verified_at is None or self.verified_birth_date is None:
            return None
        return VerifiedIdentity(
            given_names=self.verified_given_names,
            family_name=self.verified_family_name,
            birth_date=self.verified_birth_date,
        )

    def get_short_name(self) -> str:
        return self.given_name


class StaffMembership(models.Model):
    """A staff member's role in one municipality. Staff see only municipalities they belong to."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="staff_memberships"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=StaffRole.choices, default=StaffRole.CLERK
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality"], name="one_role_per_town"),
        ]
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")

    def __str__(self) -> str:
        return f"{self.user} – {self.municipality} ({self.get_role_display()})"


class LandlordOrganisation(models.Model):
    """A housing company or property manager (Wohnungsgeber) that confirms move-ins (§19 BMG)
    through persons it authorises. Enrolled by its municipality's administrator after checking
    the commercial register, never self-registered; it confirms for dwellings of that town only.
    Its name and address are the company's, as the public register shows them; the members'
    names are their accounts' (encrypted)."""

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="landlord_organisations"
    )
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=120)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=80)
    register_number = models.CharField(
        _("commercial register"),
        max_length=80,
        help_text=_("Register court and number, e.g. “Amtsgericht Kiel HRB 12345 KI”."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Members of an inactive organisation cannot confirm move-ins in its name."),
    )
    created_at = models.DateTimeField(_("enrolled"), default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "register_number"],
                name="one_landlord_organisation_per_register_entry",
            ),
        ]
        ordering = ["name"]
        verbose_name = _("landlord organisation")
        verbose_name_plural = _("landlord organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"


class LandlordMembership(models.Model):
    """A person a landlord organisation authorises to confirm move-ins in its name (§19(1)
    sentence 2 BMG). Removing a member ends the authorisation and keeps the row, so the town
    can still tell who confirmed for the organisation and when."""

    organisation = models.ForeignKey(
        LandlordOrganisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="landlord_memberships")
    is_active = models.BooleanField(_("authorised"), default=True)
    added_at = models.DateTimeField(_("authorised since"), default=timezone.now, editable=False)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_landlord_membership_per_person"
            ),
        ]
        verbose_name = _("landlord organisation member")
        verbose_name_plural = _("landlord organisation members")

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"


def totp_key_random() -> str:
    """A new TOTP secret: 20 random bytes, hex-encoded."""
    return random_hex(20)


class TOTPDevice(ThrottlingMixin, TimestampMixin, Device):
    """An authenticator app (TOTP, RFC 6238) as a second factor.

    django-otp's own TOTP model keeps the shared secret in clear; here it is encrypted at rest
    like every other secret (``key``: hex of the secret). Codes have six digits and a 30-second
    step; one step of clock difference either way is accepted, and a code is never accepted twice.
    """

    STEP = 30
    DIGITS = 6
    TOLERANCE = 1
    THROTTLE_FACTOR = 1

    encryption_row_id = EncryptionRowIdField()
    key = EncryptedCharField(_("secret key"), max_length=80, default=totp_key_random)
    drift = models.SmallIntegerField(_("clock drift in steps"), default=0)
    last_t = models.BigIntegerField(_("last accepted time step"), default=-1)

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    def get_throttle_factor(self) -> int:
        return self.THROTTLE_FACTOR

    def verify_token(self, token) -> bool:
        if not self.verify_is_allowed()[0]:
            return False
        token = str(token).strip()
        totp = TOTP(self.bin_key, self.STEP, 0, self.DIGITS, self.drift)
        verified = token.isdigit() and totp.verify(
            int(token), tolerance=self.TOLERANCE, min_t=self.last_t + 1
        )
        if not verified:
            self.throttle_increment()
            return False
        self.last_t = totp.t()
        self.drift = totp.drift
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True
