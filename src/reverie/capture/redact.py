"""Redaction: secrets and ``<private>`` spans are removed before anything is written anywhere.

Every string that capture keeps passes through here first, in the hook (spool records) and in
transcript import, so a key pasted into a prompt or printed by a command never reaches the spool,
the store, a lesson or an artifact. A secret becomes ``[REDACTED:<kind>]``; a ``<private>...</private>``
span becomes ``[REDACTED:private]``.

Design:

* **Two passes over the text, each one compiled pattern.** Provider tokens (``_TOKENS``), then
  secrets by name (``_KEY_SCAN`` over the lowercased text). Both are alternations in which every
  alternative starts with a literal *anchor*: the separator inside a provider's prefix (the ``_`` of
  ``ghp_``, the ``-`` of ``sk-``) or a rare letter of a secret word (the ``k`` of ``token``), with a
  look-behind for the rest. The regular-expression engine skips every position whose character is
  no anchor, so a pass costs a few nanoseconds a character; a case-insensitive alternation of the
  same rules, or one pass per provider, measured ten to thirty times slower. Patterns come from
  ``pattern_cache`` so that the hook does not compile (or even import ``re``) on every call.
* **Cheap where nothing can match**, because almost nothing does (import redacts every string of
  every event, and 42% of its time went here). Text shorter than anything redacted is returned at
  once. Where an anchor is common (the ``-`` and ``_`` of identifiers and paths), one look-behind
  for the two characters before it (``_Shape.before``) stands in front of its shapes' own. The
  secret words are looked for with substring searches first (``_names_a_secret``); only where one
  is followed by a separator is the scan tried (``_key_candidates``). Text with nothing to redact
  comes back as the same object, and so do dicts, lists and events with nothing in them, so that
  nothing is copied on the way through.
* **Provider tokens by shape** (Anthropic, OpenAI, GitHub classic, fine-grained and app tokens,
  GitLab, Slack, AWS access keys, Google, Stripe, npm, PyPI, Hugging Face, SendGrid, Twilio,
  Discord, Telegram, xAI, Groq, Replicate, Linear, DigitalOcean, Shopify, Square, JWTs, private key
  blocks including cut-off and JSON-escaped ones, PuTTY keys): prefixes that the providers chose so
  that scanners can find them. Shapes that are also ordinary text (a 40-character hex string is a
  git commit; a 36-character one with dashes is a UUID) are never matched on their own; AWS secret
  keys, which have no prefix, are caught by name (``aws_secret_access_key = ...``).
* **Secrets by name.** ``DB_PASSWORD=...``, ``export API_TOKEN="..."``, ``"password": "..."`` (also
  JSON inside a JSON string), ``--password ...``, ``Authorization: Bearer ...``, ``Password=...;``
  in connection strings, and ``scheme://user:password@host``. The key must *end* in a secret word
  (``password``, ``secret``, ``token``, ``api_key``, ...), so ``max_tokens=1000`` and ``token_count:
  3`` are left alone, and the value is judged (``_value_is_secret``) so that code survives:
  ``password=password``, ``token = self.token``, ``api_key: str`` and ``${API_KEY}`` are references,
  not secrets. Only the value is replaced; the key stays so the trace still reads well.
* **Structured values** (``redact_value``): every string is redacted, and a string under a
  secret-named key (``{"apiKey": "..."}``) is replaced whole, whatever it looks like, as is the
  ``value`` beside a ``name`` that is one (``{"name": "DB_PASSWORD", "value": "..."}``).
* **Secrets by context** (``redact_context``, a third pass): credentials on clients' command lines
  (``curl -u``, ``mysql -p``, ``sshpass -p``, ...), a value in the field after the one that names
  it, a random-looking value right after a secret word, a token as a URL's userinfo, and base64- or
  hex-wrapped secrets (decoded and redacted in turn). It roughly doubles the cost of redaction.

Measured on the development machine (2 cores, shared; best of 5): every event of a 64 MB Claude
Code transcript (19 MB of strings in 33,180 events) in 0.59 s, where the redactor before these
changes took 1.3 s (``tests/capture/redact_before.py`` keeps it, and a test holds that this one
leaves nothing that it would have redacted); a 3 KB hook payload takes about 0.2 ms.

Why `detect-secrets` (Yelp) is not used at run time: it is not standard library (the hook cannot
import it); it reports findings line by line instead of rewriting text; its keyword and entropy
plugins flag git hashes and UUIDs; and even its regex plugins alone ran at 0.7 MB/s over the real
corpus (20 MB in 28 s), 25-50 times slower than this module, for no finding on it. As an extra pass
on the import path that would make import, not redaction, the bottleneck. It is used instead as
the *oracle* in ``tests/capture/test_redact.py``: every secret that its regex-based plugins find in
the corpus of secret shapes and in the real transcripts, this module redacts too.
"""

