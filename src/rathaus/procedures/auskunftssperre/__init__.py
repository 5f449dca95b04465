"""Auskunftssperre (§51 BMG): applied for online with reasons and evidence, decided by a clerk;
approval blocks every information about the person for two years; a reminder before it ends."""
