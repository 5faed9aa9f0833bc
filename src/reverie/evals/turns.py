"""One real user turn written into a Claude Code transcript through the channel it was typed in.

Claude Code records what a person types in four places, and the importer must meet each as it is:

* ``prompt``: a plain ``user`` record;
* ``answer``: the result of the agent's ``AskUserQuestion`` tool ("User has answered your questions:
  "Q"="A" ..."), with the structured answers in ``toolUseResult``;
* ``denial``: the result of a refused tool call ("The user doesn't want to proceed with this tool
  use. ... the user said:\\n<feedback>");
* ``interrupt``: "[Request interrupted by user]", then the follow-up prompt.

``before`` (the agent's words just before the turn) becomes the agent's text that precedes it. Both
the real-corpus replay (``real``) and the scenario generator use this, so the two speak one format.
Nothing here knows how distill reads it.
"""

from __future__ import annotations

from reverie.evals.transcript import ToolOutcome, TranscriptWriter

QUESTION = "How should I proceed?"
_ANSWERED = (
    'User has answered your questions: "{question}"="{answer}". You can now continue with the user\'s answers in mind.'
)
_REFUSED = (
    "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, "
    "the new_string was NOT written to the file). To tell you how to proceed, the user said:\n{feedback}"
)


def write_turn(writer: TranscriptWriter, channel: str, text: str, before: str, *, file_path: str) -> None:
    """The person's turn ``text`` after the agent's ``before``, in ``channel`` (see the module docstring)."""
    if channel == "answer":
        question = " ".join(before.split())[-200:] or QUESTION
        tool_input = {"questions": [{"question": question, "header": "Question", "multiSelect": False, "options": []}]}
        (tool_use_id,) = writer.assistant(calls=(("AskUserQuestion", tool_input),))
        outcome = ToolOutcome(
            _ANSWERED.format(question=question, answer=text),
            structured={**tool_input, "answers": {question: text}},
        )
        writer.result(tool_use_id, "AskUserQuestion", outcome)
        return
    if channel == "denial":
        edit = {"file_path": file_path, "old_string": "", "new_string": "..."}
        (tool_use_id,) = writer.assistant(before, calls=(("Edit", edit),))
        writer.result(tool_use_id, "Edit", ToolOutcome(_REFUSED.format(feedback=text), is_error=True))
        return
    if before:
        writer.assistant(before)
    if channel == "interrupt":
        writer.interrupted()
    writer.prompt(text)


def agent_works(writer: TranscriptWriter, file_path: str) -> None:
    """The agent does something between two turns (reads a file): a later turn is not an opening request."""
    writer.call("Read", {"file_path": file_path}, ToolOutcome("     1\t", structured={"type": "text"}))
