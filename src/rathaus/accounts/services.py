"""Writes for accounts: registration, verification, login steps, password reset, profile, 2FA."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import login as otp_login
from django_otp.oath import TOTP

from rathaus.core.audit import audit_event_record
from rathaus.notifications.services import email_send
from rathaus.tenants.selectors import municipality_absolute_url

from . import throttle
from .constants import (
    EMAIL_VERIFICATION_MAX_AGE,
    SESSION_IDENTITY_PROVIDER,
    SESSION_TRUST_LEVEL,
    LoginOutcome,
    TrustLevel,
)
from .identity.base import VerifiedIdentity
from .models import (
    LandlordMembership,
    LandlordOrganisation,
    TOTPDevice,
    User,
    email_digest,
    totp_key_random,
)
from .selectors import user_by_email

VERIFY_SALT = "rathaus.accounts.email-verification"
PASSWORD_PROVIDER = "password"


# --- registration and e-mail verification ------------------------------------------------------
def email_verification_token(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "d": user.email_digest[:16]}, salt=VERIFY_SALT)


def _absolute(municipality, path: str) -> str:
    # From the town's configured address, never from the request's Host header.
    return municipality_absolute_url(municipality, path)


def email_verification_send(*, user: User, municipality) -> None:
    path = reverse("accounts:verify_email", args=[email_verification_token(user=user)])
    email_send(
        to=user.email,
        template="accounts/email/verify",
        context={"url": _absolute(municipality, path), "municipality": municipality},
        language=user.preferred_language,
    )


@transaction.atomic
def user_register(
    *,
    email: str,
    password: str,
    given_name: str,
    family_name: str,
    municipality,
    language: str = "de",
) -> User | None:
    """Create an unverified citizen account and mail the confirmation link.

    For an address that already has an account nothing is created; its owner gets a hint by
    e-mail instead, so the form does not reveal which addresses are registered.
    """
    existing = user_by_email(email=email)
    if existing is not None:
        email_send(
            to=existing.email,
            template="accounts/email/already_registered",
            context={
                "login_url": _absolute(municipality, reverse("accounts:login")),
                "reset_url": _absolute(municipality, reverse("accounts:password_reset")),
                "municipality": municipality,
            },
            language=existing.preferred_language,
        )
        return None
    user = User(
        email=User.objects.normalize_email(email),
        email_digest=email_digest(email),
        given_name=given_name,
        family_name=family_name,
        preferred_language=language,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_event_record(action="accounts.user_registered", municipality=municipality, target=user)
    email_verification_send(user=user, municipality=municipality)
    return user


@transaction.atomic
def user_email_verify(*, token: str) -> User | None:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=EMAIL_VERIFICATION_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.select_for_update().filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.email_digest[:16] != data.get("d"):
        return None
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
        audit_event_record(action="accounts.email_verified", actor=user, target=user)
    return user


def email_verification_resend(*, email: str, municipality) -> None:
    user = user_by_email(email=email)
    if user is not None and user.is_active and not user.email_verified:
        email_verification_send(user=user, municipality=municipality)


# --- login -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None
    retry_seconds: int = 0
    unavailable: bool = False  # throttled because the counters cannot be reached


def _login_failure(*, email: str, ip: str, device: str | None, user: User | None) -> None:
    """Count a failed step; a staff member hears of failures that reach their account's delays."""
    if throttle.login_failure_record(email=email, ip=ip, device=device) and device is None:
        owner = user or user_by_email(email=email)
        if owner is not None and owner.is_staff and owner.is_active:
            email_send(
                to=owner.email,
                template="accounts/email/failed_logins",
                context={"municipality": None},
                language=owner.preferred_language,
            )


def login_password_check(
    *, email: str, password: str, ip: str, device_cookie: str = ""
) -> LoginResult:
    """The password step. While a scope of the attempt waits out its delay (accounts.throttle)
    the password is not checked at all."""
    device = throttle.device_from_cookie(email=email, cookie=device_cookie)
    state = throttle.login_throttle_state(email=email, ip=ip, device=device)
    if state.blocked:
        return LoginResult(
            LoginOutcome.THROTTLED,
            retry_seconds=state.retry_seconds,
            unavailable=state.unavailable,
        )
    user = authenticate(None, email=email, password=password)
    if user is None:
        _login_failure(email=email, ip=ip, device=device, user=None)
        audit_event_record(action="accounts.login_failed", data={"step": "password"})
        return LoginResult(LoginOutcome.INVALID)
    if not user.email_verified:
        return LoginResult(LoginOutcome.UNVERIFIED, user=user)
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if user.is_staff and not has_device:
        return LoginResult(LoginOutcome.NO_SECOND_FACTOR, user=user)
    if has_device:
        return LoginResult(LoginOutcome.CODE_REQUIRED, user=user)
    throttle.login_success_record(email=email, ip=ip, device=device)
    return LoginResult(LoginOutcome.OK, user=user)


