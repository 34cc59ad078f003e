"""Plain-text transcripts: "Name: text" turns, one per line or per blank-line separated block.

This is how FREDSum's debates are written (``JB : oui, bien sûr.``, French spacing before the
colon, speakers by initials or full names) and how people paste a transcript into a mail. A line
that starts with a speaker label (see :func:`~pipeline.transcripts.turns.is_speaker_label`) opens
a turn; any other line continues the turn before it, and lines before the first label are a turn
without speaker. The format has no times: the turns get pseudo-times from their word counts.
"""

from __future__ import annotations

from pipeline.transcripts.turns import Turn, split_label


def parse_plain(text: str) -> list[Turn]:
    """The turns of a "Name: text" transcript, in order.

    Args:
        text: The file's text.

    Returns:
        Turns with the speaker named in the file (None before the first label) and no times.
    """
    turns: list[Turn] = []
    speaker: str | None = None
    pieces: list[str] = []

    def close() -> None:
        if pieces:
            turns.append(Turn(speaker, " ".join(pieces)))

    for line in text.splitlines():
        if not line.strip():
            continue
        label, said = split_label(line)
        if label is not None:
            close()
            speaker, pieces = label, []
        if said:
            pieces.append(said)
    close()
    return turns
