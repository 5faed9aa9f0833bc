"""The parts of the scripted model server: scripts, the two wire formats, and recorded exchanges.

Use it through ``reverie.llms.scripted_server``, which re-exports what tests and users need.
"""
