"""Shared helpers of the Meldewesen procedure tests: the demo register, Erika Mustermann as the
register knows her, a journey driven through the engine's services, an eID session for HTTP
tests, and the check of an issued document on /pruefen/."""

from __future__ import annotations

import datetime
import io

import pypdf
from django.core.files.uploadedfile import SimpleUploadedFile

from rathaus.accounts.constants import SESSION_TRUST_LEVEL
from rathaus.accounts.identity.base import VerifiedIdentity
from rathaus.accounts.services import identity_record
from rathaus.cases import services
from rathaus.cases.plugin import procedure_get
from rathaus.core.storage import encrypted_file_read
from rathaus.documents.models import IssuedDocument
from rathaus.register.models import Person
from tests.cases.conftest import user_make

NOR = "norderstedt.localhost"


def eid_user(email, given, family, born):
    """An account whose holder proved the given names and date of birth with the eID (the
    register matches by these, never by the editable profile)."""
    born = born if isinstance(born, datetime.date) else datetime.date(*born)
    user = user_make(email, given=given, family=family)
    user.birth_date = born
    user.save()
    return identity_record(
        user=user,
        identity=VerifiedIdentity(given_names=given, family_name=family, birth_date=born),
    )


def register_person(town, given: str) -> Person:
    return next(p for p in Person.objects.filter(municipality=town) if p.given_names == given)


def drafted(town, user, key, pages: list[tuple[str, dict]], *, trust_level="high"):
    """A draft of procedure ``key`` with the answers of ``pages`` saved through the engine."""
    procedure = procedure_get(key)
    case = services.case_draft_start(
        municipality=town, procedure=procedure, actor=user, owner_token="t", trust_level=trust_level
    )
    for slug, data in pages:
        context = services.case_context(case=case, actor=user, trust_level=trust_level)
        form = procedure.page(slug)(data=data, context=context)
        assert form.is_valid(), form.errors
        services.case_draft_answers_save(
            case=case, page=procedure.page(slug), cleaned_data=form.cleaned_data, actor=user
        )
        case.refresh_from_db()
    return case


def submitted(town, user, key, pages, *, trust_level="high"):
    case = drafted(town, user, key, pages, trust_level=trust_level)
    case, _created = services.case_submit(
        case=case, actor=user, idempotency_key=case.idempotency_key, trust_level=trust_level
    )
    return case


def eid_session(client, user, level="high") -> None:
    client.force_login(user)
    session = client.session
    session[SESSION_TRUST_LEVEL] = level
    session.save()


def pdf_text(document: IssuedDocument) -> str:
    pdf = encrypted_file_read(document.storage_name)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())  # lines wrapped in table cells read as one


def verifies_on_pruefen(client, document: IssuedDocument, *, host=NOR, tamper=False) -> bool:
    """Upload the issued file to its /pruefen/ page: True when the town confirms it."""
    data = encrypted_file_read(document.storage_name)
    if tamper:
        data = data.replace(b"1", b"2", 1)
    response = client.post(
        f"/pruefen/{document.verification_code}/",
        {"document": SimpleUploadedFile("file", data)},
        HTTP_HOST=host,
    )
    assert response.status_code == 200
    return response.context["result"] == "match"
