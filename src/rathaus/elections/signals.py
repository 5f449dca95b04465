"""A change to an election reaches the application page of this process at once, and every other
process within ``ELECTION_CACHE_SECONDS`` (selectors.election_for_applicant)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Election
from .selectors import election_cache_clear


@receiver([post_save, post_delete], sender=Election)
def _election_changed(**kwargs):
    election_cache_clear()
