from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    """German states; the value is the ISO 3166-2 subdivision code used by the holidays package."""

    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


# The first two digits of the AGS (Amtlicher Gemeindeschlüssel) name the state.
AGS_STATE_PREFIX = {
    "01": State.SH,
    "02": State.HH,
    "03": State.NI,
    "04": State.HB,
    "05": State.NW,
    "06": State.HE,
    "07": State.RP,
    "08": State.BW,
    "09": State.BY,
    "10": State.SL,
    "11": State.BE,
    "12": State.BB,
    "13": State.MV,
    "14": State.SN,
    "15": State.ST,
    "16": State.TH,
}

AGS_INVALID = _(
    "The official municipality key (AGS) has exactly 8 digits, starting with a state "
    "code from 01 to 16."
)
AGS_STATE_MISMATCH = _("The AGS belongs to another state than the one chosen.")
