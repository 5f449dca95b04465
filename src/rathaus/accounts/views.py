"""Account pages. Every page here is about the logged-in user only: no URL names another user."""

from __future__ import annotations

import copy
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import demo, services, throttle
from .constants import (
    PENDING_LOGIN_SECONDS,
    SESSION_EXPIRED_FLAG,
    SESSION_IDENTITY_PROVIDER,
    SESSION_PENDING_LOGIN,
    SESSION_TOTP_SETUP_KEY,
    SESSION_TRUST_LEVEL,
    LoginOutcome,
    TrustLevel,
)
from .forms import (
    CodeForm,
    EmailForm,
    KernSetPasswordForm,
    LoginForm,
    PasswordConfirmForm,
    ProfileForm,
    RegistrationForm,
)
from .identity.registry import identity_providers_available
from .models import TOTPDevice, User
from .selectors import landlord_memberships_of, staff_memberships_of


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve(default)


def resolve(name: str) -> str:
    return reverse(name) if ":" in name else name


# --- login / logout ----------------------------------------------------------------------------
def login_view(request, *, staff: bool = False):
    if request.user.is_authenticated and not staff:
        return redirect("accounts:profile")
    expired = request.session.pop(SESSION_EXPIRED_FLAG, False)
    default_next = "backoffice:inbox" if staff else settings.LOGIN_REDIRECT_URL
    next_url = _safe_next(request, default_next)
    form = LoginForm(request.POST or None)
    unverified = False
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        result = services.login_password_check(
            email=email,
            password=form.cleaned_data["password"],
            ip=throttle.client_ip(request),
            device_cookie=request.COOKIES.get(throttle.DEVICE_COOKIE, ""),
        )
        if result.outcome == LoginOutcome.OK:
            services.session_start(request=request, user=result.user)
            return _known_device_remember(request, HttpResponseRedirect(next_url), result.user)
        if result.outcome == LoginOutcome.CODE_REQUIRED:
            request.session[SESSION_PENDING_LOGIN] = {
                "user": result.user.pk,
                "next": next_url,
                "at": int(time.time()),
            }
            return redirect("accounts:login_code")
        if result.outcome == LoginOutcome.THROTTLED:
            form.add_error(None, _throttled_message(result))
        elif result.outcome == LoginOutcome.UNVERIFIED:
            unverified = True
            form.add_error(
                None,
                _(
                    "Please confirm your e-mail address first: open the link in the e-mail we "
                    "sent you. You can have the link sent again."
                ),
            )
        elif result.outcome == LoginOutcome.NO_SECOND_FACTOR:
            form.add_error(
                None,
                _(
                    "Staff accounts need a second factor (TOTP) to log in. Please ask your "
                    "municipality's administrator to set one up for you."
                ),
            )
        else:
            form.add_error(None, _("The e-mail address or the password is not correct."))
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "staff": staff,
            "next": next_url,
            "expired": expired,
            "unverified": unverified,
            "providers": [] if staff else identity_providers_available(request),
        },
    )


def _pending_user(request) -> User | None:
    pending = request.session.get(SESSION_PENDING_LOGIN)
    if not pending or time.time() - pending.get("at", 0) > PENDING_LOGIN_SECONDS:
        request.session.pop(SESSION_PENDING_LOGIN, None)
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def _throttled_message(result) -> str:
    """Why the attempt waits: the person's (or an attacker's) failures, or counters that cannot
    be reached for a moment (accounts.throttle)."""
    seconds = {"seconds": result.retry_seconds}
    if result.unavailable:
        return (
            _("Logging in is not possible for a moment. Please try again in %(seconds)d seconds.")
            % seconds
        )
    return (
        _(
            "Too many failed attempts. For your protection, the next attempt has to wait. "
            "Please try again in %(seconds)d seconds."
        )
        % seconds
    )


