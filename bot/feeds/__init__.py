"""Feeds the bot follows and the digests it posts: their schedule and their store."""
