"""Generated loops → audio: FluidSynth with a General MIDI SoundFont when it is installed, a built-in synth otherwise.

:func:`render` returns the samples of a loop-exact file (:mod:`mvae_core.loop_file`) and says which renderer made
them; :func:`write_wav` writes 16-bit mono WAV. The audio lasts the file's loops plus :data:`RELEASE_SECONDS` for the
last notes' release, so it is ``loop_seconds + RELEASE_SECONDS`` long whichever renderer is used; wrapped
(``wrap_release=True``), the release is added onto the start and the audio is exactly ``loop_seconds`` long, for a
DAW to repeat.

* **FluidSynth** (``renderer="fluidsynth"``; ``"auto"`` picks it when it can run): the ``fluidsynth`` program
  (Debian: ``apt install fluidsynth``; Homebrew: ``fluid-synth``) renders the loop-exact file, extended by the
  release, with the first SoundFont found of: the ``soundfont`` argument, ``$MVAE_SOUNDFONT``, :data:`SOUNDFONTS`
  (Debian's ``fluid-soundfont-gm`` installs the first), or the small GM SoundFont that pretty_midi ships.
  The file's General MIDI program (``program``: piano unless told otherwise) picks the sound; the stereo output is
  mixed to mono. The program, not the pyfluidsynth binding: that binding
  prints to stdout when imported with ``$CI`` set, and pretty_midi imports it whenever it is installed, which would
  corrupt every ``--json`` output.
* **built-in** (``renderer="builtin"``): per note a sine with two soft overtones, 5 ms attack, exponential decay, and
  an 80 ms release after the note ends; gain ∝ (velocity / 127)^1.5. No dependency beyond numpy; one sound, whatever
  the program.

The mix is scaled down only if it would clip (peak above :data:`PEAK`).
"""

from __future__ import annotations

import importlib.util
import io
import os
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import mido
import numpy as np

from mvae_core.errors import InputError, OptionError
from mvae_core.instruments import PIANO
from mvae_core.loop_file import MIDI_RESOLUTION, TimedNote, notes_file
from mvae_core.suggest import did_you_mean

SAMPLE_RATE = 44100
RELEASE_SECONDS = 0.5
FLUIDSYNTH_SECONDS = 300
"""How long the fluidsynth program may render one WAV (30 minutes of audio took 30 s on two cores)."""
MAX_AUDIO_SECONDS = 30 * 60
"""The longest audio :func:`render` makes (a 2-bar loop at 120 bpm 450 times): its samples are computed in memory,
several copies of 8 bytes each (10,000 loops at 4 bpm asked for 394 GiB, a MemoryError)."""
PEAK = 0.9
RENDERERS = ("auto", "fluidsynth", "builtin")
FLUIDSYNTH = "fluidsynth"
FLUIDSYNTH_GAIN = 1.5
"""FluidSynth's ``-g``: a single melody line of the GM piano peaks near -10 dBFS, as the built-in voice does (the
program's default 0.2, and the 0.5 used before, left it at about -20 dBFS, quiet beside other tracks in a DAW)."""
SOUNDFONTS = (
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",
    "/usr/share/soundfonts/FluidR3_GM.sf2",
    "/usr/share/soundfonts/default.sf2",
    "/usr/local/share/soundfonts/default.sf2",
    "/opt/homebrew/share/soundfonts/default.sf2",
)
ATTACK_SECONDS = 0.005
DECAY_SECONDS = 0.8  # time constant of the built-in voice's decay while the key is held
BUILTIN_RELEASE_SECONDS = 0.08
OVERTONES = ((1, 1.0), (2, 0.35), (3, 0.12))  # (harmonic, amplitude) of the built-in voice


@dataclass(frozen=True)
class Audio:
    """Mono samples in [-1, 1] at ``sample_rate``, and the renderer that made them (for the user to read)."""

    samples: np.ndarray
    sample_rate: int
    renderer: str

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate

    def __repr__(self) -> str:
        """``Audio(4.000 s, 44100 Hz, renderer='fluidsynth')``: what it is, not every sample."""
        return f"Audio({self.seconds:.3f} s, {self.sample_rate} Hz, renderer={self.renderer!r})"


