"""Reading market commentary: prose -> claims of the :mod:`sizeup.claims` model.

The extraction is explainable: a lexicon of entities (:mod:`._entities`), a Lark grammar of
quantities and streaks (:mod:`._grammar`), period phrases resolved against the publication date
with dateparser (:mod:`._periods`) and assembly rules (:mod:`._extract`). Every claim records
the span it came from and how it was read; ambiguous phrases give one claim per reading;
numbers that match no form are listed as not understood.
"""

from __future__ import annotations

from sizeup.claims.extract._entities import ENTITIES, Entity
from sizeup.claims.extract._extract import (
    ExtractedClaim,
    Extraction,
    NotUnderstood,
    Sentence,
    extract_claims,
    split_sentences,
)
from sizeup.claims.extract._grammar import Quantity, Streak, parse_quantity, parse_streak
from sizeup.claims.extract._periods import Period, PeriodMention, find_periods
from sizeup.claims.extract._text import Document, to_document

__all__ = [
    "ENTITIES",
    "Document",
    "Entity",
    "ExtractedClaim",
    "Extraction",
    "NotUnderstood",
    "Period",
    "PeriodMention",
    "Quantity",
    "Sentence",
    "Streak",
    "extract_claims",
    "find_periods",
    "parse_quantity",
    "parse_streak",
    "split_sentences",
    "to_document",
]
