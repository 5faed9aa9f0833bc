"""Grammar of a rule about every thing of a kind, not the one at hand (``lasting`` asks).

A bare plural names a kind ("avoid global variables", "don't commit .env files"); so does a kind of
place or manner ("do not mock the database in tests", "write docstrings in Google style"), a limit or a
property of a kind ("keep functions under 50 lines", "our timestamps are always UTC"), where new things
of a kind go ("put new components in src/components/ui"), a generic sentence in the present simple of a
convention ("branch names follow feature/<ticket>", "command names are kebab-case"), the team's way with
what it is not done with ("we deploy with fly, not heroku"), how a kind of work is run ("run the tests
with `uv run pytest`"). A change to make is the task's wherever it is made ("update all references in
scripts"), and a condition or "this/it" ties a sentence to the moment. Generic English only; the dev
split, the rule files and unlabelled prompts decided each word (docs/reading.md).
"""

from __future__ import annotations

import re

from reverie.distill import cues, quantified

# "it", "this", "them" early in an instruction: the thing at hand ("use it as context going forward",
# whatever "it" is). ``lasting`` asks the same ("that" is too often a conjunction).
AT_HAND = re.compile(r"^(?:\S+\s+){1,3}(?:it|this|these|those|them)\b", re.I)
# The team's way of doing a kind of work, with what it is not done with: "We deploy with fly, not heroku",
# "we host on Vercel rather than Netlify".
_WE_DO_NOT = re.compile(
    r"^(?:(?:so|and|also|fyi|btw|note)[\s,:]+)*we (?:always |only )?"
    r"(?:deploy|host|build|test|lint|format|release|ship|package|publish|store|manage|bundle|compile|install|"
    r"run|target|support|follow|version|name|write|keep|prefer|track|document|log)\b[^,;]{1,60}[,;] "
    r"(?:not|never|rather than|instead of) \S",
    re.I,
)
# Where an instruction applies, named as a kind of text or code: "in tests", "to commit messages", "in
# TypeScript code", "in user-facing text" (no article: every one of them, not the one at hand).
_KIND_SCOPE = re.compile(
    r"\bin (?:(?:all|any|every|new) )?(?:(?!(?:the|this|that|these|those|my|your|our|a|an)\b)[\w-]+ ){0,2}"
    r"(?:tests|test files|code|files|messages|commits|comments|docstrings|documentation|functions|"
    r"methods|classes|modules|components|prs|pull requests|strings|scripts|queries|endpoints|migrations|"
    r"templates|text|output|logs|names|variables)\b(?![\w/-]|\.\w)"
    # or a manner of a kind: "in Google style", "in snake case"
    r"|\bin (?!(?:a|an|the|this|that|its|their)\b)(?:[\w-]+ ){1,2}(?:style|case|conventions?)\b"
    r"|\bin our (?:code|codebase|code base)\b"  # "red-500 should not be in our code"
    # what is added to every one of a kind: "Do not add Claude attribution to commit messages"
    r"|\b(?:to|into) (?:all |any |every )?(?:commit |pr |log )?(?:messages|commits|comments|docstrings|logs|prs|"
    r"pull requests|tests|test files)\b",
    re.I,
)
# A generic sentence: a kind named by a bare plural, in the present simple of a convention ("Branch names
# follow feature/<ticket>", "Database tables are named in singular form", "Config values come from
# the environment", "Releases are tagged vX.Y.Z").
_KIND_CONVENTION = re.compile(
    r"^(?!(?:the|things|results|changes|errors|numbers|values|we|they|these|those|its|this|there|users|lets|"
    r"perhaps|maybe|tests|since|though|although|because|as|if|when|while|once|unless|whether)\b)"
    r"(?:(?!(?:that|which|and|or|to|of|if|when|so|both|the)\b)[a-z-]{2,} ){0,2}"
    r"[a-z]{3,}(?<![su])s (?:are (?:always |never |all )?(?:named|tagged|stored|kept|written|versioned|managed|"
    r"formatted|prefixed|suffixed|generated|configured|declared|placed|organi[sz]ed|deployed|released|"
    r"(?:returned|sent|encoded|serialized|represented|expressed|written) (?:as|in))\b|"
    # a naming convention: "Command names are kebab-case"
    r"are (?:always |all )?(?:kebab|snake|camel|pascal|title|sentence)[ _-]?case\b|"
    r"are (?:always |all )?(?:in )?[\w-]+ style\b|"
    r"are (?:always |all )?(?:camelCase|PascalCase|snake_case|lowercase|uppercase|singular|plural)\b|"
    r"(?:always )?(?:follow|stay|remain|live (?:only )?(?:in|under|next to)|"
    r"go (?:in|into|under|next to|through|thru|via)|"
    r"come from|belong (?:in|to))\b)"
    r"(?!.*\bnow\b)",
    re.I,
)
# What every thing of a kind does or never does: "Workloads never get cluster-admin", "Secrets only ever enter
# the cluster through External Secrets".
_KIND_HABIT = re.compile(
    r"^(?!(?:the|things|results|changes|errors|numbers|values|we|they|these|those|its|this|there|users|tests|"
    r"people|players|i|you)\b)(?:[\w-]+ ){0,4}?[a-z]{3,}(?<![su])s (?:never|only ever|always) "
    r"(?!(?:been|had|seen|was|were|became|worked|work)\b)[a-z]{2,}\b(?!.*\bnow\b)",
    re.I,
)
# Every thing of a kind, with the code it has: "every script starts with `set -euo pipefail`".
_EVERY_ONE_HAS = re.compile(
    r"^(?:each|every|all|any) (?:new )?[\w-]+(?: [\w-]+)? (?:starts?|ends?|begins?|has|have|gets?|uses?|"
    r"carr(?:y|ies)|includes?) (?:with )?[^`]{0,30}`[^`]+`(?!.*\b(?:already|now|yet)\b)",
    re.I,
)
# How a kind of work is run here: "tests run with `xcodebuild test ...`", "migrations are run via `make migrate`".
_RUNS_WITH = re.compile(
    r"^(?:the |our |all )?(?:[\w-]+ )?(?:tests?|specs?|suite|migrations|builds?|linting|linter|e2e|checks|seeds?) "
    r"(?:run|runs|are run|is run|build|builds|are built) (?:with|via|using|through) `",
    re.I,
)
# Everything that does a kind of thing goes one way: "anything that talks to the API goes through the SDK client".
_ANYTHING_THAT = re.compile(
    r"^(?:anything|everything|nothing)"
    r"(?: here| in this \w+| (?:that|which|with|we|you)\b[^,]{0,40}| \w+ed\b[^,]{0,40}) "
    r"(?:goes|must|should|has to|needs to|lives|belongs|stays)\b",
    re.I,
)
# A property every one of the project's things has: "Our API responses are always camelCase".
_OUR_HABIT = re.compile(
    r"^(?:our|all(?: of)?(?: our)?) [\w -]{1,40}? (?:is|are|should be|must be) (?:always|never)\b(?! \w+ing\b)", re.I
)
# A limit on a kind of thing: "Keep functions under 50 lines", "limit modules to 300 lines".
_KIND_LIMIT = re.compile(
    r"^(?:(?:please|and|also)[\s,]+)*(?:keep|limit|cap) (?!(?:it|this|that|them|the|these|those|your|my)\b)"
    r"(?:[\w-]+ ){0,2}?[a-z]+s (?:(?:under|below|to|within|at most|shorter than|no longer than|less than) \d|"
    r"(?:short|small|concise|focused|minimal|brief|lean|flat|pure|readable|consistent|stable|deterministic|"
    r"immutable|idempotent|isolated|independent|typed|documented|up[- ]to[- ]date|in sync|backwards?[- ]compatible)\b)"
    # or a size limit on one of the project's things: "Keep the README under 200 lines"
    r"|^(?:(?:please|and|also)[\s,]+)*keep (?:the |our |each |every )?(?:[\w.-]+ ){1,2}"
    r"(?:under|below|within|at most|shorter than|no longer than|less than) \d+ ?"
    r"(?:lines|characters|chars|words|kb|mb|ms|seconds|pages|tokens)\b",
    re.I,
)
# How a kind of work is run in this project: "Run the tests with `uv run pytest`".
_RUN_WITH = re.compile(
    r"^(?:(?:please|and|also)[\s,]+)*(?:run|build|start|lint|format|install|deploy|serve|test|type-?check) "
    r"(?:the |all )?(?:[\w-]+ )?"
    r"(?:tests?|suite|app|server|build|linter|formatter|project|migrations|dependencies|checks|docs|documentation|"
    r"changelog|package|wheel|image|release)"
    r" (?:with|using|via|through) `[^`]+`|"
    # or a kind of thing handled with a named tool: "Sort imports with isort", "Format files with prettier"
    r"^(?:(?:please|and|also)[\s,]+)*(?:sort|format|lint|check|build|bundle|compile|type-?check|manage|install|"
    r"validate|parse|serialize|generate|mock|handle|log|replace) "
    r"(?!(?:the|this|that|these|those|it|them|my|your|our|a|an)\b)"
    r"(?:[\w-]+ )?[a-z]{3,}(?<![su])s (?:with|using|via|through) (?!(?:the|a|an)\b)\S",
    re.I,
)
# What every thing of a kind is made with, the kind closing the sentence: "Use `[SerializeField]` for serialized
# fields", "Use PascalCase for component names, interfaces, and type aliases".
_USE_FOR_KIND = re.compile(
    r"^(?:(?:please|pls)[\s,]+)?use (?!(?:it|this|that|them|the|a|an)\b)\S+(?: \S+){0,3} for "
    r"(?:(?!(?:the|this|that|these|those|it|them|my|our|your|a|an|each|now|me|you|us)\b)[\w-]+,? ){0,3}"
    r"[a-z]{3,}(?<![su])s\b(?:,? (?:and|or) [\w ]+)?\s*[.!]?$",
    re.I,
)
# What is to stay current, an ongoing duty whatever it names: "Keep the changelog updated with every user-facing
# change", "keep the supermemory and mcp agent mail updated", "Keep comments up-to-date with code changes".
_KEEP_CURRENT = re.compile(
    r"^(?:(?:please|and|also)[\s,]+)*keep (?:the |your |our |all |this )?(?!(?:it|them)\b)"
    r"(?:(?!(?:until|is|are|was)\b)[\w.-]+ ){1,5}?(?:updated|up[- ]to[- ]date|in sync)\b",
    re.I,
)
# Where a kind of thing must not be: "Let's keep queries out of the views", "keep business logic out of controllers".
_KEEP_OUT = re.compile(
    r"^(?:(?:please|and|also|so|let'?s)[\s,]+)*keep (?!(?:it|this|that|them)\b)(?:[\w-]+ ){1,3}out of "
    r"(?:the |our |any )?(?:[\w-]+ )?[a-z]{3,}s\b",
    re.I,
)
# A kind of thing to leave as it is: "Please leave dependency versions alone", "do not modify an existing
# migration" (any one of them, not the one at hand).
_LEAVE_ALONE = re.compile(
    r"^(?:(?:please|and|also|so)[\s,]+)*(?:leave (?:the |our |all )?(?:[\w-]+ ){0,2}[a-z]+s alone\b|"
    # or a named file: "leave conftest.py alone"
    r"leave (?:the )?`?[\w./-]+\.[a-z]{1,6}`? alone\b|"
    # or a named place, a directory or a cluster: "leave legacy-vmware alone", "stay off prod-eks"
    r"(?:leave (?:the )?`?[\w.-]*[-/_][\w./-]*`? alone|stay (?:off|out of|away from) (?:the )?`?[\w.-]*[-/_][\w./-]*`?)"
    r"(?=[\s,.;:!]|$)|"
    r"(?:never|don'?t|do not|avoid) \w+ an? (?:existing|old|released|applied|published) [\w-]+)",
    re.I,
)
# The same, said of the things at hand of a kind, as a correction says it: "keep the diffs small".
KEEP_THEM = re.compile(
    r"^(?:(?:please|pls|and|also)[\s,]+)*keep (?:the |your )?(?:[\w-]+ )?[a-z]+s "
    r"(?:short|small|concise|focused|minimal|brief|lean|readable)\b",
    re.I,
)
# Where new things of a kind go: "Put new components in src/components/ui".
_NEW_KIND = re.compile(
    r"^(?:(?:please|and|also)[\s,]+)*(?:put|place|add|create|keep|store|write) new "
    r"(?:[\w-]+ )?[a-z]+s (?:in|under|into|to) \S",
    re.I,
)
# A prohibition on a kind of thing, named by a bare plural: "Don't commit .env files", "Avoid adding comments
# that restate the code", "Never use default exports".
_NEGATIVE_KIND = re.compile(
    r"^(?:(?:please|and|also|so)[\s,]+)*(?:(?:we|i) (?=don'?t|do not|never))?(?:never|don'?t|do not|avoid) \w+ "
    r"(?:(?!(?:the|this|that|these|those|it|them|my|your|our|a|an|any|anything|some|all|is|are)\b)[\w.*-]+ ){0,2}?"
    r"(?!(?:things|changes|this|is|was|has|does|yes|less|unless)\b)[a-z]{2,}(?<![su])s\b(?! (?:yet|now|again|here)\b)",
    re.I,
)
_THIS = re.compile(r"\b(?:it|this|these|those|them|here)\b", re.I)  # "don't add comments to this file": the one at hand
# A change to make, wherever it is made, is the task's: "Update all references in scripts and docs", "add a
# new test for code", "get rid of the fix recommendations for TypeScript tests" (dev's readings of a kind
# of place that were wrong all opened so).
CHANGE_AT_HAND = re.compile(
    r"^(?:(?:please|and|also|so|now|then)[\s,]+)*(?:let'?s\s+)?(?:update|fix|add|build|create|rename|replace|"
    r"remove|delete|refactor|migrate|change|move|convert|rewrite|modify|get rid of)\b",
    re.I,
)
_IF = re.compile(r"\b(?:if|unless|when)\b", re.I)  # "don't render grid lines if zoom < 10": how the program behaves
_NO_KIND = re.compile(r"^(?:(?:please|and|also)[\s,]+)*no (?:[a-z-]+ ){0,2}[a-z-]+\b", re.I)

