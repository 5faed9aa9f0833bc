"""When grammar says plainly how long an instruction lasts, it decides; the model reads the rest.

The reading model (``reading``) is trained on a few dozen standing instructions from real sessions,
so it ranks well but is rarely sure enough to make a lesson active at once. Some sentences say their
duration in their grammar, in any project and phrasing, and a reviewer would accept them as standing
without a second sighting:

* an instruction with a habitual quantifier or a standing frame: "Always wait until CI is green
  before merging", "Never commit to main", "Please run mix format before every commit", "From now on,
  use pnpm", "By default, ...", "In this repo, ...";
* a convention that names a tool for a kind of work: "Use ruff for linting.";
* a corrected fact with its contrast: "the default branch is master, not main";
* a choice between two named things: "use `pnpm`, not `npm`", "pytest instead of unittest";
* an instruction of a kind, not of the moment: under a condition of a kind ("When fixing a bug, first
  write a failing test"), a habit of the team or the agent ("we always squash", "you must never push
  to main"), an obligation on every member of a kind ("each migration should be reversible", "commit
  messages should follow conventional commits", "type hints are required"), or any other rule about
  every thing of a kind (``kinds``: "avoid global variables", "keep functions under 50 lines", "don't
  mock the network in tests", "branch names follow feature/<ticket>");
* a statement under a scope frame: "In this repo, fixtures live in tests/fixtures", or an item of a
  list the person announced as rules ("Ground rules:" then "- use yarn").

A rule amid a pasted specification (a turn of more than 30 sentences) is left to the model by the caller
(``statements``). How a rule is framed around it (a lead-in, a sentence pointing back, a rejection of what
the agent did) is read by ``frames``; here, in ``duration``'s steps: said in reply to the agent, a habit,
how the project is (``how_it_is``), an instruction said to last, a rule of a kind (``kinds``) or a named
place.

And some say they are bounded ("for now", "this time", "just once", "today", "temporarily"): those
last the session whatever else they say. Everything here is generic English grammar (habit, frame,
purpose, contrast), not phrasing taken from the eval generator; a test keeps the overlap small.
"""

from __future__ import annotations

import re
from enum import StrEnum

from reverie.distill import changes, commands, cues, how_it_is, kinds, replies
from reverie.distill.project_facts import MANAGERS
from reverie.distill.reading.grammar import DISCOURSE, NOT_VERBS

