"""Fuzzing the archive parsers: any input is either accepted or refused in French, never a crash.

Inputs that once crashed a parser are kept below as `@example`s (regression cases).
"""

import io
import zipfile

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cabinet.archive import manifest, transverse
from cabinet.archive.container import EnvelopeReader, EnvelopeWriter, Recipient, key_opener
from cabinet.archive.reader import ArchiveReader
from cabinet.demo.generator import DemoSize, generate
from cabinet.errors import KnownError
from helpers import archives

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@pytest.fixture(scope="module")
def clear_archive(tmp_path_factory):
    """The clear zip of a one-patient archive, built once."""
    from helpers.clock import SteppingClock
    from helpers.vaults import new_context

    folder = tmp_path_factory.mktemp("fuzz")
    ctx, _ = new_context(folder / "coffre", SteppingClock())
    try:
        generate(ctx, DemoSize(1, encounters_per_patient=1, documents_per_patient=0), seed=3)
        path = archives.export(ctx, folder / "media")
    finally:
        ctx.lock()
    with path.open("rb") as handle:
        clear = EnvelopeReader(handle, key_opener(passphrase=archives.PASSPHRASE))
        return clear.read()


def envelope(content: bytes) -> io.BytesIO:
    sink = io.BytesIO()
    writer = EnvelopeWriter(sink, Recipient(passphrase=archives.PASSPHRASE), chunk_size=4096)
    writer.write(content)
    writer.close()
    sink.seek(0)
    return sink


@FUZZ
@given(st.binary(max_size=2000))
@example(b"<Manifest/>")
@example(b'<Manifest schemaVersion="cabinet.archive/1"><exportePar/><Archives/></Manifest>')
def test_manifest_parser(data):
    try:
        parsed = manifest.from_xml(data)
    except manifest.ManifestError as error:
        assert error.message.startswith("MANIFEST.XML")
    else:
        assert parsed.export_type in manifest.EXPORT_TYPES


@FUZZ
@given(st.text(max_size=500))
def test_manifest_parser_on_text(text):
    try:
        parsed = manifest.from_xml(
            f'<Manifest schemaVersion="cabinet.archive/1">{text}</Manifest>'.encode())
    except manifest.ManifestError as error:
        assert error.message.startswith("MANIFEST.XML")
    else:
        assert parsed.export_type in manifest.EXPORT_TYPES


@FUZZ
@given(st.binary(max_size=3000))
@example(b"CABARCH1\x00\x00\x00\x02{}")
@example(b'CABARCH1\x00\x00\x00\x0f{"format": 1}')
def test_envelope_reader_on_random_bytes(data):
    with pytest.raises(KnownError):
        EnvelopeReader(io.BytesIO(data), key_opener(passphrase=archives.PASSPHRASE)).read()


@FUZZ
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
@example(position=14, flip=1)  # once: a renamed header key crashed with KeyError
@example(position=42, flip=41)  # once: JSON whitespace in the header went unnoticed
def test_envelope_detects_any_changed_byte(position, flip):
    sealed = bytearray(envelope(b"x" * 10_000).getvalue())
    sealed[position % len(sealed)] ^= flip
    with pytest.raises(KnownError):
        EnvelopeReader(io.BytesIO(bytes(sealed)),
                       key_opener(passphrase=archives.PASSPHRASE)).read()


@FUZZ
@given(data=st.data())
def test_archive_reader_on_mutated_zips(clear_archive, data):
    mutated = bytearray(clear_archive)
    for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
        position = data.draw(st.integers(min_value=0, max_value=len(mutated) - 1))
        mutated[position] = data.draw(st.integers(min_value=0, max_value=255))
    try:
        checked = ArchiveReader(envelope(bytes(mutated)),
                                key_opener(passphrase=archives.PASSPHRASE)).check()
    except KnownError as error:
        assert "import refusé" in error.message.lower() or "archive" in error.message.lower()
    else:
        assert checked.patients == 1  # a mutation the zip format ignores (an unused field)


@FUZZ
@given(cut=st.integers(min_value=0))
def test_archive_reader_on_truncated_zips(clear_archive, cut):
    truncated = clear_archive[:cut % len(clear_archive)]
    with pytest.raises(KnownError):
        ArchiveReader(envelope(truncated), key_opener(passphrase=archives.PASSPHRASE)).check()


@FUZZ
@given(st.binary(max_size=400))
@example(b'{"id": 1, "event": {}, "prev_hash": "", "hash": ""}')
@example(b'{"id": "x", "event": {"at": 1}, "prev_hash": 0, "hash": 0}')
@example(b"[]")
def test_journal_line_parser(line):
    try:
        row = transverse.parse_json_line(line)
    except ValueError as error:
        assert str(error) == "malformed journal line"
    else:
        assert isinstance(row[0], int)


def test_an_unmutated_archive_passes(clear_archive):
    """The control for the fuzzers above: the clear zip they mutate is itself valid."""
    assert zipfile.is_zipfile(io.BytesIO(clear_archive))
    checked = ArchiveReader(envelope(clear_archive),
                            key_opener(passphrase=archives.PASSPHRASE)).check()
    assert checked.patients == 1


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=20)


@FUZZ
@given(st.data())
def test_record_checker_on_distorted_records(data):
    """Replace one field of a valid record with any JSON: refused in French, or accepted."""
    import json as json_module

    from cabinet.archive.documentation import sample
    from cabinet.archive.reader import ArchiveRefused

    record = json_module.loads(sample())
    target = data.draw(st.sampled_from([
        ("archive",), ("allergy_status",), ("identity_versions", 0, "data"),
        ("identity_versions", 0, "data", "birth_date"), ("entries", 0, "payload"),
        ("entries", 1, "payload", "vitals"), ("entries", 1, "lineage"), ("files",),
        ("entries", 1, "kind")]))
    holder = record
    for key in target[:-1]:
        holder = holder[key]
    holder[target[-1]] = data.draw(JSON)
    try:
        accepted = ArchiveReader._record(json_module.dumps(record).encode(), "« PAT00001.ZIP »",
                                         "PAT00001")
    except ArchiveRefused as error:
        assert "import refusé" in error.message
    else:
        assert accepted["schema"] == "cabinet.archive.patient/1"


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 8192, 3 * 4096])
def test_every_clear_size_opens_whatever_its_chunks(size):
    """A clear size that is a multiple of the chunk size ends on a full, flagged chunk."""
    content = bytes(range(256)) * (size // 256) + bytes(size % 256)
    opened = EnvelopeReader(envelope(content), key_opener(passphrase=archives.PASSPHRASE))
    assert opened.read() == content


def test_a_file_cut_at_a_chunk_boundary_is_truncated():
    sealed = envelope(bytes(3 * 4096)).getvalue()
    header_end = len(sealed) - 3 * (4096 + 16)
    for chunks in (1, 2):
        with pytest.raises(KnownError, match="tronquée"):
            EnvelopeReader(io.BytesIO(sealed[:header_end + chunks * (4096 + 16)]),
                           key_opener(passphrase=archives.PASSPHRASE)).read()


def test_a_deeply_nested_header_is_refused_in_french():
    body = b"[" * 60_000
    data = b"CABARCH1" + len(body).to_bytes(4, "big") + body
    with pytest.raises(KnownError, match="mal formé"):
        EnvelopeReader(io.BytesIO(data), key_opener(passphrase=archives.PASSPHRASE))
