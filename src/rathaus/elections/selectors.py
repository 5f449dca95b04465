"""Reads of elections and the postal vote. Every query names the municipality (through the
election), and every object a user may see is fetched through one access helper."""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from rathaus.core.crypto import blind_index
from rathaus.documents.rendering import qr_data_uri
from rathaus.register.selectors import fold, person_match_digest
from rathaus.tenants.selectors import municipality_absolute_url

from .constants import (
    NEAR_MATCH_RATIO,
    POLLING_CARDS_PER_FILE,
    VOTER_NUMBER_PARAM,
    ApplicationStatus,
    Basis,
    MatchKind,
)
from .models import Application, Election, Voter, Wahlschein
from .rules import Ground, ground_open

BIRTH_PURPOSE = "elections-voter-birth"
PROXY_PURPOSE = "elections-proxy"
# "ä" is "ae" to ``fold``; someone who typed "Muller" for "Müller" is near, not exact.
_LOOSE = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})


def birth_digest(birth_date: datetime.date) -> str:
    return blind_index(birth_date.isoformat(), purpose=BIRTH_PURPOSE)


def proxy_digest(*, name: str, address: str) -> str:
    return blind_index(f"{fold(name)}|{fold(address)}", purpose=PROXY_PURPOSE)


# --- elections --------------------------------------------------------------------------------
def elections_open(*, municipality, now: datetime.datetime | None = None) -> list[Election]:
    """The town's elections a citizen may still apply for (until election day's exception)."""
    now = now or timezone.now()
    upcoming = Election.objects.filter(
        municipality=municipality, election_day__gte=timezone.localdate(now)
    ).order_by("election_day", "pk")
    return [
        e for e in upcoming if ground_open(now=now, deadlines=e.deadlines(), ground="section_25_2")
    ]


