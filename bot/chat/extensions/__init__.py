"""The bot's features, one discord.py extension each, loaded by name (see `bot.chat.bot`).

No extension imports another: what several share lives in `bot.chat` beside this package.
"""
