"""The `newsdesk` command: ingest articles, ask and search them, run the Discord bot."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from bot.qa.types import Answer, Passage
from bot.settings import Settings, get_settings
from ingest.article import SHARED
from ingest.errors import NewsdeskError


def _date(value: str) -> date:
    """argparse type for YYYY-MM-DD dates."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        msg = f"{value!r} is not a date; use YYYY-MM-DD"
        raise argparse.ArgumentTypeError(msg) from None


def read_queries(path: Path) -> list[str]:
    """Questions from a file: one per line, or a JSON array of objects with a "query" field."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read the queries file {path}: {getattr(exc, 'strerror', None) or exc}"
        raise SystemExit(msg) from None
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            msg = f"{path}: malformed JSON at line {exc.lineno}: {exc.msg}"
            raise SystemExit(msg) from None
        if any(isinstance(item, dict) and "query" not in item for item in items):
            msg = f'{path}: every object in the JSON array needs a "query" field'
            raise SystemExit(msg)
        return [item["query"] if isinstance(item, dict) else str(item) for item in items]
    return [line.strip() for line in text.splitlines() if line.strip()]


def format_passages(passages: list[Passage]) -> str:
    """Ranked passages for the terminal."""
    lines = []
    for n, p in enumerate(passages, 1):
        when = p.published.isoformat() if p.published else "undated"
        lines.append(f"[{n}] {p.title} ({p.outlet}, {when}) score {p.score:.4f}")
        if p.url:
            lines.append(f"    {p.url}")
        lines.append("    " + p.text.replace("\n", "\n    "))
    return "\n".join(lines) or "No passages found."


def format_answer(answer: Answer) -> str:
    """An answer with its numbered sources and quoted passages, for the terminal."""
    lines = [answer.text]
    if answer.note:
        lines += ["", f"Note: {answer.note}"]
    if answer.citations:
        lines += ["", "Sources:" if answer.found else "Closest sources:"]
    for c in answer.citations:
        when = c.published.isoformat() if c.published else "undated"
        lines.append(
            f"[{c.number}] {c.title}. {c.outlet}, {when}." + (f" {c.url}" if c.url else "")
        )
        if c.quote and answer.found:
            lines.append(f"    > {c.quote}")
    return "\n".join(lines)


def _questions(args) -> list[str]:
    """The question given on the command line, or those of --queries-file."""
    if args.queries_file:
        return read_queries(Path(args.queries_file))
    if not args.text:
        raise SystemExit("give a question, or --queries-file FILE")
    return [args.text]


def cmd_ask_or_search(args, settings: Settings) -> int:
    """Answer (ask) or rank passages (search) for each question, as text or JSON lines."""
    from bot.compose import build_desk

    desk = build_desk(settings)
    options = {"since": args.since, "until": args.until, "source": args.source, "k": args.k}
    run: Callable = desk.ask if args.command == "ask" else desk.search
    for n, question in enumerate(_questions(args)):
        result = run(question, **options)
        if args.json:
            record = (
                result.as_json()
                if isinstance(result, Answer)
                else {"query": question, "results": [p.as_json() for p in result]}
            )
            print(json.dumps(record, ensure_ascii=False), flush=True)
            continue
        if n:
            print("\n" + "-" * 72)
        if args.queries_file:
            print(f"Q: {question}\n")
        print(format_answer(result) if isinstance(result, Answer) else format_passages(result))
    return 0


def cmd_ingest(args, settings: Settings) -> int:
    """Ingest files, folders, URLs and feeds; non-zero exit if anything failed."""
    from bot.compose import build_desk

    desk = build_desk(settings, bulk=True)
    report = desk.ingest(args.targets, progress=sys.stderr.isatty() or args.progress)
    print(report.summary())
    return 0 if report.ok else 1


def _scope(args) -> int:
    """The archive a command acts on: one server's (--server ID), else the shared one."""
    return args.server if args.server else SHARED


def cmd_sources(args, settings: Settings) -> int:
    """List the indexed articles of the shared archive, or of one server's."""
    from bot.compose import build_index

    index = build_index(settings)
    articles = index.keyword.articles(args.filter or "", args.limit, (_scope(args),))
    for a in articles:
        when = a.published.isoformat() if a.published else "undated"
        print(f"{a.article_id}  {when}  {a.outlet[:24]:24}  {a.title}")
    print(f"{len(articles)} article(s)", file=sys.stderr)
    return 0


def cmd_forget(args, settings: Settings) -> int:
    """Remove articles by id from the shared archive, or from one server's."""
    from bot.compose import build_desk
    from bot.qa.service import OtherArchive

    desk = build_desk(settings)
    scope = _scope(args)
    status = 0
    for article_id in args.article_ids:
        try:
            gone = desk.forget(article_id, scopes=(scope,), visible=None)
            print(f"forgot {article_id}: {gone.title}")
        except KeyError as exc:
            print(f"error: {exc.args[0]}", file=sys.stderr)
            status = 1
        except OtherArchive as exc:
            owner = exc.article.scope
            fix = f"add --server {owner}" if owner != SHARED else "leave out --server"
            print(f"error: {exc}: {fix} to forget it", file=sys.stderr)
            status = 1
    return status


def cmd_stats(args, settings: Settings) -> int:
    """Print the counts of the shared archive, or of one server's (with the index's vectors
    when that is the whole index)."""
    from bot.compose import build_index

    for key, value in build_index(settings).stats((_scope(args),)).items():
        print(f"{key:16} {value}")
    return 0