# "always"/"never" count only where they open the instruction ("Always run ...", "Never commit ...");
# further in, they usually describe what the program should do ("remove -o and always write to X").
_LEADING_HABIT = re.compile(r"^(?:(?:please|and|also|so)[\s,]+)*(?:(?:i|we|let'?s) )?(?:always|never)\b", re.I)
# "Always pass `encoding=`", "Never log tokens": any verb after a leading always/never is an instruction.
_OPENS_WITH_HABIT = re.compile(r"^(?:(?:please|and|also|so)[\s,]+)*(?:always|never)\s+(?!mind\b)[a-z]", re.I)
_HABIT = re.compile(
    r"\b(?:whenever|every ?time|each time|from now on|by default|in (?:the )?future|"
    r"going forward|moving forward|from here on(?: out)?|henceforth|no matter what|"
    r"(?:before|after) (?:every|each|any) \w+|"
    r"on (?:every|each|any) (?:commit|push|merge|release|deploy|pr|pull request|build|change|save)|"
    r"every single|at all times|no longer|anymore|any more(?=\s*(?:$|[.,;!]))|"
    r"(?:unless|until) (?:i|we) say otherwise|unless (?:i|we) (?:explicitly |specifically )?(?:ask|say so|tell you)|"
    # a standing permission: "Don't remove dead code unless asked", "only use macros if explicitly requested"
    r"unless (?:explicitly |specifically )?(?:asked|told|instructed|requested)\b|"
    r"if (?:explicitly|specifically) (?:asked|told|instructed|requested)\b|"
    r"with (?:every|each) (?!one\b|time\b|of\b)[\w-]+|"
    r"for (?:every|each) (?:new |\w+ )?(?:command|commit|change|pr|pull request|release|feature|fix|session|"
    r"prompt|request|message|iteration|response|reply)\b|"
    # a schedule: "update the status file every 2 hours", "run the audit every morning"
    r"(?:every|each) (?:\d+ |other |single )?(?:minute|hour|day|week|month|morning|evening|night|sprint)s?\b|"
    # a distributive rule: "one concern per PR", "a single assertion per test"
    r"(?:one|a single|at most \w+|no more than \w+) [\w-]+(?: [\w-]+)? per (?!(?:the|this|that|it)\b)[a-z][\w-]*|"
    r"throughout (?:the )?(?:development|project|codebase)|"
    # a recurring step of the work, not the task at hand: "before committing", "after you push"
    r"before (?:you |we )?(?:say|report|claim|declare|mark|call|tell|telling)\w*\b[^,.]{0,30}\b"
    r"(?:done|finished|complete|ready)|"
    r"before (?:you )?(?:hand|handing|give|giving) (?:it|this|that|anything|something|the \w+) back\b|"
    r"(?:before|after|when|whenever) (?:you |we )?(?:commit|push|merg|deploy|releas|publish|tagg?)\w*"
    r"(?! (?:it|this|that)\b))\b",
    re.I,
)
# "Before you say it's done, ...": the habit that opens the sentence, up to the instruction it sets.
_BEFORE_DONE = re.compile(
    r"^before (?:you |we )?(?:say|report|claim|declare|tell|telling)\w*\b[^,.]{0,30}?\b"
    r"(?:done|finished|complete|ready)\b,?\s+",
    re.I,
)
# A habit of the work itself, not of the program: "before you tell me you're done", "before every push".
_WORK_HABIT = re.compile(
    r"\bbefore (?:you |we )?(?:say|report|claim|declare|mark|call|tell|telling|hand|handing)\w*\b|"
    r"\b(?:before|after) (?:every|each|any) (?:commit|push|merge|release|deploy|pr|pull request)\b|"
    r"\b(?:before|after|when|whenever) (?:you |we )?(?:commit|push|merg|deploy|releas|publish)\w*\b",
    re.I,
)
_EVERY_TIME = re.compile(r"\b(?:every|each|always|whenever|any ?time|from now on)\b", re.I)
# A recurring step of the work opening the sentence: "Before you push, ..., run X".
_WORK_STEP = re.compile(
    r"^(?:before|after|when|whenever) (?:you |we )?(?:commit|push|merg|deploy|releas|publish|tagg?)\w*\b", re.I
)
_AFTER_EACH = re.compile(r"^(?:before|after|when|whenever|once) (?:each|every) [\w-]+\b", re.I)
_NEVER_MIND = re.compile(r"^never ?mind\b", re.I)  # "Never mind, settings view is working": no prohibition
_NOT_HABIT = re.compile(r"\bnever ?mind\b|\bnever (?:seen|had|heard|got|been|knew)\b", re.I)
# "for this repo" usually names what a task is for ("write a plan for this repo"), so only "in",
# "across", "within" scope an instruction mid-sentence; "For this project, ..." opens a frame.
_SCOPE = re.compile(
    r"\b(?:in|across|within) (?:this|the|our|all|every|any) (?:(?:of )?(?:my|our) )?"
    r"(?:repo|repos|repository|repositories|project|projects|codebase|codebases|code base)\b|"
    # "in all places of our code", "across all parts of the codebase"
    r"\b(?:in|across) all (?:places|parts|files|corners) (?:of|in) (?:the|our|this) (?:code|codebase|code base|"
    r"project|repo|app)\b|"
    # "everywhere", or "anywhere" in a prohibition, unless narrowed to the thing at hand ("everywhere in this file")
    r"\b(?:everywhere|(?<=\S )anywhere)\b(?! (?:in|within|on) (?:this|that|the|these|those)\b)",
    re.I,
)
_IMPERATIVE = re.compile(
    r"^(?:(?:please|pls|and|also|so|ok(?:ay)?|fyi|btw|hey|oh|note)[\s,:]+)*"
    r"(?:(?:i|we) (?:always |never )?(?:want|prefer|like|need) (?:you )?(?:to )?|"
    r"(?:we|i) (?:always |only |never )?(?=use\b))?"
    r"(?:always |never |don'?t |do not |make sure (?:to |you )?)?(?:just |only )?"
    r"(?P<verb>use|run|keep|put|write|add|avoid|prefer|make|commit|push|wait|check|call|name|format|lint|test|"
    r"install|build|deploy|start|stop|follow|store|place|import|pin|set|target|read|respond|reply|answer|ask|"
    r"document|log|tag|sign|open|merge|rebase|squash|review|prefix|end|begin|indent|quote|wrap|include|exclude|"
    r"leave|treat|skip|ignore|remove|delete|do|let|mention|stick|say|admit|drop|cut|lose|explain|return|raise|handle|migrate|bump|update|"
    r"tell|show|verify|create|ensure|generate|give|print|output|refactor|rename|split|move|copy|list|describe|"
    r"summari[sz]e|clean|limit|restrict|stay|work|try|think|plan|focus|consider|be|look|send|save|reuse|link|"
    r"mark|comment|annotate|validate|sort|group|cache|retry|warn|spell|translate|confirm|notify|fetch|pull|"
    r"append|prepend|record|track|perform|execute|invoke|launch)\b",
    re.I,
)
# A habit stated of the team or the agent: "we always squash", "you must never push to main".
_STATED_HABIT = re.compile(
    r"^(?:(?:please|and|also|so)[\s,]+)*(?:we|you)(?: (?:must|should|shall|need to|have to|are to|can|can'?t|cannot))? "
    r"(?:always|never|not ever|ever|only ever)\s+(?!(?:end|wind) up\b)"
    r"(?:(?:must|should|have to|need to|got to) )?",  # "you always have to run task build"
    re.I,
)
# After "we never", "you only ever": what the team or the agent does, whatever the verb ("hard-delete").
_ANY_VERB = re.compile(
    r"(?!(?:be|been|get|got|had|have|seen|heard|know|knew|thought|think|did|do|really|even|the|a|an)\b)[a-z][a-z-]+ \S",
    re.I,
)
# A condition of a kind, not of the moment: "When fixing a bug, ...", "If you add a new endpoint, ...".
_GENERIC_CONDITION = re.compile(
    # a step of the work that recurs by its own words: "Every time you modify the file, run task build" (not "whenever
    # I click save, the pop-up should appear": how the product behaves)
    r"^(?:(?:whenever|every ?time|each time|any ?time) (?:you|we) [^,]{1,80}?|"
    r"(?:when(?:ever)?|if|any ?time) (?:(?:you|we) )?(?:\w+ing\b|(?:you|we) \w+ (?:a|an|any|new)\b|"
    # or of the agent's doubt: "If uncertain, ask", "If you're not sure about something like that, say so"
    r"(?:(?:you|you'?re|you are) )?(?:in doubt|in any doubt|unsure|uncertain|not sure)\b|"
    # or a recurring step of the work: "When you commit, ...", "Whenever you open a PR, ..."
    r"(?:you|we) (?:commit|push|merge|deploy|release|publish|open a (?:pr|pull request)|review)\b)[^,]{0,80}?|"
    # or before or after every one of a kind: "Before any refactor, ...", "After every change to the API, ..."
    # ("For each car, store ..." is how a task is done for each of its things; "before each of these": at hand)
    # ("Before any coding begins, ...": the work of the session, named by what it is doing)
    r"(?P<kind>(?:before|after) (?:any|every|each) (?!(?:of|one|\w+ing)\b)[^,]{1,80}?))"
    # the condition ends at a comma, or where the person turns to the agent: "Before any refactor that touches
    # more than two files I want you to lay out the plan"
    r"(?:,\s*|\s(?=(?:i want you to|i'?d like you to|you (?:should|must|have to|need to)|always|please)\s))"
    r"(?:(?:always|first|then|also|please)\s+)*",
    re.I,
)
# An obligation on every member of a kind: "Each rule should be its own file", "There must be no ...".
_GENERIC_RULE = re.compile(
    r"^(?:(?:each|every|all|any) (?:new )?[\w-]+(?: [\w-]+)? (?:must|should|shall|needs?(?: to)?|ha(?:s|ve) to|"
    r"(?:is|are) required|"
    r"go(?:es)? (?:through|in|into|under)|lives? in|belongs? in)|"
    # a bare plural subject, a kind of thing: "Tests should live in tests/unit", "Commits must be signed",
    # "Commit messages should follow ...", "Type hints are required on ..."
    r"(?!(?:the|both|things|results|changes|errors|numbers|values|we|they|these|those|its|this|is|was|has)\b)"
    r"(?:(?!(?:that|which|and|or|to|of|if|when|so|both)\b)[a-z0-9-]{2,} ){0,2}"
    r"(?!(?:things|results|changes|errors|numbers|values|is|was|has|this|users|customers|people|players)\b)[a-z]{3,}s "
    r"(?:(?:should|must)(?: (?:always|never|not))? (?:be|go|live|use|stay|have|follow|start|end|include|contain)"
    r"|(?:must|should)(?: not| never|n't) \w+|(?:must|ha(?:s|ve) to)(?: always)? (?!be able\b)\w+"
    r"|(?:are|is) (?:required|not allowed|forbidden))\b(?!.*\bnow\b)|"
    r"there (?:must|should) (?:never )?be no|"
    r"no (?:[\w-]+ ){1,3}(?:may|must|should|shall|can) (?:ever |never )?\w+)\b",
    re.I,
)
# A preference is standing by its meaning: "Prefer composition over inheritance", "We prefer small PRs".
_PREFER = re.compile(
    # after what it is about or when: "For the branch naming prefer to use /feature/<id>-<name>", "When in doubt
    # between bash and powershell prefer powershell"
    r"^(?:(?:for|in|when in doubt|where possible|when possible|if possible)\b"
    r"(?! (?:this|that|these|those|it|here)\b)[^,.]{0,60}?,?\s+(?=prefer\b))?"
    r"(?:(?:please|and|also|so)[\s,]+)*(?:(?:i|we) (?:generally |usually |always )?)?prefer (?!it\b|this\b|that\b)\S",
    re.I,
)
_DESIRE = re.compile(
    r"^(?:(?:i|we) (?:always |really )?(?:want|prefer|like|expect)\b|(?:i'?d|i would) (?:much |really )?rather\b|"
    r"(?:i'?d|i would) like (?:us|you) to\b|"
    # advice said politely: "it is better to ask me before you write"
    r"(?:[^,]{1,60}, )?it(?:'s| is| would be) (?:better|best) (?:to|if you)\b)",
    re.I,
)
_NEGATIVE = re.compile(
    r"^(?:(?:please|pls|and|also|so)[\s,]+)*(?:never|don'?t|do not|avoid|stop|quit)\b"
    # the person's or the team's refusal: "we don't use semicolons", "I don't want emojis in commits"
    r"|^(?:(?:and|also|so)[\s,]+)*(?:we|i) (?:don'?t|do not|never) "
    r"(?=(?:use|want|like|allow|accept|write|add|commit)\b)"
    # "you do not push", "we are not allowed to introduce new infrastructure"
    r"|^(?:(?:and|also|so)[\s,]+)*(?:you|we) (?:do not|don'?t|must not|may not|mustn'?t|should not|shouldn'?t|"
    r"(?:are|'re) not allowed to|never) (?!(?:need|have|know|want|seem|mind)\b)[a-z]"
    # "I must ask you never to submit jobs yourself"
    r"|^i (?:must|have to) ask you (?:never|not) to\b"
    # "I would prefer that you not install packages with conda"
    r"|^(?:i'?d|i would) prefer (?:that )?(?:you )?(?:not|never|didn'?t|did not)\b"
    # "I'd rather you didn't use raw SQL"
    r"|^(?:(?:and|also|so)[\s,]+)*(?:i'?d|i would) rather (?:you )?(?:didn'?t|did not|not|never)\b",
    re.I,
)
_PURPOSE = re.compile(
    r"^(?:(?:please|pls)[\s,]+)?use \S+(?: \S+){0,3} (?:for|to) (?:(?:(?!the\b|this\b|that\b)\w+ ){0,2}"
    r"(?:\w+ing|lint|format|test|build|type[- ]?check|(?<!\bthe )\w{4,}ment)\b"  # "for dependency management"
    # every one of a kind: "Use zod for all data validation", "use TypeScript for all new code"
    r"|(?<=for )(?:all|every|any) (?:new )?(?!(?:the|of|them|those|these|my|our|your)\b)[\w-]+"
    # "use tanstack query for the fetching": the work itself, not a thing of the task ("for the loading state")
    r"|the \w+ing(?=\s*(?:[,.;!]|$)))",
    re.I,
)
# "use 'uvx coverage' to run coverage", "Use `astro check` to run type checking": a named tool (one word, or
# quoted) for a chore; "use the script to run the migration" is a thing of the task (dev and rule files 6 of 7)
_TOOL_FOR_CHORE = re.compile(
    r"^(?:(?:please|pls|also|and)[\s,]+)*use (?!(?:a|an|the|this|that|these|those|it|them|my|your|our|some)\b)"
    r"(?:`[^`]+`|'[^']+'|\"[^\"]+\"|[\w.@/-]+) to (?:run|execute|manage|handle|start|install|launch|compile|deploy)\b",
    re.I,
)
_CHOICE = re.compile(
    r"`[^`]+`,? (?:not|instead of|rather than|over) `[^`]+`|"
    # "don't use npm here, use pnpm": the refused tool and the one to use instead
    r"\b(?:don'?t|do not|never) use (?!(?:it|this|that|them)\b)\S+(?: here)?[,;]? "
    r"(?:(?:just|simply|always) )?(?:use|try) (?!(?:it|this|that|them)\b)\S|"
    # "run the tests with pypy3 rather than python3": the instrument a kind of work is done with
    r"\b(?:with|using|via) (?!(?:it|this|that|them|a|an|the)\b)\S+(?:,? (?:instead of|rather than)|, not) \S|"
    # "use uv, not pip", "Use end-to-end tests (not mocks)", "use pnpm, don't use npm"
    r"\buse (?!(?:a|an|the|this|that|these|those|it|them|some|another)\b)\S+(?: (?!\(?not\b)\S+){0,4},? \(?"
    r"(?:not|never|instead of|rather than|don'?t use) \S+",
    re.I,
)
# An "always" right after what the instruction acts on: "wrap errors always with fmt.Errorf".
_HABIT_AFTER_OBJECT = re.compile(
    r"^[a-z]+ (?:[\w.-]+ ){1,3}always (?=with|before|after|using|via|through|first)\b", re.I
)
# "Let's ...": work proposed for now. 2 of the 61 such sentences of the dev split and the seen written sets are
# standing lessons, so a scope ("in this project") does not make one last; a habit or a rule for a kind of
# thing does ("let's keep queries out of the templates").
_LETS = re.compile(r"^(?:(?:ok|okay|so|now|then|and)[\s,]+)*let'?s\b", re.I)
# "No JWT in this project at all": a thing refused in the project.
_NO_THING = re.compile(r"^(?:(?:and|also|so)[\s,]+)*no (?!(?:one|more|need|problem|worries|idea|way)\b)\S", re.I)
# "Rather than a BashOperator, use cosmos' DbtTaskGroup": the choice said the other way round.
_RATHER_USE = re.compile(
    # "instead of strings in multiple places, for the engine names use CONSTANTS": what it is used for may come first
    r"^(?:rather than|instead of) [^,]{1,50}, (?:for [^,]{1,50},? )?(?:please )?use (?!(?:it|this|that)\b)\S",
    re.I,
)
_RELATIVE = re.compile(r"\b(?:that|which|who)\b", re.I)
_REMINDER = re.compile(r"^(?:please |and |also )?(?:don'?t|do not) forget\b", re.I)  # about the task at hand
_QUESTION = re.compile(r"\?\s*$")
# A prohibition, whatever it names: "don't X", "no X", "leave X alone", "I'd rather you didn't".
_PROHIBITION = re.compile(
    r"^(?:(?:please|pls|and|also|so)[\s,]+)*(?:never|don'?t|dont|do not|avoid|no (?!(?:idea|problem|worries)\b)\S|"
    r"leave \S.{0,40} alone\b|leave (?:the |all )?[\w -]{1,30} to me\b|"
    r"(?:i'?d|i would) (?:much |really )?rather (?:you )?(?:didn'?t|did not|not))",
    re.I,
)
# What a correcting statement is about, when it is about the project: a kind (a bare plural opening it), a
# named thing (code, a path, a file), or the project itself ("here", "in this repo").
_OF_THE_PROJECT = re.compile(
    r"^(?:(?:the|our|all|every)\s+)?(?:[\w-]+\s+)?[a-z]{3,}(?<![su])s\b(?! (?:is|was)\b)|`[^`]+`|\b[\w.-]+/[\w./-]*|"
    r"\b\w+\.[a-z]{2,6}\b|\bhere\b|\bin this (?:repo|project|codebase|app)\b",
    re.I,
)
# A prohibition on acting, with only looking or reporting asked instead: the mode of the task at hand ("do not
# run the simulator, just find out how it is run", "DO NOT modify code, JUST identify where the issue lies").
# "Don't use npm, just use pnpm" names another way to work, and stays a rule.
_ONLY_LOOK = re.compile(
    r"^(?:(?:please|pls|and|also|so|no|ok)[\s,]+)*(?:do not|don'?t|dont|never)\b[^.;]{1,80}?,?\s+"
    r"(?:just|only|simply)\s+(?:find|compare|explain|identify|look|tell|show|check|read|answer|describe|list|"
    r"report|review|analy[sz]e|investigate|summari[sz]e|plan|think|suggest|propose|outline|diagnose)\b",
    re.I,
)
# A piece of work done once, said as an imperative: where it is done ("in the repo") does not make it a rule;
# a habit does ("always review the code in this repo before merging"). Dev, December 2026: 0 of the 5
# sentences read standing only by such a scope were labelled standing.
_ONE_TIME_WORK = re.compile(
    r"^(?:(?:please|pls|and|also|so|ok(?:ay)?|now|then)[\s,]+)*"
    r"(?:remove|delete|add|create|rename|move|fix|update|review|install|clean|tell|show|"
    r"explain|list|describe|read|look|find|check|convert|migrate|replace|change)\b",
    re.I,
)
_YET = re.compile(r"\b(?:yet|until|till|at this stage|at the moment|this time|(?<!from )now(?! on\b))\b", re.I)
# What the agent is not to do itself: "don't migrate yourself", "never push to production yourself".
_YOURSELF = re.compile(
    r"^(?:(?:please|pls|and|also|so)[\s,]+)*(?:don'?t|dont|do not|never) \w+(?: [\w.`/-]+){0,4} yourself\b", re.I
)
_FROM_NOW_ON = re.compile(r"\bfrom now on\b", re.I)  # "just php artisan test from now on": said to last
# Refusing hard-coded values is a convention of the code, whatever it is said about: dev 5 of 5, the written
# sets 2 of 2 ("just hard code 6 for now" says no such thing, and "for now" bounds it)
_NO_HARDCODING = re.compile(
    r"\b(?:no|don'?t|dont|do not|never|not|avoid|without)\s+(?:\w+\s+)?hard[- ]?cod(?:e|ed|ing)\b", re.I
)
# "no exceptions", and a prohibition closed by ", ever" / ", never": "no status codes in the ui, ever"
_NO_EXCEPTIONS = re.compile(
    r"[,;:] no exceptions\b|\bwithout exception\b|(?:\b(?:not|no|never|nothing)\b.*), (?:ever|never)[.!]*$|"
    r"(?:[,;]|^) ?no [\w-]+(?: [\w-]+)? ever\b",  # "amounts are int64 cents, no floats ever", "no test scripts ever"
    re.I,
)
# A conjunction that joins the sentence to the one before, before what says how long it lasts ("but don't
# deploy or commit yet": a clause of "run the tests again, but ...").
_JOINED_ON = re.compile(
    r"^(?:but|and|so|also)\s+(?=(?:before|after|when|whenever|always|never|don'?t|dont|do not|please|pls|from now)\b)",
    re.I,
)
# An obligation on the agent or the team, with a verb of work after it: "you have to run", "we must never push"
# (not "you need to know", "we should be fine": a state, not a way of working).
_OBLIGED = re.compile(
    r"^(?:(?:please|and|also|so|then)[\s,]+)*(?:you|we) (?:(?:always|also|first|then|really) )?"
    r"(?:must|have to|need to|should|shall|are to|(?:'ll|will) (?:have|need) to|(?:have |'ve )?got to|gotta)\s+"
    r"(?:(?:always|also|first|then|never|not) )?(?!(?:be|been|have|know|see|understand|think|wait and)\b)[a-z]",
    re.I,
)
# What the team must not do, whatever the verb: "we must not send customer PII to Sentry", "we cannot have any
# personal data in logs" (not "we must not forget ...": a reminder of the task; "we cannot reproduce it": able;
# "we may not want to ...": perhaps).
_TEAM_PROHIBITION = re.compile(
    r"^(?:(?:please|and|also|so|but)[\s,]+)*we (?:must not|mustn'?t|(?:are|'re) not allowed to|"
    r"(?:cannot|can'?t) have (?:any|no)\b)\s*(?!(?:forget|lose|miss|break this|be)\b)[a-z]",
    re.I,
)
# Only one way, never the other: "Only db:migrate here, never reset or drop", "only named exports, never default".
_ONLY_NEVER = re.compile(r"^only\b[^,;.]{1,60},\s*(?:and\s+)?never\s+\S", re.I)
_ASKED_HABIT = re.compile(cues.ASKING.pattern + r"(?=[a-z]+ \S[^?]*\?\s*$)", re.I)
# What a polite question asks to keep doing or not doing: stop doing X, leave X alone, keep X out of Y.
_ASKED_TO_KEEP = re.compile(r"(?:stop|quit) \w+ing\b|leave \S.{0,40} alone\b|keep \S.{0,40} out of\b", re.I)
_NAMED_TARGET = re.compile(
    r"\b(?:to|on|into) (?:main|master|trunk|develop|production|prod)\b|`[^`]+`|\b[\w.-]+/[\w./-]*|"
    r"\b\w+\.(?!(?:e|g|i|etc)\b)[a-z]{2,12}\b"
)
_DEICTIC_OBJECT = re.compile(r"^(?:\S+\s+){1,3}(?:it|this|that|these|those|them)\b", re.I)
# A frame before the instruction: "From now on, ...", "In all my projects I want ...", "For now, ...".
_FRAME = re.compile(
    r"^(?:(?:but|and|so|also),? )?"
    r"(?:from now(?: on)?|by default|as a (?:general )?rule|in (?:the )?future|for now|for the moment|"
    r"normally|usually|generally|in general|as a habit|by (?:team )?(?:agreement|convention)|"
    # a language or a part of the code as the frame: "In R, please build paths with here::here()"
    r"in (?:r|python|typescript|javascript|go|rust|java|kotlin|swift|ruby|php|sql|shell|bash|css|html|"
    r"the tests|tests|migrations|the frontend|the backend|the ui|the api)(?=[,:])|"
    r"according to (?:the |our )?(?:[\w-]+ ){0,3}(?:guidelines?|polic(?:y|ies)|rules?|standards?|conventions?)|"
    r"as of (?:monday|tuesday|wednesday|thursday|friday|today|this week|yesterday|last week|v?\d[\w.]*)|"
    r"next time|going forward|moving forward|from here on(?: out)?|henceforth|"
    r"(?:in|for|across) (?:this|the|our|all|every|any) (?:(?:of )?(?:my|our) )?"
    r"(?:repo|repos|repository|repositories|project|projects|codebase|codebases))[,:]?\s+",
    re.I,
)


