"""Parse and validation caches that only keep small documents.

The caches are LRUs of ``maxsize`` entries; keeping only documents of at most
``MAX_CACHED_CHARS`` characters bounds their memory to about ``maxsize`` x that (plus the
parsed tree of a document that size), whatever clients send. Larger documents (allowed up to
the request body limit) are parsed and validated every time.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import ParserCache, ValidationCache

MAX_CACHED_CHARS = 8 * 1024
CACHE_ENTRIES = 256


def _small(query: str | None) -> bool:
    return query is not None and len(query) <= MAX_CACHED_CHARS


class SmallDocumentParserCache(ParserCache):
    def __init__(self) -> None:
        super().__init__(maxsize=CACHE_ENTRIES)

    def on_parse(self) -> Iterator[None]:
        if _small(self.execution_context.query):
            yield from super().on_parse()
        else:
            yield  # Strawberry parses it, uncached


class SmallDocumentValidationCache(ValidationCache):
    def __init__(self) -> None:
        super().__init__(maxsize=CACHE_ENTRIES)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if _small(context.query) and not context.pre_execution_errors:  # not refused already
            yield from super().on_validate()
        else:
            yield
