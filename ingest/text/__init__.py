"""Words, dates and sentences: one copy of each, read the same way in articles and questions."""