def render(
    notes: list[TimedNote],
    tempo: float,
    length_ticks: int,
    renderer: str = "auto",
    soundfont: str | os.PathLike[str] | None = None,
    sample_rate: int = SAMPLE_RATE,
    wrap_release: bool = False,
    program: int = PIANO,
) -> Audio:
    """Render ``notes`` (ticks at :data:`~mvae_core.loop_file.MIDI_RESOLUTION` per beat, ``tempo`` bpm) to
    ``length_ticks`` plus the release; with ``wrap_release``, to exactly ``length_ticks``, the release after the end
    added onto the start, so that the audio repeats seamlessly, as the loop sounds from its second time round (a
    DAW's "render as loop"). ``program`` is the General MIDI instrument FluidSynth plays (1-128; the built-in synth
    has one sound). ``renderer="fluidsynth"`` raises :class:`InputError` saying what to install when
    FluidSynth cannot run; ``"auto"`` then uses the built-in synth."""
    font = check_renderer(renderer, soundfont)
    check_length(length_ticks, tempo)
    tick_seconds = 60.0 / tempo / MIDI_RESOLUTION
    loop = round(length_ticks * tick_seconds * sample_rate)
    length = round((length_ticks * tick_seconds + RELEASE_SECONDS) * sample_rate)
    if font is not None and fluidsynth_missing() is None:  # "fluidsynth" without it: check_renderer raised
        end = length_ticks + round(RELEASE_SECONDS / tick_seconds)
        samples = _fluidsynth(notes_file(notes, tempo, end, program), font, sample_rate)
        name = f"FluidSynth ({Path(font).name})"
        return Audio(_fit(samples, length, sample_rate, loop if wrap_release else None), sample_rate, name)
    samples = _builtin(notes, tick_seconds, length, sample_rate)
    return Audio(_fit(samples, length, sample_rate, loop if wrap_release else None), sample_rate, "built-in synth")


def check_length(length_ticks: int, tempo: float) -> None:
    """:class:`InputError` with the length and the fix when ``length_ticks`` at ``tempo`` bpm last longer than
    :data:`MAX_AUDIO_SECONDS` (:func:`render` refuses them: their samples would not fit in memory), for a caller to
    raise it before it writes anything."""
    if (seconds := length_ticks * 60.0 / tempo / MIDI_RESOLUTION) > MAX_AUDIO_SECONDS:
        raise InputError(
            f"the audio would last {seconds / 60:,.0f} minutes (the loops at {tempo:g} bpm); mvae renders at most "
            f"{MAX_AUDIO_SECONDS // 60} minutes to one WAV: render fewer loops, or at a faster tempo"
        )


def check_renderer(renderer: str, soundfont: str | os.PathLike[str] | None = None) -> str | None:
    """The SoundFont ``renderer`` would play (None for ``builtin``), or the errors :func:`render` raises for its
    options, for a caller to raise them before it writes anything: a ``renderer`` that is not one
    (:class:`OptionError`, with the closest name), ``fluidsynth`` where the program is not installed
    (:class:`InputError` saying what to install), or a SoundFont it would not play (:func:`find_soundfont`)."""
    if renderer not in RENDERERS:
        raise OptionError(
            "renderer",
            f"must be one of {', '.join(RENDERERS)}, got {renderer!r}{did_you_mean(renderer, RENDERERS, '')}",
        )
    if renderer == "fluidsynth" and (missing := fluidsynth_missing()) is not None:
        raise InputError(f"FluidSynth cannot run here: {missing}")
    return None if renderer == "builtin" else find_soundfont(soundfont)


def find_soundfont(explicit: str | os.PathLike[str] | None = None) -> str:
    """The SoundFont FluidSynth plays (module docstring). A given path that does not exist, or whose file does not
    start as a SoundFont 2 file does (``RIFF`` … ``sfbk``), raises :class:`InputError`: the fluidsynth program would
    skip it and play its own default SoundFont, or nothing, without failing."""
    for candidate, source in ((explicit, "soundfont"), (os.environ.get("MVAE_SOUNDFONT"), "$MVAE_SOUNDFONT")):
        if candidate:
            problem = _not_a_soundfont(Path(candidate))
            if problem and source == "soundfont":  # the argument, named as the command line names it
                raise OptionError("soundfont", f"{candidate}: {problem}")
            if problem:
                raise InputError(f"{source} {candidate}: {problem}")
            return os.fspath(candidate)
    found = next((path for path in SOUNDFONTS if Path(path).is_file()), None)
    return found or str(Path(importlib.util.find_spec("pretty_midi").origin).parent / "TimGM6mb.sf2")


def _not_a_soundfont(path: Path) -> str | None:
    """Why ``path`` is no SoundFont 2 file fluidsynth would play, or None when it is one."""
    if not path.is_file():
        return "no such SoundFont file (.sf2)"
    with open(path, "rb") as handle:
        header = handle.read(12)
    if header[:4] != b"RIFF" or header[8:] != b"sfbk":
        return "not a SoundFont 2 file (no RIFF sfbk header); give an .sf2"
    return None


def fluidsynth_missing() -> str | None:
    """``None`` when the ``fluidsynth`` program is on the PATH, else what to install."""
    if shutil.which(FLUIDSYNTH) is None:
        return "the fluidsynth program is not installed (Debian: apt install fluidsynth fluid-soundfont-gm)"
    return None


