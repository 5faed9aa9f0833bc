"""The redactor as it was before its speed-up (the capture issue, item 7), kept only as a reference.

``test_redact.py`` runs it and ``reverie.capture.redact`` over the secret corpus and the real
transcripts and asserts that the new one leaves nothing that this one would have redacted. It is a
verbatim copy except that patterns are compiled with ``re`` (no on-disk pattern cache) and this
docstring; do not import it anywhere else, and do not "fix" it: it is the baseline.
"""

from __future__ import annotations

import re

IGNORECASE = re.IGNORECASE

TYPE_CHECKING = False  # typing and re cost the hook more than all of its own work (see pattern_cache)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from reverie.domain.events import Event

_compile = re.compile

PLACEHOLDER = "[REDACTED:{kind}]"


class _Shape:
    """One shape of token.

    ``pattern`` starts with one literal character, its *anchor*, usually the separator inside the
    provider's prefix (the ``_`` of ``ghp_``); a look-behind checks the rest of the prefix. All shapes
    form one alternation, and because every alternative starts with a literal the regular-expression
    engine skips every position whose character is no anchor: one pass at a few nanoseconds per
    character, where a case-insensitive alternation or one pass per provider costs ten times more.
    ``back`` is how many characters of the prefix come before the anchor and are replaced too. A
    group named ``secret`` marks the part to replace instead of the whole token.
    """

    __slots__ = ("back", "judge", "kind", "pattern", "run")

    def __init__(
        self,
        kind: str,
        pattern: str,
        back: int = 0,
        judge: Callable[[re.Match[str]], bool] | None = None,
        run: bool = True,  # the anchor is followed by a run of token characters (see ``_RUN_AHEAD``)
    ) -> None:
        self.kind, self.pattern, self.back, self.judge, self.run = kind, pattern, back, judge, run


def _url_password_judge(match: re.Match[str]) -> bool:
    return not _REFERENCE.match(match["secret"])


_NOT_AFTER_WORD = "(?<![A-Za-z0-9])"
# Checked before any look-behind: most anchors (a '-' in prose, a ':' in JSON) fail it at once.
_RUN_AHEAD = "(?=[A-Za-z0-9_-]{10})"

