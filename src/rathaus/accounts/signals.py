from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import StaffMembership, User
from .selectors import staff_choices_cache_clear


@receiver([post_save, post_delete], sender=User)
@receiver([post_save, post_delete], sender=StaffMembership)
def _staff_changed(**kwargs):
    staff_choices_cache_clear()