class Duration(StrEnum):
    STANDING = "standing"  # meant to last: a reviewer accepts it without a second sighting
    BOUNDED = "bounded"  # for this session only
    UNSAID = "unsaid"  # grammar says nothing: the model decides


def duration(sentence: str, *, ruled: bool = False, refused: bool = False, corrected: bool = False) -> Duration:
    """What the sentence's grammar says about how long it lasts. ``ruled``: the sentence is an item of a
    list the person announced as rules ("Ground rules:"), framed like "As a rule, ...". ``refused``: typed
    while refusing the agent's tool call or after interrupting it; ``corrected``: in a turn that opens by
    rejecting what the agent just did (``frames.rejects``)."""
    text = _as_said(sentence)
    if not text or _QUESTION.search(text) or _NEVER_MIND.match(text):
        return Duration.UNSAID
    if _ONLY_LOOK.match(text):  # "don't make edits, just compare": how to do the task at hand
        return Duration.BOUNDED
    if _in_reply(text, refused=refused, corrected=corrected):
        return Duration.STANDING
    if replies.preference(text):  # "pls shorter summaries, 3 lines max"
        return Duration.BOUNDED if cues.BOUNDED.search(text) else Duration.STANDING
    # "we moved from goose to atlas"; "the error is gone, but the blocks are empty" is how the work at hand goes
    if changes.announces_change(text) and not cues.BOUNDED.search(text) and not cues.TROUBLE.search(text):
        return Duration.STANDING
    if cues.PERSONAL_SETUP.match(text) and not cues.BOUNDED.search(text):  # "I'm on an M2 mac"
        return Duration.STANDING
    # "zod on every request body, no exceptions"; "No hardcoded paths", "please don't hard code the name"
    ruled = ruled or bool(_NO_EXCEPTIONS.search(text) or _NO_HARDCODING.search(text))
    if ruled and not cues.BOUNDED.search(text) and not cues.TROUBLE.search(text) and len(text.split()) >= 2:
        return Duration.STANDING
    body = _FRAME.sub("", text, count=1)
    framed = body != text and not cues.BOUNDED.match(text)  # "From now on, ...", "Next time, ...": a standing frame
    condition = _GENERIC_CONDITION.match(body)
    if condition is not None and _instructs(body[condition.end() :], condition.group(0), kind=bool(condition["kind"])):
        return Duration.BOUNDED if cues.BOUNDED.search(text) else Duration.STANDING
    instruction = is_instruction(body)
    if cues.BOUNDED.search(text) and (instruction or _CHOICE.search(text)):
        return Duration.BOUNDED
    # A habit inside a relative clause describes the thing asked for ("add a workflow that runs on every
    # push"), not how the instruction lasts.
    main_clause = _RELATIVE.split(text, maxsplit=1)[0]
    habitual = bool(
        _HABIT.search(main_clause) or _LEADING_HABIT.match(body) or _HABIT_AFTER_OBJECT.match(body)
    ) and not _NOT_HABIT.search(text)
    if habitual and kinds.AT_HAND.search(body) and not _NEGATIVE.match(body):
        return Duration.UNSAID  # "Use it as context going forward": about the thing at hand, whatever "it" is
    standing = (
        _habit(text, body, instruction=instruction, habitual=habitual)
        or how_it_is.said(text, body, framed=framed, instruction=instruction)
        or _said_to_last(text, body, framed=framed, instruction=instruction)
        or _of_a_kind_or_place(text, body, main_clause, instruction=instruction, habitual=habitual)
        or _tool_here(body)
    )
    if standing and cues.BOUNDED.search(text):
        return Duration.BOUNDED  # "No edits should be made to the application at this time": a rule for now
    return Duration.STANDING if standing else Duration.UNSAID


