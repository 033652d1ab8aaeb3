"""Rules: records and settings in, problems or to-do items out. Pure: no disk, no rendering."""
