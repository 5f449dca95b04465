"""§18a BMG Meldedatensatz: the citizen's own register data as a machine-readable file (JSON,
documented in docs/meldedatensatz.md), free, verifiable on /pruefen/ by its hash."""
