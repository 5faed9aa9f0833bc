"""Reading people's words: which sentences a person wrote are standing instructions, for where, and
how sure we are. A small linear model, trained on the labelled real corpus (``corpus/``), shipped as
``model.json`` and run in pure Python inside distill (never in a hook). See docs/reading.md.

* ``sentences``  the sentences a person wrote in a turn, without what they pasted
* ``features``   what the model sees of a sentence: its words, its shape, where it stands
* ``model``      the model at run time: probabilities per label, thresholds, the verdict
* ``corpus``     the labelled turns as one example per sentence; the training files' fingerprint
* ``learn``      logistic regression (with or without a grammar prior) and naive Bayes
* ``calibrate``  folds by repository, out-of-fold thresholds, the figures that judge a reading
* ``train``      ``python -m reverie.distill.reading.train corpus/turns/dev``
* ``evaluate``   ``python -m reverie.distill.reading.evaluate corpus/turns/holdout``
* ``agreement``  a second labeller against the first: kappa, sentence-level standing agreement by kind
"""
