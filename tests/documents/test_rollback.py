"""A document's PDF is written to the file store before its row: when the approval it belongs to
rolls back, the file goes with the row (core.storage.atomic_with_files)."""

import pytest
from django.db import transaction

from rathaus.cases import services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.documents.models import IssuedDocument
from tests.cases.conftest import GENERAL


class ApprovalFailed(Exception):
    """Something after the document, in the approval's transaction, went wrong."""


def _files(private_root) -> list[str]:
    folder = private_root / "documents"
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def failing_approval(procedure_variant):
    def on_approved(self, context):
        raise ApprovalFailed

    procedure_variant(GENERAL, on_approved=on_approved)


def _approve_failing(case, clerk) -> None:
    services.case_transition(case=case, to_status=CaseStatus.IN_REVIEW, actor=clerk)
    with pytest.raises(ApprovalFailed):
        services.case_approve(case=case, actor=clerk, text="Die Laterne wird repariert.")


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_approval_leaves_no_document_file(
    case, clerk, private_root, failing_approval
):
    _approve_failing(case, clerk)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_REVIEW
    assert not IssuedDocument.objects.exists()
    assert _files(private_root) == []


@pytest.mark.django_db
def test_an_approval_rolled_back_inside_a_larger_transaction_leaves_no_file(
    case, clerk, private_root, failing_approval, procedure_variant
):
    with transaction.atomic():
        _approve_failing(case, clerk)
        # The enclosing transaction goes on and commits: still nothing of the approval.
        assert not IssuedDocument.objects.exists()
        assert _files(private_root) == []
    procedure_variant(GENERAL, on_approved=lambda self, context: None)
    services.case_approve(case=case, actor=clerk, text="Die Laterne wird repariert.")
    document = IssuedDocument.objects.get(case=case)
    assert _files(private_root) == [document.storage_name.partition("/")[2]]
