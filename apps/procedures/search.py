"""Catalogue search: ranked, blind to diacritics and đ/d, with the same results on SQLite and PostgreSQL.

One folding function (``apps.core.folding.fold_text``) turns every text into the same words,
``[a-z0-9]+``, both when a procedure is indexed and when a query is read, so neither database
tokenises Vietnamese on its own. Each procedure has one ``ProcedureSearchEntry`` row: ``name`` (the
folded name) and ``extra`` (folded sector, code, competent agency and life events).

- SQLite: an FTS5 table ``procedures_search`` with that table as external content, kept in step by
  triggers, and an ``fts5vocab`` table over it for the list of indexed words.
- PostgreSQL: a generated ``tsvector`` column (``'simple'`` configuration: no stemming, no stop
  words) with a GIN index, a pg_trgm GIN index on ``name``; ``ts_stat`` lists the indexed words and
  pg_trgm's ``similarity`` measures how close a typo is to them.

A query is read in three steps, the same on both databases:

1. its words (at most ``MAX_WORDS``); every word matches as a word prefix, so a half-typed last
   word ("xay d") still finds "xây dựng";
2. a word that starts no indexed word is taken as a typo and replaced by the indexed words whose
   trigram similarity to it is at least ``MIN_SIMILARITY`` (pg_trgm on PostgreSQL, its Python twin
   ``similarity`` on SQLite; a PostgreSQL test checks they agree);
3. every word (or one of its corrections) must occur in the entry (FTS5 ``MATCH`` / ``@@``), and the
   matches are ordered by one portable expression over the folded name (exact name, name starting
   with the query, the query's words in a row, each word whole or as a prefix), then shorter names,
   then the folded name and code in binary order. The databases' own scores (bm25, ts_rank) are not
   used for the order: their formulas differ, and the two databases must list the same results.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import IntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate

from apps.core.folding import fold_text

MAX_QUERY_CHARS = 200
MAX_WORDS = 8
MIN_SIMILARITY = 0.3  # pg_trgm's default similarity threshold
MAX_CORRECTIONS = 3
_WORD = re.compile(r"[a-z0-9]+")


def search_words(text: str) -> list[str]:
    """The words of ``text`` as the index sees them: folded, ``[a-z0-9]+``."""
    return _WORD.findall(fold_text(text or ""))


def search_text(text: str) -> str:
    return " ".join(search_words(text))


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: padded with two spaces before and one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's ``similarity`` of two words: shared trigrams over all their trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    common = len(ta & tb)
    total = len(ta) + len(tb) - common
    return common / total if total else 0.0


# --- the index --------------------------------------------------------------------------------


def entry_texts(*, name: str, code: str, sector: str, agency: str, life_events: Iterable[str]) -> tuple[str, str]:
    """(name, extra) of a search entry."""
    return search_text(name), search_text(" ".join([sector, code, agency, *life_events]))


def procedure_texts(procedure, life_events: Iterable[str]) -> tuple[str, str]:
    """The (name, extra) a procedure's entry holds: its name, sector, code, competent agency, life events."""
    return entry_texts(
        name=procedure.name,
        code=procedure.code,
        sector=procedure.sector.name,
        agency=procedure.competent_agency.name if procedure.competent_agency_id else "",
        life_events=life_events,
    )


def search_entry_save(procedure) -> None:
    """Index ``procedure`` again (call it where the name, sector, agency or life events change)."""
    from .models import ProcedureSearchEntry

    name, extra = procedure_texts(procedure, procedure.life_events.values_list("name", flat=True))
    ProcedureSearchEntry.objects.update_or_create(procedure=procedure, defaults={"name": name, "extra": extra})


def search_entries_save(procedures: Iterable) -> None:
    """Index several procedures again (a sector or life event was renamed)."""
    for procedure in procedures:
        search_entry_save(procedure)


def search_index_rebuild() -> int:
    """Index every procedure from scratch; returns how many were indexed."""
    from .models import Procedure, ProcedureSearchEntry

    ProcedureSearchEntry.objects.all().delete()
    entries = []
    procedures = Procedure.objects.select_related("sector", "competent_agency").prefetch_related("life_events")
    for procedure in procedures.order_by("pk").iterator(chunk_size=1000):
        name, extra = procedure_texts(procedure, [event.name for event in procedure.life_events.all()])
        entries.append(ProcedureSearchEntry(procedure=procedure, name=name, extra=extra))
    ProcedureSearchEntry.objects.bulk_create(entries, batch_size=500)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO procedures_search(procedures_search) VALUES ('optimize')")
    return len(entries)


