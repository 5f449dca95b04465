from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Municipality, MunicipalityHost
from .selectors import municipality_cache_clear


@receiver([post_save, post_delete], sender=Municipality)
@receiver([post_save, post_delete], sender=MunicipalityHost)
def _municipality_changed(**kwargs):
    municipality_cache_clear()
