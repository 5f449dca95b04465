"""One base for the services' refusals: a stable code, its translated message, one API shape."""

import ast
import json
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.module_loading import import_string

from rathaus.api.errors import rathaus_error_handler_add
from rathaus.api.main import api_build
from rathaus.api.registry import ROUTERS
from rathaus.appointments.constants import ErrorCode
from rathaus.appointments.errors import AppointmentError
from rathaus.cases.attachments import AttachmentError
from rathaus.cases.constants import AttachmentErrorCode, CaseErrorCode
from rathaus.cases.errors import CaseError
from rathaus.core.errors import RathausError
from rathaus.documents.constants import DocumentErrorCode
from rathaus.documents.errors import DocumentError
from rathaus.payments.constants import PaymentErrorCode
from rathaus.payments.errors import PaymentError
from rathaus.register.errors import RegisterError

SRC = Path(__file__).resolve().parents[2] / "src" / "rathaus"

# Exceptions that are not refusals of an operation a person asked for, hence not RathausErrors:
# a ciphertext that does not decrypt is a fault of the data, a payment platform's failure
# carries the platform's own code and whether it is transient.
NOT_REFUSALS = {"DecryptionError", "ProviderError"}


def test_every_application_error_class_derives_from_the_one_base():
    classes = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            # Only classes with a base: plain data classes (the procedures' ``AnswerError``)
            # are not exceptions.
            if isinstance(node, ast.ClassDef) and node.name.endswith("Error") and node.bases:
                bases = [getattr(base, "id", getattr(base, "attr", "")) for base in node.bases]
                classes[node.name] = bases
    assert {"CaseError", "PaymentError", "AppointmentError"} <= set(classes)
    offenders = {
        name: bases
        for name, bases in classes.items()
        if name not in NOT_REFUSALS and name != "RathausError" and bases != ["RathausError"]
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "error_class", [AppointmentError, AttachmentError, CaseError, DocumentError, PaymentError]
)
def test_each_app_error_is_a_rathaus_error_with_its_own_codes(error_class):
    assert issubclass(error_class, RathausError)
    code = next(iter(error_class.codes))
    error = error_class(code.value)  # a plain string becomes the enum member
    assert error.code is code
    assert str(error) == code.value


def test_register_error_is_a_rathaus_error():
    assert issubclass(RegisterError, RathausError)


def test_message_is_the_codes_label_in_the_active_language():
    error = AppointmentError(ErrorCode.SLOT_UNAVAILABLE, {"start": "09:00"})
    with translation.override("en"):
        assert error.message == "The chosen time is no longer available."
    with translation.override("de"):
        assert error.message == "Die gewählte Uhrzeit ist nicht mehr frei."
    assert error.details == {"start": "09:00"}


def test_message_fills_in_its_params():
    error = AttachmentError(AttachmentErrorCode.TOO_LARGE, max_size="10 MB")
    with translation.override("en"):
        assert error.message == "The file must be smaller than 10 MB."
    assert error.params == {"max_size": "10 MB"}


def test_an_unknown_code_is_refused_at_once():
    with pytest.raises(ValueError):
        CaseError("no_such_code")


def test_as_dict_is_the_api_error_format():
    error = CaseError(CaseErrorCode.GROUP_FULL, details={"max": 4})
    with translation.override("en"):
        body = error.as_dict()
    assert body == {
        "code": "group_full",
        "message": "No more entries can be added.",
        "details": {"max": 4},
    }


def test_every_router_maps_its_error_class_to_statuses():
    for entry in ROUTERS:
        for exception_path, statuses_path in entry.error_statuses.items():
            exception_class = import_string(exception_path)
            statuses = import_string(statuses_path)
            assert issubclass(exception_class, RathausError)
            assert set(statuses) <= set(exception_class.codes)
            assert all(400 <= status < 500 for status in statuses.values())


def test_the_api_answers_a_refusal_with_its_mapped_status_and_else_400(rf):
    api = api_build([], urls_namespace="test-errors")
    rathaus_error_handler_add(api, PaymentError, {PaymentErrorCode.NOT_PERMITTED: 403})
    request = rf.get("/api/v1/")
    refusal = PaymentError(PaymentErrorCode.NOT_PERMITTED, details={"reason": "four_eyes"})
    with translation.override("en"):
        mapped = api.on_exception(request, refusal)
        unmapped = api.on_exception(request, DocumentError(DocumentErrorCode.NOT_ISSUABLE))
        assert json.loads(mapped.content) == refusal.as_dict()
    assert mapped.status_code == 403
    assert refusal.as_dict()["details"] == {"reason": "four_eyes"}
    assert unmapped.status_code == 400
    assert json.loads(unmapped.content)["code"] == "not_issuable"
