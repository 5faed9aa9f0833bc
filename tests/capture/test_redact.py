"""Redaction: every secret shape in the corpus goes, every ordinary line stays, and detect-secrets agrees."""

from __future__ import annotations

import json
import random
import re
import string
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reverie.capture import redact
from reverie.capture.pattern_cache import PatternCache
from reverie.domain import Event, EventKind, Origin, Source

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "secrets"
_PLACEHOLDER = re.compile(r"\{\{(?P<kind>[RHDUP]):(?P<arg>[^}]*)\}\}")
_ALPHABETS = {
    "R": string.ascii_letters + string.digits,
    "H": "0123456789abcdef",
    "D": string.digits,
    "U": string.ascii_uppercase + string.digits,
}


@dataclass(frozen=True)
class Shape:
    kind: str
    text: str
    secret: str


def _expand(template: str, rng: random.Random, memo: dict[str, str]) -> str:
    """Fill a corpus template; the same placeholder gets the same value in ``text`` and ``secret``."""

    def fill(match: re.Match[str]) -> str:
        if match["kind"] == "P":
            return match["arg"]
        if match.group(0) not in memo:
            alphabet = _ALPHABETS[match["kind"]]
            # At least one digit and one letter where the alphabet has both, as real tokens do.
            value = "".join(rng.choice(alphabet) for _ in range(int(match["arg"])))
            memo[match.group(0)] = value
        return memo[match.group(0)]

    return _PLACEHOLDER.sub(fill, template)


def load_shapes(seed: int = 7) -> list[Shape]:
    rng = random.Random(seed)
    shapes = []
    for line in (CORPUS / "positives.jsonl").read_text().splitlines():
        case = json.loads(line)
        memo: dict[str, str] = {}
        text = _expand(case["text"], rng, memo)
        shapes.append(Shape(case["kind"], text, _expand(case["secret"], rng, memo)))
    return shapes


SHAPES = load_shapes()
NEGATIVES = [line for line in (CORPUS / "negatives.txt").read_text().splitlines() if line]


@pytest.mark.parametrize("shape", SHAPES, ids=[f"{i}-{s.kind}" for i, s in enumerate(SHAPES)])
def test_every_secret_shape_is_redacted(shape: Shape) -> None:
    redacted = redact.redact_text(shape.text)
    assert shape.secret not in redacted, redacted
    expected = r"\[REDACTED:\w+\]" if shape.kind == "*" else re.escape(f"[REDACTED:{shape.kind}]")
    assert re.search(expected, redacted), redacted


@pytest.mark.parametrize("line", NEGATIVES)
def test_ordinary_lines_survive_unchanged(line: str) -> None:
    assert redact.redact_text(line) == line


def test_only_the_secret_goes_and_the_key_stays() -> None:
    assert redact.redact_text("DB_PASSWORD=hunter22 ./run") == "DB_PASSWORD=[REDACTED:password] ./run"
    assert redact.redact_text("postgres://app:s3cr3t@db:5432/app") == "postgres://app:[REDACTED:password]@db:5432/app"


def test_redaction_is_idempotent() -> None:
    for shape in SHAPES:
        once = redact.redact_text(shape.text)
        assert redact.redact_text(once) == once


def test_values_under_secret_named_keys_go_whole() -> None:
    value = {
        "password": "correct horse battery staple",
        "apiKey": "plain-words-are-still-a-key",
        "nested": [{"client_secret": "abc"}, "DB_PASSWORD=hunter22"],
        "max_tokens": 1000,
        "token_count": "3",
        "passthrough": "kept",
        "enabled": True,
    }
    assert redact.redact_value(value) == {
        "password": "[REDACTED:password]",
        "apiKey": "[REDACTED:api_key]",
        "nested": [{"client_secret": "[REDACTED:secret]"}, "DB_PASSWORD=[REDACTED:password]"],
        "max_tokens": 1000,
        "token_count": "3",
        "passthrough": "kept",
        "enabled": True,
    }


def test_references_under_secret_named_keys_are_kept() -> None:
    assert redact.redact_value({"password": "${DB_PASSWORD}", "token": ""}) == {
        "password": "${DB_PASSWORD}",
        "token": "",
    }


