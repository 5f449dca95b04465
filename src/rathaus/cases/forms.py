from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm
from rathaus.procedures.base import QuestionPage


class SubmitForm(KernForm):
    """The declaration on the check-your-answers page; the idempotency key makes a repeated
    submit (double click, reload, browser back) return the case already submitted."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    declaration = forms.BooleanField(
        label=_("I confirm that my answers are correct and complete."),
        error_messages={"required": _("Confirm that your answers are correct and complete.")},
    )


class WithdrawForm(KernForm):
    reason = forms.CharField(
        label=_("Why are you withdrawing your request?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MessageForm(KernForm):
    body = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write a message.")},
    )


ATTACHMENT_PAGE_PREFIX = "anhang"


class AttachmentPage(QuestionPage):
    """A question page with one optional file (PDF, JPEG or PNG).

    Served by ``views.attachment_page`` (its slug must start with "anhang"). The answer stored
    for the field is the file's display name, so that the check page lists it."""

    slug = ATTACHMENT_PAGE_PREFIX
    attachment = forms.FileField(label=_("File"), required=False)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.slug.startswith(ATTACHMENT_PAGE_PREFIX):
            raise TypeError(f"{cls.__name__}.slug must start with {ATTACHMENT_PAGE_PREFIX!r}")


class MessageWithFileForm(MessageForm):
    """A Postfach message with an optional file (checked by ``services.attachment_add``)."""

    attachment = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("Optional: a PDF, JPEG or PNG file."),
    )
