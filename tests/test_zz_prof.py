import cProfile, pstats, io, time
import pytest
from django.core.management import call_command

@pytest.mark.django_db(transaction=True)
def test_profile():
    t=time.perf_counter()
    pr=cProfile.Profile(); pr.enable()
    call_command("load_demo_data", stdout=io.StringIO())
    pr.disable()
    print("TOTAL", time.perf_counter()-t)
    s=io.StringIO(); pstats.Stats(pr,stream=s).sort_stats("cumulative").print_stats(35); print(s.getvalue()[:6000])