def _as_said(sentence: str) -> str:
    """The sentence without an interjection before it, and a habit asked as a question as the request it
    makes ("can you run X before you say it's done?", "could you leave X alone?")."""
    # a rule in bold with its explanation after it ("**Always run `flint` before committing.** Do not use ...")
    # is read by its words; the reading keeps the two one sentence (``sentences._STRONG``)
    said = " ".join(sentence.replace("**", " ").split())
    text = cues.INTERJECTION.sub("", cues.MODE_COMMAND.sub("", said), count=1)
    text = cues.LABEL.sub("", text, count=1)  # "Testing: Always run `yarn test:update` before committing"
    text = _JOINED_ON.sub("", text, count=1)  # "but before say done run mix credo --strict too"
    text = cues.without_told_you(text) or text  # "I told you: use pnpm, not npm" says it again
    text = never_said_long(text)  # "Under no circumstances do we build SQL by concatenating input"
    asked = _ASKED_HABIT.match(text)
    if asked is not None and (_HABIT.search(text) or _ASKED_TO_KEEP.match(text[asked.end() :])):
        text = text[asked.end() :].rstrip("? ")
    return text


# "never", said at length: "Under no circumstances do we ...", "In no case should you ...", "At no point, push ..."
_NO_CIRCUMSTANCES = re.compile(
    r"^(?:under no circumstances|in no case|at no (?:time|point)),?\s+"
    r"(?:(?:do|does|should|must|may|will|can|shall)\s+(?P<who>we|you|i|anyone|anybody)\s+)?(?=[a-z])",
    re.I,
)


