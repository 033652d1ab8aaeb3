"""The static HTML digest: `tool digest` builds a site of the whole knowledge base."""

# A build writes `.<output>.new-<pid>-<random>/` beside its output, then swaps it in (and
# the old site out through `.<output>.old-...`); a killed build leaves them behind.
TEMP_KINDS = ("new", "old")
