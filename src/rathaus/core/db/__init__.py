"""Database backends of Rathaus: Django's own, with a cheaper connection health check."""
