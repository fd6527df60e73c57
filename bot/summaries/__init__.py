"""Channel summaries: the conversations of a stretch of chat, and what each was about."""
