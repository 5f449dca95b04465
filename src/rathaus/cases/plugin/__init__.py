"""The procedure plugin interface of the case engine.

A procedure (an online service such as the general request or an Anmeldung) is a subclass of
``Procedure`` listed in ``settings.RATHAUS_PROCEDURES``. It declares its question pages, its
stages and its documents, and decides through hooks that the engine calls inside its own
transactions. Everything a procedure needs is importable from here; see docs/case-engine.md.
"""

from rathaus.documents.types import DocumentType

from .context import JourneyContext, JourneyServices, journey_services
from .pages import (
    AttachmentPage,
    QuestionPage,
    RepeatingGroupPage,
    answer_display,
    answer_to_json,
)
from .prefill import PrefillSource, prefill_sources
from .procedure import (
    DEFAULT_DECISION_WORDING,
    AlternativeAccess,
    AnswerError,
    Answers,
    CaseAction,
    Decision,
    DecisionOutcome,
    DecisionWording,
    Note,
    Procedure,
    Stage,
)
from .registry import (
    ProcedureRegistry,
    procedure_get,
    procedure_get_or_404,
    procedure_title,
    procedures,
    registry_override,
)

__all__ = [
    "DEFAULT_DECISION_WORDING",
    "AlternativeAccess",
    "AnswerError",
    "Answers",
    "AttachmentPage",
    "CaseAction",
    "Decision",
    "DecisionOutcome",
    "DecisionWording",
    "DocumentType",
    "JourneyContext",
    "JourneyServices",
    "Note",
    "PrefillSource",
    "Procedure",
    "ProcedureRegistry",
    "QuestionPage",
    "RepeatingGroupPage",
    "Stage",
    "answer_display",
    "answer_to_json",
    "journey_services",
    "prefill_sources",
    "procedure_get",
    "procedure_get_or_404",
    "procedure_title",
    "procedures",
    "registry_override",
]