@dataclass(frozen=True)
class CodeResult:
    """The code step's answer: the matching device, or none (``throttled`` says why)."""

    device: TOTPDevice | None = None
    throttled: bool = False
    retry_seconds: int = 0
    unavailable: bool = False  # throttled because the counters cannot be reached


def login_code_check(*, user: User, token: str, ip: str, device_cookie: str = "") -> CodeResult:
    """The code step: a matching confirmed TOTP device, or none (counted as a failure).

    While the attempt's scope waits out its delay no code is checked at all, and the answer
    says so, so the person is not told to retype a code that was never looked at."""
    device_id = throttle.device_from_cookie(email=user.email, cookie=device_cookie)
    state = throttle.login_throttle_state(email=user.email, ip=ip, device=device_id)
    if state.blocked:
        return CodeResult(
            throttled=True, retry_seconds=state.retry_seconds, unavailable=state.unavailable
        )
    token = "".join((token or "").split())
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            throttle.login_success_record(email=user.email, ip=ip, device=device_id)
            return CodeResult(device=device)
    _login_failure(email=user.email, ip=ip, device=device_id, user=user)
    audit_event_record(action="accounts.login_failed", target=user, data={"step": "code"})
    return CodeResult()


def session_start(
    *,
    request,
    user: User,
    trust_level: str = TrustLevel.BASIC,
    provider: str = PASSWORD_PROVIDER,
    device: TOTPDevice | None = None,
    identity: VerifiedIdentity | None = None,
) -> None:
    """Log ``user`` into ``request``'s session with the trust level of how they identified. An
    identity provider passes the ``identity`` it vouches for; it is kept on the account."""
    if identity is not None:
        identity_record(user=user, identity=identity)
    auth_login(request, user, backend="rathaus.accounts.backends.EmailBackend")
    if device is not None:
        otp_login(request, device)
    request.session[SESSION_TRUST_LEVEL] = str(TrustLevel(trust_level))
    request.session[SESSION_IDENTITY_PROVIDER] = provider
    audit_event_record(
        action="accounts.login",
        actor=user,
        municipality=getattr(request, "municipality", None),
        target=user,
        data={"provider": provider, "trust_level": str(trust_level)},
    )


def identity_record(*, user: User, identity: VerifiedIdentity) -> User:
    """Keep what an identity provider vouched for on the account (replacing an earlier one)."""
    user.verified_given_names = identity.given_names
    user.verified_family_name = identity.family_name
    user.verified_birth_date = identity.birth_date
    user.identity_verified_at = timezone.now()
    user.save(
        update_fields=[
            "verified_given_names",
            "verified_family_name",
            "verified_birth_date",
            "identity_verified_at",
        ]
    )
    audit_event_record(action="accounts.identity_verified", actor=user, target=user)
    return user


# --- password reset ----------------------------------------------------------------------------
def _password_link(municipality, user: User) -> str:
    """The link on the town's address where ``user`` chooses a (new) password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return _absolute(municipality, reverse("accounts:password_reset_confirm", args=[uid, token]))


def password_reset_request(*, email: str, ip: str, municipality) -> None:
    """Mail a reset link if the address has an active account; say nothing either way. A few
    mails per account and per client address an hour; further requests are dropped silently."""
    if not throttle.password_reset_allowed(email=email, ip=ip):
        return
    user = user_by_email(email=email)
    if user is None or not user.is_active:
        return
    with transaction.atomic():
        audit_event_record(action="accounts.password_reset_requested", target=user)
        email_send(
            to=user.email,
            template="accounts/email/password_reset",
            context={"url": _password_link(municipality, user), "municipality": municipality},
            language=user.preferred_language,
        )


@transaction.atomic
def password_set(*, user: User, password: str) -> User:
    user.set_password(password)
    if not user.email_verified:
        # The reset link reached the mailbox, which proves the address.
        user.email_verified = True
    user.save(update_fields=["password", "email_verified"])
    audit_event_record(action="accounts.password_changed", actor=user, target=user)
    return user


# --- profile and deletion ----------------------------------------------------------------------
PROFILE_FIELDS = (
    "given_name",
    "family_name",
    "birth_date",
    "street",
    "postal_code",
    "city",
    "phone",
    "preferred_language",
)


@transaction.atomic
def profile_update(*, user: User, data: dict) -> User:
    changed = []
    for name in PROFILE_FIELDS:
        if name in data and getattr(user, name) != data[name]:
            setattr(user, name, data[name])
            changed.append(name)
    user.full_clean()
    user.save(update_fields=changed)
    # Field names only: the values are personal data.
    audit_event_record(
        action="accounts.profile_updated", actor=user, target=user, data={"fields": changed}
    )
    return user


@transaction.atomic
def user_delete(*, user: User, password: str) -> bool:
    """Delete a citizen's own account after checking the password. Staff accounts are managed
    by their municipality's administrators."""
    if user.is_staff or not user.check_password(password):
        return False
    audit_event_record(
        action="accounts.user_deleted", actor=user, target=user, data={"user_id": user.pk}
    )
    user.delete()
    return True