def search_index_refresh() -> int:
    """Index again every procedure whose entry no longer says what the catalogue says — an agency
    renamed by a reorganisation (the organizations app knows nothing of this index), or any change
    that reached the rows without the procedure actions; returns how many. Safe to run twice."""
    from .models import Procedure, ProcedureSearchEntry

    indexed = {pk: (name, extra) for pk, name, extra in ProcedureSearchEntry.objects.values_list("pk", "name", "extra")}
    stale = []
    procedures = Procedure.objects.select_related("sector", "competent_agency").prefetch_related("life_events")
    for procedure in procedures.order_by("pk").iterator(chunk_size=1000):
        if indexed.get(procedure.pk) != procedure_texts(procedure, [e.name for e in procedure.life_events.all()]):
            stale.append(procedure)
    for procedure in stale:
        search_entry_save(procedure)
    return len(stale)


# --- reading a query --------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    word: str  # as typed, folded
    known: bool  # some indexed word starts with it
    corrections: tuple[str, ...] = ()  # indexed words close to it, best first, when not known

    @property
    def used(self) -> str:
        """The word the ranking looks for: as typed, or its best correction."""
        return self.word if self.known or not self.corrections else self.corrections[0]


@dataclass(frozen=True)
class CatalogueQuery:
    text: str  # as typed, trimmed
    terms: tuple[Term, ...] = ()
    problem: str = ""  # why there is nothing to search for, in Vietnamese

    @property
    def is_empty(self) -> bool:
        return not self.text

    @property
    def can_match(self) -> bool:
        """False when some word is neither a prefix of an indexed word nor close to one."""
        return bool(self.terms) and all(t.known or t.corrections for t in self.terms)

    @property
    def corrected(self) -> list[tuple[str, str]]:
        """(typed, used instead) for each word read as a typo."""
        return [(t.word, t.used) for t in self.terms if not t.known and t.corrections]


def catalogue_query(text: str) -> CatalogueQuery:
    """Read what a person typed into the catalogue search (one or two queries to the index)."""
    text = " ".join((text or "").split())
    if len(text) > MAX_QUERY_CHARS:  # cut at a space, so no half word is searched as a prefix
        text = text[: MAX_QUERY_CHARS + 1].rsplit(" ", 1)[0][:MAX_QUERY_CHARS]
    if not text:
        return CatalogueQuery(text="")
    words = list(dict.fromkeys(search_words(text)))[:MAX_WORDS]
    if not words:
        return CatalogueQuery(
            text=text,
            problem=f"Từ khóa “{text}” không có chữ cái hay chữ số nào để tìm. "
            "Hãy nhập tên thủ tục, ví dụ “cấp giấy phép xây dựng”.",
        )
    backend = _backend()
    known = backend.known_prefixes(words)
    unknown = [w for w in words if w not in known]
    close = backend.close_words(unknown) if unknown else {}
    return CatalogueQuery(
        text=text,
        terms=tuple(Term(word=w, known=w in known, corrections=tuple(close.get(w, ()))) for w in words),
    )


def _best(candidates: Iterable[tuple[str, str, float]]) -> dict[str, list[str]]:
    ranked: dict[str, list[tuple[float, str]]] = {}
    for typed, word, score in candidates:
        if score >= MIN_SIMILARITY:
            ranked.setdefault(typed, []).append((-score, word))
    return {typed: [word for _, word in sorted(pairs)[:MAX_CORRECTIONS]] for typed, pairs in ranked.items()}