# Asking first is a standing permission rule: "Don't add dependencies without asking me first".
_WITHOUT_ASKING = re.compile(
    r"\bwithout (?:first )?(?:asking|checking with|consulting|telling|confirming with|my|our|explicit|approval|"
    r"permission|sign-off) "
    r"?(?:me|us|approval|permission|ok|go-ahead|consent)?",
    re.I,
)
# Asking first: "ask me before pulling in new packages", "check with me before you delete anything".
_ASK_BEFORE = re.compile(
    r"^(?:(?:please|and|also|so|pls)[\s,]+)*(?:always )?(?:ask|check with) (?:me|us)(?: first)? before (?:you )?\w+",
    re.I,
)
# Asking first, said as running every one of a kind by the person: "Run any new gem past me before adding it".
_PAST_ME = re.compile(
    r"^(?:(?:please|and|also|so)[\s,]+)*(?:run|check|clear) (?:any|every|each|all) (?:new )?[\w-]+ "
    r"(?:past|by|with) (?:me|us)\b",
    re.I,
)
# "Stop adding comments to every line": a habit given up, whatever it was.
_STOP_DOING = re.compile(
    r"^(?:(?:please|and|so|also|pls)[\s,]+)*(?:stop|quit) (?!being\b)\w+ing "
    r"(?!(?:the|this|that|these|those|it|them)\b)",
    re.I,
)
# "Stop using X, use Y": the tool given up and the one to use.
_STOP_USING = re.compile(
    r"^(?:(?:please|and|also|so)[\s,]+)*(?:stop|quit) using \S+[^,;]{0,40}[,;] (?:and )?use \S", re.I
)