_SHAPES: tuple[_Shape, ...] = (
    _Shape("private", r"<(?i:private)>[\s\S]*?(?:</(?i:private)>|\Z)", run=False),
    _Shape(
        "private_key",
        r"-----BEGIN[A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,20000}?-----END[A-Z0-9 ]{0,30}PRIVATE KEY"
        r"(?: BLOCK)?-----|(?:[A-Za-z0-9+/=\s:,.-]|\\[nr])*)",
        run=False,
    ),
    _Shape("private_key", r"PuTTY-User-Key-File-\d[\s\S]{0,20000}?Private-MAC: *[0-9a-fA-F]+", run=False),
    _Shape("anthropic_key", rf"-(?<={_NOT_AFTER_WORD}sk-)ant-[A-Za-z0-9_-]{{20,}}", 2),
    _Shape("openai_key", rf"-(?<={_NOT_AFTER_WORD}sk-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{{20,}}", 2),
    _Shape("github_token", rf"_(?<={_NOT_AFTER_WORD}gh[pousr]_)[A-Za-z0-9_]{{30,}}", 3),
    _Shape("github_token", r"_(?<=github_pat_)[A-Za-z0-9_]{40,}", 10),
    _Shape("gitlab_token", rf"-(?<={_NOT_AFTER_WORD}gl[dfr]t-)[A-Za-z0-9_-]{{20,}}", 4),
    _Shape("gitlab_token", rf"-(?<={_NOT_AFTER_WORD}gl(?:pat|cbt|imt|ptt|oas)-)[A-Za-z0-9_-]{{20,}}", 5),
    _Shape("gitlab_token", rf"-(?<={_NOT_AFTER_WORD}glsoat-)[A-Za-z0-9_-]{{20,}}", 6),
    _Shape("gitlab_token", rf"-(?<={_NOT_AFTER_WORD}glagent-)[A-Za-z0-9_-]{{20,}}", 7),
    _Shape("gitlab_token", r"GR1348941[A-Za-z0-9_-]{20,}", run=False),
    _Shape("slack_token", r"-(?<=xox[abposre]-)[A-Za-z0-9-]{10,}", 4),
    _Shape("slack_token", r"-(?<=xapp-)\d-[A-Za-z0-9-]{10,}", 4),
    _Shape(
        "slack_webhook",
        r"://(?<=https://)hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/]+",
        5,
        run=False,
    ),
    _Shape("aws_access_key", r"A(?<![A-Z0-9]A)(?:KIA|SIA|BIA|CCA|3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])", run=False),
    _Shape("google_api_key", r"AIza[0-9A-Za-z_-]{35}", run=False),
    _Shape("google_oauth", r"\.(?<=ya29\.)[0-9A-Za-z_-]{20,}", 4),
    _Shape("google_oauth", r"-(?<=GOCSPX-)[A-Za-z0-9_-]{20,}", 6),
    _Shape(
        "stripe_key", rf"_(?:(?<={_NOT_AFTER_WORD}[sr]k_live_)|(?<={_NOT_AFTER_WORD}[sr]k_test_))[0-9A-Za-z]{{16,}}", 7
    ),
    _Shape("stripe_key", r"_(?<=whsec_)[A-Za-z0-9]{24,}", 5),
    _Shape("npm_token", rf"_(?<={_NOT_AFTER_WORD}npm_)[A-Za-z0-9]{{36}}", 3),
    _Shape("pypi_token", r"-(?<=pypi-)Ag[A-Za-z0-9_-]{50,}", 4),
    _Shape("huggingface_token", r"_(?<![A-Za-z0-9_]hf_)(?<=hf_)[A-Za-z0-9]{30,}", 2),
    _Shape("huggingface_token", r"_(?<=api_org_)[A-Za-z0-9]{30,}", 7),
    _Shape("sendgrid_key", r"\.(?<=SG\.)[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}", 2),
    _Shape("twilio_key", r"A(?<![A-Za-z0-9]A)C[a-z0-9]{32}(?![A-Za-z0-9])", run=False),
    _Shape("twilio_key", r"S(?<![A-Za-z0-9]S)K[a-z0-9]{32}(?![A-Za-z0-9])", run=False),
    # A Discord token's first part is the bot's id in base64 (public), a Telegram token's the bot's
    # number; the secret follows the separator, so that is where the replacement starts.
    _Shape(
        "discord_token",
        r"\.(?:(?<=[MNO][A-Za-z\d_-]{23}\.)|(?<=[MNO][A-Za-z\d_-]{24}\.)|(?<=[MNO][A-Za-z\d_-]{25}\.))"
        r"[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}",
    ),
    _Shape(
        "telegram_token",
        r":(?:(?<=(?<![0-9])\d{8}:)|(?<=(?<![0-9])\d{9}:)|(?<=(?<![0-9])\d{10}:))[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])",
    ),
    _Shape("api_key", rf"-(?<={_NOT_AFTER_WORD}xai-)[A-Za-z0-9_-]{{30,}}", 3),
    _Shape("api_key", rf"_(?<={_NOT_AFTER_WORD}gsk_)[A-Za-z0-9_-]{{30,}}", 3),
    _Shape("api_key", rf"_(?<={_NOT_AFTER_WORD}r8_)[A-Za-z0-9_-]{{30,}}", 2),
    _Shape("api_key", r"_(?<=lin_api_)[A-Za-z0-9_-]{30,}", 7),
    _Shape("api_key", r"_(?<=dop_v1_)[a-f0-9]{64}", 6),
    _Shape("api_key", r"_(?<=shp(?:at|ca|pa|ss)_)[a-fA-F0-9]{32}", 5),
    _Shape("api_key", r"-(?<=sq0(?:atp|csp)-)[0-9A-Za-z_-]{22,}", 6),
    _Shape("jwt", rf"J(?<={_NOT_AFTER_WORD}eyJ)[A-Za-z0-9_=-]{{8,}}\.[A-Za-z0-9_=-]{{8,}}(?:\.[A-Za-z0-9_+/=-]*)?", 2),
    # scheme://user:password@host: only the password goes. A password may itself contain '@'.
    _Shape(
        "password",
        r"://(?<=[A-Za-z0-9+.-]://)[^\s:/@\"'<>]{0,256}:(?P<secret>[^\s/\"'<>]{1,512})@",
        judge=_url_password_judge,
        run=False,
    ),
)


