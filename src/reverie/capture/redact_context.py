"""Secrets recognised by their context, not their shape: the third pass of ``redact``.

``redact`` finds tokens by their providers' prefixes and values by the name they are assigned to
(``DB_PASSWORD=...``). What that misses is a secret whose only tell is where it stands:

* **on a client's command line**: ``curl -u user:pass``, ``mysql -pPASS``, ``sshpass -p PASS``,
  ``redis-cli -a PASS``, ``docker login -p PASS``, ``htpasswd -b file user PASS``, ``ldapsearch -w
  PASS``, ``smbclient -U user%PASS``. Each client's flag means a password only after that client, so
  only the command segment that follows its name is searched (``mkdir -p`` stays);
* **in a field beside its name**: ``{"name": "DB_PASSWORD", "value": "..."}`` (Kubernetes env,
  CloudFormation parameters, CI variables) and the same in YAML;
* **behind a secret word without a separator the name pass accepts**: ``the password is X``,
  ``| API_TOKEN | X |``, ``DB_CREDENTIALS=X``, where X must look random (``_looks_random``), so prose
  survives;
* **base64- or hex-wrapped**: a run that decodes to printable text in which redaction finds a secret
  (or which is a ``user:password`` pair) is replaced whole.

Every pass is gated by substring checks on the lowercased text, so text without a client name, a
secret word or a long run costs a few ``in`` tests. Standard library only: the hook imports it.
"""

from __future__ import annotations

from reverie.capture.pattern_cache import IGNORECASE, cache_for

TYPE_CHECKING = False  # see redact: typing and re cost the hook more than its own work
if TYPE_CHECKING:
    import re
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any

_CACHE = cache_for(__file__, "redact_context")
_compile = _CACHE.compile

_PLACEHOLDER = "[REDACTED:{kind}]"

# A flag's value: single-quoted, double-quoted (also JSON-escaped, \"...\"), or bare.
_VALUE = r"(?P<v>'[^'\n]*'|\\?\"(?:[^\"\\\n]|\\(?!\"))*\\?\"|[^\s'\"|;&<>]+)"
_START = r"(?:(?<=\s)|^)"

# What each client's password flag looks like; ``pair`` marks values of the form user<sep>password.
_CLIENT_FLAGS: dict[str, tuple[str, str]] = {
    "curl": (rf"{_START}(?:-u[ \t]*|--user(?:[ \t]+|=)|-U[ \t]*|--proxy-user(?:[ \t]+|=)){_VALUE}", ":"),
    "mysql": (rf"{_START}-p{_VALUE}", ""),  # attached only: ``-p name`` is a database name
    "sshpass": (rf"{_START}-p[ \t]*{_VALUE}", ""),
    "redis-cli": (rf"{_START}(?:-a[ \t]+|--pass(?:[ \t]+|=)){_VALUE}", ""),
    "login": (rf"{_START}-p(?:[ \t]+|=){_VALUE}", ""),
    "mongo": (rf"{_START}-p(?:[ \t]+|=){_VALUE}", ""),
    "ldap": (rf"{_START}-w[ \t]*{_VALUE}", ""),
    "smbclient": (rf"{_START}(?:-U[ \t]*|--user(?:[ \t]+|=)){_VALUE}", "%"),
}
# Every alternative starts with the client's own name (``login`` for registries, with the tool
# checked behind it), so candidates are found with ``str.find`` on the lowercased text and the
# pattern is tried only there: scanning with it cost more than the rest of redaction together.
_CLIENTS = _compile(
    r"(?P<client>curl|mysql(?:dump|admin|import|show|check)?|mariadb(?:-dump|-admin)?|sshpass|redis-cli"
    r"|(?:(?<=docker )|(?<=podman )|(?<=nerdctl )|(?<=buildah )|(?<=skopeo )|(?<=registry )|(?<=oras ))login"
    r"|mongo(?:sh|dump|restore|import|export)?"
    r"|ldap(?:search|add|modify|delete|passwd|compare|whoami)|smbclient|htpasswd)(?![\w-])(?P<rest>[^\n|;&]*)"
)
_CLIENT_WORDS = ("curl", "mysql", "mariadb", "sshpass", "redis-cli", "login", "mongo", "ldap", "smbclient", "htpasswd")
_FLAG_PATTERNS: dict[str, re.Pattern[str]] = {}