from __future__ import annotations

from reverie.capture.pattern_cache import IGNORECASE, cache_for
from reverie.capture.redact_context import redact_in_context, split_field_secret

TYPE_CHECKING = False  # typing and re cost the hook more than all of its own work (see pattern_cache)
if TYPE_CHECKING:
    import re
    from collections.abc import Callable, Iterable
    from typing import Any

    from reverie.domain.events import Event

_CACHE = cache_for(__file__, "redact")
_compile = _CACHE.compile

PLACEHOLDER = "[REDACTED:{kind}]"


class _Shape:
    """One shape of token.

    ``pattern`` starts with one literal character, its *anchor*, usually the separator inside the
    provider's prefix (the ``_`` of ``ghp_``); a look-behind checks the rest of the prefix. All shapes
    form one alternation, and because every alternative starts with a literal the regular-expression
    engine skips every position whose character is no anchor: one pass at a few nanoseconds per
    character, where a case-insensitive alternation or one pass per provider costs ten times more.
    ``back`` is how many characters of the prefix come before the anchor and are replaced too.
    ``before`` is a pattern of exactly the two characters that precede the anchor in every match
    (``h[pousr]`` for ``gh[pousr]_``): one look-behind for all shapes of an anchor, tried before
    theirs, so that the ``_`` of ``tool_use_id`` costs one check instead of fifteen. A group named
    ``secret`` marks the part to replace instead of the whole token.
    """

    __slots__ = ("back", "before", "judge", "kind", "pattern", "run")

    def __init__(
        self,
        kind: str,
        pattern: str,
        back: int = 0,
        before: str = "",
        judge: Callable[[re.Match[str]], bool] | None = None,
        run: bool = True,  # the anchor is followed by a run of token characters (see ``_RUN_AHEAD``)
    ) -> None:
        self.kind, self.pattern, self.back, self.before, self.judge, self.run = kind, pattern, back, before, judge, run


