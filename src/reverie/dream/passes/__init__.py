"""The built-in dream passes, in the order the registry runs them (``reverie.dream.registry``):

* ``expiry``          false persistence: one-offs past their validity, unconfirmed single-session candidates
* ``staleness``       lessons whose command now fails here, and active lessons nobody confirmed for long
* ``dedupe``          near-duplicates (lexical: ``reverie.dream.wording``) merge into the strongest
* ``contradictions``  active lessons that disagree: time-ordered evidence supersedes, otherwise held for a person
* ``promotion``       the same lesson learned in two projects, or stated as general, goes global; a global
                      lesson a project contradicts is proposed for that project only
* ``evolution``       repeated or severe never/always lessons -> rule or hook; repeated workflows -> command
* ``stated``          candidates from the person's own words, said once: proposed for a person to make active

``edits`` holds the lesson edits they share (retire, merge evidence, rescore).
"""
