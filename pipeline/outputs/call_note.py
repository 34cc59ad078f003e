"""A phone message read from the minutes of a call: who called, about what, what they ask, how to call back.

Everything is taken from what was said, never made up: the caller is the other side of the
secretary (the first speaker answers the phone, unless the secretary is named), named by a
self-introduction when their speaker has no name; the callback number is a phone number said
in the call (French and international formats); the callback time is the time phrase of the
sentence that asks to be called back. What was not said stays empty.

The cue words below are patterns of speech, keyed by language like the summariser's lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.speakers import parse_speaker_label
from pipeline.summarize.model import Minutes
from pipeline.types import Utterance

# A phone number as ASR writes one: "+33 6 12 34 56 78", "+33 (0)1 23 45 67 89", "0033 6 ...",
# "06 12 34 56 78", "06.12.34.56.78", "+44 20 7946 0958", "(415) 555-0100".
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)[1-9]\d{0,2}(?:[ .-]?\(0\))?(?:[ .-]?\d){6,12}"
    r"|0[1-9](?:[ .-]?\d{2}){4}"
    r"|\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}"
    r")(?!\w)"
)
_NAME = r"((?:[A-ZÀ-Ý][\w'-]+)(?:[ -][A-ZÀ-Ý][\w'-]+){0,2})"
_TITLE_WORDS = r"(?:(?:M\.|Mme|Madame|Monsieur|Maître|Me|Docteur|Dr\.?|Mr\.?|Mrs\.?|Ms\.?)\s+)?"


@dataclass(frozen=True, slots=True)
class _Cues:
    introductions: tuple[re.Pattern[str], ...]
    company: re.Pattern[str]
    request: re.Pattern[str]
    callback: re.Pattern[str]
    when: re.Pattern[str]


_DAYS_FR = r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|demain|aujourd'hui|ce matin|cet après-midi|ce soir"
_DAYS_EN = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|tonight|this (?:morning|afternoon)"
_CUES: dict[str, _Cues] = {
    "fr": _Cues(
        introductions=(
            re.compile(r"\b(?i:je suis|moi c'est|c'est|ici|je m'appelle|mon nom est)\s+" + _TITLE_WORDS + _NAME),
            re.compile(
                r"(?:^|[,.!]\s+|\b(?i:bonjour|allô|allo),?\s+)" + _TITLE_WORDS + _NAME + r"(?=\s+(?i:à l'appareil))"
            ),
        ),
        company=re.compile(r"^,?\s+(?i:de la société|de chez|du cabinet|de l'entreprise|de la part de)\s+" + _NAME),
        request=re.compile(
            r"(?i)\b(?:je voudrais|j'aimerais|je souhaite|je souhaiterais|pourriez-vous|pouvez-vous|je vous appelle)"
        ),
        callback=re.compile(r"(?i)\b(?:rappel\w*|me joindre|recontact\w*|me contacter|joignable)"),
        when=re.compile(
            r"(?i)(?:\b(?:avant|après|vers|à partir de|entre|dès|à|le)\s+)?"
            r"(?:\b(?:" + _DAYS_FR + r")\b|\b\d{1,2}\s?(?:h|heures?)(?:\s?\d{2})?\b)"
        ),
    ),
    "en": _Cues(
        introductions=(re.compile(r"\b(?i:this is|my name is|it's|i am|i'm)\s+" + _TITLE_WORDS + _NAME),),
        company=re.compile(r"^,?\s+(?i:from|of|at|with)\s+" + _NAME),
        request=re.compile(r"(?i)\b(?:i'd like|i would like|i want|could you|can you|i'm calling|i am calling)"),
        callback=re.compile(r"(?i)\b(?:call (?:me )?back|reach me|get back to me|contact me|ring me|return my call)"),
        when=re.compile(
            r"(?i)(?:\b(?:before|after|around|from|between|by|at|on)\s+)?"
            r"(?:\b(?:" + _DAYS_EN + r")\b|\b\d{1,2}(?::\d{2})?\s?(?:a\.?m\.?|p\.?m\.?|o'clock)|\b\d{1,2}:\d{2}\b)"
        ),
    ),
}
_MAX_REQUEST_CHARS = 300
_TIME_GAP_CHARS = 12


@dataclass(frozen=True, slots=True)
class CallNote:
    """A phone message; a field is None when the call did not say it.

    Attributes:
        caller: Who called: their name, "(company)" when they said it.
        subject: What the call was about (its first topic).
        request: What the caller asks, in their words or as the first action.
        callback_number: A phone number said in the call.
        callback_time: When to call back, as said ("demain après 14 h").
    """

    caller: str | None
    subject: str | None
    request: str | None
    callback_number: str | None
    callback_time: str | None


def read_call_note(minutes: Minutes, *, secretary: str | None = None) -> CallNote:
    """The phone message of a call's minutes.

    Args:
        minutes: The minutes of the call.
        secretary: The name of who took the call; by default the first to speak (who answered).
    """
    cues = _CUES.get(minutes.language, _CUES["en"])
    speaker = _caller_speaker(minutes, secretary)
    theirs = tuple(u for u in minutes.transcript.utterances if speaker is not None and u.speaker == speaker)
    everyone = minutes.transcript.utterances
    return CallNote(
        caller=_caller_name(minutes, speaker, theirs, cues) if speaker else None,
        subject=minutes.topics[0].title if minutes.topics else None,
        request=_request(minutes, theirs, cues),
        callback_number=_first_number(theirs) or _first_number(everyone),
        callback_time=_callback_time(theirs, cues) or _callback_time(everyone, cues),
    )


def _caller_speaker(minutes: Minutes, secretary: str | None) -> str | None:
    transcript = minutes.transcript
    order = list(dict.fromkeys(u.speaker for u in transcript.utterances if u.speaker is not None))
    if secretary is not None:
        wanted = secretary.casefold()
        return next((s for s in order if transcript.display_name(s).casefold() != wanted), None)
    if len(order) == 1:  # a voicemail: the only voice is the caller's
        return order[0]
    return order[1] if len(order) > 1 else None


def _caller_name(minutes: Minutes, speaker: str, theirs: tuple[Utterance, ...], cues: _Cues) -> str:
    shown = minutes.transcript.display_name(speaker)
    for utterance in theirs[:3]:  # people say who they are at the start of a call
        text = _plain(utterance.text)
        found = next((m for m in (p.search(text) for p in cues.introductions) if m), None)
        if found is None:
            continue
        name = shown if parse_speaker_label(shown) is None else found.group(1)
        company = cues.company.match(text[found.end() :])
        return f"{name} ({company.group(1)})" if company else name
    return shown


def _request(minutes: Minutes, theirs: tuple[Utterance, ...], cues: _Cues) -> str | None:
    for utterance in theirs:
        for sentence in _sentences(utterance.text):
            if cues.request.search(sentence):
                return _shorten(sentence)
    if minutes.action_items:
        return _shorten(minutes.action_items[0].text)
    # The summary's reported sentences open on their speaker's name; its opening ("A 30 s meeting
    # between …") says who talked, not what was asked.
    names = tuple(p.name for p in minutes.participants)
    sentences = list(_sentences(minutes.summary))
    first = next((s for s in sentences if s.startswith(names)), sentences[0] if sentences else "")
    return _shorten(first) or None


def _first_number(utterances: tuple[Utterance, ...]) -> str | None:
    for utterance in utterances:
        found = _PHONE.search(utterance.text)
        if found:
            return _format_number(found.group(0))
    return None


def _format_number(said: str) -> str:
    digits = re.sub(r"\D", "", said)
    if len(digits) == 10 and digits.startswith("0") and not said.startswith("("):  # French national
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return re.sub(r"[ .-]+", " ", said.strip())


def _callback_time(utterances: tuple[Utterance, ...], cues: _Cues) -> str | None:
    for utterance in utterances:
        for sentence in _sentences(utterance.text):
            if not cues.callback.search(sentence):
                continue
            # Phone numbers hold digit pairs that read like hours ("06 12"): not a time.
            cleaned = _PHONE.sub(lambda m: " " * len(m.group(0)), sentence)
            spans = [(m.start(), m.end()) for m in cues.when.finditer(cleaned)]
            if spans:
                return _joined(sentence, spans)
    return None


def _joined(sentence: str, spans: list[tuple[int, int]]) -> str:
    """The time phrases of a sentence: neighbours with their few words between ("entre 14 h et 16 h"), others apart."""
    merged = [list(spans[0])]
    for start, end in spans[1:]:
        if start - merged[-1][1] <= _TIME_GAP_CHARS:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    return ", ".join(sentence[start:end].strip(" ,;") for start, end in merged)


def _plain(text: str) -> str:
    return text.replace("\u2019", "'").strip()


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", _plain(text)) if s.strip()]


def _shorten(text: str) -> str:
    text = text.strip()
    if len(text) <= _MAX_REQUEST_CHARS:
        return text
    return text[:_MAX_REQUEST_CHARS].rsplit(" ", 1)[0] + " […]"
