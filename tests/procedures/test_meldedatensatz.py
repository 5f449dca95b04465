"""§18a Meldedatensatz: the citizen's own register data as a machine-readable JSON file, free,
at once for a person with the eID matched exactly in the register; the town's record of the
file's hash on /pruefen/ is its signature: a copy verifies, a changed one does not."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rathaus.cases import services
from rathaus.cases.constants import ActorRole, CaseStatus
from rathaus.cases.models import CaseEvent
from rathaus.cases.plugin import procedure_get
from rathaus.core.storage import encrypted_file_read
from rathaus.documents.models import IssuedDocument
from rathaus.procedures.meldedatensatz.dataset import FORMAT, VERSION
from rathaus.register import services as register_services
from rathaus.register.constants import BlockKind
from tests.accounts.factories import login_verified, staff_create
from tests.cases.conftest import user_make

from .meldewesen import eid_session, register_person, submitted, verifies_on_pruefen

KEY = "meldedatensatz"


def _file(case) -> tuple[IssuedDocument, dict, bytes]:
    document = IssuedDocument.objects.get(case=case)
    data = encrypted_file_read(document.storage_name)
    return document, json.loads(data), data


def test_the_own_data_at_once_as_documented_json(register, erika, client):
    register_services.block_set(
        person=register_person(register, "Erika"),
        kind=BlockKind.UEBERMITTLUNGSSPERRE,
        objection_key="jubilaeen",
        valid_from=timezone.localdate(),
    )
    case = submitted(register, erika, KEY, [("datensatz", {"understood": "on"})])
    assert case.status == CaseStatus.APPROVED
    event = CaseEvent.objects.get(case=case, to_status=CaseStatus.APPROVED)
    assert event.actor_role == ActorRole.SYSTEM and event.rule == "exact-register-match"
    document, data, raw = _file(case)
    assert data["format"] == FORMAT and data["version"] == VERSION
    assert data["legal_basis"] == "§ 18a BMG" and data["reference"] == case.reference
    assert data["issuer"] == {"name": register.name, "ags": register.ags}
    assert data["person"]["family_name"] == "Mustermann"
    assert data["person"]["birth_date"] == "1964-08-12"
    assert data["residences"][0]["street"] == "Rathausallee"
    assert data["blocks"] == [
        {
            "kind": "uebermittlungssperre",
            "objection": "jubilaeen",
            "legal_basis": "§ 50 Abs. 2 BMG",
            "valid_from": timezone.localdate().isoformat(),
            "valid_until": None,
        }
    ]
    # Nothing of the family: only Erika's own data.
    assert "Paula" not in raw.decode() and "Hans" not in raw.decode()
    code = data["verification"]["code"].replace("-", "")
    assert code == document.verification_code
    assert data["verification"]["url"].endswith(f"/pruefen/{code}/")
    # The signature: the town confirms this exact file, and refuses a changed one.
    assert verifies_on_pruefen(client, document)
    tampered = raw.replace(b"Rathausallee", b"Rathausallex")
    response = client.post(
        f"/pruefen/{code}/",
        {"document": SimpleUploadedFile("datensatz.json", tampered)},
        HTTP_HOST="norderstedt.localhost",
    )
    assert response.context["result"] == "no"


def test_download_is_json_and_only_for_the_person(register, erika, nor_client, rei_client, client):
    case = submitted(register, erika, KEY, [("datensatz", {"understood": "on"})])
    document = IssuedDocument.objects.get(case=case)
    url = f"/anliegen/meine/{case.reference}/dokumente/{document.public_id}/"
    eid_session(nor_client, erika)
    response = nor_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert ".json" in response["Content-Disposition"]
    client.defaults["HTTP_HOST"] = "norderstedt.localhost"
    client.force_login(user_make("other@example.org", given="Olaf", family="Other"))
    assert client.get(url).status_code == 404
    login_verified(client, staff_create(municipality=register))
    assert client.get(url).status_code == 404  # staff read it in the back office, logged
    rei_client.force_login(erika)
    assert rei_client.get(url).status_code == 404


def test_not_without_an_exact_register_match(register, stranger):
    draft = services.case_draft_start(
        municipality=register,
        procedure=procedure_get(KEY),
        actor=stranger,
        owner_token="t",
        trust_level="high",
    )
    errors = procedure_get(KEY).cross_check(
        services.case_context(case=draft, actor=stranger, trust_level="high")
    )
    assert errors and errors[0].page == "datensatz"


def test_without_the_eid_no_file(register, erika, nor_client):
    eid_session(nor_client, erika, level="substantial")
    response = nor_client.post(f"/anliegen/{KEY}/start/")
    assert response.status_code == 200  # asked for the online ID card, no draft
    assert not IssuedDocument.objects.exists()
