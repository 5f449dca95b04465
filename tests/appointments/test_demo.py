import pytest

from rathaus.appointments import demo
from rathaus.appointments.models import Office, OpeningHours, Slot

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent(towns):
    demo.load()
    counts = (Office.objects.count(), OpeningHours.objects.count(), Slot.objects.count())
    demo.load()
    assert counts == (Office.objects.count(), OpeningHours.objects.count(), Slot.objects.count())
    assert counts[0] == 2
    assert counts[2] > 100
    assert set(Office.objects.values_list("municipality__slug", flat=True)) == {
        "norderstedt",
        "reinbek",
    }


def test_demo_lines_name_the_appointment_pages():
    lines = "\n".join(demo.login_lines(host="localhost", port="8000"))
    assert "http://norderstedt.localhost:8000/termine/" in lines
    assert "/termine/anzeige/buergerbuero/" in lines