def never_said_long(text: str) -> str:
    """ "Under no circumstances do we X" as "we never X", "In no case, X" as "never X": what it says, plainly."""
    said = _NO_CIRCUMSTANCES.match(text)
    if said is None:
        return text
    who = f"{said['who']} " if said["who"] and said["who"].lower() != "you" else ""  # "should you X": "never X"
    return f"{who}never {text[said.end() :]}"


def _in_reply(text: str, *, refused: bool, corrected: bool) -> bool:
    """A prohibition typed while refusing the agent ("Please don't edit renv.lock by hand"), or how the
    project is said to correct it ("No. Board files belong to the hw team"), unless it is for now."""
    if _YET.search(text):
        return False
    if refused and _PROHIBITION.match(text) and not cues.BOUNDED.search(text):
        return True
    if not corrected:
        return False
    # "why is half the file reformatted?? keep the diffs small"
    return bool(kinds.KEEP_THEM.match(text)) or (
        how_it_is.present_state(text, is_instruction(text)) and bool(_OF_THE_PROJECT.search(text))
    )


def _habit(text: str, body: str, *, instruction: bool, habitual: bool) -> bool:
    """An instruction with a habit or a scope ("Always run X", "never commit to main in this repo"), or a
    habit of the work after a first clause ("sqlfluff has to pass, run it before you tell me you're done")."""
    # "Let's set vite to another port in this project", "remove temp_docs if not needed in the repo", "tell me
    # which buttons are assigned within this project": work for now, whatever its scope
    scoped = _SCOPE.search(text) and not _LETS.match(body) and not _ONE_TIME_WORK.match(body)
    if (instruction or _NO_THING.match(body)) and (habitual or scoped):
        return True
    done = _BEFORE_DONE.match(body)  # "before say done run mix credo --strict too": no comma needed
    if done is not None and is_instruction(body[done.end() :]):
        return True
    first, *later = body.split(", ")
    # "After you deploy, check the logs" and "Before committing, add tests for the timeout cases" are the task's
    # next steps; "before you push, and I mean before every push, run X" is a habit, and so is "After each
    # device is added, update the changelog" ("before you push, check it" is about the one at hand)
    step = (_WORK_STEP.match(first) is not None and bool(_EVERY_TIME.search(body))) or _AFTER_EACH.match(
        first
    ) is not None
    return not kinds.AT_HAND.search(body) and any(
        is_instruction(part) and not kinds.AT_HAND.match(part) and (step or _WORK_HABIT.search(part)) for part in later
    )


