"""XML messages to other registration offices, and the schemas they are checked against."""
