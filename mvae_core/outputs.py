"""Writing a musician's loops: the MIDI files of one or more generations and their WAV files, every file checked
before any is written (:func:`write_loops`): what ``mvae generate`` and ``mvae interpolate`` write, and how a
notebook writes the same.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mvae_core.api import Generated, refuse_overwriting, wav_target
from mvae_core.audio import check_length, check_renderer
from mvae_core.errors import EarlierLoopFiles, MvaeError, RunInterrupted, callers_level, option_flag
from mvae_core.files import check_writable_folder, file_signatures, written_since
from mvae_core.loop_file import LOOP_TICKS, earlier_loop_files, written_before
from mvae_core.signals import interruption, signal_of
from mvae_core.wording import listed


@dataclass(frozen=True)
class WrittenLoops:
    """What :func:`write_loops` wrote: every MIDI file (the parts' in order, file by file), every WAV file, and the
    renderer that made the WAV files (``""`` without any)."""

    midi: list[Path]
    wavs: list[Path]
    renderer: str


class PartlyWritten(MvaeError):
    """Rendering the WAV files failed after the MIDI files were written, for a reason that could not be known before
    (FluidSynth failing on one loop, a full disk): ``cause``'s message and what was written before it. The exit code
    is ``cause``'s."""

    def __init__(self, cause: MvaeError, written: str) -> None:
        super().__init__(f"{cause}; {written}", command_line=f"{cause.command_line_message()}; {written}")
        self.cause = cause
        self.exit_code = cause.exit_code


def write_loops(
    parts: Sequence[tuple[Generated, str | os.PathLike[str]]],
    audio: str | os.PathLike[str] | None = None,
    renderer: str = "auto",
    soundfont: str | os.PathLike[str] | None = None,
    wrap_release: bool = False,
    overwrite: bool = False,
    loop_names: Sequence[str] = (),
) -> WrittenLoops:
    """Write each generation of ``parts`` as MIDI files into its ``out`` (:meth:`Generated.write`) and, given
    ``audio``, as WAV files there (:meth:`Generated.write_audio`; a folder, or one ``.wav`` file for one point; a
    part whose ``out`` names one MIDI file gets a WAV of that name in an ``audio`` folder: :func:`wav_target`).

    Everything that would stop a file is raised before any file is written: a bad file or folder name, a file that
    is there already (:func:`refuse_overwriting`: one refusal naming every such file, MIDI and WAV, unless
    ``overwrite=True``), a ``renderer`` or ``soundfont`` that cannot render, a WAV longer than mvae renders, a WAV
    folder that cannot be written. A failure that could not be known before, while the WAV files are rendered, is a
    :class:`PartlyWritten` naming its cause and the files written before it. A stop while they are written (Ctrl-C:
    a :class:`KeyboardInterrupt`) is a :class:`~mvae_core.errors.RunInterrupted` naming the files written before it.
    The hidden temporaries that a killed write of these very files left (``.NAME.k2x8q_0a.tmp.mid``) are removed
    before they are written (:meth:`Generated.write` and :meth:`Generated.write_audio` remove them).

    Once written, each folder that a part's files went into (not a file named by ``out`` or ``audio``) is looked at:
    loop files of the kind written there that this call did not write (numbered loop names, or ``loop_names``: an
    interpolation's ``interpolation.mid`` and ``interpolation.wav``) are an earlier write's, which a DAW would load
    with these: an :class:`~mvae_core.errors.EarlierLoopFiles` warning per folder, MIDI folders first, names them.

    :returns: the files written and the renderer used (:class:`WrittenLoops`).
    :raises InputError: and the errors named above, before anything is written; :class:`PartlyWritten`;
        :class:`~mvae_core.errors.RunInterrupted`.
    """
    midi = [file for generated, out in parts for file in generated.files(out, "MIDI")]
    rendered = [] if audio is None else [(generated, wav_target(audio, out)) for generated, out in parts]
    wavs = [file for generated, target in rendered for file in generated.files(target, "WAV")]
    if rendered:
        check_renderer(renderer, soundfont)
        for generated, _ in rendered:
            check_length(max(len(loops) for loops in generated) * LOOP_TICKS, generated.options.tempo)
        for folder in dict.fromkeys(wav.parent for wav in wavs):
            check_writable_folder(folder)
    if not overwrite:  # every file, MIDI and WAV, before any is written
        where = ["out", *([] if audio is None else ["audio"])]
        refuse_overwriting(
            midi + wavs,
            where=" and ".join(where),
            command_line={
                "where": " and ".join(map(option_flag, where)),
                "replace": f"add {option_flag('overwrite')}",
                "earlier": "command",
            },
        )
    before, sounds, used = file_signatures(midi + wavs), [], ""
    try:
        for generated, out in parts:
            generated.write(out, overwrite=True)
        try:
            for generated, target in rendered:
                files, used = generated.write_audio(target, renderer, soundfont, wrap_release, overwrite=True)
                sounds += files
        except MvaeError as exc:
            raise PartlyWritten(exc, written_before(midi, wavs, written_since(wavs, before[len(midi) :]))) from exc
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM in the mvae command (signals.raise_terminated)
        raise _stopped_writing(stop, midi, wavs, written_since(midi + wavs, before)) from None
    folders = [Path(out) for generated, out in parts] + [target for _, target in rendered]
    for files in (midi, sounds):
        kinds = {file.suffix for file in files}
        also = tuple(name for name in loop_names if Path(name).suffix in kinds)
        for folder in dict.fromkeys(file.parent for file in files if file.parent in folders):
            here = [file for file in files if file.parent == folder]
            if earlier := earlier_loop_files(folder, here, also):
                warnings.warn(EarlierLoopFiles(folder, earlier), stacklevel=callers_level())
    return WrittenLoops(midi, sounds, used)


def _stopped_writing(stop: KeyboardInterrupt, midi: list[Path], wavs: list[Path], done: list[Path]) -> RunInterrupted:
    """The stop of :func:`write_loops` by ``stop`` while it wrote ``midi`` and ``wavs``, naming those of them it had
    written (``done``): ``interrupted while writing the loops; written before it: 2 of the 8 MIDI files (a.mid,
    b.mid), no WAV file``."""
    said = ", ".join(_written(files, done, kind) for files, kind in ((midi, "MIDI"), (wavs, "WAV")) if files)
    return RunInterrupted(f"{interruption(signal_of(stop))} while writing the loops; written before it: {said}",
                          signal_of(stop))  # fmt: skip


def _written(files: list[Path], done: list[Path], kind: str) -> str:
    """Which of ``files`` (of ``kind``, MIDI or WAV) are among ``done``: ``2 of the 8 MIDI files (a.mid, b.mid)``,
    ``the MIDI file (a.mid)``, ``no MIDI file``."""
    these = [str(file) for file in files if file in done]
    if not these:
        return f"no {kind} file"
    return f"the {kind} file ({these[0]})" if len(files) == 1 else (
        f"{len(these)} of the {len(files)} {kind} files ({listed(these)})"
    )  # fmt: skip