# --- two-factor authentication -----------------------------------------------------------------
def totp_key_new() -> str:
    return totp_key_random()


def totp_secret_base32(key: str) -> str:
    return base64.b32encode(binascii.unhexlify(key)).decode("ascii")


def totp_provisioning_uri(*, key: str, account: str, issuer: str) -> str:
    label = quote(f"{issuer}:{account}")
    query = urlencode({"secret": totp_secret_base32(key), "issuer": issuer, "digits": 6})
    return f"otpauth://totp/{label}?{query}"


def totp_qr_svg(*, uri: str, title: str) -> str:
    """The provisioning URI as an inline SVG QR code (no style attributes, CSP-safe)."""
    return segno.make(uri, error="m").svg_inline(
        scale=5, border=4, title=title, svgclass="rh-qr", lineclass=None
    )


def totp_token_now(key: str) -> str:
    return f"{TOTP(binascii.unhexlify(key)).token():06d}"


@transaction.atomic
def totp_device_confirm(*, request, user: User, key: str, token: str) -> TOTPDevice | None:
    """Store the TOTP key once the user proved their app produces its codes."""
    token = "".join((token or "").split())
    totp = TOTP(binascii.unhexlify(key))
    totp.drift = 0
    if not token.isdigit() or not totp.verify(int(token), tolerance=1):
        return None
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator", key=key, confirmed=True)
    audit_event_record(action="accounts.totp_enabled", actor=user, target=user)
    otp_login(request, device)
    return device


def second_factor_required(*, user: User) -> bool:
    """Staff and the members of a landlord organisation keep their second factor: it cannot be
    switched off with the password alone."""
    return user.is_staff or LandlordMembership.objects.filter(user=user, is_active=True).exists()


@transaction.atomic
def totp_devices_remove(*, user: User, password: str) -> bool:
    if second_factor_required(user=user) or not user.check_password(password):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    audit_event_record(action="accounts.totp_disabled", actor=user, target=user)
    return True


# --- landlord organisations (§19 BMG) ------------------------------------------------------------
@transaction.atomic
def landlord_organisation_save(
    *, organisation: LandlordOrganisation, actor: User | None, created: bool
) -> LandlordOrganisation:
    """Enrol a landlord organisation its municipality checked in the commercial register, or
    change its details or whether it is active."""
    organisation.full_clean()
    organisation.save()
    audit_event_record(
        action="accounts.landlord_organisation_enrolled"
        if created
        else "accounts.landlord_organisation_changed",
        actor=actor,
        municipality=organisation.municipality,
        target=organisation,
        data={"active": organisation.is_active},
    )
    return organisation


@transaction.atomic
def landlord_member_add(
    *,
    organisation: LandlordOrganisation,
    email: str,
    given_name: str = "",
    family_name: str = "",
    actor: User,
) -> LandlordMembership:
    """Authorise the person with ``email`` to confirm move-ins in ``organisation``'s name, as the
    organisation asked its municipality to. An existing account is used (a removed member is
    authorised again); otherwise an account is made with the names given and no usable password.
    The person gets an e-mail with a link to choose a password; they set up their authenticator
    app in their account, as confirming needs the second factor."""
    user = user_by_email(email=email)
    if user is None:
        user = User(
            email=User.objects.normalize_email(email),
            email_digest=email_digest(email),
            given_name=given_name,
            family_name=family_name,
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
    membership, created = LandlordMembership.objects.select_for_update().get_or_create(
        organisation=organisation, user=user
    )
    if not created and not membership.is_active:
        membership.is_active, membership.removed_at = True, None
        membership.save(update_fields=["is_active", "removed_at"])
    audit_event_record(
        action="accounts.landlord_member_added",
        actor=actor,
        municipality=organisation.municipality,
        target=membership,
        data={"organisation": organisation.pk},
    )
    municipality = organisation.municipality
    email_send(
        to=user.email,
        template="accounts/email/landlord_member_added",
        context={
            "organisation": organisation.name,
            "municipality": municipality,
            "password_url": _password_link(municipality, user),
            "has_password": user.has_usable_password(),
        },
        language=user.preferred_language,
    )
    return membership


@transaction.atomic
def landlord_member_active_set(
    *, membership: LandlordMembership, active: bool, actor: User
) -> LandlordMembership:
    """End (or renew) a member's authorisation. The row stays: cases name who confirmed."""
    locked = LandlordMembership.objects.select_for_update().get(pk=membership.pk)
    if locked.is_active != active:
        locked.is_active = active
        locked.removed_at = None if active else timezone.now()
        locked.save(update_fields=["is_active", "removed_at"])
        audit_event_record(
            action="accounts.landlord_member_added"
            if active
            else "accounts.landlord_member_removed",
            actor=actor,
            municipality=locked.organisation.municipality,
            target=locked,
            data={"organisation": locked.organisation_id},
        )
    membership.is_active, membership.removed_at = locked.is_active, locked.removed_at
    return locked
