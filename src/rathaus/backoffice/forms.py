from django import forms
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from rathaus.cases.constants import MESSAGE_MAX_LENGTH
from rathaus.cases.plugin import procedures
from rathaus.cases.selectors import (
    ASSIGNEE_MINE,
    ASSIGNEE_NONE,
    STATUS_ORDER,
    status_label,
    status_label_across,
)
from rathaus.core.cache import ProcessCache
from rathaus.core.forms import KernForm, required_message
from rathaus.payments.selectors import (
    PAYMENT_LIST_ALL,
    PAYMENT_LIST_ATTENTION,
    PAYMENT_LIST_WAITING,
)

from .constants import SORT_CHOICES

# The inbox's service, status and stage options follow from the language, the installed
# procedures (code, not data) and the chosen service: made once per process for each, not on
# every request.
_inbox_options = ProcessCache(seconds=3600, max_entries=64)


def _procedure_status_and_stage_options(*, chosen: str) -> tuple[tuple, tuple, tuple]:
    installed = tuple(procedures())
    chosen = chosen if chosen in procedures() else ""

    def status_word(status) -> str:
        if chosen:
            return str(status_label(procedure_key=chosen, status=status))
        return str(status_label_across(status=status))

    def make() -> tuple[tuple, tuple, tuple]:
        return (
            tuple(sorted(((p.key, str(p.title)) for p in installed), key=lambda c: c[1])),
            tuple((status.value, status_word(status)) for status in STATUS_ORDER),
            tuple(
                (f"{p.key}:{stage.key}", f"{p.title}: {stage.label}")
                for p in installed
                for stage in p.stages
            ),
        )

    # The procedures themselves in the key: a registry installed by a test is another key.
    return _inbox_options.get_or_compute((get_language(), installed, chosen), make)


class InboxFilterForm(KernForm):
    """The inbox's filters (a GET form). Invalid values are reported and ignored."""

    search = forms.CharField(
        label=_("Reference number or name"),
        required=False,
        max_length=200,
        help_text=_("A reference number or its beginning, or the applicant's full name."),
    )
    procedure = forms.ChoiceField(label=_("Service"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    # A procedure's own stage, as "<procedure key>:<stage key>" (stage keys are per procedure).
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    overdue = forms.BooleanField(label=_("Only overdue cases"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, staff_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The statuses in the words the rows use: the chosen service's own ("answered" for a
        # general request), or with all services the engine's word and every other name a
        # service gives it ("approved / answered"). One source: ``cases.selectors``.
        chosen = self.data.get("procedure", "") if self.is_bound else ""
        procedure_options, status_options, stage_options = _procedure_status_and_stage_options(
            chosen=chosen
        )
        self.fields["procedure"].choices = [("", gettext("All services")), *procedure_options]
        self.fields["status"].choices = [("", gettext("All statuses")), *status_options]
        self.fields["stage"].choices = [("", gettext("All stages")), *stage_options]
        self.fields["assignee"].choices = [
            ("", gettext("Anyone")),
            (ASSIGNEE_MINE, gettext("Me")),
            (ASSIGNEE_NONE, gettext("Nobody (unassigned)")),
            *staff_choices,
        ]

    # The filters every clerk of a town sees alike once they chose the same (the search text is the
    # clerk's own): backoffice/inbox_filters.html, kept per process under ``kept_fields_key``.
    KEPT_FIELDS = ("procedure", "status", "stage", "assignee", "sort", "overdue")

    @property
    def kept_fields_key(self) -> str:
        """The key of the kept filters' markup; "" when one of them has an error (its message
        repeats what was sent, which is not kept)."""
        if any(name in self.errors for name in self.KEPT_FIELDS):
            return ""
        return self.shown_key(self.KEPT_FIELDS)

    def filters(self) -> dict:
        """The valid filters as keyword arguments for ``case_list_for_staff``."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        stage_procedure, _sep, stage = (data.get("stage") or "").partition(":")
        if stage_procedure and data.get("procedure") not in ("", None, stage_procedure):
            stage = "-"  # a stage of another procedure than the one chosen: nothing matches
        return {
            "procedure_key": data.get("procedure") or stage_procedure,
            "status": data.get("status", ""),
            "stage": stage,
            "assignee": data.get("assignee", ""),
            "overdue": bool(data.get("overdue")),
            "search": data.get("search", ""),
            "sort": data.get("sort") or "-submitted",
        }


class ReadLogFilterForm(KernForm):
    reference = forms.CharField(label=_("Reference number"), required=False, max_length=24)
    staff_member = forms.ChoiceField(label=_("Staff member"), required=False)

    def __init__(self, *args, staff_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_member"].choices = [("", _("All staff members")), *staff_choices]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        member = data.get("staff_member") or ""
        return {
            "reference": data.get("reference", ""),
            "actor_id": int(member) if member.isdigit() else None,
        }


class ReasonForm(KernForm):
    """Text the citizen will read: a rejection reason, a question, a Postfach message."""

    text = forms.CharField(
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, label, help_text="", required_message, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.label = label
        field.help_text = help_text
        field.error_messages["required"] = required_message
        # The mixin's wiring made the bound field with the old label: make it again.
        self._bound_fields_cache.pop("text", None)
        self._wire_field("text", has_error=False)


# The history keeps a decision's text in an encrypted field of this length.
DECISION_TEXT_MAX_LENGTH = 2000


class DecisionForm(KernForm):
    """The clerk's text with a decision: an answer, a note or a reason, as the procedure asks."""

    text = forms.CharField(
        max_length=DECISION_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, label, help_text="", required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.label = label
        field.help_text = help_text
        field.required = required
        field.error_messages["required"] = required_message(field)
        # The mixin's wiring made the bound field with the old label: make it again.
        self._bound_fields_cache.pop("text", None)
        self._wire_field("text", has_error=False)


class PaymentListFilterForm(KernForm):
    """Which payments the payment list shows (a GET form)."""

    ansicht = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            (PAYMENT_LIST_ATTENTION, _("Payments needing attention")),
            (PAYMENT_LIST_WAITING, _("Cases waiting for payment")),
            (PAYMENT_LIST_ALL, _("All payments")),
        ],
    )

    def view(self) -> str:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("ansicht") or PAYMENT_LIST_ATTENTION


class PaymentExportForm(KernForm):
    """The daily export of booked payments for the finance system (a GET form)."""

    tag = forms.DateField(
        label=_("Booking day"),
        help_text=_("For example 17.3.2026"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": _("Enter the booking day."),
            "invalid": _("Enter the booking day as a real date, for example 17.3.2026."),
        },
    )
    format = forms.ChoiceField(
        label=_("File format"),
        choices=[("csv", _("CSV (separated by semicolons)")), ("json", "JSON")],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a file format.")},
    )
