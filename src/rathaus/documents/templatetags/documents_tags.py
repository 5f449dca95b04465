from django import template

from rathaus.cases.selectors import case_attachments

from ..selectors import case_issued_documents

register = template.Library()


@register.inclusion_tag("documents/case_files.html")
def case_files(case):
    """The case page's files: receipt, issued documents and attachments, each behind an access
    check in its download view."""
    return {
        "case": case,
        "documents": case_issued_documents(case=case),
        "attachments": case_attachments(case=case),
    }
