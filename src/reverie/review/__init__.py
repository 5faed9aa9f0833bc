"""Review: a dream's change-set becomes part of the store only through here.

* ``render``   the change-set as a code-review-like diff (and as JSON)
* ``decide``   approve, accept (only / except), discard, edit: approvals bound to content hashes,
               proposer is not approver, every decision audited
* ``apply``    accepted changes rebased onto the current head: the lesson versions written
* ``history``  store versions and the audit log; rollback as an audited pointer swap
* ``actor``    who is deciding: a person, a process inside an agent session, or the policy
* ``policy``   ``<home>/policy.toml``: which low-risk change types may be accepted unattended
* ``gate``     is the store a dream proposes worse than the one it read (label-free checks; labelled
               metrics through a ``Scorecard`` the caller hands in)
* ``proposals`` a person's promote / evolve as a change-set of its own, decided like a dream's
"""

from reverie.review.actor import Actor
from reverie.review.decide import Acceptance, NotApprover, accept, approve, discard, edit
from reverie.review.history import rollback
from reverie.review.policy import Policy

__all__ = ["Acceptance", "Actor", "NotApprover", "Policy", "accept", "approve", "discard", "edit", "rollback"]
