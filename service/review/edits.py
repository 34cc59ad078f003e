"""A secretary's edits to the minutes, as JSON objects, applied one at a time: pure functions.

Indices address the minutes as they are now (the draft with every earlier edit applied), the way
the desk shows them. Each edit is checked whole before anything changes: a malformed or impossible
one raises :class:`InvalidEdit` with a message the desk can show, and the minutes stay as they were.
Human edits are not passed through the machine's faithfulness gate: the secretary is the authority.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from pipeline.errors import DocumentError, PipelineError
from pipeline.merge import join_words
from pipeline.outputs.kinds import parse_document_type
from pipeline.summarize.minutes import speaking_shares
from pipeline.summarize.model import ActionItem, Minutes, Statement, Topic

SECTIONS = ("topics", "decisions", "actions", "questions")
# Fields each section's items take; "text" of a topic is its key points, one per line.
_FIELDS: dict[str, frozenset[str]] = {
    "topics": frozenset({"title", "text"}),
    "decisions": frozenset({"text"}),
    "questions": frozenset({"text"}),
    "actions": frozenset({"text", "owner", "due", "due_text"}),
}
_MAX_TEXT = 20_000
_MAX_NAME = 80
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class InvalidEdit(PipelineError):
    """A malformed or impossible edit (unknown op, index out of range, wrong field); nothing was changed."""


def edit_minutes(minutes: Minutes, edit: Mapping[str, Any]) -> Minutes:
    """`minutes` with one edit applied (see the module's docstring); a template edit leaves them unchanged.

    Raises:
        InvalidEdit: the edit is malformed or cannot apply to these minutes.
    """
    op = _op(edit)
    return _OPS[op][1](minutes, edit)


def clean_edit(edit: Mapping[str, Any]) -> dict[str, Any]:
    """The edit as it is kept in the audit trail: its known keys only, after checking their presence.

    Raises:
        InvalidEdit: unknown op, missing or unexpected keys.
    """
    op = _op(edit)
    keys = _OPS[op][0]
    missing = keys - set(edit)
    if missing:
        raise InvalidEdit(f"{op}: missing {', '.join(sorted(missing))}")
    extra = set(edit) - keys - {"op"}
    if extra:
        raise InvalidEdit(f"{op}: unexpected {', '.join(sorted(extra))}")
    return {"op": op, **{k: edit[k] for k in sorted(keys) if k in edit}}


def template_of(edit: Mapping[str, Any]) -> str:
    """The document type id a template edit chooses.

    Raises:
        InvalidEdit: the value names no document type.
    """
    value = edit.get("value")
    if not isinstance(value, str):
        raise InvalidEdit("template: value must be a document type name")
    try:
        return parse_document_type(value)
    except DocumentError as e:
        raise InvalidEdit(f"template: {e}") from None


def _op(edit: Mapping[str, Any]) -> str:
    if not isinstance(edit, Mapping):
        raise InvalidEdit("an edit is a JSON object with an 'op'")
    op = edit.get("op")
    if not isinstance(op, str) or op not in _OPS:
        raise InvalidEdit(f"unknown edit op {op!r} (known: {', '.join(_OPS)})")
    return op


def _int(edit: Mapping[str, Any], key: str, size: int, *, inclusive: bool = False) -> int:
    value = edit.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidEdit(f"{key}: expected an integer index, got {value!r}")
    if not 0 <= value < size + (1 if inclusive else 0):
        raise InvalidEdit(f"{key} = {value}: out of range (0..{size - (0 if inclusive else 1)})")
    return value


def _text(value: Any, key: str, *, empty: bool = True, limit: int = _MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise InvalidEdit(f"{key}: expected text, got {value!r}")
    text = value.strip()
    if not text and not empty:
        raise InvalidEdit(f"{key}: cannot be empty")
    if len(text) > limit:
        raise InvalidEdit(f"{key}: at most {limit} characters")
    return text


def _name(value: Any, key: str) -> str:
    name = " ".join(_text(value, key, empty=False, limit=_MAX_NAME).split())
    if any(not c.isprintable() for c in name):
        raise InvalidEdit(f"{key}: a name is one line of printable text")
    return name


def _word(minutes: Minutes, edit: Mapping[str, Any]) -> Minutes:
    """One word corrected (empty text deletes it). An utterance without timed words (from a
    transcript file) has the words of its text, split at spaces."""
    utterances = minutes.transcript.utterances
    u = _int(edit, "u", len(utterances))
    utt = utterances[u]
    count = len(utt.words) if utt.words else len(utt.text.split())
    w = _int(edit, "w", count)
    text = " ".join(_text(edit.get("text"), "text", limit=_MAX_NAME).split())
    if count == 1 and not text:
        raise InvalidEdit(f"utterance {u}: its last word cannot be deleted")
    if not utt.words:
        plain = utt.text.split()
        utt = replace(utt, text=" ".join(plain[:w] + ([text] if text else []) + plain[w + 1 :]))
    else:
        old = utt.words[w]
        new = (replace(old, text=(" " if old.text[:1].isspace() else "") + text),) if text else ()
        kept = utt.words[:w] + new + utt.words[w + 1 :]
        utt = replace(utt, words=kept, text=join_words(kept), start=kept[0].start, end=max(x.end for x in kept))
    st = replace(minutes.transcript, utterances=utterances[:u] + (utt,) + utterances[u + 1 :])
    return replace(minutes, transcript=st)


def _speaker_id(minutes: Minutes, edit: Mapping[str, Any], key: str) -> str:
    value = edit.get(key)
    known = dict(minutes.transcript.speaker_names)
    if not isinstance(value, str) or value not in known:
        raise InvalidEdit(f"{key}: no speaker {value!r} in these minutes")
    return value


def _name_replacer(old: str, new: str) -> Callable[[str], str]:
    """Replaces `old` as a whole name ("Speaker 1", not "Speaker 12") in a text, where `new` is not already written."""
    pattern = re.compile(rf"(?<!\w){re.escape(old)}(?!\w)")

    def renamed(text: str) -> str:
        return pattern.sub(lambda m: m.group(0) if text.startswith(new, m.start()) else new, text)

    return renamed


def _renamed_people(minutes: Minutes, old: str, new: str) -> Minutes:
    """`old` renamed `new` wherever the minutes name the person: action owners, statements' speakers,
    and the machine's text ("Speaker 1 adds that ..."); participants recounted."""
    text = _name_replacer(old, new)

    def statement(s: Statement) -> Statement:
        return replace(s, text=text(s.text), speaker=new if s.speaker == old else s.speaker)

    def action(a: ActionItem) -> ActionItem:
        owner = new if a.owner == old else a.owner
        return replace(a, text=text(a.text), owner=owner, speaker=new if a.speaker == old else a.speaker)

    def topic(t: Topic) -> Topic:
        return replace(t, title=text(t.title), key_points=tuple(map(statement, t.key_points)))

    return replace(
        minutes,
        summary=text(minutes.summary),
        participants=speaking_shares(minutes.transcript),
        topics=tuple(map(topic, minutes.topics)),
        decisions=tuple(map(statement, minutes.decisions)),
        action_items=tuple(map(action, minutes.action_items)),
        open_questions=tuple(map(statement, minutes.open_questions)),
    )


def _rename_speaker(minutes: Minutes, edit: Mapping[str, Any]) -> Minutes:
    speaker = _speaker_id(minutes, edit, "speaker")
    name = _name(edit.get("name"), "name")
    st = minutes.transcript
    old = st.display_name(speaker)
    if name != old and name in {shown for raw, shown in st.speaker_names if raw != speaker}:
        raise InvalidEdit(f"{name!r} already names another speaker: merge the two speakers instead")
    names = tuple((raw, name if raw == speaker else shown) for raw, shown in st.speaker_names)
    named = replace(st, speaker_names=names)
    return _renamed_people(replace(minutes, transcript=named), old, name)


def _merge_speakers(minutes: Minutes, edit: Mapping[str, Any]) -> Minutes:
    speaker, into = _speaker_id(minutes, edit, "speaker"), _speaker_id(minutes, edit, "into")
    if speaker == into:
        raise InvalidEdit("merge_speakers: a speaker cannot be merged into itself")
    st = minutes.transcript
    old, new = st.display_name(speaker), st.display_name(into)
    merged = replace(
        st,
        utterances=tuple(replace(u, speaker=into) if u.speaker == speaker else u for u in st.utterances),
        speaker_names=tuple(pair for pair in st.speaker_names if pair[0] != speaker),
    )
    return _renamed_people(replace(minutes, transcript=merged), old, new)


def _summary(minutes: Minutes, edit: Mapping[str, Any]) -> Minutes:
    return replace(minutes, summary=_text(edit.get("text"), "text"))


def _items(minutes: Minutes, section: str) -> tuple[Any, ...]:
    return {
        "topics": minutes.topics,
        "decisions": minutes.decisions,
        "actions": minutes.action_items,
        "questions": minutes.open_questions,
    }[section]


def _with_items(minutes: Minutes, section: str, items: tuple[Any, ...]) -> Minutes:
    if section == "topics":
        return replace(minutes, topics=items)
    if section == "decisions":
        return replace(minutes, decisions=items)
    if section == "actions":
        return replace(minutes, action_items=items)
    return replace(minutes, open_questions=items)


def _section(edit: Mapping[str, Any]) -> str:
    section = edit.get("section")
    if section not in SECTIONS:
        raise InvalidEdit(f"section: expected one of {', '.join(SECTIONS)}, got {section!r}")
    return str(section)


def _due(value: Any) -> date | None:
    text = _text(value, "due", limit=10)
    if not text:
        return None
    try:
        if not _ISO_DAY.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidEdit(f"due: expected a date as YYYY-MM-DD (or empty), got {text!r}") from None


def _set_fields(item: Any, section: str, fields: Any) -> Any:
    """`item` with `fields` set, after checking each against what the section's items hold."""
    if not isinstance(fields, Mapping) or not fields:
        raise InvalidEdit("fields: expected an object of the fields to set")
    unknown = set(fields) - _FIELDS[section]
    if unknown:
        known = ", ".join(sorted(_FIELDS[section]))
        raise InvalidEdit(f"{section}: no field {', '.join(sorted(map(str, unknown)))} (known: {known})")
    if section == "topics":
        changes: dict[str, Any] = {}
        if "title" in fields:
            changes["title"] = _text(fields["title"], "title", empty=False, limit=300)
        if "text" in fields:
            lines = [line.strip() for line in _text(fields["text"], "text").splitlines() if line.strip()]
            changes["key_points"] = tuple(Statement(line, item.start, item.end) for line in lines)
        return replace(item, **changes)
    changes = {}
    if "text" in fields:
        changes["text"] = _text(fields["text"], "text", empty=False)
    if "owner" in fields:
        changes["owner"] = _name(fields["owner"], "owner") if _text(fields["owner"], "owner") else None
    if "due" in fields:
        changes["due"] = _due(fields["due"])
    if "due_text" in fields:
        changes["due_text"] = _text(fields["due_text"], "due_text", limit=200) or None
    return replace(item, **changes)


def _item_set(minutes: Minutes, edit: Mapping[str, Any]) -> Minutes:
    section = _section(edit)
    items = _items(minutes, section)
    i = _int(edit, "index", len(items))
    changed = _set_fields(items[i], section, edit.get("fields"))
    return _with_items(minutes, section, items[:i] + (changed,) + items[i + 1 :])


def _blank(section: str, start: float, end: float) -> Any:
    if section == "topics":
        return Topic("", start, end)
    if section == "actions":
        return ActionItem("", start=start, end=end, timed=False)
    return Statement("", start, end, timed=False)


def _item_add(minutes: Minutes, edit: Mapping[str, Any]) -> Minutes:
    section = _section(edit)
    items = _items(minutes, section)
    i = _int(edit, "index", len(items), inclusive=True)
    # A new item takes the time of the one before it, so time-ordered documents keep it where she put it.
    near = items[i - 1] if i > 0 else (items[0] if items else None)
    blank = _blank(section, near.start if near else 0.0, near.end if near else 0.0)
    fields = edit.get("fields")
    required = "title" if section == "topics" else "text"
    if not isinstance(fields, Mapping) or required not in fields:
        raise InvalidEdit(f"item_add: a new item of {section} needs its {required}")
    return _with_items(minutes, section, items[:i] + (_set_fields(blank, section, fields),) + items[i:])


def _item_delete(minutes: Minutes, edit: Mapping[str, Any]) -> Minutes:
    section = _section(edit)
    items = _items(minutes, section)
    i = _int(edit, "index", len(items))
    return _with_items(minutes, section, items[:i] + items[i + 1 :])


def _item_move(minutes: Minutes, edit: Mapping[str, Any]) -> Minutes:
    section = _section(edit)
    items = list(_items(minutes, section))
    i, j = _int(edit, "index", len(items)), _int(edit, "to", len(items))
    items.insert(j, items.pop(i))
    return _with_items(minutes, section, tuple(items))


def _save_voice(minutes: Minutes, edit: Mapping[str, Any]) -> Minutes:
    _speaker_id(minutes, edit, "speaker")  # the clip is the store's to cut (service.review.voices)
    return minutes


def _template(minutes: Minutes, edit: Mapping[str, Any]) -> Minutes:
    template_of(edit)  # checked here; the choice is the review's, not the minutes'
    return minutes


_Apply = Callable[[Minutes, Mapping[str, Any]], Minutes]
# op -> (its keys besides "op", how it applies)
_OPS: dict[str, tuple[frozenset[str], _Apply]] = {
    "word": (frozenset({"u", "w", "text"}), _word),
    "rename_speaker": (frozenset({"speaker", "name"}), _rename_speaker),
    "merge_speakers": (frozenset({"speaker", "into"}), _merge_speakers),
    "summary": (frozenset({"text"}), _summary),
    "item_set": (frozenset({"section", "index", "fields"}), _item_set),
    "item_add": (frozenset({"section", "index", "fields"}), _item_add),
    "item_delete": (frozenset({"section", "index"}), _item_delete),
    "item_move": (frozenset({"section", "index", "to"}), _item_move),
    "template": (frozenset({"value"}), _template),
    "save_voice": (frozenset({"speaker"}), _save_voice),
}
