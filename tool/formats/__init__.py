"""Text formats of the knowledge base for other programs: iCalendar, ..."""
