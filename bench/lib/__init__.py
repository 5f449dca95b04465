"""Building blocks of the benchmark harness: a production-like server and a load generator."""
