from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm

from .constants import VERIFY_UPLOAD_MAX_BYTES


class CodeForm(KernForm):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The code is printed on the document, for example ABCD-EFGH-JKLM-NPQR."),
        error_messages={"required": _("Enter the verification code.")},
    )


class VerifyUploadForm(KernForm):
    document = forms.FileField(
        label=_("PDF file of the document"),
        help_text=_("The file is only compared with the issued document and not stored."),
        error_messages={"required": _("Select the PDF file you want to check.")},
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > VERIFY_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large to be an issued document."))
        return upload