def election_get(*, municipality, public_id) -> Election:
    """The town's election, or 404 (another town's election does not exist here)."""
    try:
        election = Election.objects.get(municipality=municipality, public_id=public_id)
    except (Election.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    election.municipality = municipality  # known already: no query for it later
    return election


def elections_of(*, municipality) -> QuerySet[Election]:
    return Election.objects.filter(municipality=municipality).order_by("-election_day", "pk")


def grounds_open(*, election: Election, now: datetime.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    deadlines = election.deadlines()
    return [
        g
        for g in (Ground.REGULAR, Ground.SUDDEN_ILLNESS)
        if ground_open(now=now, deadlines=deadlines, ground=g)
    ]


# --- matching against the voter register ----------------------------------------------------
@dataclass(frozen=True)
class Match:
    kind: str  # MatchKind, or "" for none
    voter: Voter | None = None
    # The entry of an exact match has an accepted application already.
    voter_has_accepted: bool = False


# Register entries with whether each has an accepted application, read in the exact match's own
# statement: a voter who applies again is answered without an insert that the database's
# constraint would refuse. Built once per process: resolving the subquery for each application
# would cost it more than the statement it saves.
_WITH_ACCEPTED = Voter.objects.annotate(
    has_accepted=Exists(
        Application.objects.filter(voter=OuterRef("pk"), status=ApplicationStatus.ACCEPTED)
    )
)


def _current(entries, *, election: Election, **lookups) -> QuerySet[Voter]:
    """The election's register ``entries`` that were not removed, narrowed by ``lookups`` in one
    filter call (each further call costs a query's copy on the application's hot path)."""
    return entries.filter(election=election, removed_at__isnull=True, **lookups)


def _loose(text: str) -> str:
    return fold((text or "").lower().translate(_LOOSE))


def _names_similar(voter: Voter, *, family_name: str, given_names: str) -> bool:
    family = difflib.SequenceMatcher(None, _loose(voter.family_name), _loose(family_name)).ratio()
    voter_given = " ".join(sorted(_loose(voter.given_names).split()))
    given = " ".join(sorted(_loose(given_names).split()))
    given_ratio = difflib.SequenceMatcher(None, voter_given, given).ratio()
    return family >= NEAR_MATCH_RATIO and given_ratio >= NEAR_MATCH_RATIO


def _same_dwelling(voter: Voter, *, street: str, house_number: str, postal_code: str) -> bool:
    return (
        fold(voter.street) == fold(street)
        and fold(voter.house_number).replace(" ", "") == fold(house_number).replace(" ", "")
        and voter.postal_code.strip() == postal_code.strip()
    )


def voter_match(
    *,
    election: Election,
    family_name: str,
    given_names: str,
    birth_date: datetime.date,
    street: str,
    house_number: str,
    postal_code: str,
    voter_number: int | None = None,
) -> Match:
    """Exact: name and date of birth as the register has them (umlauts and case folded), the
    same dwelling, and the voter number if one was given. Near: the same date of birth and a
    similar name (a typo, an umlaut written without its dots, given names in another order), or a
    given voter number whose entry disagrees in part. None: nothing close."""
    digest = person_match_digest(
        family_name=family_name, given_names=given_names, birth_date=birth_date
    )
    exact = list(_current(_WITH_ACCEPTED, election=election, match_digest=digest)[:2])
    if len(exact) == 1:
        voter = exact[0]
        number_agrees = voter_number is None or voter.number == voter_number
        dwelling = _same_dwelling(
            voter, street=street, house_number=house_number, postal_code=postal_code
        )
        if number_agrees and dwelling:
            return Match(MatchKind.EXACT, voter, voter_has_accepted=voter.has_accepted)
        return Match(MatchKind.NEAR, voter)
    if exact:  # two entries with one name and date of birth: a clerk tells them apart
        return Match(MatchKind.NEAR, None)
    born = _current(Voter.objects, election=election, birth_digest=birth_digest(birth_date))
    for voter in born[:20]:
        if _names_similar(voter, family_name=family_name, given_names=given_names):
            return Match(MatchKind.NEAR, voter)
    if voter_number is not None:
        voter = _current(Voter.objects, election=election, number=voter_number).first()
        if voter is not None and (
            voter.birth_date == birth_date
            or _names_similar(voter, family_name=family_name, given_names=given_names)
        ):
            return Match(MatchKind.NEAR, voter)
    return Match("", None)


def near_candidates(*, application: Application, limit: int = 5) -> list[Voter]:
    """Register entries a clerk may choose for a near match: the suggested one and everyone
    sharing the applicant's date of birth."""
    election = application.election
    found: dict[int, Voter] = {}
    if application.voter_id:
        found[application.voter_id] = application.voter
    born = _current(
        Voter.objects, election=election, birth_digest=birth_digest(application.birth_date)
    )
    for voter in born[:limit]:
        found.setdefault(voter.pk, voter)
    if application.voter_number_given:
        number = application.voter_number_given
        voter = _current(Voter.objects, election=election, number=number).first()
        if voter is not None:
            found.setdefault(voter.pk, voter)
    return list(found.values())[:limit]


def voter_get(*, election: Election, pk) -> Voter:
    try:
        return Voter.objects.get(election=election, pk=pk)
    except (Voter.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def accepted_application_of(*, voter: Voter) -> Application | None:
    return Application.objects.filter(voter=voter, status=ApplicationStatus.ACCEPTED).first()


# --- clerk side --------------------------------------------------------------------------------
def application_get(*, election: Election, reference: str) -> Application:
    """An application of this election (and so of this town), or 404."""
    try:
        return Application.objects.select_related("voter").get(
            election=election, reference=reference
        )
    except Application.DoesNotExist:
        raise Http404 from None


def review_queue(*, election: Election) -> QuerySet[Application]:
    return Application.objects.filter(election=election, status=ApplicationStatus.REVIEW).order_by(
        "created_at", "pk"
    )


def awaiting_issue(*, election: Election) -> QuerySet[Application]:
    """Accepted applications without a valid Wahlschein."""
    return (
        Application.objects.filter(election=election, status=ApplicationStatus.ACCEPTED)
        .exclude(
            Exists(
                Wahlschein.objects.filter(application=OuterRef("pk"), invalidated_at__isnull=True)
            )
        )
        .select_related("voter")
        .order_by("created_at", "pk")
    )


def wahlscheine_valid(*, election: Election, basis: str | None = None) -> QuerySet[Wahlschein]:
    found = Wahlschein.objects.filter(election=election, invalidated_at__isnull=True)
    if basis:
        found = found.filter(basis=basis)
    return found.select_related("application", "voter", "voter__district").order_by("number")


def wahlscheine_invalid(*, election: Election) -> QuerySet[Wahlschein]:
    return (
        Wahlschein.objects.filter(election=election, invalidated_at__isnull=False)
        .select_related("voter", "application", "voter__district")
        .order_by("number")
    )


def wahlschein_get(*, election: Election, number) -> Wahlschein:
    try:
        return Wahlschein.objects.select_related("application", "voter").get(
            election=election, number=number
        )
    except (Wahlschein.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass(frozen=True)
class DispatchLine:
    wahlschein: Wahlschein
    recipient: str
    address: list[str]
    kind: str  # "documents" | "notice" | "pickup"


def dispatch_lines(*, election: Election) -> list[DispatchLine]:
    """What leaves the office: documents to their address, a notice to the registered address
    when the documents go elsewhere (§28(5) BWO), and the pick-ups waiting at the counter."""
    lines = []
    for ws in wahlscheine_valid(election=election):
        app = ws.application
        registered = [f"{app.street} {app.house_number}", f"{app.postal_code} {app.city}"]
        if app.delivery == "pickup":
            lines.append(DispatchLine(ws, app.full_name, registered, "pickup"))
        elif app.delivery == "other":
            other = [app.delivery_street, f"{app.delivery_postal_code} {app.delivery_city}"]
            if app.delivery_country:
                other.append(app.delivery_country)
            lines.append(DispatchLine(ws, app.delivery_name or app.full_name, other, "documents"))
            lines.append(DispatchLine(ws, app.full_name, registered, "notice"))
        else:
            lines.append(DispatchLine(ws, app.full_name, registered, "documents"))
    return lines


@dataclass(frozen=True)
class PollingCard:
    """A polling card (Wahlbenachrichtigung, §19 BWO) and the address its QR code opens."""

    voter: Voter
    url: str

    @property
    def qr(self) -> str:
        return qr_data_uri(self.url)


def polling_cards(
    *, election: Election, first_number: int = 1, count: int = POLLING_CARDS_PER_FILE
) -> list[PollingCard]:
    """The cards of the register entries from voter number ``first_number`` on, in number order.
    Each QR code opens the application with the voter number filled in, on the town's configured
    host (never the host of the clerk's request)."""
    voters = (
        Voter.objects.filter(election=election, removed_at__isnull=True, number__gte=first_number)
        .select_related("district")
        .order_by("number")[:count]
    )
    apply = municipality_absolute_url(
        election.municipality, reverse("elections:apply", args=[election.public_id])
    )
    return [PollingCard(v, f"{apply}?{VOTER_NUMBER_PARAM}={v.number}") for v in voters]


def basis_label(basis: str) -> str:
    return str(Basis(basis).label)


# --- citizen status look-up --------------------------------------------------------------------
@dataclass(frozen=True)
class PublicStatus:
    status: str  # "review" | "accepted" | "issued" | "rejected" | "invalid"
    election_title: str
    applied_on: datetime.date


def status_lookup(
    *, municipality, reference: str, birth_date: datetime.date
) -> PublicStatus | None:
    """The status for the pair of reference and date of birth; None for an unknown reference and
    for a wrong date of birth alike (the caller cannot tell them apart)."""
    app = (
        Application.objects.filter(
            election__municipality=municipality, reference=(reference or "").strip().upper()
        )
        .select_related("election")
        .first()
    )
    if app is None or app.birth_date != birth_date:
        return None
    latest = app.wahlscheine.order_by("-number").first()
    if app.status != ApplicationStatus.ACCEPTED:
        status = app.status
    elif latest is None:
        status = "accepted"
    else:
        status = "issued" if latest.valid else "invalid"
    return PublicStatus(status, app.election.title, timezone.localdate(app.created_at))


def application_by_reference(*, municipality, reference: str) -> Application:
    try:
        return Application.objects.select_related("election").get(
            election__municipality=municipality, reference=reference
        )
    except Application.DoesNotExist:
        raise Http404 from None


def replacement_open(*, election: Election, now: datetime.datetime | None = None) -> bool:
    return ground_open(
        now=now or timezone.now(), deadlines=election.deadlines(), ground=Ground.REPLACEMENT
    )


def election_counts(*, election: Election) -> dict[str, int]:
    applications = Application.objects.filter(election=election)
    return {
        "voters": Voter.objects.filter(election=election, removed_at__isnull=True).count(),
        "review": applications.filter(status=ApplicationStatus.REVIEW).count(),
        "accepted": applications.filter(status=ApplicationStatus.ACCEPTED).count(),
        "awaiting_issue": awaiting_issue(election=election).count(),
        "valid": Wahlschein.objects.filter(election=election, invalidated_at__isnull=True).count(),
        "invalid": Wahlschein.objects.filter(
            election=election, invalidated_at__isnull=False
        ).count(),
    }