def _anchored_alternation(entries: list[tuple[str, str]], run_ahead: set[str] | None = None) -> str:
    """One alternation of ``(pattern, marker)`` entries, grouped by each pattern's first (literal) character.

    Entries with the same anchor share one branch (``_(?:ghp...|npm...)``), so at a position only
    the entries of that anchor are tried. Each entry ends in an empty group named ``marker`` that
    says which one matched, placed last so that the alternative still starts with its anchor. Entries
    whose marker is in ``run_ahead`` are tried only where ``_RUN_AHEAD`` holds.
    """
    by_anchor: dict[str, tuple[list[str], list[str]]] = {}
    for pattern, marker in entries:
        anchor = pattern[:2] if pattern.startswith("\\") else pattern[0]
        rest = pattern[len(anchor) :].replace("(?P<secret>", "(?:")
        by_anchor.setdefault(anchor, ([], []))[marker in (run_ahead or ())].append(f"{rest}(?P<{marker}>)")
    branches = []
    for anchor, (plain, runs) in by_anchor.items():
        alternatives = [*plain, *([f"{_RUN_AHEAD}(?:{'|'.join(runs)})"] if runs else [])]
        branches.append(f"{anchor}(?:{'|'.join(alternatives)})")
    return "|".join(branches)


def _compile_shapes() -> re.Pattern[str]:
    """The alternation of every shape, each marked ``s<index>``."""
    entries = [(shape.pattern, f"s{index}") for index, shape in enumerate(_SHAPES)]
    with_runs = {f"s{index}" for index, shape in enumerate(_SHAPES) if shape.run}
    return _compile(_anchored_alternation(entries, with_runs))


_TOKENS = _compile_shapes()
_SHAPE_PATTERNS: dict[int, re.Pattern[str]] = {}


def _shape_pattern(index: int) -> re.Pattern[str]:
    """One shape alone, to read its groups; compiled when first needed (few shapes have groups)."""
    if index not in _SHAPE_PATTERNS:
        _SHAPE_PATTERNS[index] = _compile(_SHAPES[index].pattern)
    return _SHAPE_PATTERNS[index]


def _redact_tokens(text: str) -> str:
    pieces: list[str] = []
    done = 0
    for match in _TOKENS.finditer(text):
        index = int(match.lastgroup[1:]) if match.lastgroup else 0
        shape = _SHAPES[index]
        start, end = max(done, match.start() - shape.back), match.end()
        if shape.judge is not None or "(?P<secret>" in shape.pattern:
            groups = _shape_pattern(index).fullmatch(text, match.start(), match.end())
            if groups is None or (shape.judge is not None and not shape.judge(groups)):
                continue
            if "secret" in groups.re.groupindex:
                start, end = groups.span("secret")
        pieces += (text[done:start], PLACEHOLDER.format(kind=shape.kind))
        done = end
    return "".join((*pieces, text[done:])) if pieces else text


# -- secrets by name ---------------------------------------------------------------------------

# The scan for secret words is anchored like ``_TOKENS``, on a rare letter of each word (the ``k`` of
# ``token``, the ``w`` of ``password``) and runs over the lowercased text, because a case-insensitive
# pattern scans several times slower. ``back`` leads from the anchor to the word's start, where the
# full, case-insensitive pattern is then matched on the original text.
_SEPARATOR_AHEAD = r"(?=\\?[\"'`]?\]?[ \t]*(?::=|=>|[:=]))"
_KEY_ANCHORS: tuple[tuple[str, int], ...] = (  # a look-ahead before the look-behind fails sooner
    (r"k(?=en)(?<=tok)en", 2),
    (r"key", 0),
    (r"w(?=ord|d)(?<=passw)(?:ord|d)", 4),
    (r"h(?=rase)(?<=passph)rase", 5),
    (r"c(?=ret)(?<=sec)ret", 2),
    (r"h(?=orization|[\\\"'`\] \t:=])(?<=auth)(?:orization)?", 3),
    (r"s(?=[\\\"'`\] \t:=])(?<=pass)", 3),
)
_BEARER_ANCHOR = len(_KEY_ANCHORS)  # "Bearer <token>" needs no key: ``-H "Authorization: Bearer ..."``
_KEY_SCAN = _compile(
    _anchored_alternation(
        [
            *((f"{pattern}{_SEPARATOR_AHEAD}", f"k{index}") for index, (pattern, _) in enumerate(_KEY_ANCHORS)),
            (r"r(?=[ \t])(?<=bearer)", f"k{_BEARER_ANCHOR}"),
        ]
    )
)
_KEY_SCAN_ANY_CASE = _compile(_KEY_SCAN.pattern, IGNORECASE)
_KEY_WORDS = ("pass", "secret", "token", "auth", "key", "bearer")
_KEY_PREFIX = _compile(
    r"(?:api|access|private|auth|account|service|signing|encryption|master|secret|client|db|database|license)[_-]?$",
    IGNORECASE,
)

