"""The disk edge: find the root, read regular files, write safely, cache, load."""
