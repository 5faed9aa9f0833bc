"""The application layer: every use case that the edges offer, with what has to follow it done once.

The CLI, the MCP server, the web UI, the loop and the demo call these; they never run a stage and its
follow-up steps themselves. A use case takes the workspace, who is asking (``review.actor``) and the
command line the audit log should show, and returns what happened; turning that into words or JSON is
the edge's job.

* ``capture``    a finished agent run into the store (import, spool, distill, index)
* ``lessons``    distill (with a model, or not), remember, forget (an agent's become proposals)
* ``models``     the model behind distill: backend choice, token budget, cooldown, usage ledger
* ``dreams``     run a dream (gate, policy auto-accept), accept, reject, discard, roll back: what
                 happens when a dream is accepted is in this module's docstring
* ``proposals``  what agents propose, a person's promote / evolve, and the decision on each
* ``artifacts``  compile, remove, restore
* ``evals``      the real-corpus replay (rules or a model as the reader) and the scorecard
* ``recall``     the follow-up of every change to the lessons (the recall index), outcome tracking
* ``authority``  the actor check and the audit entry every change leaves
"""
