"""Rückmeldung zur Barrierefreiheit: the feedback mechanism that the accessibility statement must
offer (§ 12b BGG, the Länder's equality acts, e.g. Schleswig-Holstein's LBGG). Every town has it,
whatever its catalogue offers; messages arrive as cases in the back office."""

import datetime

from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import Procedure

from .pages import FeedbackPage


class AccessibilityFeedback(Procedure):
    key = "barrierefreiheit-rueckmeldung"
    title = _("Accessibility feedback")
    description = _(
        "Tell the town about a barrier on this portal, or ask for information in an accessible "
        "form."
    )
    offered_everywhere = True
    pages = [FeedbackPage]
    account_required = False
    retention = datetime.timedelta(days=365)
    # The statement promises an answer within two weeks.
    target_days = 14
    next_steps = _(
        "We will look at your message and answer within two weeks if you gave us an e-mail "
        "address. Please keep your reference number for any questions."
    )