_SECRET_NAME = _compile(
    r"(?:pass(?:word|wd|phrase|code)?|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key"
    r"|secret[_-]?key|credentials?|auth)$",
    IGNORECASE,
)
_SPLIT_NAMES = ("name", "Name", "key", "Key", "ParameterKey", "variable", "env")  # k8s, CloudFormation, CI
_SPLIT_VALUES = ("value", "Value", "ParameterValue")

# Both patterns start with a secret word and are tried only where ``str.find`` found one in the
# lowercased text (a scan with them cost twice the rest of redaction). That the word starts a name
# (``DB_PASSWORD``, not ``mypassword``) and that a ``key`` is an API, access, private or secret key
# is checked before.
_WORD = r"(?P<key>pass(?:word|wd|phrase|code)?|pwd|secret|token|key|credentials?)"
# {"name": "DB_PASSWORD", "value": "..."} and its YAML twin: the value follows the field that names it.
_SPLIT = _compile(
    _WORD + r"[\w.-]*(?P<q>\\?[\"'])?[ \t]*(?:,[ \t]*|\r?\n[ \t]*)\\?[\"']?(?:value|default)\\?[\"']?[ \t]*:[ \t]*"
    r"(?P<v>\\?\"(?:[^\"\\\n]|\\(?!\"))*\\?\"|'[^'\n]*'|[^\s#,}][^\n#,}]*)"
)
_NEAR = _compile(
    _WORD + r"(?P<gap>\\?[\"'`]?[ \t]*(?:is|was|:=|=>|->|[=:|])?[ \t]*\\?[\"'`]?)"
    r"(?P<v>[^\s\"'`|,;()\[\]{}<>\\]{12,256})"
)
_NEAR_WORDS = ("pass", "pwd", "secret", "token", "key", "credential")
# scheme://TOKEN@host: userinfo without a password is a token when it looks generated.
_USERINFO = _compile(r"://(?P<v>[^\s:/@\"'<>]{16,256})@")

# Starting with the character before a run lets the engine skip every position inside one in its
# own loop: twice as fast over real text as a look-behind. A run at the very start is matched alone.
_RUN = _compile(r"[^A-Za-z0-9+/_-](?P<run>[A-Za-z0-9+/_-]{16,}={0,2})")
_FIRST_RUN = _compile(r"(?P<run>[A-Za-z0-9+/_-]{16,}={0,2})(?![A-Za-z0-9+/_=-])")
_PAIR = _compile(r"[\w.@+-]{1,64}:[^\s:]{4,128}")
_LONGEST_RUN = 4096  # longer runs are images and archives, not wrapped tokens
_SHORTEST = 10  # nothing shorter holds a client, a flag and a value (``mysql -pXY``), or a run worth decoding

_KEY_PREFIXES = ("api", "api_", "api-", "access_", "access-", "private_", "private-", "secret_", "secret-")

_CACHE.save()

if TYPE_CHECKING:
    Span = tuple[int, int, str]  # replace text[start:end] with this


