"""Meldebescheinigung (§18 BMG): a certificate of registration, electronic at once and free
(§18(3)), or printed and sent by post for the catalogue's fee."""
