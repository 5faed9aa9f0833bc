"""Closed word classes of English that the reader's features share: grammar, not phrasings."""

from __future__ import annotations


def words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that open a sentence without being its verb: the imperative test skips the first kind
# (discourse markers) and fails on the second (pronouns, determiners, auxiliaries, question words).
DISCOURSE = words_of(
    "ok okay so also and but please pls now then yes yeah no oh well hi hey actually wait just btw fyi"
)
NOT_VERBS = words_of(
    "a an the this that these those it its there here i we you he she they my our your their what why how which "
    "who whom whose when where is are was were be been am do does did can could would will should shall may "
    "might must has have had not no yes ok okay if for in on at with to from by of about into since until "
    "because as like all any every each some both many much more most just only also very really maybe "
    "before after whenever once unless "
    "next again still already great good nice thanks thank sorry "
    "<code> <path> <url> <num>"
)
