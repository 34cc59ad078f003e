"""Participants' tracks as one meeting: a folder or zip of one audio file per participant (Zoom's
"separate audio file per participant", Craig, a multitrack recorder), each named after its
participant ("Marie Dupont.m4a"), becomes one recording of one channel per participant.

The assembled file (Matroska, 16 kHz) carries the participants' names in a tag, so that the rest
of the pipeline treats it as any recording: decoding sums the channels for transcription
(:func:`pipeline.audio.load_audio`) and diarization gives each channel's speech to its
participant (:mod:`pipeline.diarize.by_channel`). Tracks are aligned at their start (each
service writes them from the meeting's start) and shorter ones are padded with silence.

A zip is opened only when it is safe: no member outside the folder it unpacks into (absolute
paths, "..", links), no more than :data:`MAX_TRACKS` tracks, no more than :data:`MAX_UNPACKED_BYTES`
unpacked (counted while unpacking, not taken from the zip's headers), and nothing but audio
beside the usual system litter (``__MACOSX/``, hidden files such as ``.DS_Store``).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import stat
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import ffmpeg

from pipeline.audio import PARTICIPANTS_TAG, _ffmpeg_url, _require, probe
from pipeline.errors import NotMediaError
from pipeline.meeting_names import sidecar_path
from pipeline.types import SAMPLE_RATE

logger = logging.getLogger(__name__)

AUDIO_SUFFIXES = frozenset(
    {".wav", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wma", ".webm", ".mka", ".amr", ".aif", ".aiff"}
)
# One speaker per channel is what the channel analysis is for; past this, it is not a meeting's tracks.
MAX_TRACKS = 16
MAX_UNPACKED_BYTES = 8 << 30
# Hidden names include macOS's "._Marie.wav" (its resource fork, copied beside each file onto a share).
# Never "." or "..": a member climbing out of its folder is refused, not passed over as litter.
_LITTER = re.compile(r"(^|/)(__MACOSX/|\.(?![./]|$)|Thumbs\.db$|desktop\.ini$)", re.IGNORECASE)
_CHUNK = 1 << 20


class TracksError(NotMediaError):
    """A folder or zip of participants' tracks that cannot be taken as one meeting (the message says why)."""


@dataclass(frozen=True, slots=True)
class Track:
    path: Path
    participant: str


def participant_name(path: Path) -> str:
    """The participant a track is named after: "Marie Dupont.m4a" -> "Marie Dupont"; a track
    number in front ("1-marie_dupont.flac", Craig's) and underscores are dropped."""
    name = re.sub(r"^\d+[-_ ]+", "", path.stem).replace("_", " ")
    return " ".join(name.split()) or path.stem


def is_tracks(path: Path) -> bool:
    """Whether `path` is a folder or a zip, to be read as participants' tracks."""
    return path.is_dir() or (path.is_file() and path.suffix.lower() == ".zip")


def tracks_in(folder: Path) -> tuple[Track, ...]:
    """The audio files of `folder` (and its subfolders), by name, each named after its participant.

    Raises:
        TracksError: no audio file, too many, or two tracks of one participant's name.
    """
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not _LITTER.search(p.relative_to(folder).as_posix()))
    audio = [p for p in files if p.suffix.lower() in AUDIO_SUFFIXES]
    if not audio:
        raise TracksError(
            f"{folder}: no audio track in it (expected one file per participant, e.g. 'Marie Dupont.m4a')"
        )
    if len(audio) > MAX_TRACKS:
        raise TracksError(f"{folder}: {len(audio)} audio files; at most {MAX_TRACKS} participants' tracks are read")
    tracks = tuple(Track(p, participant_name(p)) for p in audio)
    names = [t.participant.casefold() for t in tracks]
    doubles = sorted({t.participant for t in tracks if names.count(t.participant.casefold()) > 1})
    if doubles:
        raise TracksError(f"{folder}: several tracks are named {', '.join(doubles)}: one track per participant")
    return tracks


