from django import forms
from django.contrib import admin

from rathaus.accounts.admin_scope import MunicipalityScopedAdmin

from .models import Payment, PaymentAttempt, PaymentLedgerEntry, ProviderConfig
from .providers.registry import provider_choices


class ProviderConfigForm(forms.ModelForm):
    client_secret = forms.CharField(widget=forms.PasswordInput(render_value=False), required=False)

    class Meta:
        model = ProviderConfig
        fields = [
            "provider_key",
            "base_url",
            "token_url",
            "originator_id",
            "endpoint_id",
            "client_id",
            "client_secret",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_key"] = forms.ChoiceField(choices=provider_choices())

    def clean_client_secret(self):
        # An empty field keeps the stored secret; the secret is never shown again.
        value = self.cleaned_data.get("client_secret")
        if not value and self.instance.pk:
            return self.instance.client_secret
        return value


@admin.register(ProviderConfig)
class ProviderConfigAdmin(MunicipalityScopedAdmin):
    form = ProviderConfigForm
    list_display = ["municipality", "provider_key", "is_active", "updated_at"]


class LedgerInline(admin.TabularInline):
    model = PaymentLedgerEntry
    extra = 0
    can_delete = False
    readonly_fields = [
        "from_status",
        "to_status",
        "kind",
        "source",
        "provider_transaction_id",
        "actor",
        "note",
        "created_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


class AttemptInline(admin.TabularInline):
    model = PaymentAttempt
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "provider_transaction_id",
        "requested_amount",
        "platform_status",
        "is_final",
        "booking",
        "created_at",
        "last_checked_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(MunicipalityScopedAdmin):
    list_display = ["kassenzeichen", "municipality", "amount", "status", "needs_clerk_attention"]
    list_filter = ["status", "needs_clerk_attention"]
    readonly_fields = [f.name for f in Payment._meta.fields if f.name != "fee_waived_reason"]
    inlines = [AttemptInline, LedgerInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
