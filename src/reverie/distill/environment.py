"""Where the project runs, said as a fact: "staging runs on Fly.io, production is on AWS ECS", "local s3 is
minio from docker-compose, port 9000", "on my machine the binary is `godot4`", "the queue on staging and
prod is the database driver".

The subject is a place the code runs (staging, production, local, CI, the database, the cluster, the
person's machine) and the verb says how it is set up, in the present. What such a place is doing now
("staging is down since the deploy", "the tests are failing", "CI is red again") is the task at hand,
not a fact to keep. On the dev split of the real corpus this fires on no sentence (people there rarely
describe their setup in a prompt); on 17,349 sentences of unlabelled real prompts on one, which is right
("The backend is at http://...:3000 and uses JWT authentication"); on the written sets on six standing
facts and nothing else (docs/reading.md).
"""

from __future__ import annotations

import re

from reverie.distill import cues

__all__ = ["describes_setup"]

_PLACE = (
    r"(?:staging|production|prod|local(?:ly)?|ci|docker|the container|containers|the server|servers|the db|"
    r"the database|the cluster|my machine|the host|hosting|the queue|the broker|the backend|the frontend|s3|"
    r"redis|postgres|uat|the dev env|the test env|the test suite)"
)
_SETUP = re.compile(
    cues.JOINED_ON
    + r"(?:(?:on|in) )?(?:the |our |my )?"
    + _PLACE
    # up to four more words of the subject, none of them a verb ("the queue on staging and prod")
    # ("the server does not start" is a trouble, not how it is set up)
    + r"(?: (?!(?:is|are|was|were|has|have|had|does|do|did|not|doesn'?t|don'?t|won'?t|can'?t|cannot)\b)"
    r"[\w`'./:-]+){0,4}? "
    r"(?:is|are|runs?|lives?|sits?|uses?|starts?|deploys?|talks? to|points? at|listens? on|needs)\b"
    # what the place is doing now: the task at hand
    r"(?! (?:not |now |currently )?(?:failing|broken|down|up|empty|full|missing|wrong|slow|stuck|hanging|"
    r"returning|throwing|giving|showing|working|running|fine|ok|red|green|flaky|correct|passing)\b)",
    re.I,
)
_NOW = re.compile(
    r"\b(?:was|were|did|had|yesterday|just|now|currently|right now|still|again|keeps?|any ?more|no longer)\b", re.I
)


def describes_setup(sentence: str) -> bool:
    """The sentence says how a place the project runs is set up, in the present."""
    text = sentence.strip()
    return bool(_SETUP.match(text)) and not _NOW.search(text) and not text.endswith("?")