# Where a thing of the project lives, named by its path: "seed data lives in db/seeds", "Config lives in
# config/settings.py" (not "the bug lives in src/parser.py": a trouble found now).
_LIVES_AT = re.compile(
    r"^(?:(?:so|and|also|fyi|btw|note)[\s,:]+)*(?:the |our |all )?"
    r"(?!(?:the |this |that )?(?:bug|bugs|problem|error|errors|crash|fix|change|changes|it|this|that)\b)"
    r"(?:[\w-]+ ){0,2}[\w-]+ (?:lives?|belongs?|(?:is|are) kept) (?:in|under|inside) `?[\w.-]*[/.][\w./*-]*`?"
    r"(?=[\s,.;:!]|$)(?!.*\b(?:now|currently|right now)\b)",
    re.I,
)
# Where every one of a kind is kept: "keep every FileAccess call inside systems/save/", "keep all secrets out of
# the repo" (not "keep all the changes in one commit": the changes at hand)
_KEEP_EVERY_IN = re.compile(
    r"^(?:(?:please|pls|and|also|so)[\s,]+)*keep (?:every|all|each|any) (?!(?:the|of|these|those|this)\b)"
    r"(?:[\w.-]+ ){0,2}?[\w.-]+ (?:in|inside|under|within|out of|away from)\b",
    re.I,
)


