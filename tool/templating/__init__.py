"""Templates: the sandboxed engine, where templates are found, and what they see."""
