from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import MunicipalityService, Service
from .selectors import offering_cache_clear


@receiver([post_save, post_delete], sender=Service)
@receiver([post_save, post_delete], sender=MunicipalityService)
def _offering_changed(**kwargs):
    offering_cache_clear()
