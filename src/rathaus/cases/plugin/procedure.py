"""What a procedure declares and decides. The engine owns states, history, payments and bookings;
a procedure only declares (pages, stages, documents) and decides (hooks, cross-page rules, the
system's decisions)."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.catalogue.selectors import service_fee
from rathaus.documents.types import DocumentType

from ..constants import ActorRole, CaseStatus
from .pages import QuestionPage, form_data

if TYPE_CHECKING:  # only for annotations
    from .context import JourneyContext

Answers = Mapping[str, Any]


class DecisionOutcome(models.TextChoices):
    APPROVE = "approved", _("approved")
    REJECT = "rejected", _("rejected")


@dataclass(frozen=True)
class Decision:
    """A decision the system takes by a procedure's rule, recorded in the history as the
    system's with ``rule`` (a stable name of the rule) and ``reason`` (told to the citizen;
    required for a rejection)."""

    outcome: DecisionOutcome
    rule: str
    reason: str = ""


@dataclass(frozen=True)
class DecisionWording:
    """How a procedure names one of a clerk's decisions (approve, complete, reject) wherever it
    shows: the button on the case page, the confirmation page, the status in the history, on
    the citizen's timeline and in the e-mail. ``text_label`` asks for the clerk's text (an
    answer, a note, a reason), which goes into the history, the decision letter and the e-mail
    to an applicant who asked to be answered by e-mail; ``text_required`` makes it mandatory."""

    action: Any  # the button: "Approve"
    heading: Any  # the confirmation page's heading: "Approve the application"
    status: Any  # the resulting status as the citizen reads it: "approved"
    text_label: Any
    text_help: Any = ""
    text_required: bool = False
    success: Any = ""  # the clerk's confirmation after the move


# The engine's wording of the decisions a clerk takes; a procedure replaces entries with its own
# (``Procedure.decision_wording``).
DEFAULT_DECISION_WORDING: dict[str, DecisionWording] = {
    CaseStatus.APPROVED: DecisionWording(
        action=_("Approve"),
        heading=_("Approve the application"),
        status=_("approved"),
        text_label=_("Note to the applicant (optional)"),
        text_help=_("Shown to the applicant with the decision and printed in its letter."),
        success=_("The case has been approved."),
    ),
    CaseStatus.COMPLETED: DecisionWording(
        action=_("Mark as completed"),
        heading=_("Mark the case as completed"),
        status=_("completed"),
        text_label=_("Note to the applicant (optional)"),
        text_help=_("Shown to the applicant in the history of their request."),
        success=_("The case has been completed."),
    ),
    CaseStatus.REJECTED: DecisionWording(
        action=_("Reject"),
        heading=_("Reject the request"),
        status=_("rejected"),
        text_label=_("Reason for the rejection"),
        text_help=_("The applicant reads this reason."),
        text_required=True,
        success=_("The request has been rejected."),
    ),
}


@dataclass(frozen=True)
class Stage:
    """A step of a procedure's own, layered on the engine's states (e.g. an ID card "in
    production", "ready for pick-up"). Shown on the citizen's timeline and as an inbox filter."""

    key: str
    label: Any


@dataclass(frozen=True)
class Note:
    """Something a procedure tells the applicant on the check page, the confirmation and the
    case page, worked out from the answers: what it will cost, what to bring."""

    heading: Any
    lines: list[Any]


@dataclass(frozen=True)
class CaseAction:
    """A link the applicant finds on their case page to a page the procedure serves itself
    (the Anmeldung's "Enter the code from the letter"): a label, the URL, a line saying why."""

    label: Any
    url: str
    hint: Any = ""
    # "post": a button in a form with the CSRF token (an action that changes something, such
    # as a new code), rather than a link to a page.
    method: str = "get"


@dataclass(frozen=True)
class AlternativeAccess:
    """A way to apply that a procedure accepts besides the catalogue's trust level (a landlord
    organisation's member with a second factor, §19 BMG): ``granted``, or refused with the
    reason (``code``, stable; ``message``, told to the person)."""

    granted: bool
    code: str = ""
    message: Any = ""


@dataclass(frozen=True)
class AnswerError:
    """A cross-page rule's complaint: which page and field the citizen should change, and why."""

    page: str
    field: str
    message: Any


# Engine states in which a case may move between its procedure's stages.
STAGE_STATUSES = frozenset(
    {CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.INFO_REQUESTED, CaseStatus.APPROVED}
)


class Procedure:
    """Base class of a procedure plugin. Subclasses set the class attributes below and override
    the hooks they need; every hook runs inside the engine's transaction, so what it writes is
    committed together with the move that triggered it, or not at all."""

    key: ClassVar[str] = ""
    title: ClassVar[Any] = ""
    description: ClassVar[Any] = ""
    # The catalogue service (Leistung) this procedure serves. The catalogue is the one source of
    # the trust level an applicant needs and of the fee; a town offers the procedure exactly
    # when it offers that service.
    service_slug: ClassVar[str] = ""
    # A procedure the law requires of every town (the accessibility feedback) is offered without
    # a catalogue entry: free, at trust level "basic", whatever the town's catalogue holds.
    offered_everywhere: ClassVar[bool] = False
    pages: ClassVar[list[type[QuestionPage]]] = []
    # Drafts need an account even where the service's trust level would admit anyone.
    account_required: ClassVar[bool] = False
    retention: ClassVar[datetime.timedelta] = datetime.timedelta(days=365)
    four_eyes: ClassVar[bool] = False
    # Files a citizen may add (PDF, JPEG, PNG): size of one file and number per case.
    attachment_max_bytes: ClassVar[int] = 10 * 1024 * 1024
    attachment_max_count: ClassVar[int] = 5
    # Target processing time in days from submitting to a decision (back-office "overdue").
    target_days: ClassVar[int] = 14
    # What happens next, on the confirmation page and in the receipt e-mail.
    next_steps: ClassVar[Any] = _(
        "We will process your request and tell you when something changes. Please keep your "
        "reference number for any questions."
    )
    # Stages and who may move between them: ``stage_transitions[from][to]`` is the set of actor
    # roles allowed ("" is "no stage yet"). A move missing from the table is refused.
    stages: ClassVar[list[Stage]] = []
    stage_transitions: ClassVar[dict[str, dict[str, frozenset[ActorRole]]]] = {}
    # Engine moves this procedure keeps for fewer roles, by the status they lead to:
    # ``{CaseStatus.COMPLETED: frozenset({ActorRole.SYSTEM})}`` — the move is then neither
    # offered to nor accepted from anyone else (``transitions.transition_check``). It narrows the
    # engine's table, never widens it.
    transition_roles: ClassVar[dict[str, frozenset[ActorRole]]] = {}
    # Days a case may wait at a stage before the back office lists it as overdue (an ID card
    # not picked up): ``{"ready": 90}``.
    stage_deadlines: ClassVar[dict[str, int]] = {}
    # Documents this procedure issues; those named in ``approval_documents`` are issued in the
    # approval's transaction (by a clerk or by the system's decision).
    document_types: ClassVar[list[DocumentType]] = []
    approval_documents: ClassVar[list[str]] = []
    # Whether the public status look-up answers for this procedure's cases (see
    # ``status_lookup_birth_dates``).
    status_lookup: ClassVar[bool] = False
    # How this procedure names a clerk's decisions, by the status they lead to (approved,
    # completed, rejected); missing entries keep the engine's words. A general request is
    # "answered", not "approved".
    decision_wording: ClassVar[dict[str, DecisionWording]] = {}

    # --- questions ---------------------------------------------------------------------------
    def active_pages(self, answers: Answers) -> list[type[QuestionPage]]:
        """The pages asked for these answers, in order. A page's condition sees only the
        answers of the pages before it."""
        active: list[type[QuestionPage]] = []
        seen: dict[str, Any] = {}
        for page in self.pages:
            if page.condition(seen):
                active.append(page)
                seen.update({name: answers.get(name) for name in page.field_names()})
        return active

    def page(self, slug: str) -> type[QuestionPage] | None:
        return next((page for page in self.pages if page.slug == slug), None)

    def clean_answers(self, answers: Answers) -> dict[str, Any]:
        """Only the answers of pages that are still asked (a changed branch drops the others)."""
        kept: dict[str, Any] = {}
        for page in self.active_pages(answers):
            for name in page.field_names():
                if name in answers:
                    kept[name] = answers[name]
        return kept

    @staticmethod
    def page_data(page: type[QuestionPage], answers: Answers) -> dict[str, Any]:
        return form_data(page, answers)

    def first_unanswered_page(
        self, answers: Answers, context: JourneyContext | None = None
    ) -> type[QuestionPage] | None:
        for page in self.active_pages(answers):
            if not page.is_answered(answers, context):
                return page
        return None

    def summary_rows(self, answers: Answers) -> list[tuple[type[QuestionPage], str, str, str]]:
        """(page, field name, label, display value) for every question asked."""
        return [
            (page, name, label, value)
            for page in self.active_pages(answers)
            for name, label, value in page.summary_rows(answers)
        ]

    def applicant_name(self, answers: Answers) -> str:
        """The applicant's name for the case list and name search."""
        return str(answers.get("applicant_name", "")).strip()

    def contact_email(self, answers: Answers) -> str:
        """The e-mail address an applicant without an account gave (for the receipt e-mail);
        "" when there is none. An account's own address always comes first."""
        return str(answers.get("email") or "").strip()

    def reply_email(self, answers: Answers) -> str:
        """The address at which the applicant asked to be answered by e-mail ("" when they did
        not). A clerk's decision is then e-mailed there with the clerk's text; otherwise the
        applicant's account gets the usual notice without details."""
        return ""

    def alternative_access(self, *, actor, municipality) -> AlternativeAccess | None:
        """Asked when ``actor`` (logged in) lacks the catalogue's trust level: a way in this
        procedure accepts instead, for this actor. None: there is none for them (the usual
        "needs a stronger proof of identity"); refused: the person hears why."""
        return None

    def cross_check(self, context: JourneyContext) -> list[AnswerError]:
        """Rules across pages, run on the check page, on submit and when a page they name is
        saved. Return one ``AnswerError`` per problem (none: all is well)."""
        return []

    def notes(self, context: JourneyContext) -> list[Note]:
        """What the applicant should know from their answers (costs, what to bring)."""
        return []

    def case_actions(self, context: JourneyContext) -> list[CaseAction]:
        """Links for the applicant on their case page (``context.case``), while they fit its
        state. Shown to the applicant only."""
        return []

    # --- at the counter ------------------------------------------------------------------------
    def counter_notes(self, context: JourneyContext) -> list[Note]:
        """What the clerk should know about the case at the counter (whose identity to check),
        shown on the back office's case page."""
        return []

    def appointment_services(self, context: JourneyContext) -> list[tuple[str, int]]:
        """The catalogue services (and how many of each) a counter appointment for this case
        must cover; its length follows from them. Empty: the case needs no appointment. The
        case page then offers to book it, and the booking stays with the case."""
        return []

    def status_lookup_birth_dates(self, answers: Answers) -> list[datetime.date]:
        """With ``status_lookup``: the dates of birth of the persons a case is for. Anyone may
        look up the case's status and stage on the public status page (``/anliegen/status/``)
        with its reference and one of these dates — no account needed, e.g. for an ID card
        applied for at the counter; anything else gets the answer an unknown reference gets."""
        return []

    # --- money -------------------------------------------------------------------------------
    def fee(self, context: JourneyContext) -> decimal.Decimal | None:
        """The fee through the catalogue's fee rule (None: free or not known). A procedure whose
        fee depends on answers (an age, a surcharge) overrides this and still reads the amounts
        from the catalogue."""
        return service_fee(municipality=context.municipality, service_slug=self.service_slug)

    # --- decisions and lifecycle hooks (inside the engine's transaction) ----------------------
    def decide(self, context: JourneyContext) -> Decision | None:
        """Called when a case reaches the back office (after submitting, or after payment).
        Return a ``Decision`` to let the system approve or reject it by rule; None leaves it to
        a clerk."""
        return None

    def on_submitted(self, context: JourneyContext) -> None:
        """The citizen (or a clerk at the counter) submitted; the reference is allocated."""

    def on_paid(self, context: JourneyContext) -> None:
        """The fee was booked (or waived by a clerk); the case goes to the back office."""

    def on_approved(self, context: JourneyContext) -> None:
        """The case was approved; ``approval_documents`` are already issued."""

    def on_rejected(self, context: JourneyContext) -> None:
        """The case was rejected."""

    def on_withdrawn(self, context: JourneyContext) -> None:
        """The citizen withdrew the case."""

    # --- wording -----------------------------------------------------------------------------
    def decision_words(self, status: str) -> DecisionWording | None:
        """This procedure's words for the clerk's decision leading to ``status`` (None: no
        clerk's decision leads there)."""
        return self.decision_wording.get(status) or DEFAULT_DECISION_WORDING.get(status)

    def status_label(self, status: str) -> str:
        """A status as this procedure names it ("answered" for an approved general request)."""
        wording = self.decision_wording.get(status)
        if wording is not None:
            return str(wording.status)
        try:
            return str(CaseStatus(status).label)
        except ValueError:
            return status

    # --- stages and documents ----------------------------------------------------------------
    def stage(self, key: str) -> Stage | None:
        return next((stage for stage in self.stages if stage.key == key), None)

    def stage_label(self, key: str) -> str:
        stage = self.stage(key)
        return str(stage.label) if stage is not None else key

    def stage_roles(self, *, from_stage: str, to_stage: str) -> frozenset[ActorRole] | None:
        """The roles that may move a case from ``from_stage`` to ``to_stage``; None: refused."""
        return self.stage_transitions.get(from_stage, {}).get(to_stage)

    def stage_notice(self, stage: str) -> Any:
        """What the applicant's e-mail about reaching ``stage`` says besides "there is news"
        (an ID card "ready": the PIN letter comes separately). The same text for every case,
        so nothing personal; "" adds nothing."""
        return ""

    def waiting_for(self, *, status: str, stage: str) -> Any:
        """What a case in ``status`` at ``stage`` waits for when no clerk's move is open (the
        federal register's receipt), shown on the back office's case page; "" when nothing."""
        return ""

    def stages_available(self, *, from_stage: str, actor_role: ActorRole) -> list[Stage]:
        return [
            stage
            for key, roles in self.stage_transitions.get(from_stage, {}).items()
            if actor_role in roles and (stage := self.stage(key)) is not None
        ]

    def document_type(self, key: str) -> DocumentType | None:
        return next((kind for kind in self.document_types if kind.key == key), None)
