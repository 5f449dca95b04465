"""Markup the back office renders in Python because the template engine's per-node cost made up
most of the inbox's rendering time (bench/README.md, "inbox"). Every value goes through
``html_format`` (``rathaus.core.html``), which escapes it exactly as ``{{ value }}`` does."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from rathaus.core.html import html_format

register = template.Library()

_ROW = (
    '\n    <tr class="kern-table__row">'
    '\n      <th scope="row" class="kern-table__cell">'
    '<a class="kern-link" href="{url}">{reference}</a></th>'
    '\n      <td class="kern-table__cell">{procedure}</td>'
    '\n      <td class="kern-table__cell">{applicant}</td>'
    '\n      <td class="kern-table__cell"><time datetime="{submitted_iso}">{submitted}</time></td>'
    '\n      <td class="kern-table__cell">{status}{badge}</td>'
    '\n      <td class="kern-table__cell">{assignee}</td>'
    '\n      <td class="kern-table__cell kern-table__cell--action">{action}'
    "\n      </td>"
    "\n    </tr>\n  "
)
_OVERDUE = (
    ' <span class="kern-badge kern-badge--danger kern-badge--small">'
    '<span class="kern-label">{}</span></span>'
)
_ASSIGN = (
    '\n        <button type="submit" form="bo-assign" formaction="{}"'
    ' class="kern-btn kern-btn--tertiary kern-btn--small"><span class="kern-label">{}'
    '<span class="rh-visually-hidden"> – {}</span></span></button>'
)


@register.simple_tag
def inbox_rows(rows) -> SafeString:
    """The inbox table's body rows, from the values the view prepared (``views.inbox``)."""
    overdue, you, assign = gettext("overdue"), gettext("you"), gettext("Assign to me")
    badge = html_format(_OVERDUE, overdue)
    html = []
    for row in rows:
        case = row["case"]
        if row["mine"]:
            assignee = you
        elif case.assignee:
            assignee = case.assignee
        else:
            assignee = "–"
        html.append(
            html_format(
                _ROW,
                url=row["url"],
                reference=case.reference,
                procedure=row["procedure"],
                applicant=case.applicant_name or "–",
                submitted_iso=row["submitted_iso"],
                submitted=row["submitted"],
                status=row["status"],
                badge=badge if row["overdue"] else "",
                assignee=assignee,
                action=""
                if row["mine"]
                else html_format(_ASSIGN, row["assign_url"], assign, case.reference),
            )
        )
    return mark_safe("".join(html))  # noqa: S308 - every part is built with html_format