def _url_password_judge(match: re.Match[str]) -> bool:
    # ``://[REDACTED:token]@``: a token already taken from the userinfo is no user:password pair.
    return not _REFERENCE.match(match["secret"]) and "[REDACTED:" not in match.group(0)


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
    _Shape("anthropic_key", rf"-(?<={_NOT_AFTER_WORD}sk-)ant-[A-Za-z0-9_-]{{20,}}", 2, "sk"),
    _Shape("openai_key", rf"-(?<={_NOT_AFTER_WORD}sk-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{{20,}}", 2, "sk"),
    _Shape("github_token", rf"_(?<={_NOT_AFTER_WORD}gh[pousr]_)[A-Za-z0-9_]{{30,}}", 3, "h[pousr]"),
    _Shape("github_token", r"_(?<=github_pat_)[A-Za-z0-9_]{40,}", 10, "at"),
    _Shape("gitlab_token", rf"-(?<={_NOT_AFTER_WORD}gl[dfr]t-)[A-Za-z0-9_-]{{20,}}", 4, "[dfr]t"),
    _Shape("gitlab_token", rf"-(?<={_NOT_AFTER_WORD}gl(?:pat|cbt|imt|ptt|oas)-)[A-Za-z0-9_-]{{20,}}", 5, "[abmt]t|as"),
    _Shape("gitlab_token", rf"-(?<={_NOT_AFTER_WORD}glsoat-)[A-Za-z0-9_-]{{20,}}", 6, "at"),
    _Shape("gitlab_token", rf"-(?<={_NOT_AFTER_WORD}glagent-)[A-Za-z0-9_-]{{20,}}", 7, "nt"),
    _Shape("gitlab_token", r"GR1348941[A-Za-z0-9_-]{20,}", run=False),
    _Shape("slack_token", r"-(?<=xox[abposre]-)[A-Za-z0-9-]{10,}", 4, "x[abposre]"),
    _Shape("slack_token", r"-(?<=xapp-)\d-[A-Za-z0-9-]{10,}", 4, "pp"),
    _Shape(
        "slack_webhook",
        r"://(?<=https://)hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/]+",
        5,
        run=False,
    ),
    _Shape("aws_access_key", r"A(?<![A-Z0-9]A)(?:KIA|SIA|BIA|CCA|3T[A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])", run=False),
    _Shape("google_api_key", r"AIza[0-9A-Za-z_-]{35}", run=False),
    _Shape("google_oauth", r"\.(?<=ya29\.)[0-9A-Za-z_-]{20,}", 4, "29"),
    _Shape("google_oauth", r"-(?<=GOCSPX-)[A-Za-z0-9_-]{20,}", 6, "PX"),
    _Shape(
        "stripe_key",
        rf"_(?:(?<={_NOT_AFTER_WORD}[sr]k_live_)|(?<={_NOT_AFTER_WORD}[sr]k_test_))[0-9A-Za-z]{{16,}}",
        7,
        "ve|st",
    ),
    _Shape("stripe_key", r"_(?<=whsec_)[A-Za-z0-9]{24,}", 5, "ec"),
    _Shape("npm_token", rf"_(?<={_NOT_AFTER_WORD}npm_)[A-Za-z0-9]{{36}}", 3, "pm"),
    _Shape("pypi_token", r"-(?<=pypi-)Ag[A-Za-z0-9_-]{50,}", 4, "pi"),
    _Shape("huggingface_token", r"_(?<![A-Za-z0-9_]hf_)(?<=hf_)[A-Za-z0-9]{30,}", 2, "hf"),
    _Shape("huggingface_token", r"_(?<=api_org_)[A-Za-z0-9]{30,}", 7, "rg"),
    _Shape("sendgrid_key", r"\.(?<=SG\.)[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}", 2, "SG"),
    _Shape("twilio_key", r"A(?<![A-Za-z0-9]A)C[a-z0-9]{32}(?![A-Za-z0-9])", run=False),
    _Shape("twilio_key", r"S(?<![A-Za-z0-9]S)K[a-z0-9]{32}(?![A-Za-z0-9])", run=False),
    # A Discord token's first part is the bot's id in base64 (public), a Telegram token's the bot's
    # number; the secret follows the separator, so that is where the replacement starts.
    # (The Discord shape is checked ahead first, not with ``_RUN_AHEAD``: its first run after the
    # anchor is six characters long, so that look-ahead would never let it match.)
    _Shape(
        "discord_token",
        r"\.(?=[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27})"
        r"(?:(?<=[MNO][A-Za-z\d_-]{23}\.)|(?<=[MNO][A-Za-z\d_-]{24}\.)|(?<=[MNO][A-Za-z\d_-]{25}\.))"
        r"[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}",
        run=False,
    ),
    _Shape(
        "telegram_token",
        r":(?:(?<=(?<![0-9])\d{8}:)|(?<=(?<![0-9])\d{9}:)|(?<=(?<![0-9])\d{10}:))[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])",
        before=r"\d\d",
    ),
    _Shape("api_key", rf"-(?<={_NOT_AFTER_WORD}xai-)[A-Za-z0-9_-]{{30,}}", 3, "ai"),
    _Shape("api_key", rf"_(?<={_NOT_AFTER_WORD}gsk_)[A-Za-z0-9_-]{{30,}}", 3, "sk"),
    _Shape("api_key", rf"_(?<={_NOT_AFTER_WORD}r8_)[A-Za-z0-9_-]{{30,}}", 2, "r8"),
    _Shape("api_key", r"_(?<=lin_api_)[A-Za-z0-9_-]{30,}", 7, "pi"),
    _Shape("api_key", r"_(?<=dop_v1_)[a-f0-9]{64}", 6, "v1"),
    _Shape("api_key", r"_(?<=shp(?:at|ca|pa|ss)_)[a-fA-F0-9]{32}", 5, "at|ca|pa|ss"),
    _Shape("api_key", r"-(?<=sq0(?:atp|csp)-)[0-9A-Za-z_-]{22,}", 6, "[ts]p"),
    _Shape(
        "jwt", rf"J(?<={_NOT_AFTER_WORD}eyJ)[A-Za-z0-9_=-]{{8,}}\.[A-Za-z0-9_=-]{{8,}}(?:\.[A-Za-z0-9_+/=-]*)?", 2, "ey"
    ),
    # scheme://user:password@host: only the password goes. A password may itself contain '@'.
    _Shape(
        "password",
        r"://(?<=[A-Za-z0-9+.-]://)[^\s:/@\"'<>]{0,256}:(?P<secret>[^\s/\"'<>]{1,512})@",
        judge=_url_password_judge,
        run=False,
    ),
)