def cmd_audit(args, settings: Settings) -> int:
    """List the changes made to the archives, newest first: who, from where, what, when."""
    from bot.compose import build_index
    from bot.qa.service import archive_name

    entries = build_index(settings).audit.entries(args.server, args.limit)
    for e in entries:
        when = datetime.fromtimestamp(e.at, UTC).strftime("%Y-%m-%d %H:%M:%S")
        who = f"{e.actor} ({e.user_id})" if e.user_id else e.actor
        where = f" in server {e.server_id}" if e.server_id else ""
        article = f" {e.article_id}" if e.article_id else ""
        print(f"{when}  {who}{where}: {e.action}{article} “{e.subject}”, {archive_name(e.scope)}")
    print(f"{len(entries)} change(s)", file=sys.stderr)
    return 0


def cmd_check(args, settings: Settings) -> int:
    """Verify that the vector and keyword indexes agree; repair with --repair."""
    from bot.compose import build_index

    report = build_index(settings).check(repair=args.repair)
    print(
        f"orphan vectors {report.orphan_vectors}, missing vectors {report.missing_vectors}, "
        f"pending articles {len(report.pending_articles)}, "
        f"chunks without current sentence vectors {report.missing_sentence_vectors}"
    )
    if report.consistent:
        print("the indexes agree")
        return 0
    print("repaired" if report.repaired else "run `newsdesk check --repair` to repair")
    return 0 if report.repaired else 1


def cmd_run(args, settings: Settings) -> int:
    """Start the Discord bot."""
    from bot.compose import run_bot

    return run_bot(settings)


def cmd_summarize(args, settings: Settings) -> int:
    """Summarize an exported chat: its conversations, and per topic a recap, who took part and
    the messages the recap draws on."""
    from bot.summaries.chat_export import load_chat_export
    from bot.summaries.summarize import ChannelSummarizer, format_summary, summary_json
    from ingest.embed import Embedder

    messages = load_chat_export(args.file)
    summary = ChannelSummarizer(Embedder(settings.embedding_model)).summarize(messages)
    print(
        json.dumps(summary_json(summary), ensure_ascii=False)
        if args.json
        else format_summary(summary)
    )
    return 0


def cmd_feedback(args, settings: Settings) -> int:
    """List the 👍/👎 votes given to answers in Discord, newest first."""
    from bot.feedback import FEEDBACK_FILE, FeedbackStore

    votes = FeedbackStore(settings.data_dir / FEEDBACK_FILE).list(args.limit)
    for v in votes:
        print(f"{'+1' if v.vote > 0 else '-1'}  user {v.user_id}  Q: {v.question}")
        print(f"    A: {v.answer[:200]}")
    print(f"{len(votes)} vote(s)", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="newsdesk", description=__doc__)
    parser.add_argument("--data-dir", type=Path, help="index folder (NEWSDESK_DATA_DIR)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="add articles from files, folders, URLs or feeds")
    p.add_argument("targets", nargs="+", metavar="PATH_OR_URL")
    p.add_argument("--progress", action="store_true", help="show a progress bar even when piped")
    p.set_defaults(func=cmd_ingest)

    for name, text in (
        ("ask", "answer a question with cited sources"),
        ("search", "rank the passages that match a query"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("text", nargs="?", metavar="QUESTION")
        p.add_argument("--since", type=_date, help="only articles published on or after")
        p.add_argument("--until", type=_date, help="only articles published on or before")
        p.add_argument("--source", help="only articles from this outlet")
        p.add_argument(
            "-k", type=int, default=8 if name == "ask" else 10, help="passages to retrieve"
        )
        p.add_argument("--queries-file", help="one question per line, or a JSON array")
        p.add_argument("--json", action="store_true", help="one JSON object per line")
        p.set_defaults(func=cmd_ask_or_search)

    server = {
        "type": int,
        "metavar": "ID",
        "help": "act on the articles of this Discord server, not on the shared archive",
    }
    p = sub.add_parser("sources", help="list indexed articles")
    p.add_argument("filter", nargs="?", help="text in the title, outlet or url")
    p.add_argument("--limit", type=int)
    p.add_argument("--server", **server)
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("forget", help="remove articles by id (see `sources`)")
    p.add_argument("article_ids", nargs="+", metavar="ARTICLE_ID")
    p.add_argument("--server", **server)
    p.set_defaults(func=cmd_forget)

    p = sub.add_parser("stats", help="index counts")
    p.add_argument("--server", **server)
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("audit", help="list the changes made to the archives, newest first")
    p.add_argument("--server", type=int, metavar="ID", help="only those from or to this server")
    p.add_argument("--limit", type=int)
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("check", help="verify the vector and keyword indexes agree")
    p.add_argument("--repair", action="store_true", help="make them agree")
    p.set_defaults(func=cmd_check)

    sub.add_parser("run", help="start the Discord bot").set_defaults(func=cmd_run)

    p = sub.add_parser("summarize", help="summarize an exported chat (JSON)")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--json", action="store_true", help="one JSON object: topics and every conversation"
    )
    p.set_defaults(func=cmd_summarize)

    p = sub.add_parser("feedback", help="list the votes given to answers in Discord")
    p.add_argument("--limit", type=int)
    p.set_defaults(func=cmd_feedback)

    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `newsdesk` console script."""
    from bot.compose import configure_logging

    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    overrides = {"data_dir": args.data_dir} if args.data_dir else {}
    try:
        return args.func(args, get_settings(**overrides))
    except (NewsdeskError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
