"""`custodiet audit`: sources -> observations -> identities -> findings -> store.

Memory stays flat in input size: observations stream from the sources into the store in
batches, and devices are identified one at a time. A host that a source reports in one piece
(an nmap <host>, an inventory row) is identified right away from its observations in memory and
staged in the store; after grouping, only the devices whose group is more than that one piece
(the same address in two files, addresses sharing a MAC, an inventory row joining a scan host)
are read back and identified again from the store (store.writer explains how it decides). Both
ways give the same devices. Everything a run writes is one transaction: an error or a crash
leaves the inventory as it was.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from custodiet.errors import InputError, InternalError, StoreError, describe_bug
from custodiet.model import (
    Contact,
    Device,
    Finding,
    InputSummary,
    Match,
    Observation,
    PhoneHome,
    RunReport,
    Subject,
)
from custodiet.pipeline import phonehome, runinfo
from custodiet.pipeline import scope as scopes
from custodiet.pipeline.context import Context
from custodiet.pipeline.devices import build_device
from custodiet.policy.status import judged
from custodiet.sources import nmap_xml
from custodiet.sources.base import Reader, ReadStats, SourceOptions
from custodiet.sources.detect import detect_format
from custodiet.sources.registry import READERS
from custodiet.store import RunWriter, Store, codec
from custodiet.store.writer import Conclude, Row

BATCH = 5000
# A host of more observations than this is not identified while it streams in (its rows would be
# held in memory at once); the store groups and identifies it like a merged host.
MAX_HOST_ROWS = 20_000
# Identify hosts while they stream in (see the module doc). False: every device is built from the
# store, the slow reference way; the tests compare both.
FAST_PATH = True

# progress(path, records_so_far, done) - called while reading; the CLI draws it.
Progress = Callable[[str, int, bool], None]


@dataclass(frozen=True)
class AuditRequest:
    paths: tuple[Path, ...]
    db: Path
    format: str | None = None
    source_options: SourceOptions = field(default_factory=SourceOptions)
    endpoints: tuple[Path, ...] = ()  # user endpoint files (content/endpoints.yaml schema)
    home_country: str | None = None  # ISO 3166 alpha-2: traffic to other countries is reported
    # What to call a named path in messages and evidence (standard input's copy: "<stdin>").
    labels: Mapping[Path, str] = field(default_factory=dict)


@dataclass
class AuditResult:
    run_id: int | None
    reused: bool
    inputs: list[InputSummary]
    errors: list[str]  # one line per input that could not be read (file, place, reason)
    # Those of errors that were unexpected exceptions (bugs) in reading one input: the input's
    # error, the other inputs audited all the same.
    internal: list[str] = field(default_factory=list)
    # Files met while walking a folder that are no input format (a README): not inputs of the run.
    ignored: list[str] = field(default_factory=list)


def load_report(db: Path, run_id: int | None = None, evidence: str = "all") -> RunReport:
    """A stored run, for callers that want the whole report after audit()."""
    with Store(db) as store:
        return store.load_run(run_id, evidence=evidence)


def expand_paths(
    paths: tuple[Path, ...], labels: Mapping[Path, str] | None = None
) -> tuple[list[tuple[Path, str, bool]], list[str]]:
    """Files to read as (path, label, named): named files were given by the user, the others were
    found by walking a folder (hidden files skipped). Also one-line errors for bad paths.
    labels: what to call some named paths instead of their path (standard input's copy)."""
    files: list[tuple[Path, str, bool]] = []
    errors: list[str] = []
    for path in paths:
        if labels and path in labels:
            files.append((path, labels[path], True))
            continue
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            files.extend((p, str(p), False) for p in found)
        elif path.is_file():
            files.append((path, str(path), True))
        else:
            errors.append(str(InputError("no such file or folder", file=str(path))))
    return files, errors


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_key(context: Context, inputs: list[tuple[str, str]], extra: str = "") -> str:
    """Same inputs (by content), same content version and profile: same run. extra names other
    options that change the result (phone-home: endpoint files, home country); '' adds nothing."""
    digest = hashlib.sha256(f"{context.content_version}|{context.policy.profile.id}".encode())
    for sha, fmt in sorted(inputs):
        digest.update(f"|{sha}:{fmt}".encode())
    if extra:
        digest.update(f"|phone-home:{extra}".encode())
    return digest.hexdigest()


def audit(request: AuditRequest, context: Context, progress: Progress | None = None) -> AuditResult:
    setup = phonehome.prepare(context, request.endpoints, request.home_country)
    files, errors = expand_paths(request.paths, request.labels)
    internal: list[str] = []
    planned: list[tuple[Path, str, str, str]] = []  # path, label, format, sha
    skipped_inputs: list[InputSummary] = []
    ignored: list[str] = []
    for path, label, named in files:
        try:
            if path.stat().st_size == 0:
                raise InputError("empty file", file=label)
            fmt = request.format or detect_format(path, label)
            if fmt not in READERS:
                raise InputError(f"unknown format '{fmt}' (known: {', '.join(sorted(READERS))})", file=label)
            planned.append((path, label, fmt, file_sha256(path)))
        except InputError as exc:
            if not named:  # a file met while walking a folder (a README, say) is no input: not an error
                ignored.append(label)
                continue
            errors.append(str(exc))
            skipped_inputs.append(
                InputSummary(path=label, format="?", sha256="", records=0, observations=0, error=exc.message)
            )
        except OSError as exc:
            errors.append(str(InputError(f"cannot read: {exc.strerror}", file=label)))
        except Exception as exc:  # a bug met while detecting this input: the others go on
            message = str(InternalError(describe_bug(exc), file=label))
            errors.append(message)
            internal.append(message)
    if not planned:
        return AuditResult(None, False, skipped_inputs, errors, internal, ignored)
    extra = phonehome.key_extra(request.endpoints, request.home_country)
    options = runinfo.options_key(request.format, request.source_options)
    extra = f"{extra}|options:{options}" if options else extra
    key = run_key(context, [(sha, fmt) for _, _, fmt, sha in planned], extra)
    with Store(request.db) as store:
        existing = store.find_run(key)
        if existing is not None:
            inputs = list(store.load_run(existing, evidence="none").inputs)
            # The same inputs give the same answer, errors included: the stored run's input
            # errors are reported again (a re-run must not turn a failed input into a success).
            for item in inputs:
                if item.error:
                    message = item.error if item.error.startswith(item.path) else f"{item.path}: {item.error}"
                    errors.append(message)
                    if "internal error: " in item.error:
                        internal.append(message)
            return AuditResult(existing, True, inputs, errors, internal, ignored)
        recorded = runinfo.run_options(
            request.format,
            request.source_options,
            tuple(str(p) for p in request.endpoints),
            request.home_country,
        )
        lists = runinfo.list_versions(context)
        begun = store.begin_run(
            key,
            context.content_version,
            profile=context.policy.profile.id,
            options=recorded,
            lists=codec.dump_lists(lists),
        )
        with _few_collections(), begun as writer:
            summaries = [
                _ingest(
                    writer, context, p, label, fmt, sha, request.source_options, progress, errors, internal
                )
                for p, label, fmt, sha in planned
            ]
            for summary in [*summaries, *skipped_inputs]:
                writer.add_input(summary)
            _identify_devices(writer, context, setup)
            writer.commit()
            run_id = writer.run_id
    # The run is not loaded back here: the caller loads what it shows (a 100,000-device run's
    # evidence is hundreds of MB, and a --quiet pipeline run needs only finding counts).
    return AuditResult(run_id, False, [*summaries, *skipped_inputs], errors, internal, ignored)


@contextmanager
def _few_collections() -> Iterator[None]:
    """Fewer garbage collections while a run streams: an audit allocates millions of short-lived
    objects that reference counting frees, so the collector's passes over the young generation
    (every 700 allocations by default) and over the whole heap, loaded content included, find
    next to nothing. The content is set aside (gc.freeze) and the young generation is collected
    every 20,000 allocations; both are restored afterwards."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], 20_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _ingest(
    writer: RunWriter,
    context: Context,
    path: Path,
    label: str,
    fmt: str,
    sha: str,
    options: SourceOptions,
    progress: Progress | None,
    errors: list[str],
    internal: list[str] | None = None,
) -> InputSummary:
    """Read one input into the run. Its reader's InputError or OSError, or any unexpected
    exception (a bug, recorded as an internal error), becomes this input's error: what it yielded
    before stays, and the run goes on with the other inputs. A StoreError stops the run."""
    scope = scopes.collector_for(fmt)
    stats = ReadStats(examined=scope.add)
    reader = READERS[fmt]
    error: str | None = None
    identifier = context.identifier
    # Fields whose texts are one host's own (its MAC, its name) are matched without the answer
    # cache, which they would only fill; fields outside identifier.fields match nothing.
    how = dict.fromkeys(identifier.fields, identifier.match)
    for unique in _HOST_OWN_FIELDS & how.keys():
        how[unique] = identifier.match_uncached
    nothing = _nothing
    conclude = _concluder(context) if FAST_PATH else None
    add_host = writer.add_host
    record: list[tuple[Observation, tuple[Match, ...]]] = []  # consecutive observations of one subject
    subject: Subject | None = None
    whole = True  # record holds its host from the start
    contacts: list[Contact] = []
    named = phonehome.ContactObservations()
    contact_count = 0
    stored = 0
    reported = 0
    try:
        by_host = _HOST_READERS.get(reader)
        if by_host is not None:
            # A reader that hands over each host whole: no record to assemble observation by
            # observation (what the loop below does for the others).
            for host in by_host(path, label, stats, options):
                if host:
                    scope.add(host[0].subject.address)
                rows = [(obs, how.get(obs.field, nothing)(obs.field, obs.text)) for obs in host]
                if len(rows) <= MAX_HOST_ROWS:
                    add_host(rows, conclude)
                else:
                    for start in range(0, len(rows), MAX_HOST_ROWS):
                        add_host(rows[start : start + MAX_HOST_ROWS], None)
                stored += len(rows)
                if progress and stored - reported >= BATCH:
                    reported = stored
                    progress(label, stats.records, False)
        for item in () if by_host is not None else reader(path, label, stats, options):
            if item.subject is not subject:
                scope.add(item.subject.address)
            obs: Observation | None
            if type(item) is Observation:
                obs = item
            elif isinstance(item, Contact):
                # Traffic: staged for phone-home; a name it reached is also evidence of the maker.
                # A host's traffic is scattered over the input: the store groups it.
                conclude = None
                contacts.append(item)
                contact_count += 1
                obs = named(item)
                if len(contacts) >= BATCH:
                    writer.add_contacts(contacts)
                    contacts = []
                if obs is None:
                    continue
            else:
                obs = item  # an Observation of a subclass
            if obs.subject is not subject and obs.subject != subject:
                if record:
                    add_host(record, conclude if whole else None)
                    stored += len(record)
                    record = []
                subject = obs.subject
                whole = True
            elif len(record) >= MAX_HOST_ROWS:
                add_host(record, None)
                stored += len(record)
                record = []
                whole = False  # nor is the rest of this host identified alone
            record.append((obs, how.get(obs.field, nothing)(obs.field, obs.text)))
            if progress and stored - reported >= BATCH:
                reported = stored
                progress(label, stats.records, False)
    except InputError as exc:
        error = str(exc)
        errors.append(error)
    except OSError as exc:
        error = str(InputError(f"read failed: {exc.strerror or exc}", file=label))
        errors.append(error)
    except StoreError:
        raise
    except Exception as exc:
        error = str(InternalError(describe_bug(exc), file=label, place=f"record {stats.records + 1}"))
        errors.append(error)
        if internal is not None:
            internal.append(error)
    if record:
        add_host(record, conclude if whole else None)
    if contacts:
        writer.add_contacts(contacts)
    if progress:
        progress(label, stats.records, True)
    _record_scope(writer, path, label, fmt, scope)
    return InputSummary(
        path=label,
        format=fmt,
        sha256=sha,
        records=stats.records,
        observations=stats.observations,
        skipped=sum(stats.skipped.values()),
        skip_reasons=tuple(sorted(stats.skipped.items())),
        error=error,
        contacts=max(stats.contacts, contact_count),
        taken=scopes.taken(path, fmt),
    )


def _record_scope(writer, path: Path, label: str, fmt: str, scope: scopes.ScopeCollector) -> None:
    """What this input examined (pipeline.scope): its hosts or subnets, and nmap's targets."""
    writer.add_scope(label, scopes.kind_of(fmt), scope.ranges())
    if fmt == "nmap-xml":
        args = scopes.nmap_args(path)
        targets = scopes.nmap_targets(args) if args else None
        if targets:
            writer.add_scope(label, "nmap targets", targets)


_HOST_OWN_FIELDS = frozenset({"mac", "hostname"})

# Readers with a form that yields a host's observations as one list (the same observations).
HostReader = Callable[[Path, str, ReadStats, SourceOptions], Iterator[list[Observation]]]
_HOST_READERS: dict[Reader, HostReader] = {nmap_xml.read: nmap_xml.read_hosts}


def _nothing(field: str, text: str) -> tuple[Match, ...]:
    return ()


def _concluder(context: Context) -> Conclude:
    """conclude(rows, key) for RunWriter.add_host: the device and its findings."""
    identifier = context.identifier
    policy = context.policy
    covered = policy.is_covered
    findings = policy.findings

    def conclude(rows: Sequence[Row], key: str) -> tuple[Device, list[Finding]]:
        device = build_device(rows, identifier, covered, key)
        found = findings(device)
        return judged(device, found), found

    return conclude


def _identify_devices(
    writer: RunWriter, context: Context, setup: phonehome.PhoneHomeSetup | None = None
) -> None:
    """Devices for the groups that no staged device covers, then every device in key order, then
    phone-home facts (observed devices in key order, then hosts seen only in traffic)."""
    policy = context.policy
    if setup is not None:
        phonehome.resolve(setup, writer)
    for group in writer.regroup():
        device = build_device(group, context.identifier, policy.is_covered, group.key)
        found = policy.findings(device)
        writer.stage_device(judged(device, found), found)
    writer.finish_devices()
    if setup is None:
        return
    facts: list[PhoneHome] = []
    if setup.traffic:
        for key in writer.observed_contact_keys():
            facts.extend(phonehome.phone_home(setup, writer, key, key))
            if len(facts) >= BATCH:
                writer.add_phone_home(facts)
                facts = []
    # Hosts seen only in traffic are devices too: unidentified, but they may phone home.
    devices = []
    for key, addresses, mac in writer.traffic_only_devices():
        device = phonehome.traffic_only_device(key, addresses, mac)
        devices.append(device)
        facts.extend(phonehome.phone_home(setup, writer, device.id, key))
        if len(devices) >= BATCH:
            writer.add_devices(devices)
            devices = []
    writer.add_devices(devices)
    writer.add_phone_home(facts)
