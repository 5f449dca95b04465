from django import template

from ..selectors import case_attachments, issued_documents_titled

register = template.Library()


@register.inclusion_tag("cases/case_files.html")
def case_files(case):
    """The case page's files: receipt, issued documents and attachments, each behind an access
    check in its download view."""
    return {
        "case": case,
        "documents": issued_documents_titled(case=case),
        "attachments": case_attachments(case=case),
    }