def write_wav(target: str | os.PathLike[str] | io.BytesIO, audio: Audio) -> None:
    """``audio`` as a 16-bit mono WAV file at ``target`` (a path or a binary buffer)."""
    pcm = np.round(np.clip(audio.samples, -1.0, 1.0) * 32767).astype("<i2")
    handle = target if isinstance(target, io.BytesIO) else os.fspath(target)
    with wave.open(handle, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(audio.sample_rate)
        out.writeframes(pcm.tobytes())


def wav_bytes(audio: Audio) -> bytes:
    """:func:`write_wav` into memory."""
    buffer = io.BytesIO()
    write_wav(buffer, audio)
    return buffer.getvalue()


def _fluidsynth(midi: mido.MidiFile, font: str, sample_rate: int) -> np.ndarray:
    """``midi`` rendered by the ``fluidsynth`` program: mono samples in [-1, 1]."""
    with tempfile.TemporaryDirectory(prefix="mvae-audio-") as folder:
        source, target = Path(folder) / "loop.mid", Path(folder) / "loop.wav"
        midi.save(source)
        command = [FLUIDSYNTH, "-n", "-i", "-q", "-g", str(FLUIDSYNTH_GAIN), "-r", str(sample_rate),
                   "-T", "wav", "-O", "s16", "-F", str(target), font, str(source)]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, timeout=FLUIDSYNTH_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(
                f"fluidsynth did not finish rendering within {FLUIDSYNTH_SECONDS} s with {font}; render fewer loops, "
                "or use the built-in synth (--renderer builtin)"
            ) from None
        said = done.stderr.decode(errors="replace")
        if "Failed to load" in said:  # a cut or damaged .sf2: fluidsynth plays its own default one, exit status 0
            why = next((line.split("error:", 1)[1].strip() for line in said.splitlines() if "error:" in line), "")
            raise InputError(
                f"fluidsynth cannot load the SoundFont {font} ({why or 'damaged'}): it is cut short or damaged, and "
                "fluidsynth would play its default SoundFont instead; give a complete .sf2"
            )
        if done.returncode != 0 or not target.is_file():
            detail = said.strip().splitlines()[-1:] or ["no output file"]
            raise InputError(f"fluidsynth failed with {font}: {detail[0]}")
        with wave.open(str(target), "rb") as rendered:
            channels = rendered.getnchannels()
            pcm = np.frombuffer(rendered.readframes(rendered.getnframes()), dtype="<i2").astype(np.float64)
    return pcm.reshape(-1, channels).mean(axis=1) / 32768.0


def _builtin(notes: list[TimedNote], tick_seconds: float, length: int, sample_rate: int) -> np.ndarray:
    mix = np.zeros(length)
    release = round(BUILTIN_RELEASE_SECONDS * sample_rate)
    for note in notes:
        start = round(note.start * tick_seconds * sample_rate)
        held = max(1, round((note.end - note.start) * tick_seconds * sample_rate))
        count = min(held + release, length - start)
        if count <= 0:
            continue
        t = np.arange(count) / sample_rate
        frequency = 440.0 * 2.0 ** ((note.pitch - 69) / 12)
        voice = sum(amplitude * np.sin(2 * np.pi * harmonic * frequency * t) for harmonic, amplitude in OVERTONES)
        envelope = np.minimum(1.0, t / ATTACK_SECONDS) * np.exp(-t / DECAY_SECONDS)
        after = np.arange(count) >= held
        envelope[after] *= np.linspace(1.0, 0.0, release)[: after.sum()]
        mix[start : start + count] += 0.25 * (note.velocity / 127) ** 1.5 * voice * envelope
    return mix


def _fit(samples: np.ndarray, length: int, sample_rate: int, wrap_at: int | None = None) -> np.ndarray:
    """``samples`` cut or padded to ``length`` (a 20 ms fade at a cut); with ``wrap_at``, then folded to ``wrap_at``
    samples: each ``wrap_at`` samples after the first added onto the start, as the loop sounds when repeated (a
    release longer than the loop, at a fast tempo, reaches into more than one repeat). Scaled down only to avoid
    clipping."""
    fitted = np.zeros(length)
    kept = min(length, len(samples))
    fitted[:kept] = samples[:kept]
    if len(samples) > length:
        fade = min(kept, round(0.02 * sample_rate))
        fitted[kept - fade : kept] *= np.linspace(1.0, 0.0, fade)
    if wrap_at is not None:
        folded = np.zeros(wrap_at)
        for start in range(0, length, wrap_at):
            part = fitted[start : start + wrap_at]
            folded[: len(part)] += part
        fitted = folded
    peak = np.abs(fitted).max(initial=0.0)
    if peak > PEAK:
        fitted *= PEAK / peak
    return fitted.astype(np.float32)