def _anchored_alternation(
    entries: list[tuple[str, str]], run_ahead: set[str] | None = None, before: dict[str, str] | None = None
) -> str:
    """One alternation of ``(pattern, marker)`` entries, grouped by each pattern's first (literal) character.

    Entries with the same anchor share one branch (``_(?:ghp...|npm...)``), so at a position only
    the entries of that anchor are tried. Each entry ends in an empty group named ``marker`` that
    says which one matched, placed last so that the alternative still starts with its anchor. Entries
    whose marker is in ``run_ahead`` are tried only where ``_RUN_AHEAD`` holds and, when every one of
    them names the two characters that come ``before`` its anchor, only where one of those does.
    """
    runs_ahead, before = run_ahead or set(), before or {}
    by_anchor: dict[str, tuple[list[str], list[str], list[str]]] = {}
    for pattern, marker in entries:
        anchor = pattern[:2] if pattern.startswith("\\") else pattern[0]
        rest = pattern[len(anchor) :].replace("(?P<secret>", "(?:")
        plain, runs, befores = by_anchor.setdefault(anchor, ([], [], []))
        (runs if marker in runs_ahead else plain).append(f"{rest}(?P<{marker}>)")
        if marker in runs_ahead:
            befores.append(before.get(marker, ""))
    branches = []
    for anchor, (plain, runs, befores) in by_anchor.items():
        alternatives = list(plain)
        if runs:
            pairs = dict.fromkeys(pair for both in befores for pair in both.split("|"))
            behind = f"(?<=(?:{'|'.join(pairs)}){anchor})" if all(befores) else ""
            alternatives.append(f"{_RUN_AHEAD}{behind}(?:{'|'.join(runs)})")
        branches.append(f"{anchor}(?:{'|'.join(alternatives)})")
    return "|".join(branches)


def _compile_shapes() -> re.Pattern[str]:
    """The alternation of every shape, each marked ``s<index>``."""
    entries = [(shape.pattern, f"s{index}") for index, shape in enumerate(_SHAPES)]
    with_runs = {f"s{index}" for index, shape in enumerate(_SHAPES) if shape.run}
    before = {f"s{index}": shape.before for index, shape in enumerate(_SHAPES) if shape.before}
    return _compile(_anchored_alternation(entries, with_runs, before))


_TOKENS = _compile_shapes()
_SHAPE_PATTERNS: dict[int, re.Pattern[str]] = {}


