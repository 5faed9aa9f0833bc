"""Every extension point of reverie, in one table (in the spirit of llm's ``hookspecs.py``).

================  =============================  ===========================================
kind              entry-point group              an entry point names
================  =============================  ===========================================
agent             ``reverie.agents``             ``reverie.extensions.Agent``
extractor         ``reverie.extractors``         ``reverie.distill.extractor.Extractor``
dream pass        ``reverie.dream_passes``       ``reverie.dream.DreamPass``
artifact target   ``reverie.artifact_targets``   ``reverie.artifacts.targets.TargetSpec``
LLM backend       ``reverie.llm_backends``       ``reverie.llms.backends.BackendSpec``
store backend     ``reverie.store_backends``     ``reverie.extensions.StoreBackend``
================  =============================  ===========================================

The built-ins register through the same table, in the module that owns each kind:
``adapters.registry``, ``distill.registry``, ``dream.registry``, ``artifacts.targets``,
``llms.backends``, ``workspace``.

One group per kind, so ``pip show`` and ``importlib.metadata`` tell at a glance what a package adds,
and a package that adds one kind never loads another kind's code. Every extension has a ``name``;
the built-ins come first (in the order their module registers them), then what was registered at
run time, then installed packages' entry points. A name already taken is not replaced by an entry
point (an installed package cannot silently swap a built-in); ``register`` at run time replaces in
place, which is how a user's own script overrides a built-in on purpose.

The modules that own a kind hold the views the rest of the code reads (``distill.registry.EXTRACTORS``,
``dream.passes()``, ``adapters.registry.agents()``, ...): this module imports none of them, so every
stage can depend on it and it depends on no stage. See docs/extending.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, overload

from reverie.domain import Event, Session
from reverie.errors import ConfigError


class Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Named)


class TranscriptParser(Protocol):
    """A transcript reader: records in file order in, events out (no I/O)."""

    skipped: Any  # a Counter of record types it did not import

    def prime(self, record: object) -> None: ...

    def feed(self, record: object, line: int) -> list[Event]: ...

    def finish(self) -> list[Event]: ...

    def sessions(self) -> list[Session]: ...


@dataclass(frozen=True, slots=True)
class TranscriptFormat:
    """One transcript format an agent writes.

    ``records`` is ``"json"`` (JSON lines, or one JSON array) or ``"text"`` (lines of text, each a
    ``str`` record). ``walks(file_name)`` says whether a file met while walking a folder is one;
    ``claims(path, first)`` decides for a file given by name: ``first`` is its first JSON record, or
    its first bytes for a text format. A ``fallback`` format takes the JSON files no other claims.
    """

    records: str
    walks: Callable[[str], bool]
    claims: Callable[[Path, object], bool]
    parser: Callable[[Path], TranscriptParser]
    fallback: bool = False


@dataclass(frozen=True, slots=True)
class HookSettings:
    """What ``reverie init`` merges into an agent's settings: the capture handlers (which also answer
    with recall at the events where recall speaks), separate recall handlers for an agent that needs
    them (``None`` for the built-ins), how to tell a recall handler of ours, including those of earlier
    versions that init and uninstall remove (``adapters.settings_file.AgentHooks``), and
    ``settings_path(project)``: the file to edit, the user's (``None``) or a repository's (``""``: the
    one of the current folder), raising ``ConfigError`` when the agent has no such file."""

    capture: Any
    recall: Any
    is_recall_handler: Callable[[Mapping[str, Any]], bool]
    settings_path: Callable[[str | None], Path]


@dataclass(frozen=True, slots=True)
class Agent:
    """Everything reverie knows about one coding agent, gathered in one object.

    ``normalize`` turns one of its hook payloads into events (``None``: no hooks, import only);
    ``transcripts`` are the formats ``reverie import`` reads; ``default_folders()`` where it keeps
    them on this machine; ``hooks`` what ``reverie init`` installs (``None``: nothing to install);
    ``artifact_targets`` the ``reverie compile`` targets it loads; ``actor_markers`` the environment
    variables it sets for the commands it runs, and ``process_names`` / ``process_packages`` how its
    process looks among a command's parents (``review.actor``).
    """

    name: str
    display_name: str
    normalize: Callable[[Mapping[str, Any]], tuple[Session, list[Event]]] | None = None
    transcripts: tuple[TranscriptFormat, ...] = ()
    default_folders: Callable[[], list[Path]] = field(default=lambda: [])
    hooks: HookSettings | None = None
    artifact_targets: tuple[str, ...] = ()
    actor_markers: tuple[str, ...] = ()
    process_names: tuple[str, ...] = ()
    process_packages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoreBackend:
    """A store: ``open(location)`` returns an object that keeps ``reverie.store.Store``'s promises
    (the contract suite in tests/store/ says which); ``location`` is a path for SQLite."""

    name: str
    summary: str
    open: Callable[[str], Any]


def entry_points(*, group: str) -> tuple[Any, ...]:
    """The installed packages' entry points of ``group``. ``importlib.metadata`` costs about 20 ms to
    import, so it is imported here, when a kind is first scanned, not by every command that opens a store."""
    from importlib import metadata

    return tuple(metadata.entry_points(group=group))


class Kind(Generic[T]):
    """One kind of extension: its built-ins and run-time registrations, plus its entry points."""

    def __init__(self, name: str, group: str) -> None:
        self.name = name
        self.group = group
        self._registered: list[T] = []
        self._installed: tuple[object, ...] | None = None  # entry points, loaded once per process

    def register(self, item: T) -> T:
        """Add ``item`` at the end; one of the same name is replaced in place."""
        for index, known in enumerate(self._registered):
            if known.name == item.name:
                self._registered[index] = item
                return item
        self._registered.append(item)
        return item

    def all(self, expected: type[T]) -> tuple[T, ...]:
        """The registered ones, then installed packages' (each checked to be an ``expected``)."""
        found = list(self._registered)
        taken = {item.name for item in found}
        for loaded in self._load():
            if not isinstance(loaded, expected):
                raise ConfigError(f"an entry point in {self.group} is not a {expected.__name__}: {loaded!r:.80}")
            if loaded.name not in taken:
                found.append(loaded)
                taken.add(loaded.name)
        return tuple(found)

    def _load(self) -> tuple[object, ...]:
        # Scanning installed distributions costs milliseconds, and the import reads the agents' formats
        # for every file it meets: the scan happens once, when a kind is first read.
        if self._installed is None:
            self._installed = tuple(entry.load() for entry in entry_points(group=self.group))
        return self._installed

    def named(self, name: str, expected: type[T]) -> T | None:
        """The one called ``name``. A built-in or run-time registration is found without scanning the
        installed packages: an entry point of the same name never replaces it (``all`` keeps the first)."""
        found = next((item for item in self._registered if item.name == name), None)
        return found or next((item for item in self.all(expected) if item.name == name), None)

    def reload(self) -> None:
        """Read the entry points again on next use (after installing a package in a running process)."""
        self._installed = None

    def view(self, expected: type[T]) -> View[T]:
        """A sequence that reads the table each time it is used (so entry points load late)."""
        return View(self, expected)

    def unregister(self, name: str) -> None:
        """Remove a run-time registration (tests, and a user's script undoing its own)."""
        self._registered[:] = [item for item in self._registered if item.name != name]


