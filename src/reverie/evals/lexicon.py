"""The grammar of what people say to coding agents, for the scenario generator.

Rules are named by the frame they realise. Slots (``<new>``, ``<old>``, ``<thing>``, ...) are filled
by the caller with protected values. The rules are written the way people write in issue threads
and chat, not the way an extractor would like them: hedges, reasons, frustration, one-off
qualifiers, scope cues in several positions, and many frames where the key verb ("use", "don't") is
absent. None of this is shared with reverie.distill, and it must stay that way (docs/eval.md).
"""

from __future__ import annotations

from reverie.evals.phrasing import Grammar

RULES: dict[str, tuple[str, ...]] = {
    # -- "use NEW, not OLD" and its many cousins -----------------------------------------------
    "use_instead": (
        "{use|use|please use|go with|stick with|run|we use} <new>{,| -| —|} not <old>",
        "<new>, not <old>",
        "<new> not <old>",
        "it's <new> {here|in this codebase|these days}, not <old>",
        "{don't|dont|do not|pls don't|never} {use|run|reach for} <old>{,|.| -} {use|it's|we use|always} <new>",
        "why {are you using|did you use|use} <old>? {it's|we use|should be} <new>",
        "<old> {doesn't|won't|does not} work {here|on this machine|in this repo}{,|.|;} {use|try|it's} <new>",
        "{wrong tool|wrong command|nope|no no}{,|.| -} <new> {please|instead|not <old>}",
        "{instead of|rather than} <old>{,|} {use|run|go with} <new>",
        "<old> is {the wrong one|not what we use|legacy|dead|gone}{,|.|;} {it's|use|we're on} <new> {now|these days|}",
        "we {switched|moved|migrated} {to|over to} <new>{,| -|;} {<old> is gone|no more <old>|<old> won't work|}",
        "{replace|swap} <old> with <new> {whenever you run it|every time|}",
        "{next time|from now on|going forward}{,|} <new> {rather than|instead of|over} <old>",
        "{I|i} {told you|said|mentioned} {before|already|earlier}{,|:|} <new>{, not| instead of| not} <old>",
    ),
    "fact_is": (
        "{this repo|this project|the project|we|this codebase} {uses|is on|runs on|standardised on} <new>",
        "{fyi|btw|heads up|just so you know|for the record}{,|:| -} {we use|it's|this repo uses} <new>",
        "{the right way|the way} to {do that|run it} {here|in this repo} is <new>",
        "<new> is what we {use|run} {here|for this|in this repo}",
        "{remember|keep in mind|note}{:|,|} <new> {is the command|is how we do it|}",
    ),
    "changed_to": (
        "{we|I} {moved|switched|migrated} {from <old> to <new>|to <new> from <old>} {last week|yesterday|this morning|"
        "a couple days ago|recently|}",
        "{heads up|fyi|note}{:|,|} {the repo|the project|this repo} {is on|uses|moved to} <new> now{,|;|.} <old> "
        "{is gone|was removed|no longer works|won't work anymore}",
        "{as of today|since the last merge|after the migration}{,|} it's <new>, not <old>",
        "{things changed|that changed|this changed}{:|,|.|;} <new> {now|from now on|going forward}, not <old>",
        "<old> {is out|got ripped out|was dropped}{,|;|.} {we're on|use|it's} <new> now",
    ),
    "never_touch": (
        "{never|don't|do not|pls don't|please don't|dont} {edit|touch|modify|hand-edit|change} <thing>",
        "<thing> {is|are} generated{,|.|;| -} {don't|never|do not} edit {it|them|by hand}{,|.| -} "
        "{run|regenerate with|use} <fix>",
        "{leave|keep your hands off} <thing>{,| -|.} {it's|that's} generated {code|output|}",
        "{hands off|stay out of} <thing>{!|.|,} {regenerate with <fix> instead|use <fix>|}",
        "{why did you|you just|you} {edit|edited|touched|changed} <thing>{?|!|.} "
        "{that's|it's} {generated|not hand-written}{,|.|} "
        "{use|run} <fix>",
    ),
    "style_is": (
        "{use|we use|please use|it's|indent with|format with} <new>{,| -|} not <old>",
        "<new> {please|pls|thanks|}{,|.| -} not <old>",
        "{this repo|this project|this codebase|the code here} {uses|is} <new>",
        "{wrong|nope|no}{,|.| -} {we use|it's|should be} <new> {here|in this repo|}",
        "<old>? {we use|it's|should be} <new>",
    ),
    "change_mind": (
        "{actually|hmm actually|ok change of plan|on second thought|scratch that}{,|} {let's|we'll|I want to} "
        "{go with|use|switch to} <new> {from now on|going forward|instead|} {rather than|instead of|not} <old>",
        "{I changed my mind|changed my mind|we decided|the team decided}{:|,|.| -} "
        "<new>{, not| instead of| over} <old>",
        "{forget|ignore} {what I said about|my earlier comment about|the} <old>{,|.|;} {use|go with|it's} <new> {now|}",
    ),
    "stop_trying": (
        "{stop|please stop|quit|don't keep} {trying to|attempting to} <thing>{,|.| -|;} "
        "{it|that} {breaks|broke|kills} <what>",
        "{we|I} {tried|already tried} {to <thing>|that} {before|last month|twice}{,|;|.| -} {it|that} {breaks|broke} "
        "<what>{,|.|;} {don't|do not|dont} {bother|go there|do it again}",
        "{don't|do not|dont|never} <thing>{,|.|;| -} <what> {breaks|falls over|blows up}",
        "<thing> {is a dead end|doesn't work|won't work|never works}{,|.| -} {it|that} {breaks|broke} <what>",
        "{revert that|undo that|roll that back}{.|,|!} {we can't|you can't|don't} <thing>{,|.|;| -} "
        "<what> {breaks|dies}",
    ),
    "hazard_tip": (
        "{yeah|yep|ah|right}{,|} {that|this} {always happens|happens every time|is a known thing|bites everyone} "
        "{here|with <old>|in this repo|}{,|.|;| -} {run|use|do|just run} <new> {instead|first|}",
        "<old> {always|usually|} {fails|breaks|dies} {like that|that way|here}{,|.|;} {you need|use|run} <new>",
        "{known issue|that's expected|classic}{:|,|.| -} <new>",
    ),
    "prefer": (
        "{I prefer|I'd rather|I like|please use} <new> {over|to|instead of|rather than} <old>",
        "<new> {please|pls|}{,|.| -} {not|no} <old>",
        "{always|} <new>{,|.} {never|not|no} <old>",
        "{can you|could you|pls|please} {stop|quit} {using|adding|putting} <old>{?|,|.} <new> {is what I want|please|}",
    ),
    "no_thing": (
        "{no|never|don't add|don't put|stop adding|pls no} <thing> {please|pls|ok|}",
        "{I hate|I really don't like|I don't want|please never add} <thing>",
        "{can you|could you|pls} {not|stop} {add|adding|put|putting} <thing>{?|.|}",
        "{again|once more|for the last time}{,|:|} {no|never|without} <thing>",
        "{leave out|drop|remove} <thing>{,|.| -} {I|we} {don't|do not} {do that|want that|like that}",
    ),
    "one_off": (
        "<qualifier>{,|} <action>",
        "<action> <qualifier>",
        "{let's|can you|pls|please|ok,} <action> <qualifier>{,| -|.} {we'll fix it properly later|not a habit|"
        "normally we wouldn't|}",
        "<action> {(|- }<qualifier>{)|}",
    ),
    "qualifier": (
        "just this once",
        "for now",
        "today",
        "this time",
        "for this PR",
        "temporarily",
        "until the fix lands",
        "only for this branch",
        "just for today",
        "for the moment",
        "only this time",
    ),
    # -- scope cues ------------------------------------------------------------------------------
    "cue_project": (
        "in this repo",
        "here",
        "for this project",
        "in this project",
        "in <project>",
        "for <project>",
        "in this codebase",
    ),
    "cue_global": (
        "everywhere",
        "in all my projects",
        "in every repo",
        "across all repos",
        "in general",
        "globally",
        "for all projects",
        "in any repo",
        "no matter the project",
    ),
    # -- repeated corrections ----------------------------------------------------------------
    "again": (
        "{I told you|I already told you|I said|as I said|like I said} {before|last time|already|}{,|:| -|}",
        "{again|AGAIN|once again}{,|:|}",
        "{how many times|ugh|sigh}{,|.|?|...}",
        "{we've been over this|we went through this}{.|,|-}",
    ),
    "polite_open": ("please", "pls", "could you", "can you", "hey,", "ok so", "hi!", "quick one:", "so", "alright,"),
    "polite_close": ("thanks", "thx", "ty", "thank you!", "cheers", "🙏", "please", "if you can"),
}