# A JSON-escaped quote (\") counts as a quote: tool output often holds JSON inside a JSON string.
_VALUE = (
    r"(?P<scheme>(?:bearer|basic|token|digest|bot)\s+)?"
    r"(?:\\?\"(?P<dq>(?:[^\"\\\n]|\\(?!\"))*)\\?\"|'(?P<sq>[^'\n]*)'|`(?P<bq>[^`\n]*)`"
    r"|(?P<bare>[^\s\"'`,;&<>)\]}\\]{1,2048}))"
)
_VALUE_GROUPS = ("dq", "sq", "bq", "bare")
_ASSIGNMENT = _compile(
    r"(?P<key>pass(?:word|wd|phrase)?|secret|token|authorization|auth|key)(?:\\?[\"'`])?\]?"
    r"(?P<sep>[ \t]*(?::=|=>|[:=])[ \t]*)" + _VALUE,
    IGNORECASE,
)
# ``--password hunter2``: a command-line flag takes its value after a space as well.
_FLAG = _compile(
    r"--(?:[A-Za-z]+-)*(?P<key>password|passwd|passphrase|token|secret|api-?key|access-key|private-key|secret-key)"
    r"(?P<sep>[ \t]+|=)(?!-)" + _VALUE,
    IGNORECASE,
)
_BEARER = _compile(r"bearer\s+(?P<secret>[A-Za-z0-9._~+/-]{16,}=*)", IGNORECASE)

_REFERENCE = _compile(
    r"^(?:\$\{?[A-Za-z_]|%[A-Za-z_]+%$|\{\{|<[^>]*>$|\*+$|x+$|\.\.\.|\[REDACTED|process\.env|os\.environ"
    r"|(?:true|false|null|none|nil|undefined|required|optional|string|str|bytes|int|number|boolean|bool|any)$)",
    IGNORECASE,
)
_CODE = _compile(r"^[A-Za-z_]\w*(?:(?:\.|->|::)[A-Za-z_]\w*)*(?:\(|\[|\.?$)")
_SNAKE = _compile(r"^[a-z_][a-z0-9_]*$")


def _key_is_secret(match: re.Match[str]) -> bool:
    """``pass`` and ``auth`` must start a word (not ``bypass``, ``oauth``); ``key`` needs a secret prefix;
    a file name is no key (``/etc/passwd: No such file``)."""
    key, start = match["key"].lower(), match.start("key")
    name_start = match.end("key") - len(_identifier_before(match.string, match.end("key")))
    if name_start and match.string[name_start - 1] in "/\\.":
        return False
    if key in ("pass", "auth"):
        return start == 0 or not match.string[start - 1].isalpha()
    if key == "key":
        return _KEY_PREFIX.search(match.string, max(0, start - 12), start) is not None
    return True


def _value_is_secret(match: re.Match[str]) -> bool:
    """Whether a value assigned to a secret-named key is a secret, not code or a reference to one."""
    quoted = next((match[name] for name in ("dq", "sq", "bq") if match[name] is not None), None)
    value = quoted if quoted is not None else match["bare"]
    if not value or not value.strip() or _REFERENCE.match(value.strip()):
        return False
    key = match["key"].lower()
    if value.lower().replace("-", "_") in (key, _identifier_before(match.string, match.end("key")).lower()):
        return False  # password=password, api_key=api_key: passing a variable along
    if quoted is not None or match["scheme"] is not None:
        return True
    if "(" in value or value.endswith((".", ":", "{", "[")):
        return False
    if _CODE.match(value) and ("." in value or "[" in value):
        return False  # token = config.token, password=args.pw
    separator = match["sep"]
    if " " in separator and separator.strip() and _SNAKE.match(value):
        # ``password = new_password`` is a variable in code and ``token: expected`` is prose, but a
        # plain word after a password-like key in YAML is one (``POSTGRES_PASSWORD: postgres``).
        return ":" in separator and key.startswith(("pass", "secret"))
    return True