def _shape_pattern(index: int) -> re.Pattern[str]:
    """One shape alone, to read its groups; compiled when first needed (few shapes have groups)."""
    if index not in _SHAPE_PATTERNS:
        _SHAPE_PATTERNS[index] = _compile(_SHAPES[index].pattern)
        _CACHE.save()
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
    value = quoted if quoted is not None else _without_full_stop(match["bare"])
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


def _without_full_stop(value: str) -> str:
    """``DB_PASSWORD=hunter22.`` ends a sentence: the full stop is prose, not part of the value (a
    value with dots inside, ``config.token.``, is code and keeps it)."""
    if value.endswith(".") and "." not in value[:-1]:
        return value[:-1]
    return value


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
    if value == "bare":
        end = start + len(_without_full_stop(match["bare"]))
    return start, end, PLACEHOLDER.format(kind=_kind_of_key(_identifier_before(match.string, match.end("key"))))


def _bearer_span(match: re.Match[str]) -> tuple[int, int, str] | None:
    value = match["secret"]
    if not any(ch.isdigit() for ch in value) and len(value) < 32:
        return None  # "Bearer authentication" is prose
    return *match.span("secret"), PLACEHOLDER.format(kind="bearer_token")


# Each secret word where ``_KEY_SCAN`` could match in it, as a pattern that starts with the word
# itself, so that the engine finds it with a substring search (about a nanosecond a character)
# instead of stopping at every ``k``, ``s``, ``h``, ``c``, ``w`` and ``r`` of the text as the scan
# does. Every match of the scan lies in a match of one of these, so running the scan only there
# finds the same matches. ``anchors``: where in the word the scan's alternatives start.
_WORDS: tuple[tuple[str, re.Pattern[str], tuple[int, ...]], ...] = tuple(
    (word, _compile(f"{word}{rest}"), anchors)
    for word, rest, anchors in (
        ("key", _SEPARATOR_AHEAD, (0,)),
        ("pass", f"(?:w(?:ord|d)|phrase)?{_SEPARATOR_AHEAD}", (3, 4, 5)),
        ("token", _SEPARATOR_AHEAD, (2,)),
        ("auth", f"(?:orization)?{_SEPARATOR_AHEAD}", (3,)),
        ("secret", _SEPARATOR_AHEAD, (2,)),
        ("bearer", r"(?=[ \t])", (5,)),
    )
)


def _names_a_secret(folded: str) -> bool:
    """Whether the folded text holds a secret word at all; most text holds none, and these few
    substring searches cost less than calling even one pattern (most strings are short)."""
    return (
        "key" in folded
        or "pass" in folded
        or "token" in folded
        or "auth" in folded
        or "secret" in folded
        or "bearer" in folded
    )


def _key_candidates(folded: str) -> list[re.Match[str]]:
    """What ``_KEY_SCAN.finditer(folded)`` finds (no two of its matches can overlap: each ends its word)."""
    positions = {
        found.start() + anchor
        for word, pattern, anchors in _WORDS
        if word in folded
        for found in pattern.finditer(folded)
        for anchor in anchors
    }
    matches = (_KEY_SCAN.match(folded, position) for position in sorted(positions))
    return [match for match in matches if match is not None]


def _redact_by_name(text: str, folded: str) -> str:
    # Positions in the folded text are positions in the text unless folding changed a length (a few
    # non-ASCII letters do); then the candidates are found case-insensitively in the text itself.
    if not _names_a_secret(folded):
        return text
    scan: Iterable[re.Match[str]]
    scan = _key_candidates(folded) if len(folded) == len(text) else _KEY_SCAN_ANY_CASE.finditer(text)
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


# Nothing shorter can hold anything that redaction replaces: the shortest is a one-character value
# under a four-letter key (``pass=x``, ``auth:x``); every token shape is longer.
_SHORTEST_REDACTED = 6


