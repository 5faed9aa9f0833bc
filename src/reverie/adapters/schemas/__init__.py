"""SchemaStore's JSON schemas for the agent settings files that ``reverie init`` edits (see NOTICE).

A package only so that ``importlib.resources`` finds the files in every kind of installation.
"""
