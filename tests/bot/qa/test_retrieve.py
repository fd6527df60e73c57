"""Hybrid retrieval over the real index: fusion, steering by outlet and date, diversity."""

from datetime import date

from langchain_core.documents import Document

from bot.qa import retrieve
from bot.qa.lc_retriever import NewsRetriever
from bot.qa.plan import OutletMention, QueryPlan
from bot.qa.retrieve import diversify, fuse, lead_with_outlets, rerank
from ingest.store.keyword import Filters, StoredArticle, StoredChunk


def test_fusion_rewards_agreement_between_rankings():
    """A chunk ranked well by both lists beats one ranked first by only one."""
    fused = fuse([["a", "b", "c"], ["b", "d", "a"]])
    assert list(fused)[:2] == ["b", "a"]
    assert set(fused) == {"a", "b", "c", "d"}


def test_diversify_caps_chunks_per_article_until_others_run_out():
    """At most per_article chunks of one article come first; the rest fill in afterwards."""
    fused = dict.fromkeys(["x1", "x2", "x3", "y1", "x4"], 1.0)
    article_of = {i: i[0] for i in fused}
    assert diversify(fused, article_of, 4, per_article=2) == ["x1", "x2", "y1", "x3"]


def test_diversify_brings_new_articles_before_second_chunks_past_the_lead(monkeypatch):
    """Past the lead (here the best four), each article not yet shown gets a place before a
    second chunk of one that is; within the lead, two chunks of one article may stand."""
    monkeypatch.setattr(retrieve, "LEAD", 4)
    order = ["a1", "a2", "b1", "c1", "b2", "d1", "c2", "e1"]
    article_of = {i: i[0] for i in order}
    got = diversify(dict.fromkeys(order, 1.0), article_of, 8, per_article=2)
    assert got == ["a1", "a2", "b1", "c1", "d1", "e1", "b2", "c2"]


def _chunk(chunk_id: str, outlet: str, text: str) -> StoredChunk:
    """A stored chunk of a one-chunk article from an outlet."""
    article = StoredArticle(chunk_id, chunk_id, outlet, None, None, None, "", "", 1, "ok", 0.0)
    return StoredChunk(chunk_id, 0, text, article)


def _two_outlet_plan() -> QueryPlan:
    """A question asking one thing of Alpha News and another of Beta Post."""
    return QueryPlan(
        text="Did Alpha News say the dam burst, while Beta Post said the bridge fell?",
        terms=("dam", "burst", "bridge", "fell"),
        phrases=(),
        outlets=(
            OutletMention(("Alpha News",), "Did say the dam burst, while"),
            OutletMention(("Beta Post",), "said the bridge fell?"),
        ),
    )


def test_rerank_judges_a_chunk_by_what_the_question_asks_of_its_outlet():
    """An Alpha News chunk answering Alpha's part beats one that answers Beta's part."""
    chunks = {
        "off": _chunk("off", "Alpha News", "The bridge fell on Monday."),
        "on": _chunk("on", "Alpha News", "The dam burst on Monday."),
    }
    scores = rerank(_two_outlet_plan(), {"off": 1.0, "on": 1.0}, chunks)
    assert list(scores) == ["on", "off"]


def test_rerank_prefers_the_question_words_side_by_side():
    """Of two sentences holding the same question words, the one that has them in the
    question's order, next to each other, ranks first."""
    plan = QueryPlan(
        text="Who was called the white horse of crypto?",
        terms=("called", "white", "horse", "crypto"),
        phrases=(),
    )
    chunks = {
        "apart": _chunk("apart", "Alpha News", "A white horse was called in; crypto fell."),
        "together": _chunk("together", "Alpha News", "Many called him the white horse of crypto."),
    }
    scores = rerank(plan, {"apart": 1.0, "together": 1.0}, chunks)
    assert list(scores) == ["together", "apart"]


def test_each_named_outlet_leads_with_its_best_chunk():
    """The best Beta Post chunk moves ahead of Alpha News's second best."""
    chunks = {
        "a1": _chunk("a1", "Alpha News", "The dam burst."),
        "a2": _chunk("a2", "Alpha News", "The dam was old."),
        "b1": _chunk("b1", "Beta Post", "The bridge fell."),
    }
    scores = {"a1": 3.0, "a2": 2.0, "b1": 1.0}
    assert list(lead_with_outlets(_two_outlet_plan(), scores, chunks)) == ["a1", "b1", "a2"]