def redact_in_context(text: str, folded: str, inner: Callable[[str], str], is_reference: Callable[[str], bool]) -> str:
    """``text`` with client-flag, split-field, near-name, token-userinfo and encoded secrets replaced.

    ``inner`` is the whole redactor (to judge what a base64 run decodes to); ``is_reference`` says a
    value is a variable or placeholder (``$PASS``, ``${TOKEN}``), which stays; ``folded`` is
    ``text.lower()``, which the caller has already. Text with nothing to redact comes back as the
    same object.
    """
    if len(text) < _SHORTEST:
        return text
    if _names_a_client(folded):
        text = _replace(text, _client_spans(text, folded, is_reference))
        folded = text.lower()
    if _names_a_secret(folded) and len(folded) == len(text):
        # (lowercasing changes the length of a few non-ASCII letters; such text is left to the others)
        if "value" in folded or "default" in folded:
            spans = (_split_span(m, text, is_reference) for m in _at_words(_SPLIT, folded))
            text = _replace(text, spans)
            folded = text.lower()
        text = _replace(text, (_near_span(m, text, is_reference) for m in _at_words(_NEAR, folded)))
    if "://" in text and "@" in text:
        text = _replace(text, (_userinfo_span(m, is_reference) for m in _USERINFO.finditer(text)))
    if len(text) >= 16:
        text = _redact_runs(text, inner)
    return text


# The gates are chains of ``in`` on purpose: most strings are short, and a generator over a tuple of
# words cost more than everything else this pass does to them.
def _names_a_client(folded: str) -> bool:
    return (
        "curl" in folded
        or "mysql" in folded
        or "mariadb" in folded
        or "sshpass" in folded
        or "redis-cli" in folded
        or "login" in folded
        or "mongo" in folded
        or "ldap" in folded
        or "smbclient" in folded
        or "htpasswd" in folded
    )


def _names_a_secret(folded: str) -> bool:
    return (
        "key" in folded
        or "token" in folded
        or "pass" in folded
        or "secret" in folded
        or "pwd" in folded
        or "credential" in folded
    )