def _identifier_before(text: str, end: int) -> str:
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-"):
        start -= 1
    return text[start:end]


def _kind_of_key(key: str) -> str:
    lowered = key.lower()
    if "pass" in lowered:
        return "password"
    if "token" in lowered or "auth" in lowered:
        return "token"
    return "api_key" if lowered.endswith("key") and "secret" not in lowered else "secret"


def _assignment_span(match: re.Match[str]) -> tuple[int, int, str] | None:
    """Where the value of a secret assignment is and what replaces it; None when it is no secret."""
    if not _key_is_secret(match) or not _value_is_secret(match):
        return None
    value = next(name for name in _VALUE_GROUPS if match[name] is not None)
    start, end = match.span(value)
    return start, end, PLACEHOLDER.format(kind=_kind_of_key(_identifier_before(match.string, match.end("key"))))


def _bearer_span(match: re.Match[str]) -> tuple[int, int, str] | None:
    value = match["secret"]
    if not any(ch.isdigit() for ch in value) and len(value) < 32:
        return None  # "Bearer authentication" is prose
    return *match.span("secret"), PLACEHOLDER.format(kind="bearer_token")


def _redact_by_name(text: str, folded: str) -> str:
    if not any(word in folded for word in _KEY_WORDS):
        return text
    # Positions in the folded text are positions in the text unless folding changed a length (a few
    # non-ASCII letters do); then the candidates are found case-insensitively in the text itself.
    scan = _KEY_SCAN.finditer(folded) if len(folded) == len(text) else _KEY_SCAN_ANY_CASE.finditer(text)
    pieces: list[str] = []
    done = 0
    for candidate in scan:
        anchor = int(candidate.lastgroup[1:]) if candidate.lastgroup else 0
        if anchor == _BEARER_ANCHOR:
            match, span = _BEARER.match(text, candidate.start() - 5), _bearer_span
        else:
            match, span = _ASSIGNMENT.match(text, candidate.start() - _KEY_ANCHORS[anchor][1]), _assignment_span
        found = span(match) if match is not None and match.start() >= done else None
        if found:
            start, end, placeholder = found
            pieces += (text[done:start], placeholder)
            done = end
    return "".join((*pieces, text[done:])) if pieces else text


def _flag_replacement(match: re.Match[str]) -> str:
    found = _assignment_span(match)
    if found is None:
        return match.group(0)
    start, end, placeholder = found
    text, offset = match.group(0), match.start()
    return text[: start - offset] + placeholder + text[end - offset :]


# -- the public functions -------------------------------------------------------------------------


def redact_text(text: str) -> str:
    """``text`` with every secret replaced by ``[REDACTED:<kind>]`` and private spans removed."""
    if not text:
        return text
    text = _redact_tokens(text)
    if "--" in text:
        text = _FLAG.sub(_flag_replacement, text)
    return _redact_by_name(text, text.lower())


_SECRET_KEY = _compile(
    r"(?:(?<![a-z])pass|pass(?:word|wd|phrase)|secret|token|authorization|(?<![a-z])auth"
    r"|(?:api|access|private|auth|account|service|signing|encryption|master|secret|client|db|database|license)"
    r"[_-]?key|apikey)$",
    IGNORECASE,
)


def redact_value(value: object) -> object:
    """A JSON-like value with every string redacted; strings under secret-named keys are removed whole."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {key: _redact_entry(key, item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


def _redact_entry(key: object, item: object) -> object:
    secret_named = isinstance(key, str) and _SECRET_KEY.search(key) is not None
    if secret_named and isinstance(item, str) and item.strip() and not _REFERENCE.match(item.strip()):
        return PLACEHOLDER.format(kind=_kind_of_key(str(key)))
    return redact_value(item)


def redact_event(event: Event) -> Event:
    """The event with its text, tool input and extra data redacted."""
    from dataclasses import replace  # not at import: the hook never needs it

    tool_input: Any = redact_value(event.tool_input) if event.tool_input is not None else None
    data: Any = redact_value(event.data)
    return replace(event, text=redact_text(event.text), tool_input=tool_input, data=data)