def _said_to_last(text: str, body: str, *, framed: bool, instruction: bool) -> bool:
    """An instruction whose words say it lasts: a preference, a tool for a kind of work, "from now on",
    "rather than X, use Y", what the agent is not to do itself, or any instruction after a standing frame."""
    return bool(
        (_RATHER_USE.match(body) and not cues.BOUNDED.search(text))
        or _of_a_kind(body, framed)
        or _PREFER.match(body)
        or _PURPOSE.match(text)
        or _TOOL_FOR_CHORE.match(text)
        or _YOURSELF.match(body)
        or (framed and instruction and not cues.BOUNDED.search(text) and not kinds.AT_HAND.search(body))
        or (_FROM_NOW_ON.search(text) and len(text.split()) >= 3 and not cues.TROUBLE.search(text))
        or (_KEEP_IT_SO.search(text) and not cues.BOUNDED.search(text))
        or _USE_WHAT_WE_HAVE.match(body)
    )


# How things are, with the wish that they stay so: "There are no global variables here, and I want to keep it that
# way", "we dont have raw sql strings in go code and i want keep it so".
_KEEP_IT_SO = re.compile(
    r"\b(?:i|we)(?:'d| would)? (?:want|like|wanna|need)(?: to)? keep (?:it|them|things) "
    r"(?:so|that way|this way|like (?:that|this))\b",
    re.I,
)
# What the project has already, to be used instead of something new: "we already have dayjs + the tz plugin, use
# that", "We already have a logger in utils/log.ts, use it".
_USE_WHAT_WE_HAVE = re.compile(
    r"^(?:(?:no|nope|and|but|also|so)[\s,]+)*we already have \S.{0,80}?[,;:.\s-]+(?:so |just )?"
    r"use (?:that|it|them|those|this)(?: one)?(?: instead)?[.!]*$",
    re.I,
)


