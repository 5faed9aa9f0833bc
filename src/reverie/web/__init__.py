"""The review UI in a browser: server-rendered pages over one workspace (`reverie ui`).

* ``app``         ``create_app``: the Starlette app and its routes, mountable under a prefix
* ``security``    the one-time sign-in token, the session cookie, CSRF, security headers
* ``context``     what the handlers share: the workspace under a lock, templates, who decides
* ``browse``      overview, lessons, a lesson, a session's timeline
* ``dreams``      the dream list and a dream as a code review; decisions through ``review.decide``
* ``undo``        history with rollback, artifacts with remove and restore
* ``evalreport``  the report `reverie eval --report` wrote, with its plots
* ``views``       diffs and effects of changes, for the templates
* ``serve``       run it with uvicorn on loopback and print the sign-in URL
"""

from reverie.web.app import create_app
from reverie.web.security import Guard

__all__ = ["Guard", "create_app"]
