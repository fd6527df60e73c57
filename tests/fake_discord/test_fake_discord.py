"""End-to-end checks of the loopback Discord with a real discord.py bot."""

from __future__ import annotations

import asyncio
import io
import time
from datetime import UTC, datetime, timedelta

import discord
import pytest
from discord import app_commands
from discord.ext import commands
from discord.http import Route

from tests.fake_discord import FakeDiscord, Perm, interactions, start_client

TOPICS = ["economy", "elections", "energy", "sports"]


class Confirm(discord.ui.View):
    """A one-button view; pressing it rewrites the message."""

    @discord.ui.button(label="Confirm", custom_id="confirm")
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content=f"confirmed by {interaction.user.name}")


def make_bot(*, message_content: bool = True) -> commands.Bot:
    """A small bot with one app command per interaction kind the fake must support."""
    intents = discord.Intents.default()
    intents.members = True
    intents.message_content = message_content
    bot = commands.Bot(command_prefix="!", intents=intents)
    tree = bot.tree

    @tree.command(description="Answer a question")
    async def ask(interaction: discord.Interaction, question: str) -> None:
        embed = discord.Embed(title="Answer", description=f"You asked: {question}")
        await interaction.response.send_message(embed=embed)

    @tree.command(description="Answer after thinking")
    async def slow(interaction: discord.Interaction, question: str) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send(f"Thought about {question}")

    @tree.command(description="Answer, then revise the answer")
    async def draft(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("draft")
        await interaction.edit_original_response(content="final")
        original = await interaction.original_response()
        await interaction.followup.send(f"revised {original.id}", ephemeral=True)

    @tree.command(description="Answer too late")
    async def ponder(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.2)
        await interaction.response.send_message("done")

    @tree.command(description="Only you can see this")
    async def secret(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("just for you", ephemeral=True)

    @tree.command(description="Ask for confirmation")
    async def vote(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Confirm?", view=Confirm(timeout=30))

    @tree.command(description="Pick a topic")
    async def topic(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(f"topic {name}")

    @topic.autocomplete("name")
    async def topic_names(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=t, value=t) for t in TOPICS if t.startswith(current)]

    @tree.command(description="Echo a file")
    async def upload(interaction: discord.Interaction, file: discord.Attachment) -> None:
        data = await file.read()
        echo = discord.File(io.BytesIO(data), filename="echo.txt")
        await interaction.response.send_message(f"{file.filename}: {len(data)} bytes", file=echo)

    admin = app_commands.Group(name="admin", description="Editor tools")

    @admin.command(description="Who can see a channel")
    async def check(
        interaction: discord.Interaction, channel: discord.TextChannel, member: discord.Member
    ) -> None:
        if not interaction.permissions.manage_guild:
            await interaction.response.send_message("You need Manage Server.", ephemeral=True)
            return
        me = channel.guild.me
        await interaction.response.send_message(
            f"{member.name} sees: {channel.permissions_for(member).view_channel}; "
            f"bot reads history: {channel.permissions_for(me).read_message_history}; "
            f"app here: {interaction.app_permissions.read_message_history}"
        )

    tree.add_command(admin)

    async def summarize(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(f"{message.author.name} said: {message.content}")

    tree.add_command(app_commands.ContextMenu(name="Summarize", callback=summarize))

    @bot.listen()
    async def on_message(message: discord.Message) -> None:
        if message.author.bot or bot.user not in message.mentions:
            return
        await message.add_reaction("👀")
        thread = await message.create_thread(name="Answer")
        replying_to = message.reference.message_id if message.reference else None
        async with thread.typing():
            await thread.send(f"You asked: {message.clean_content} (replying to {replying_to})")

    return bot


async def test_login_reaches_ready_with_the_guild(fake_discord: FakeDiscord) -> None:
    """A real client logs in, identifies, and caches the guild, its channels and members."""
    world = fake_discord.world
    bot = make_bot()
    await start_client(fake_discord, bot)

    assert bot.user.id == fake_discord.bot.id
    assert bot.application_id == fake_discord.application_id
    guild = bot.get_guild(world.guild.id)
    assert {c.name for c in guild.text_channels} == {"general", "news"}
    assert guild.get_member(world.admin.id).guild_permissions.manage_guild
    assert (await bot.application_info()).owner.id == fake_discord.owner.id
    paths = [r.path for r in fake_discord.requests.items]
    assert paths[:2] == ["/users/@me", "/oauth2/applications/@me"]
    assert [m.id for m in await guild.query_members("rea")] == [world.member.id]


async def test_a_second_guild_and_a_team(fake_discord: FakeDiscord) -> None:
    """A second guild is cached with its own cast and answers slash commands there; a team
    owning the application makes its members the bot's owners."""
    other = fake_discord.add_guild("Harbourside")
    developer = fake_discord.state.add_user("developer")
    fake_discord.team = [fake_discord.owner, developer]
    bot = make_bot()
    await start_client(fake_discord, bot)
    await bot.tree.sync()

    guild = bot.get_guild(other.guild.id)
    assert guild.owner_id == other.owner.id != fake_discord.owner.id
    assert guild.get_member(other.admin.id).guild_permissions.manage_guild
    assert not guild.get_member(other.member.id).guild_permissions.manage_guild
    handle = fake_discord.slash(
        "ask", {"question": "here?"}, user=other.member, channel=other.general
    )
    assert handle.payload["guild_id"] == str(other.guild.id)
    assert (await handle.message())["channel_id"] == str(other.general.id)
    assert await bot.is_owner(developer) and await bot.is_owner(fake_discord.owner)
    assert not await bot.is_owner(other.owner)


async def test_command_sync_is_captured(fake_discord: FakeDiscord) -> None:
    """tree.sync() for a guild and globally stores the commands with ids."""
    guild = fake_discord.world.guild
    bot = make_bot()
    await start_client(fake_discord, bot)
    bot.tree.copy_global_to(guild=discord.Object(guild.id))

    synced = await bot.tree.sync(guild=discord.Object(guild.id))
    await bot.tree.sync()

    names = {c["name"] for c in fake_discord.synced_commands(guild)}
    assert {"ask", "slow", "admin", "Summarize"} <= names
    assert {c.name for c in synced} == names
    assert {c["name"] for c in fake_discord.synced_commands()} == names
    admin = next(c for c in fake_discord.synced_commands(guild) if c["name"] == "admin")
    assert admin["options"][0]["name"] == "check"
    handle = fake_discord.slash("ask", {"question": "synced?"})
    assert handle.payload["data"]["guild_id"] == str(guild.id)
    assert (await handle.message())["embeds"][0]["description"] == "You asked: synced?"


async def test_slash_command_answered_with_an_embed(fake_discord: FakeDiscord) -> None:
    """A slash command's callback carries the embed; the message lands in the channel."""
    bot = make_bot()
    await start_client(fake_discord, bot)

    handle = fake_discord.slash("ask", {"question": "Who won?"})
    callback_type, data = await handle.response()
    message = await handle.message()

    assert callback_type == 4
    assert data["embeds"][0]["description"] == "You asked: Who won?"
    assert message["embeds"][0]["title"] == "Answer"
    assert fake_discord.channel_messages(fake_discord.world.general)[-1] is message


async def test_defer_then_followup_replaces_the_thinking_message(fake_discord: FakeDiscord) -> None:
    """defer(thinking=True) then followup.send() ends as one answered original message."""
    bot = make_bot()
    await start_client(fake_discord, bot)

    handle = fake_discord.slash("slow", {"question": "rates"})
    message = await handle.message()

    assert handle.callback_type == 5
    assert message["content"] == "Thought about rates"
    assert handle.followups == [message]
    assert message["flags"] == 0


async def test_edits_and_followups_are_tracked(fake_discord: FakeDiscord) -> None:
    """Editing and fetching the original response, and an ephemeral follow-up, are recorded."""
    general = fake_discord.world.general
    bot = make_bot()
    await start_client(fake_discord, bot)

    handle = fake_discord.slash("draft")
    edit = await fake_discord.wait_for(
        lambda r: r.method == "PATCH" and r.path.endswith("/messages/@original")
    )
    followup = await handle.followup()
    original = await handle.message()
    await bot.get_channel(general.id).get_partial_message(int(original["id"])).delete()

    assert handle.edits == [edit.json]
    assert original["content"] == "final" and original["edited_timestamp"]
    assert followup["content"] == f"revised {original['id']}" and followup["flags"] == 64
    assert fake_discord.channel_messages(general) == []


async def test_ephemeral_response_stays_out_of_the_channel(fake_discord: FakeDiscord) -> None:
    """An ephemeral reply is flagged 64 and not stored in the channel history."""
    bot = make_bot()
    await start_client(fake_discord, bot)

    handle = fake_discord.slash("secret")
    message = await handle.message()

    assert handle.ephemeral
    assert message["content"] == "just for you"
    assert fake_discord.channel_messages(fake_discord.world.general) == []


async def test_button_click_reaches_the_view(fake_discord: FakeDiscord) -> None:
    """A component interaction on the bot's message runs the view's button callback."""
    world = fake_discord.world
    bot = make_bot()
    await start_client(fake_discord, bot)
    message = await fake_discord.slash("vote").message()

    click = fake_discord.click(message, "confirm", user=world.admin)
    callback_type, data = await click.response()

    assert callback_type == 7
    assert data["content"] == "confirmed by admin"
    assert fake_discord.channel_messages(world.general)[-1]["content"] == "confirmed by admin"


async def test_autocomplete_returns_choices(fake_discord: FakeDiscord) -> None:
    """An autocomplete interaction gets the bot's filtered choices back."""
    bot = make_bot()
    await start_client(fake_discord, bot)

    choices = await fake_discord.autocomplete("topic", {"name": "e"}, focused="name").choices()

    assert [c["value"] for c in choices] == ["economy", "elections", "energy"]


async def test_message_context_menu_gets_the_target(fake_discord: FakeDiscord) -> None:
    """A message context-menu command resolves its target message."""
    world = fake_discord.world
    bot = make_bot()
    await start_client(fake_discord, bot)
    target = fake_discord.add_past_message(
        world.general, world.admin, "Rates rise", at=datetime.now(UTC)
    )

    message = await fake_discord.message_command("Summarize", target).message()

    assert message["content"] == "admin said: Rates rise"
    assert message["type"] == 23


async def test_attachment_option_is_resolved_and_files_upload(fake_discord: FakeDiscord) -> None:
    """An attachment option downloads from the fake, and a multipart reply stores the file."""
    bot = make_bot()
    await start_client(fake_discord, bot)
    file = fake_discord.attachment("notes.txt", "hello world")

    message = await fake_discord.slash("upload", {"file": file}).message()

    assert message["content"] == "notes.txt: 11 bytes"
    assert message["attachments"][0]["filename"] == "echo.txt"
    assert message["attachments"][0]["size"] == 11


async def test_permissions_are_visible_to_the_bot(fake_discord: FakeDiscord) -> None:
    """Overwrites and role permissions reach the bot: interaction and channel permissions."""
    world = fake_discord.world
    bot = make_bot()
    await start_client(fake_discord, bot)
    fake_discord.set_permissions(world.news, world.member, deny=Perm.VIEW_CHANNEL)
    fake_discord.set_permissions(world.news, world.bot, deny=Perm.READ_MESSAGE_HISTORY)
    options = {"channel": world.news, "member": world.member}

    refused = await fake_discord.slash("admin check", options, user=world.member).message()
    allowed = fake_discord.slash("admin check", options, user=world.admin, channel=world.news)

    assert refused["content"] == "You need Manage Server." and refused["flags"] == 64
    assert (await allowed.message())["content"] == (
        "reader sees: False; bot reads history: False; app here: False"
    )
    with pytest.raises(discord.Forbidden):
        [m async for m in bot.get_channel(world.news.id).history(limit=1)]


async def test_mention_is_answered_in_a_new_thread(fake_discord: FakeDiscord) -> None:
    """A reply mentioning the bot gets a thread from that message and an answer inside it."""
    world = fake_discord.world
    bot = make_bot()
    await start_client(fake_discord, bot)
    earlier = fake_discord.add_past_message(
        world.general, world.admin, "Story", at=datetime.now(UTC)
    )

    asked = fake_discord.user_message(
        world.general, world.member, f"{fake_discord.bot.mention} why?", reply_to=earlier
    )
    answer = await fake_discord.wait_for_bot_message()
    thread = fake_discord.channel(answer["channel_id"])

    assert thread.id == int(asked["id"])
    assert asked["reactions"][0]["emoji"]["name"] == "👀"
    assert thread.parent is world.general and thread.is_thread
    assert answer["content"] == f"You asked: @newsdesk why? (replying to {earlier['id']})"


async def test_history_pages_like_discord(fake_discord: FakeDiscord) -> None:
    """channel.history() pages through past messages from many users, by time."""
    world = fake_discord.world
    authors = [world.admin, world.member, world.owner]
    start = datetime(2024, 5, 1, tzinfo=UTC)
    for i in range(120):
        at = start + timedelta(minutes=i)
        fake_discord.add_past_message(world.news, authors[i % 3], f"m{i}", at=at)
    bot = make_bot()
    await start_client(fake_discord, bot)
    channel = bot.get_channel(world.news.id)

    everything = [m async for m in channel.history(limit=None)]
    after = [m async for m in channel.history(after=start + timedelta(minutes=9.5), limit=3)]
    before = [m async for m in channel.history(before=start + timedelta(minutes=2.5))]

    assert [m.content for m in everything[:3]] == ["m119", "m118", "m117"]
    assert len(everything) == 120
    assert {m.author.name for m in everything} == {"admin", "reader", "owner"}
    assert [m.content for m in after] == ["m10", "m11", "m12"]
    assert [m.content for m in before] == ["m2", "m1", "m0"]


async def test_gateway_drop_resumes_and_the_bot_keeps_answering(fake_discord: FakeDiscord) -> None:
    """After a resumable close the client RESUMEs, gets missed events once, and still answers."""
    world = fake_discord.world
    bot = make_bot()
    resumed = asyncio.Event()
    seen: list[str] = []

    async def on_resumed() -> None:
        resumed.set()

    async def record(message: discord.Message) -> None:
        seen.append(message.content)

    bot.add_listener(on_resumed)
    bot.add_listener(record, "on_message")
    await start_client(fake_discord, bot)
    session = fake_discord.gateway.session

    drop = asyncio.create_task(fake_discord.drop_gateway())
    await asyncio.sleep(0)  # the socket is detached: this message waits for the RESUME
    fake_discord.user_message(world.news, world.member, "during the outage")
    await drop
    message = await fake_discord.slash("ask", {"question": "still there?"}).message()

    await asyncio.wait_for(resumed.wait(), 1)
    assert fake_discord.gateway.session is session
    assert fake_discord.gateway.resumes == 1
    assert seen == ["during the outage"]
    assert message["embeds"][0]["description"] == "You asked: still there?"


async def test_a_second_client_can_log_in_after_the_first(fake_discord: FakeDiscord) -> None:
    """Closing a client and starting another on the same fake gives a fresh session."""
    first = await start_client(fake_discord, make_bot())
    old_session = fake_discord.gateway.session
    await first.close()

    await start_client(fake_discord, make_bot())
    message = await fake_discord.slash("ask", {"question": "again"}).message()

    assert fake_discord.gateway.session is not old_session
    assert message["embeds"][0]["description"] == "You asked: again"


async def test_heartbeats_arrive_on_time(fake_discord: FakeDiscord) -> None:
    """The client heartbeats every interval; a blocked event loop shows as a missed beat."""
    fake_discord.gateway.heartbeat_interval_ms = 100
    bot = make_bot()
    await start_client(fake_discord, bot)

    await asyncio.sleep(0.55)
    healthy = fake_discord.missed_heartbeats(tolerance=1.0)
    time.sleep(0.4)  # blocks the loop, as a synchronous model call would
    await asyncio.sleep(0.15)

    assert len(fake_discord.gateway.heartbeat_gaps()) >= 4
    assert healthy == []
    assert fake_discord.max_heartbeat_gap() > 0.35
    assert fake_discord.missed_heartbeats(tolerance=1.0)


async def test_invalid_embed_is_rejected_and_reported(fake_discord: FakeDiscord) -> None:
    """An embed title over 256 characters fails OpenAPI validation: a 400 and a failure."""
    bot = make_bot()
    await start_client(fake_discord, bot)
    route = Route(
        "POST", "/channels/{channel_id}/messages", channel_id=fake_discord.world.general.id
    )

    with pytest.raises(discord.HTTPException) as raised:
        await bot.http.request(route, json={"embeds": [{"title": "x" * 300}]})

    assert (raised.value.status, raised.value.code) == (400, 50035)
    [failure] = fake_discord.take_failures()
    assert "embeds/0/title" in failure and "maxLength 256" in failure


async def test_overlong_content_is_rejected_and_reported(fake_discord: FakeDiscord) -> None:
    """Content over Discord's 2000 characters is rejected although the spec allows 4000."""
    bot = make_bot()
    await start_client(fake_discord, bot)

    with pytest.raises(discord.HTTPException):
        await bot.get_channel(fake_discord.world.general.id).send("x" * 2001)

    [failure] = fake_discord.take_failures()
    assert "2001 characters" in failure


async def test_a_late_interaction_response_is_reported(
    fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Answering after Discord's response window fails like Discord: 10062, and a failure."""
    monkeypatch.setattr(interactions, "RESPONSE_WINDOW", 0.1)
    bot = make_bot()
    await start_client(fake_discord, bot)

    fake_discord.slash("ponder")
    callback = await fake_discord.wait_for(lambda r: r.path.endswith("/callback"))

    assert (callback.status, callback.response["code"]) == (404, 10062)
    [failure] = fake_discord.take_failures()
    assert "answered after" in failure


async def test_unknown_route_is_reported(fake_discord: FakeDiscord) -> None:
    """A route the fake does not serve answers 404 and is recorded as a failure."""
    bot = make_bot()
    await start_client(fake_discord, bot)
    route = Route("GET", "/guilds/{guild_id}/audit-logs", guild_id=fake_discord.world.guild.id)

    with pytest.raises(discord.NotFound):
        await bot.http.request(route)

    [failure] = fake_discord.take_failures()
    assert failure.startswith("GET /guilds/") and "no such route" in failure


async def test_message_content_needs_the_intent(fake_discord: FakeDiscord) -> None:
    """Without the message content intent the bot sees content only when mentioned."""
    world = fake_discord.world
    bot = make_bot(message_content=False)
    seen: asyncio.Queue[str] = asyncio.Queue()

    async def record(message: discord.Message) -> None:
        seen.put_nowait(message.content)

    bot.add_listener(record, "on_message")
    await start_client(fake_discord, bot)

    fake_discord.user_message(world.news, world.member, "hello")
    fake_discord.user_message(world.news, world.member, f"{fake_discord.bot.mention} hi")
    answer = await fake_discord.wait_for_bot_message()

    assert await asyncio.wait_for(seen.get(), 1) == ""
    assert await asyncio.wait_for(seen.get(), 1) == f"<@{fake_discord.bot.id}> hi"
    assert answer["content"].startswith("You asked: @newsdesk hi")


async def test_world_changes_reach_a_running_client(fake_discord: FakeDiscord) -> None:
    """Channels, roles and members added after login are dispatched to the client."""
    bot = make_bot()
    await start_client(fake_discord, bot)
    joined = asyncio.Event()

    async def on_member_join(member: discord.Member) -> None:
        joined.set()

    bot.add_listener(on_member_join)

    channel = fake_discord.add_text_channel("sports")
    role = fake_discord.add_role("Moderators", Perm.MANAGE_MESSAGES)
    member = fake_discord.add_member("mod", roles=[role])
    await asyncio.wait_for(joined.wait(), 1)

    guild = bot.get_guild(fake_discord.world.guild.id)
    assert guild.get_channel(channel.id).name == "sports"
    assert guild.get_member(member.id).guild_permissions.manage_messages


async def test_fetch_routes_return_what_discord_py_parses(fake_discord: FakeDiscord) -> None:
    """The fetch_* REST routes answer in shapes discord.py accepts."""
    world = fake_discord.world
    bot = make_bot()
    await start_client(fake_discord, bot)
    past = fake_discord.add_past_message(world.news, world.admin, "old", at=datetime.now(UTC))

    channel = await bot.fetch_channel(world.news.id)
    guild = await bot.fetch_guild(world.guild.id)
    channels = await guild.fetch_channels()
    member = await guild.fetch_member(world.admin.id)
    user = await bot.fetch_user(world.member.id)
    message = await channel.fetch_message(int(past["id"]))
    shards, url, _ = await bot.http.get_bot_gateway()

    assert (channel.name, guild.name, member.name, user.name) == (
        "news",
        "Newsroom",
        "admin",
        "reader",
    )
    assert {c.name for c in channels} == {"general", "news"}
    assert message.content == "old" and message.author.id == world.admin.id
    assert (shards, url) == (1, fake_discord.gateway_url)


async def test_bot_can_start_and_join_a_thread(fake_discord: FakeDiscord) -> None:
    """A thread created without a message becomes a channel the bot can post in."""
    bot = make_bot()
    await start_client(fake_discord, bot)
    channel = bot.get_channel(fake_discord.world.news.id)

    thread = await channel.create_thread(name="digest", type=discord.ChannelType.public_thread)
    await thread.join()
    await thread.send("first")

    assert fake_discord.channel(thread.id).parent is fake_discord.world.news
    assert [
        m["content"] for m in fake_discord.channel_messages(fake_discord.channel(thread.id))
    ] == ["first"]