def redact_text(text: str) -> str:
    """``text`` with every secret replaced by ``[REDACTED:<kind>]`` and private spans removed.

    Text with nothing to redact is returned as the very same object, so that callers can tell
    "unchanged" by identity and keep what they have instead of copying it.
    """
    if len(text) < _SHORTEST_REDACTED:
        return text
    original = text
    text = _redact_tokens(text)
    if "--" in text:
        text = _FLAG.sub(_flag_replacement, text)
    folded = text.lower()
    named = _redact_by_name(text, folded)
    if named is not text:
        text, folded = named, named.lower()
    text = redact_in_context(text, folded, redact_text, _is_reference)
    return original if text == original else text  # the same object when nothing changed (see above)


def _is_reference(value: str) -> bool:
    """``$PASS``, ``${TOKEN}``, ``<password>``, ``***``: a stand-in for a secret, not one."""
    return _REFERENCE.match(value.strip()) is not None


_SECRET_KEY = _compile(
    r"(?:(?<![a-z])pass|pass(?:word|wd|phrase)|secret|token|authorization|(?<![a-z])auth"
    r"|(?:api|access|private|auth|account|service|signing|encryption|master|secret|client|db|database|license)"
    r"[_-]?key|apikey)$",
    IGNORECASE,
)


def redact_value(value: object) -> object:
    """A JSON-like value with every string redacted; strings under secret-named keys are removed whole.

    A dict or list in which nothing changed is returned itself (never modified): most values hold
    no secret, and copying them on the way through cost import more than redacting them did.
    """
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        changed: dict[object, object] | None = None
        # {"name": "DB_PASSWORD", "value": "..."}: the value is named a secret by its neighbour.
        beside = (
            split_field_secret(value) if "value" in value or "Value" in value or "ParameterValue" in value else None
        )
        for key, item in value.items():
            # under the name it stands for, so the placeholder says what it was (password, token, ...)
            redacted = _redact_entry(key if key != beside else _beside_name(value), item)
            if redacted is not item:
                if changed is None:
                    changed = dict(value)
                changed[key] = redacted
        return value if changed is None else changed
    if isinstance(value, list):
        items = [redact_value(item) for item in value]
        return value if all(new is old for new, old in zip(items, value, strict=True)) else items
    if isinstance(value, tuple):
        return [redact_value(item) for item in value]  # JSON has no tuples: stored as a list, as before
    return value


def _beside_name(value: dict[object, object]) -> str:
    name = next((value[key] for key in ("name", "Name", "key", "Key", "ParameterKey") if key in value), "")
    return name if isinstance(name, str) and _is_secret_named(name) else "password"


# Dict keys repeat endlessly (``command``, ``file_path``, ``content`` ...): their verdict is kept, up
# to a bound, because a regular-expression call per key was a tenth of the cost of redacting a value.
_SECRET_NAMED: dict[str, bool] = {}
_SECRET_NAMED_MAX = 4096


def _is_secret_named(key: object) -> bool:
    if not isinstance(key, str):
        return False
    verdict = _SECRET_NAMED.get(key)
    if verdict is None:
        verdict = _SECRET_KEY.search(key) is not None
        if len(_SECRET_NAMED) < _SECRET_NAMED_MAX:
            _SECRET_NAMED[key] = verdict
    return verdict


def _redact_entry(key: object, item: object) -> object:
    if isinstance(item, str) and _is_secret_named(key) and item.strip() and not _REFERENCE.match(item.strip()):
        return PLACEHOLDER.format(kind=_kind_of_key(str(key)))
    return redact_value(item)


_CACHE.save()


def redact_event(event: Event) -> Event:
    """The event with its text, tool input and extra data redacted; the event itself if none of them changed."""
    text = redact_text(event.text)
    tool_input: Any = redact_value(event.tool_input) if event.tool_input is not None else None
    data: Any = redact_value(event.data)
    if text is event.text and tool_input is event.tool_input and data is event.data:
        return event
    from dataclasses import replace  # not at import: the hook never needs it

    return replace(event, text=text, tool_input=tool_input, data=data)
