"""The static HTML digest: `tool digest` builds a site of the whole knowledge base."""