def of_every_one(body: str, main_clause: str, instruction: bool, *, bounded: bool, whole: str) -> bool:
    """About every thing of a kind, not the one at hand: the team's way with its contrast ("we deploy with
    fly, not heroku"), a property or limit of a kind ("our timestamps are always UTC", "keep functions
    under 50 lines"), where new ones go, a prohibition on a kind named by a bare plural ("avoid global
    variables") or in a kind of place ("don't mock the network in tests"), how a kind of work is run."""
    kinds = (
        _WE_DO_NOT,
        _STOP_USING,
        _OUR_HABIT,
        _KIND_LIMIT,
        _NEW_KIND,
        _KIND_CONVENTION,
        _KEEP_OUT,
        _PAST_ME,
        _KIND_HABIT,
        _EVERY_ONE_HAS,
        _RUNS_WITH,
        _USE_FOR_KIND,
        _KEEP_CURRENT,
        _ANYTHING_THAT,
        _LEAVE_ALONE,
        _STOP_DOING,
        _ASK_BEFORE,
        _KEEP_EVERY_IN,
        _LIVES_AT,
    )
    if any(pattern.match(body) for pattern in kinds):
        return True
    if bounded:
        return False
    if quantified.of_every_one(body):  # "every script starts with ...", "any number ... goes in a Resource"
        return True
    own = body.split(", ", 1)[0]  # "don't update packages, it only moves when I bump it": the rule's own clause
    if _RUN_WITH.match(body) or (_NEGATIVE_KIND.match(body) and not _THIS.search(own) and not _IF.search(own)):
        return True
    prohibition = instruction or (_NO_KIND.match(body) and not cues.TOOL_REPORT.match(body))  # "No emojis in ..."
    in_kind = _KIND_SCOPE.search(main_clause) or _WITHOUT_ASKING.search(whole)
    return bool(prohibition and in_kind and not AT_HAND.search(body) and not CHANGE_AT_HAND.match(body))
