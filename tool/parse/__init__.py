"""Text -> model, with positions. Nothing here opens a file."""
