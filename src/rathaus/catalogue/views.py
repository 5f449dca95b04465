from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def service_list(request):
    return render(request, "catalogue/service_list.html")