def _of_a_kind_or_place(text: str, body: str, main_clause: str, *, instruction: bool, habitual: bool) -> bool:
    """A rule about every thing of a kind (``kinds``), a prohibition on a named place ("Don't touch the
    generated files in src/gen/"), or a named choice said as an instruction."""
    if kinds.of_every_one(body, main_clause, instruction, bounded=bool(cues.BOUNDED.search(text)), whole=text):
        return not _ONE_TIME_WORK.match(body)  # "review the code in all files": work done once, over all of them
    if (
        _NEGATIVE.match(body)
        and _NAMED_TARGET.search(body)
        and not _DEICTIC_OBJECT.search(body)
        and not _REMINDER.match(body)
    ):
        return True
    # A choice inside a relative clause is the thing asked for ("create a section that captures the
    # decision to use Railway instead of other options"), as a habit there is; a change to make ("refactor
    # X to use Y instead of Z") is the task's, as it is in a kind of place.
    chosen = _CHOICE.search(main_clause) and not kinds.CHANGE_AT_HAND.match(body)
    return bool(chosen and (instruction or habitual or _SCOPE.search(text)))


def standing_frame(opening: str) -> bool:
    """ "Going forward", "As of Monday", "In this repo": what follows lasts (``frames`` asks of a lead-in)."""
    return bool(_FRAME.fullmatch(f"{opening.strip()} ")) and not cues.BOUNDED.match(opening)