TASK_RULES: dict[str, tuple[str, ...]] = {
    "task": (
        "{add|implement|wire up} {pagination|a --dry-run flag|retry with backoff|caching|input validation} "
        "{to|for|in} <file>",
        "{fix|look into|debug|investigate} "
        "{the failing test in|the crash in|the off-by-one in|the flaky test for} <file>",
        "{refactor|clean up|simplify} <symbol> in <file>{, it's getting messy| so it's testable|}",
        "{rename|move} <symbol> {to <symbol>_v2|into its own module|out of <file>}",
        "{write|add} {a test|tests|a regression test} for <symbol>",
        "the <module> {page|endpoint|job|export} {crashes|is slow|returns 500s|hangs} when {the input is empty|"
        "there are more than 1000 rows|the user has no email}{,|.|} {can you look|any idea why|pls fix}",
        "{update|extend} the docs for <module>{ and the changelog|}",
        "{can you|pls|please} {make|get} <symbol> {handle None|async|thread-safe|return a dataclass}",
        "{bump|update} the version {and cut a release|for the <module> fix|}",
        "{what does|explain what|walk me through what} <symbol> {do|does}{?|}",
    ),
    "ordinary_docs": (
        "{read|skim|check} the {README|contributing guide|setup docs} and {set up the env|get the project running|"
        "tell me how to run it}",
        "{how do I|how do we} {set this project up|run this locally|get started here}{?|}",
        "{first|before anything}{,|} {read|look at} the {README|docs} {pls|please|}",
    ),
    "ordinary_issue": (
        "{what's|what is} issue #<n> {about|asking for}{?|} {can you fix it|take a look|}",
        "{pick up|work on|have a look at} #<n>{ pls| please|}",
        "{summarise|summarize} issue <n> {for me|and propose a fix|}",
    ),
    "ordinary_web": (
        "{look up|check|find out} how {the <module> API|their rate limits|pagination in that API|the webhook "
        "signature} {works|is supposed to work}{ on their docs site|}",
        "{can you|pls} {read|fetch} <url> and {tell me|summarise} what {changed|we need to do}",
    ),
    "ordinary_paste": (
        "{CI is failing|the build broke|deploy failed|this blew up} {with this|again}{,|:|.} {can you look|any idea|"
        "help}{?|}",
        "{got this|seeing this|this is what I get} {when I run it|from the pipeline|in the logs}{:|}",
    ),
}
GRAMMAR = Grammar({**RULES, **TASK_RULES})