def unpack_zip(archive: Path, dest: Path) -> Path:
    """Unpack a zip of tracks into `dest`, refusing what is unsafe or not audio; returns `dest`.

    Raises:
        TracksError: not a zip, a member outside `dest` or a link, a member that is not audio,
            too many tracks, or more than :data:`MAX_UNPACKED_BYTES` unpacked.
    """
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as e:
        raise TracksError(f"{archive}: not a readable zip ({e})") from e
    with bundle:
        members = _members(bundle)
        _check_members(archive, members)
        budget = MAX_UNPACKED_BYTES
        for member in members:
            target = dest.joinpath(*PurePosixPath(member.filename).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with bundle.open(member) as source, target.open("wb") as out:
                for chunk in iter(lambda: source.read(_CHUNK), b""):
                    budget -= len(chunk)
                    if budget < 0:
                        raise TracksError(
                            f"{archive}: unpacks to more than {MAX_UNPACKED_BYTES >> 30} GiB: refused (a zip bomb?)"
                        )
                    out.write(chunk)
    return dest


def check_zip(archive: Path) -> None:
    """Refuse, without unpacking it, a zip that :func:`unpack_zip` would refuse by its listing (the
    unpacked size is counted again while unpacking: a zip's headers may lie).

    Raises:
        TracksError: not a zip, a member outside its folder or a link, a member that is not audio,
            no track or too many, or a declared size over :data:`MAX_UNPACKED_BYTES`.
    """
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = _members(bundle)
    except (zipfile.BadZipFile, OSError) as e:
        raise TracksError(f"{archive}: not a readable zip ({e})") from e
    _check_members(archive, members)


def _members(bundle: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [m for m in bundle.infolist() if not m.is_dir() and not _LITTER.search(m.filename)]


def _check_members(archive: Path, members: list[zipfile.ZipInfo]) -> None:
    for member in members:
        parts = PurePosixPath(member.filename.replace("\\", "/")).parts
        if member.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise TracksError(f"{archive}: member {member.filename!r} would unpack outside its folder: refused")
        if stat.S_ISLNK(member.external_attr >> 16):
            raise TracksError(f"{archive}: member {member.filename!r} is a link: refused")
    others = [m.filename for m in members if PurePosixPath(m.filename).suffix.lower() not in AUDIO_SUFFIXES]
    if others:
        shown = ", ".join(repr(name) for name in others[:5]) + (" ..." if len(others) > 5 else "")
        raise TracksError(f"{archive}: holds files that are not audio tracks ({shown}): one audio file per participant")
    if not members:
        raise TracksError(f"{archive}: no audio track in it (expected one file per participant)")
    if len(members) > MAX_TRACKS:
        raise TracksError(f"{archive}: {len(members)} files; at most {MAX_TRACKS} participants' tracks are read")
    declared = sum(m.file_size for m in members)
    if declared > MAX_UNPACKED_BYTES:
        raise TracksError(f"{archive}: unpacks to {declared >> 20} MiB, over {MAX_UNPACKED_BYTES >> 30} GiB: refused")


def assemble_tracks(tracks: tuple[Track, ...], out: Path) -> Path:
    """Write `tracks` as one Matroska file of one 16 kHz channel per participant, named in its tag.

    Raises:
        NotMediaError and the other errors of :func:`pipeline.audio.probe`: a track that is not audio.
    """
    infos = [probe(t.path) for t in tracks]
    length = max((info.duration or 0.0) for info in infos)
    streams = []
    for track, info in zip(tracks, infos, strict=True):
        stream = ffmpeg.input(_ffmpeg_url(track.path))[f"a:{info.track_index}"]
        # ffmpeg's own down-mix of each participant's file (their stereo is one voice twice).
        stream = stream.filter("aresample", SAMPLE_RATE).filter("aformat", channel_layouts="mono")
        streams.append(stream.filter("apad", whole_dur=f"{length:.3f}"))
    merged = ffmpeg.filter(streams, "amerge", inputs=len(streams)) if len(streams) > 1 else streams[0]
    codec = "flac" if len(tracks) <= 8 else "pcm_s16le"  # FLAC holds at most 8 channels
    names = json.dumps([t.participant for t in tracks], ensure_ascii=False)
    tag = {"metadata": f"{PARTICIPANTS_TAG}={names}"}
    output = ffmpeg.output(merged, str(out), acodec=codec, ar=SAMPLE_RATE, t=f"{length:.3f}", format="matroska", **tag)
    quiet = output.global_args("-nostdin", "-hide_banner", "-nostats", "-v", "error", "-y")
    command = ffmpeg.compile(quiet, cmd=_require("ffmpeg"))
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise TracksError(f"{out.name}: the tracks could not be put together ({result.stderr.strip()[-300:]})")
    logger.info("%d participants' tracks assembled into %s (%.1f s)", len(tracks), out.name, length)
    return out


@contextmanager
def recording_from(path: Path, work_dir: Path | None = None) -> Iterator[Path]:
    """`path` itself when it is a recording; for a folder or zip of participants' tracks, the one
    recording assembled from them (named after the folder or zip), removed on exit.

    Args:
        path: A recording, or a folder or zip of tracks.
        work_dir: Where to assemble (the service's work folder, which its model workers read);
            the system's temporary folder by default.
    """
    if not is_tracks(path):
        yield path
        return
    if work_dir is not None:
        work_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="minutier-tracks-", dir=work_dir) as tmp:
        folder = path if path.is_dir() else unpack_zip(path, Path(tmp) / "unpacked")
        out = Path(tmp) / f"{path.stem if path.is_file() else path.name}.mka"
        sidecar = sidecar_path(path)  # "Comité.json" beside "Comité/" titles the meeting
        if sidecar is not None:
            shutil.copyfile(sidecar, out.with_name(out.stem + sidecar.suffix))
        yield assemble_tracks(tracks_in(folder), out)
        shutil.rmtree(Path(tmp) / "unpacked", ignore_errors=True)