class _SQLite:
    def known_prefixes(self, words: Sequence[str]) -> set[str]:
        exists = "SELECT %s WHERE EXISTS (SELECT 1 FROM procedures_search WHERE procedures_search MATCH %s)"
        sql = " UNION ALL ".join([exists] * len(words))
        params = [p for w in words for p in (w, f'"{w}"*')]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0] for row in cursor.fetchall()}

    def close_words(self, words: Sequence[str]) -> dict[str, list[str]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT term FROM procedures_search_vocab")
            vocabulary = [row[0] for row in cursor.fetchall()]
        return _best((typed, word, similarity(word, typed)) for typed in words for word in vocabulary)

    def match(self, terms: Sequence[Term]) -> Q:
        groups = []
        for term in terms:
            options = [f'"{term.word}"*'] if term.known else [f'"{c}"' for c in term.corrections]
            groups.append("(" + " OR ".join(options) + ")")
        sql = "SELECT rowid FROM procedures_search WHERE procedures_search MATCH %s"
        # The match text is a parameter, and holds only quoted [a-z0-9] words and AND/OR.
        return Q(pk__in=RawSQL(sql, (" AND ".join(groups),)))  # noqa: S611

    binary_collation = "BINARY"


class _PostgreSQL:
    def known_prefixes(self, words: Sequence[str]) -> set[str]:
        sql = (
            "SELECT u.w FROM unnest(%s::text[]) AS u(w) WHERE EXISTS "
            "(SELECT 1 FROM procedures_proceduresearchentry e WHERE e.document @@ to_tsquery('simple', u.w || ':*'))"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(words)])
            return {row[0] for row in cursor.fetchall()}

    def close_words(self, words: Sequence[str]) -> dict[str, list[str]]:
        sql = (
            "SELECT u.w, s.word, similarity(s.word, u.w) FROM unnest(%s::text[]) AS u(w) "
            "CROSS JOIN ts_stat('SELECT document FROM procedures_proceduresearchentry') AS s "
            "WHERE similarity(s.word, u.w) >= %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(words), MIN_SIMILARITY])
            return _best(cursor.fetchall())

    def match(self, terms: Sequence[Term]) -> Q:
        groups = []
        for term in terms:
            options = [f"{term.word}:*"] if term.known else list(term.corrections)
            groups.append("(" + " | ".join(options) + ")")
        sql = "SELECT procedure_id FROM procedures_proceduresearchentry WHERE document @@ to_tsquery('simple', %s)"
        # The query text is a parameter, and holds only [a-z0-9] words, :*, | and &.
        return Q(pk__in=RawSQL(sql, (" & ".join(groups),)))  # noqa: S611

    binary_collation = "C"


def _backend() -> _SQLite | _PostgreSQL:
    if connection.vendor == "sqlite":
        return _SQLite()
    if connection.vendor == "postgresql":
        return _PostgreSQL()
    raise NotImplementedError(f"Tìm kiếm danh mục chưa hỗ trợ CSDL {connection.vendor}.")


def binary_order(field: str) -> Collate:
    """``field`` compared byte by byte on both databases (their default collations differ)."""
    return Collate(field, _backend().binary_collation)


_RANK_SQL = (
    "(SELECT ({score}) * 100000 - LENGTH(s.name) FROM procedures_proceduresearchentry s "
    'WHERE s.procedure_id = "procedures_procedure"."id")'
)
_PADDED = "(' ' || s.name || ' ')"


def rank_sql(words: Sequence[str]) -> tuple[str, list]:
    """The ranking of a match, as one SQL expression both databases compute alike, and its parameters.

    Higher is better: 16 for the exact name, 8 when the name starts with the words typed (4 when
    they stand in a row elsewhere), then for each word 2 when it is a whole word of the name and 1
    when it starts one; shorter names first among equals (the length is subtracted).
    """
    phrase = " ".join(words)
    parts = [
        "CASE WHEN s.name = %s THEN 16 ELSE 0 END",
        f"CASE WHEN {_PADDED} LIKE %s THEN 8 WHEN {_PADDED} LIKE %s THEN 4 ELSE 0 END",
    ]
    params: list = [phrase, f" {phrase}%", f"% {phrase}%"]
    for word in words:
        parts.append(f"CASE WHEN {_PADDED} LIKE %s THEN 2 WHEN {_PADDED} LIKE %s THEN 1 ELSE 0 END")
        params += [f"% {word} %", f"% {word}%"]
    return _RANK_SQL.format(score=" + ".join(parts)), params


def search_filter(queryset: QuerySet, query: CatalogueQuery) -> QuerySet:
    """``queryset`` (of procedures, not aliased) narrowed to the matches of ``query``, best first.

    A query that cannot match (a word neither known nor close to a known one) gives no rows
    without asking the index. The words are ``[a-z0-9]`` only, so they hold no LIKE wildcard.
    """
    if not query.can_match:
        return queryset.none()
    sql, params = rank_sql([t.used for t in query.terms])
    return (
        queryset.filter(_backend().match(query.terms))
        .annotate(search_rank=RawSQL(sql, params, output_field=IntegerField()))  # noqa: S611 (parameters only)
        .order_by("-search_rank", binary_order("search_entry__name"), binary_order("code"))
    )
