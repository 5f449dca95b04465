from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm, KernFormMixin, KernModelForm

from .models import User
from .services import password_set

DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]


class LoginForm(KernForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        error_messages={"required": _("Enter your e-mail address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        error_messages={"required": _("Enter your password.")},
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(KernForm):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("The six-digit code the app shows right now."),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class RegistrationForm(KernForm):
    given_name = forms.CharField(
        label=_("Given name"),
        error_messages={"required": _("Enter your given name.")},
        max_length=120,
        widget=forms.TextInput({"autocomplete": "given-name"}),
    )
    family_name = forms.CharField(
        label=_("Family name"),
        error_messages={"required": _("Enter your family name.")},
        max_length=120,
        widget=forms.TextInput({"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        error_messages={"required": _("Enter your e-mail address.")},
        help_text=_("We will send you a link to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        error_messages={"required": _("Choose a password.")},
        strip=False,
        help_text=_("At least 10 characters; not only digits and not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Repeat password"),
        error_messages={"required": _("Enter the password again.")},
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        elif first:
            probe = User(
                email=cleaned.get("email", ""),
                given_name=cleaned.get("given_name", ""),
                family_name=cleaned.get("family_name", ""),
            )
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailForm(KernForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        error_messages={"required": _("Enter your e-mail address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class KernSetPasswordForm(KernFormMixin, SetPasswordForm):
    """Django's set-password form in KERN markup; saving goes through the service."""

    def save(self, commit=True):
        return password_set(user=self.user, password=self.cleaned_data["new_password1"])


class ProfileForm(KernModelForm):
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text=_("For example 17.05.1980"),
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"autocomplete": "bday"}),
    )
    preferred_language = forms.ChoiceField(label=_("Language"), choices=())

    class Meta:
        model = User
        fields = [
            "given_name",
            "family_name",
            "birth_date",
            "street",
            "postal_code",
            "city",
            "phone",
            "preferred_language",
        ]
        widgets = {
            "given_name": forms.TextInput({"autocomplete": "given-name"}),
            "family_name": forms.TextInput({"autocomplete": "family-name"}),
            "street": forms.TextInput({"autocomplete": "street-address"}),
            "postal_code": forms.TextInput({"autocomplete": "postal-code", "inputmode": "numeric"}),
            "city": forms.TextInput({"autocomplete": "address-level2"}),
            "phone": forms.TextInput({"autocomplete": "tel", "type": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].choices = settings.LANGUAGES
        self.fields["given_name"].required = True
        self.fields["family_name"].required = True


class PasswordConfirmForm(KernForm):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