def test_geneva_question_ranks_putin_articles_first(desk):
    """Both Putin articles outrank the Geneva glacier-talks distractor."""
    passages = desk.search("What did Putin say about the Geneva summit?", k=5)
    assert "Putin" in passages[0].title
    outlets = [p.outlet for p in passages[:2]]
    assert "Meridian Dispatch" not in outlets


def test_outlet_named_in_question_steers_retrieval(desk):
    """ "as reported by Meridian Dispatch" brings that outlet's article into the top results."""
    passages = desk.search("What talks were held in Geneva, as reported by Meridian Dispatch?", k=3)
    assert "Meridian Dispatch" in {p.outlet for p in passages}


def test_steering_searches_anew_when_the_pool_holds_too_little(desk, monkeypatch):
    """With a pool too shallow to hold the outlet's chunks, its rankings are searched anew."""
    monkeypatch.setattr(retrieve, "POOL", 1)
    retriever = desk.retriever
    plan = retriever.plan("What talks were held in Geneva, as reported by Meridian Dispatch?")
    _, rankings, _ = retriever._rankings(plan, Filters())
    outlet_chunks = desk.index.keyword.admitted_ids(Filters(outlets=("Meridian Dispatch",)))
    assert [len(r) for r in rankings[:2]] == [1, 1]
    for steered in rankings[2:]:
        assert steered and set(steered) <= set(outlet_chunks)
    assert len(rankings[2]) == min(retriever.candidates, len(outlet_chunks))


def test_dates_in_a_question_naming_an_outlet_steer_to_that_outlet(desk):
    """The ranking for "in 2023" keeps to Meridian Dispatch when the question names it."""
    retriever = desk.retriever
    plan = retriever.plan("What talks did Meridian Dispatch report in 2023?")
    _, rankings, _ = retriever._rankings(plan, Filters())
    outlet_chunks = set(desk.index.keyword.admitted_ids(Filters(outlets=("Meridian Dispatch",))))
    dated = rankings[4:]
    assert dated and all(r and set(r) <= outlet_chunks for r in dated)


def test_date_filters_restrict_results(desk):
    """--since and --until keep only articles published in the window."""
    passages = desk.search("news", since=date(2022, 1, 1), until=date(2022, 12, 31), k=10)
    assert passages
    assert all(date(2022, 1, 1) <= p.published <= date(2022, 12, 31) for p in passages)


def test_no_article_fills_more_than_its_share_of_the_top_ten(desk):
    """Diversification keeps one article from filling the results: at most PER_ARTICLE chunks
    of one article, unless too few articles match to fill ten places."""
    passages = desk.search("Putin Russia China United States relations", k=10)
    counts = {}
    for p in passages:
        counts[p.article_id] = counts.get(p.article_id, 0) + 1
    cap = retrieve.PER_ARTICLE
    assert max(counts.values()) <= cap or len(counts) * cap < len(passages)


def test_langchain_retriever_returns_documents_with_metadata(desk):
    """NewsRetriever plugs into LangChain: invoke() gives Documents with source metadata."""
    retriever = NewsRetriever(retriever=desk.retriever, k=3, filters=Filters())
    docs = retriever.invoke("Geneva summit")
    assert docs and all(isinstance(d, Document) for d in docs)
    assert {"title", "source", "published", "url", "score", "article_id"} <= set(docs[0].metadata)
    assert docs[0].page_content


def test_a_date_without_a_year_is_read_from_the_archives_newest_day(desk):
    """The demo archive ends on 2024-09-12: "on September 10" is that week, "on December 1"
    the December before it, whatever today's date."""
    assert desk.index.keyword.newest_published() == date(2024, 9, 12)
    [september] = desk.retriever.plan("What opened on September 10?").dates
    [december] = desk.retriever.plan("What was said on December 1?").dates
    assert september.bounds() == (date(2024, 9, 10), date(2024, 9, 10))
    assert december.bounds() == (date(2023, 12, 1), date(2023, 12, 1))
