"""Who acts on a case and what its procedure sees of it: the actor's role, the journey context
handed to the procedure's hooks, the fee the procedure reckons from it, and the case's row locked
for a write."""

from __future__ import annotations

from ..constants import ActorRole
from ..models import Case
from ..plugin import JourneyContext, procedure_get
from ..selectors import is_staff_of


def actor_role_for_case(*, actor, case: Case) -> ActorRole | None:
    """The role ``actor`` plays for ``case``; None when they have nothing to do with it."""
    if actor is None:
        return ActorRole.SYSTEM
    if not actor.is_authenticated:
        return None
    if is_staff_of(actor=actor, municipality=case.municipality):
        return ActorRole.STAFF
    if case.applicant_id is not None and case.applicant_id == actor.pk:
        return ActorRole.CITIZEN
    return None


def case_context(*, case: Case, actor=None, trust_level: str | None = None) -> JourneyContext:
    """The context a procedure's hooks receive for ``case`` (``actor=None``: the system)."""
    return JourneyContext(
        municipality=case.municipality,
        procedure=procedure_get(case.procedure_key),
        actor=actor,
        trust_level=trust_level,
        case=case,
        answers=case.answers or {},
        system=actor is None,
    )


def case_fee(*, case: Case):
    """The fee for ``case`` as its procedure reckons it from the catalogue (None: no fee)."""
    return procedure_get(case.procedure_key).fee(case_context(case=case))


# Relations a locked copy of a case takes over from the instance it was locked for.
_SHARED_RELATIONS = ("municipality", "applicant")


def case_locked(case: Case) -> Case:
    """``case``'s row read again and locked until the transaction ends (``SELECT … FOR UPDATE``).

    The town and the applicant that ``case`` has loaded already are handed on, not read again: a
    submit locks the same case once more for its decision, in a transaction of its own, and the
    copy would otherwise read both once more. They are the same rows (checked by their ids)."""
    locked = Case.objects.select_for_update().get(pk=case.pk, municipality=case.municipality_id)
    for name in _SHARED_RELATIONS:
        field = Case._meta.get_field(name)
        if field.is_cached(case) and getattr(case, field.attname) == getattr(locked, field.attname):
            field.set_cached_value(locked, field.get_cached_value(case))
    return locked
