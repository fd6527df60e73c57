"""The Discord layer: the bot, one cog per feature, embeds, views and the error handler."""