def test_redact_event_covers_text_tool_input_and_data() -> None:
    token = "gh" + "p_" + "a1B2c3D4" * 5
    event = Event(
        key="s:tool_call:1",
        session_id="s",
        kind=EventKind.TOOL_CALL,
        origin=Origin.AGENT,
        source=Source.HOOK,
        text=f"using {token}",
        tool_input={"command": f"curl -H 'Authorization: token {token}' x"},
        data={"env": {"GITHUB_TOKEN": token}},
    )
    redacted = redact.redact_event(event)
    assert token not in repr(redacted)
    assert redacted.key == event.key and redacted.kind is event.kind


def test_huge_text_with_a_secret_at_the_end() -> None:
    token = "gh" + "p_" + "Zz9" * 12
    text = ("ordinary words, paths /a/b_c-d.py and keys: values\n" * 40_000) + token
    assert token not in redact.redact_text(text)


@settings(max_examples=200, deadline=None)
@given(before=st.text(max_size=200), after=st.text(max_size=200))
def test_a_token_anywhere_in_any_text_is_redacted(before: str, after: str) -> None:
    token = "gh" + "p_" + "Q7w" * 12
    redacted = redact.redact_text(f"{before} {token} {after}")
    assert token not in redacted


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_handled(text: str) -> None:
    assert isinstance(redact.redact_text(text), str)


def test_pattern_cache_survives_a_garbled_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    path = tmp_path / "__pycache__" / "x.patterns"
    cache = PatternCache(str(path))
    pattern = cache.compile(r"(?P<word>\w+)-(?P=word)", re.IGNORECASE)
    cache.save()
    assert path.exists()
    reloaded = PatternCache(str(path)).compile(r"(?P<word>\w+)-(?P=word)", re.IGNORECASE)
    assert reloaded.search("say Hi-hi").group("word") == pattern.search("say Hi-hi").group("word") == "Hi"
    path.write_bytes(b"\x00garbage")
    assert PatternCache(str(path)).compile(r"a+").fullmatch("aaa")


# -- detect-secrets as the oracle ------------------------------------------------------------------
#
# Every secret that detect-secrets' regex-based plugins find, we redact too. Its keyword and entropy
# plugins are left out: they flag git hashes and UUIDs, which must survive. Artifactory's password
# shape (AP + 9 letters) matches ordinary identifiers, and IBM/Softlayer/Cloudant detectors need a
# keyword context that the keyword rules cover; they are left out for the same reason.
_ORACLE_PLUGINS = (
    "AWSKeyDetector",
    "AzureStorageKeyDetector",
    "BasicAuthDetector",
    "DiscordBotTokenDetector",
    "GitHubTokenDetector",
    "GitLabTokenDetector",
    "JwtTokenDetector",
    "MailchimpDetector",
    "NpmDetector",
    "OpenAIDetector",
    "PrivateKeyDetector",
    "PypiTokenDetector",
    "SendGridDetector",
    "SlackDetector",
    "SquareOAuthDetector",
    "StripeDetector",
    "TelegramBotTokenDetector",
    "TwilioKeyDetector",
)


def _oracle_findings(text: str) -> list[tuple[str, str]]:
    plugins = pytest.importorskip("detect_secrets.core.plugins.util")
    found = []
    for name, plugin_class in plugins.get_mapping_from_secret_type_to_class().items():
        if plugin_class.__name__ not in _ORACLE_PLUGINS:
            continue
        plugin = plugin_class()
        for line in text.splitlines():
            for secret in plugin.analyze_string(line):
                if len(secret) >= 8 and not secret.startswith(("BEGIN", "PuTTY")):
                    found.append((name, secret))
                elif secret.startswith("BEGIN"):
                    found.append((name, line.strip()))
    return found


def test_detect_secrets_finds_nothing_that_we_keep_in_the_corpus() -> None:
    for shape in SHAPES:
        redacted = redact.redact_text(shape.text)
        for plugin, secret in _oracle_findings(shape.text):
            assert secret not in redacted, f"{plugin} found {secret!r}, still in {redacted!r}"


@pytest.mark.corpus
def test_detect_secrets_finds_nothing_that_we_keep_in_real_transcripts(shared_data: Path) -> None:
    files = sorted((shared_data / "claude-code" / "transcripts").rglob("*.jsonl"))
    files += sorted((shared_data / "codex").rglob("*.jsonl"))
    assert files
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            findings = _oracle_findings(line)
            if findings:
                redacted = redact.redact_text(line)
                for plugin, secret in findings:
                    assert secret not in redacted, f"{path.name}:{number}: {plugin} found {secret!r}"