class View(Sequence[T]):
    """A kind's current members as a read-only sequence: ``(*EXTRACTORS, mine)`` keeps working."""

    def __init__(self, kind: Kind[T], expected: type[T]) -> None:
        self._kind = kind
        self._expected = expected

    def _items(self) -> tuple[T, ...]:
        return self._kind.all(self._expected)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self._items()[index]

    def __len__(self) -> int:
        return len(self._items())

    def __iter__(self) -> Iterator[T]:
        return iter(self._items())

    def __repr__(self) -> str:
        return f"View({self._kind.group}: {[item.name for item in self._items()]})"


AGENTS: Kind[Agent] = Kind("agent", "reverie.agents")
EXTRACTORS: Kind[Any] = Kind("extractor", "reverie.extractors")
DREAM_PASSES: Kind[Any] = Kind("dream pass", "reverie.dream_passes")
ARTIFACT_TARGETS: Kind[Any] = Kind("artifact target", "reverie.artifact_targets")
LLM_BACKENDS: Kind[Any] = Kind("LLM backend", "reverie.llm_backends")
STORE_BACKENDS: Kind[StoreBackend] = Kind("store backend", "reverie.store_backends")
KINDS: tuple[Kind[Any], ...] = (AGENTS, EXTRACTORS, DREAM_PASSES, ARTIFACT_TARGETS, LLM_BACKENDS, STORE_BACKENDS)
