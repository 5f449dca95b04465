"""Abmeldung (§17(2) BMG): only for moving abroad or giving up a secondary residence, at the
earliest one week before moving out; identity by eID or by the alternative proof of §23(6) BMG
checked by a clerk; the register is updated on approval and a confirmation issued."""