def _known_device_remember(request, response, user: User):
    """Mark this browser as one the owner logs in from: its attempts are throttled on their own,
    so nobody elsewhere can slow the owner down (accounts.throttle)."""
    response.set_cookie(
        throttle.DEVICE_COOKIE,
        throttle.device_cookie_value(email=user.email),
        max_age=throttle.DEVICE_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def login_code(request):
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Please log in again."))
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.login_code_check(
            user=user,
            token=form.cleaned_data["code"],
            ip=throttle.client_ip(request),
            device_cookie=request.COOKIES.get(throttle.DEVICE_COOKIE, ""),
        )
        if result.device is not None:
            pending = request.session.pop(SESSION_PENDING_LOGIN)
            services.session_start(request=request, user=user, device=result.device)
            return _known_device_remember(request, HttpResponseRedirect(pending["next"]), user)
        if result.throttled:
            form.add_error("code", _throttled_message(result))
        else:
            form.add_error(
                "code",
                _("The code is not correct or has expired. Enter the code the app shows now."),
            )
    return render(request, "accounts/login_code.html", {"form": form})


@require_POST
def logout_view(request):
    logout(request)
    messages.success(request, _("You have been logged out."))
    return redirect("accounts:login")


# --- registration ------------------------------------------------------------------------------
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.user_register(
            email=data["email"],
            password=data["password1"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            municipality=request.municipality,
            language=getattr(request, "LANGUAGE_CODE", "de")[:2],
        )
        return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


def register_done(request):
    return render(request, "accounts/register_done.html")


def verify_email(request, token: str):
    user = services.user_email_verify(token=token)
    return render(request, "accounts/verify_email.html", {"verified": user is not None}, status=200)


def resend_verification(request):
    form = EmailForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        services.email_verification_resend(
            email=form.cleaned_data["email"],
            municipality=request.municipality,
        )
        return redirect("accounts:register_done")
    return render(request, "accounts/resend_verification.html", {"form": form})


# --- password reset ----------------------------------------------------------------------------
def password_reset(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(
            email=form.cleaned_data["email"],
            ip=throttle.client_ip(request),
            municipality=request.municipality,
        )
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset_form.html", {"form": form})


def password_reset_done(request):
    return render(request, "accounts/password_reset_done.html")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = KernSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


def password_reset_complete(request):
    return render(request, "accounts/password_reset_complete.html")


# --- the user's own account --------------------------------------------------------------------
@login_required
def profile(request):
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {
            "account": user,
            "trust_level": TrustLevel(request.session.get(SESSION_TRUST_LEVEL, TrustLevel.BASIC)),
            "identity_provider": request.session.get(SESSION_IDENTITY_PROVIDER, ""),
            "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "memberships": staff_memberships_of(user=user) if user.is_staff else [],
            "landlord_memberships": landlord_memberships_of(user=user),
            "second_factor_kept": services.second_factor_required(user=user),
        },
    )


@login_required
def profile_edit(request):
    form = ProfileForm(request.POST or None, instance=copy.copy(request.user))
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Your details have been saved."))
        response = redirect("accounts:profile")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            request.user.preferred_language,
            samesite="Lax",
            httponly=True,
        )
        return response
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
def account_delete(request):
    if request.user.is_staff:
        raise Http404
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.user_delete(user=request.user, password=form.cleaned_data["password"]):
            logout(request)
            return redirect("accounts:delete_done")
        form.add_error("password", _("The password is not correct."))
    return render(request, "accounts/delete.html", {"form": form})


def delete_done(request):
    return render(request, "accounts/delete_done.html")


@login_required
def totp_setup(request):
    user = request.user
    key = request.session.get(SESSION_TOTP_SETUP_KEY)
    if not key:
        key = request.session[SESSION_TOTP_SETUP_KEY] = services.totp_key_new()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.totp_device_confirm(
            request=request, user=user, key=key, token=form.cleaned_data["code"]
        )
        if device is not None:
            request.session.pop(SESSION_TOTP_SETUP_KEY, None)
            messages.success(request, _("Two-factor authentication is now switched on."))
            return redirect("accounts:profile")
        form.add_error("code", _("The code does not match. Check the time on your device."))
    issuer = request.municipality.name if request.municipality else "Rathaus"
    uri = services.totp_provisioning_uri(key=key, account=user.email, issuer=issuer)
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "secret": services.totp_secret_base32(key),
            "qr_svg": services.totp_qr_svg(uri=uri, title=_("QR code for your authenticator app")),
            "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
    )


@login_required
def totp_remove(request):
    if services.second_factor_required(user=request.user):
        raise Http404
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_devices_remove(user=request.user, password=form.cleaned_data["password"]):
            messages.success(request, _("Two-factor authentication is now switched off."))
            return redirect("accounts:profile")
        form.add_error("password", _("The password is not correct."))
    return render(request, "accounts/totp_remove.html", {"form": form})


# --- identification with a higher trust level --------------------------------------------------
def identify(request):
    next_url = _safe_next(request, settings.LOGIN_REDIRECT_URL)
    providers = [
        (provider, provider.start_url(request, next_url=next_url))
        for provider in identity_providers_available(request)
    ]
    return render(
        request,
        "accounts/identify.html",
        {"providers": providers, "level": request.GET.get("level", TrustLevel.HIGH)},
    )


# --- demo only ---------------------------------------------------------------------------------
def demo_totp(request):
    if not settings.RATHAUS_DEMO:
        raise Http404
    rows = [
        (slug, role.label, email, services.totp_token_now(key))
        for slug, role, email, key in demo.demo_staff_devices()
    ]
    rows += [
        (slug, _("landlord organisation member"), email, services.totp_token_now(key))
        for slug, email, key in demo.demo_landlord_devices()
    ]
    return render(
        request,
        "accounts/demo_totp.html",
        {"rows": rows, "seconds_left": 30 - int(time.time()) % 30},
    )