def _at_words(pattern: re.Pattern[str], folded: str) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` starting where a secret word starts a name in the lowercased text."""
    starts = sorted(at for word in _NEAR_WORDS if word in folded for at in _occurrences(folded, word))
    for at in starts:
        if folded.startswith("key", at):
            if not folded.endswith(_KEY_PREFIXES, max(0, at - 8), at):
                continue
        elif not _starts_a_name(folded, at):
            continue
        match = pattern.match(folded, at)
        if match is not None:
            yield match


def _replace(text: str, spans: Iterable[Span | None]) -> str:
    pieces: list[str] = []
    done = 0
    for span in spans:
        if span is not None and span[0] >= done:
            pieces += (text[done : span[0]], span[2])
            done = span[1]
    return "".join((*pieces, text[done:])) if pieces else text


def _starts_a_name(text: str, start: int) -> bool:
    return not start or not text[start - 1].isalnum()


def _userinfo_span(match: re.Match[str], is_reference: Callable[[str], bool]) -> Span | None:
    value = match["v"]
    if is_reference(value) or not _looks_random(value):
        return None
    return *match.span("v"), _PLACEHOLDER.format(kind="token")


# -- command lines ---------------------------------------------------------------------------------


def _flag_pattern(family: str) -> re.Pattern[str]:
    if family not in _FLAG_PATTERNS:
        _FLAG_PATTERNS[family] = _compile(_CLIENT_FLAGS[family][0])
        _CACHE.save()
    return _FLAG_PATTERNS[family]


def _family(client: str) -> str:
    if client.endswith(" login"):
        return "login"
    for family in ("mysql", "mongo", "ldap"):
        if client.startswith(family):
            return family
    return "mysql" if client.startswith("mariadb") else client


def _client_spans(text: str, folded: str, is_reference: Callable[[str], bool]) -> Iterator[Span]:
    """The password spans on the command lines of the clients named in ``text``, in order."""
    starts = sorted(
        at for word in _CLIENT_WORDS if word in folded for at in _occurrences(folded, word) if _starts_a_name(text, at)
    )
    done = 0
    for start in starts:
        match = _CLIENTS.match(folded, start) if len(folded) == len(text) else None
        if match is None or start < done:
            continue
        client, (rest_start, rest_end) = match["client"], match.span("rest")
        rest = text[rest_start:rest_end]
        if client == "htpasswd":
            found = list(_htpasswd_spans(rest, is_reference))
        else:
            family = _family(client)
            pattern, pair = _flag_pattern(family), _CLIENT_FLAGS[family][1]
            # sshpass wraps another command whose own -p (ssh's port) must stay: its first flag only.
            flags = list(pattern.finditer(rest))[: 1 if family == "sshpass" else None]
            found = [span for flag in flags if (span := _value_span(flag, pair, is_reference)) is not None]
        for value_start, value_end, placeholder in found:
            yield rest_start + value_start, rest_start + value_end, placeholder
        done = rest_end


def _occurrences(folded: str, word: str) -> Iterator[int]:
    at = folded.find(word)
    while at >= 0:
        yield at
        at = folded.find(word, at + len(word))


def _value_span(flag: re.Match[str], pair: str, is_reference: Callable[[str], bool]) -> Span | None:
    start, end = flag.span("v")
    raw = flag["v"]
    quote = raw[:2] if raw.startswith('\\"') else raw[:1] if raw[:1] in "'\"" else ""
    if quote and raw.endswith(quote) and len(raw) >= 2 * len(quote):
        start, end = start + len(quote), end - len(quote)
    elif quote:
        start += len(quote)
    value = flag.string[start:end]
    if pair:
        if pair not in value:
            return None  # ``curl -u user`` asks for the password: nothing to hide
        start += value.index(pair) + 1
        value = flag.string[start:end]
    if not value or is_reference(value) or value.lower().startswith("[redacted"):
        return None
    return start, end, _PLACEHOLDER.format(kind="password")


def _htpasswd_spans(rest: str, is_reference: Callable[[str], bool]) -> Iterator[Span]:
    """``htpasswd -b[c] file user PASSWORD`` and ``htpasswd -nb user PASSWORD``: batch mode takes the
    password as the last positional argument."""
    words = rest.split()
    flags = "".join(word[1:] for word in words if word.startswith("-"))
    positional = [word for word in words if not word.startswith("-")]
    wanted = 2 if "n" in flags else 3
    if "b" not in flags or len(positional) < wanted or is_reference(positional[wanted - 1].strip("'\"")):
        return
    secret = positional[wanted - 1]
    at = rest.find(secret, rest.find(positional[wanted - 2]) + len(positional[wanted - 2]))
    if at >= 0:
        yield at, at + len(secret), _PLACEHOLDER.format(kind="password")


# -- a value in the field beside its name ---------------------------------------------------------


def _split_span(match: re.Match[str], text: str, is_reference: Callable[[str], bool]) -> Span | None:
    """The value in the field after one that names a secret."""
    start, end = match.span("v")
    value = text[start:end].rstrip()
    end = start + len(value)
    quote = value[:2] if value.startswith('\\"') else value[:1] if value[:1] in "'\"" else ""
    if quote and value.endswith(quote) and len(value) >= 2 * len(quote):
        start, end = start + len(quote), end - len(quote)
    bare = text[start:end]
    if not bare.strip() or is_reference(bare) or bare.lower().startswith("[redacted"):
        return None
    return start, end, _PLACEHOLDER.format(kind=kind_of_name(match["key"]))


def split_field_secret(item: dict[object, object]) -> str | None:
    """The key of the value that a dict names as a secret elsewhere (``{"name": "DB_PASSWORD",
    "value": ...}``), or None. Used by ``redact_value`` on structured data."""
    name = next((item[key] for key in _SPLIT_NAMES if isinstance(item.get(key), str)), None)
    if not isinstance(name, str) or _SECRET_NAME.search(name) is None:
        return None
    return next((key for key in _SPLIT_VALUES if isinstance(item.get(key), str)), None)


def kind_of_name(name: str) -> str:
    lowered = name.lower()
    if "pass" in lowered or "pwd" in lowered:
        return "password"
    if "token" in lowered or "auth" in lowered:
        return "token"
    return "api_key" if lowered.endswith("key") and "secret" not in lowered else "secret"


# -- a random-looking value right after a secret word -----------------------------------------------


def _near_span(match: re.Match[str], text: str, is_reference: Callable[[str], bool]) -> Span | None:
    start, end = match.span("v")
    value = text[start:end]  # the match may be over the lowercased text: the value keeps its case
    if not match["gap"]:
        return None  # ``tokenizer``: the word runs on
    if is_reference(value) or not _looks_random(value):
        return None
    return start, end, _PLACEHOLDER.format(kind=kind_of_name(match["key"]))


def _looks_random(value: str) -> bool:
    """A generated secret, not a word, a path or a number: three kinds of character (or two over a
    long value) and about three bits of entropy a character."""
    if value.startswith(("/", "~", "[REDACTED")) or "://" in value or value.count("/") > 1 or value.count(".") > 1:
        return False  # a path, a URL, a host name or something already redacted
    if not any(c.isdigit() for c in value):
        return False  # generated secrets have digits; capitalised prose does not
    kinds = (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )
    if kinds < 2 or (kinds == 2 and len(value) < 20):
        return False
    return _entropy(value) >= 3.0


def _entropy(value: str) -> float:
    from math import log2  # only for the few values next to a secret word

    counts: dict[str, int] = {}
    for char in value:
        counts[char] = counts.get(char, 0) + 1
    return -sum(n / len(value) * log2(n / len(value)) for n in counts.values())


# -- base64 and hex ---------------------------------------------------------------------------------


def _redact_runs(text: str, inner: Callable[[str], str]) -> str:
    # ``findall`` first, in C, and match objects only in the rare text that holds a wrapped secret:
    # building them for every run cost four times the scan itself.
    runs = _RUN.findall(text)
    first = _FIRST_RUN.match(text)
    if first is not None:
        runs.append(first["run"])
    wrapped = {run for run in runs if _may_wrap(run) and _wraps_secret(run, inner)}
    if not wrapped:
        return text
    matches = [first] if first is not None else []
    placeholder = _PLACEHOLDER.format(kind="encoded_secret")
    spans = (
        (match.start("run"), match.end("run"), placeholder)
        for match in (*matches, *_RUN.finditer(text))
        if match["run"] in wrapped
    )
    return _replace(text, spans)


def _may_wrap(run: str) -> bool:
    """Identifiers and paths (all lowercase and not hex: base64 of twelve bytes or more all but
    always has a capital) and images (too long) are no wrapped token."""
    return len(run) <= _LONGEST_RUN and (not run.islower() or not run.strip(_HEX))


def _wraps_secret(run: str, inner: Callable[[str], str]) -> bool:
    """Whether a run decodes to text holding a secret, or to a user:password pair."""
    decoded = _decode(run)
    if decoded is None or len(decoded) < 8:
        return False
    return inner(decoded) is not decoded or _PAIR.fullmatch(decoded) is not None


_HEX = "0123456789abcdef"
_HEX_ANY_CASE = _HEX + "ABCDEF"
_PRINTABLE = bytes(range(32, 127)) + b"\t\n\r"


def _decode(run: str) -> str | None:
    """What a run decodes to as hex or base64, when that is printable ASCII; None otherwise."""
    import binascii  # built into the interpreter: no file is read

    body = run.rstrip("=")
    for data in (_from_hex(body), _from_base64(body, binascii)):
        if data and not data.translate(None, _PRINTABLE):
            return data.decode("ascii")
    return None


def _from_hex(body: str) -> bytes | None:
    if len(body) % 2 or body.strip(_HEX_ANY_CASE):
        return None
    return bytes.fromhex(body)


def _from_base64(body: str, binascii: Any) -> bytes | None:
    if len(body) % 4 == 1:
        return None
    standard = body.replace("-", "+").replace("_", "/")
    try:
        data: bytes = binascii.a2b_base64(standard + "=" * (-len(standard) % 4))
    except (ValueError, binascii.Error):
        return None
    return data