def _instructs(rest: str, condition: str, *, kind: bool) -> bool:
    """What follows a condition is an instruction; after one of a kind ``kind``, any bare verb after a comma
    ("Before any refactor, lay out the plan"), as such a condition leaves no other reading ("When accessing the
    page, error occurs" does); never after one about the things at hand ("before each of the steps above")."""
    if _AT_HAND_CONDITION.search(condition):
        return False
    first = rest.split(maxsplit=1)[0].lower() if rest.split() else ""
    bare_verb = kind and condition.rstrip().endswith(",") and first.isalpha() and first not in NOT_VERBS | DISCOURSE
    return is_instruction(rest) or (bare_verb and not first.endswith(("ly", "ing", "ed", "s")))


# "for every user in the list", "after each of the steps above": the things at hand, not a kind
_AT_HAND_CONDITION = re.compile(r"\b(?:th(?:is|ese|ose)|the (?:list|following|above|below|ones?))\b", re.I)


# "Use yarn here", "it's uv here": one of the project's tools named with "here" as its place ("use a dict here" is a
# place in the code)
_TOOL_HERE = re.compile(
    r"^(?:(?:please|pls|and|also|so|no)[\s,]+)*(?:use|it'?s|we'?re on|we are on) `?(?P<tool>[\w.@/-]+)`? here\b",
    re.I,
)
_GENERIC_WORK = cues.words_of("test tests spec lint check verify ci build compile format fmt bundle dist coverage")


def _tool_here(body: str) -> bool:
    named = _TOOL_HERE.match(body)
    if named is None:
        return False
    tool = named["tool"].lower()
    return tool in MANAGERS or (tool not in _GENERIC_WORK and commands.role(tool) is not None)


def is_instruction(clause: str) -> bool:
    """The clause opens with an instruction: an imperative, a prohibition, a wish, "always/never ...", or what
    the agent or the team is obliged to do ("you have to run task build")."""
    return bool(
        _IMPERATIVE.match(clause)
        or _NEGATIVE.match(clause)
        or _DESIRE.match(clause)
        or _OPENS_WITH_HABIT.match(clause)
        or _OBLIGED.match(clause)
    )


def _of_a_kind(body: str, framed: bool) -> bool:
    """A habit of the team or the agent ("we always squash", "you must never push to main"), an
    obligation on every member of a kind ("each migration should be reversible"), or, after a standing
    frame, a condition of any kind with its instruction ("next time, if you see X, tell me")."""
    habit = _STATED_HABIT.match(body)
    if habit is not None and (is_instruction(body[habit.end() :]) or _ANY_VERB.match(body[habit.end() :])):
        return True
    if _GENERIC_RULE.match(body) or _TEAM_PROHIBITION.match(body) or _ONLY_NEVER.match(body):
        return True
    head, comma, rest = body.partition(",")
    return framed and bool(comma) and head.lower().startswith(("if ", "when ")) and is_instruction(rest.strip())
