"""What the register's writes take: a person's data and an address."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PersonData:
    family_name: str
    given_names: str
    birth_date: datetime.date
    sex: str
    birth_name: str = ""
    birth_place: str = ""
    doctorate: str = ""
    nationalities: list[str] = field(default_factory=lambda: ["DE"])
    religion: str = ""


@dataclass(frozen=True)
class Address:
    street: str
    house_number: str
    postal_code: str
    city: str
    addition: str = ""
