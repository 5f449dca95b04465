"""Übermittlungssperren (§42(3), §50(1), §50(2) BMG and objections under Land law): a registered
person sets and revokes their objections online; the register is updated at once."""
