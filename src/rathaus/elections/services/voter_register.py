"""The voter register, replaced by a CSV import that reports each refused line."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core.audit import audit_event_record
from rathaus.register.selectors import person_match_digest

from ..models import District, Election, Voter
from ..selectors import birth_digest

CSV_COLUMNS = [
    "number",
    "district",
    "family_name",
    "given_names",
    "birth_date",
    "street",
    "house_number",
    "postal_code",
    "city",
]


@dataclass
class ImportReport:
    imported: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_removed: int = 0  # no longer in the import but holding an application
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    header_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.header_error


def _parse_date(value: str) -> datetime.date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _rows(text: str) -> tuple[list[str], list[tuple[int, dict]]]:
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] = []
    rows = []
    for values in reader:
        if not header:
            header = [h.strip().lower().lstrip("\ufeff") for h in values]
            continue
        if not any(v.strip() for v in values):
            continue
        rows.append((reader.line_num, values))
    return header, rows


def voter_register_import(*, election: Election, data: bytes, actor=None) -> ImportReport:
    """Replace the election's voter register by a CSV file (UTF-8, ``;`` or ``,``; header
    ``number;district;family_name;given_names;birth_date;street;house_number;postal_code;city``).

    Every line is checked; a refused line is reported with its number and reason and left out,
    the others are imported. Entries are found again by name and date of birth
    (``match_digest``): they keep their row, so applications and Wahlscheine stay attached; an
    entry missing from the new file is deleted, or, if it holds an application, kept and
    marked removed. All in one transaction: a failure leaves the old register as it was."""
    report = ImportReport()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.header_error = _("The file is not UTF-8 text.")
        return report
    header, rows = _rows(text)
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        report.header_error = _("The header line lacks the columns: %(columns)s.") % {
            "columns": ", ".join(missing)
        }
        return report
    index = {name: header.index(name) for name in CSV_COLUMNS}
    districts = {d.code: d for d in District.objects.filter(election=election)}
    seen_numbers: set[int] = set()
    seen_digests: set[str] = set()
    valid: list[dict] = []
    for line, values in rows:
        if len(values) < len(header):
            report.rejected.append((line, _("too few columns")))
            continue
        row = {name: values[i].strip() for name, i in index.items()}
        reason = ""
        empty = [n for n in CSV_COLUMNS if not row[n]]
        birth = _parse_date(row["birth_date"])
        if empty:
            reason = _("empty: %(columns)s") % {"columns": ", ".join(empty)}
        elif not row["number"].isdigit() or int(row["number"]) < 1:
            reason = _("the voter number is not a positive whole number")
        elif int(row["number"]) in seen_numbers:
            reason = _("the voter number appears twice in the file")
        elif row["district"] not in districts:
            reason = _("unknown polling district “%(code)s”") % {"code": row["district"][:10]}
        elif birth is None:
            reason = _("the date of birth is not a date (YYYY-MM-DD or DD.MM.YYYY)")
        elif not (len(row["postal_code"]) == 5 and row["postal_code"].isdigit()):
            reason = _("the postal code does not have five digits")
        elif len(row["family_name"]) > 120 or len(row["given_names"]) > 200:
            reason = _("a name is too long")
        if not reason:
            digest = person_match_digest(
                family_name=row["family_name"], given_names=row["given_names"], birth_date=birth
            )
            if digest in seen_digests:
                reason = _("the same person (name and date of birth) appears twice in the file")
        if reason:
            report.rejected.append((line, reason))
            continue
        seen_numbers.add(int(row["number"]))
        seen_digests.add(digest)
        valid.append({**row, "birth": birth, "digest": digest})

    with transaction.atomic():
        Election.objects.select_for_update().get(pk=election.pk)
        existing = {v.match_digest: v for v in Voter.objects.filter(election=election)}
        # Numbers are given anew: free them all first, so a swap does not hit the constraint.
        Voter.objects.filter(election=election).update(number=None)
        new, changed_plain = [], []
        for row in valid:
            voter = existing.pop(row["digest"], None)
            fields = {
                "family_name": row["family_name"],
                "given_names": row["given_names"],
                "birth_date": row["birth"],
                "street": row["street"],
                "house_number": row["house_number"],
                "postal_code": row["postal_code"],
                "city": row["city"],
            }
            if voter is None:
                new.append(
                    Voter(
                        election=election,
                        district=districts[row["district"]],
                        number=int(row["number"]),
                        match_digest=row["digest"],
                        birth_digest=birth_digest(row["birth"]),
                        **fields,
                    )
                )
                continue
            voter.number = int(row["number"])
            voter.district = districts[row["district"]]
            voter.removed_at = None
            if any(getattr(voter, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(voter, k, v)
                voter.save()
            else:
                changed_plain.append(voter)
            report.updated += 1
        Voter.objects.bulk_update(
            changed_plain, ["number", "district", "removed_at"], batch_size=1000
        )
        Voter.objects.bulk_create(new, batch_size=1000)
        report.created = len(new)
        gone = [v.pk for v in existing.values()]
        holding = set(
            Voter.objects.filter(pk__in=gone, applications__isnull=False).values_list(
                "pk", flat=True
            )
        ) | set(
            Voter.objects.filter(pk__in=gone, wahlscheine__isnull=False).values_list(
                "pk", flat=True
            )
        )
        Voter.objects.filter(pk__in=holding).update(removed_at=timezone.now())
        report.kept_removed = len(holding)
        report.removed = Voter.objects.filter(pk__in=set(gone) - holding).delete()[0]
        report.imported = len(valid)
        audit_event_record(
            action="elections.voter_register_imported",
            actor=actor,
            municipality=election.municipality,
            target=election,
            data={
                "imported": report.imported,
                "created": report.created,
                "rejected": len(report.rejected),
                "removed": report.removed,
            },
        )
    return report
