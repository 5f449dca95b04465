"""Demo hints for the back office (the demo cases themselves come from ``cases.demo``)."""

from __future__ import annotations


def login_lines(*, host: str, port: str) -> list[str]:
    del host  # the towns are reached under their own *.localhost names
    return [
        "",
        "Back office (log in as staff first; each town's inbox shows its demo cases):",
        f"  Norderstedt  http://norderstedt.localhost:{port}/verwaltung/",
        f"  Reinbek      http://reinbek.localhost:{port}/verwaltung/",
        "  Statistics /verwaltung/statistik/ (team lead, admin); "
        "access log /verwaltung/zugriffsprotokoll/ (admin)",
    ]
