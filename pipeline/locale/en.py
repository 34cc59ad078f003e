"""English: every fixed wording the documents, emails, notes and summaries write (the fallback language)."""

from __future__ import annotations

from pipeline.locale.schema import (
    AlertWording,
    CallNoteWording,
    DateWords,
    DocumentLabels,
    EmailWording,
    FormalWording,
    Locale,
    NoteWording,
    SummaryWording,
)

LOCALE = Locale(
    code="en",
    tag="en-GB",
    separator=": ",
    percent="{n}%",
    conjunction="and",
    speaker="Speaker",
    default_title="Meeting minutes",
    language_names=(("fr", "French"), ("en", "English"), ("de", "German"), ("es", "Spanish"), ("it", "Italian")),
    dates=DateWords(
        months=(
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        weekdays=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        first_of_month="1",
        long_date="{weekday} {day} {month} {year}",
        short_date="{day} {mon} {year}",
        numeric_date="{year}-{month:02d}-{day:02d}",
        clock="{hour:02d}:{minute:02d}",
    ),
    document=DocumentLabels(
        document="Minutes",
        client="Client",
        date="Date",
        time="Time",
        duration="Duration",
        participants="Participants",
        language="Language",
        models="Models",
        drafted_by="Drafted by",
        summary="Summary",
        decisions="Decisions",
        actions="Action items",
        action="Action",
        owner="Owner",
        due="Due",
        topics="Topics discussed",
        open_questions="Open questions",
        transcript="Appendix: transcript",
        participant="Participant",
        speaking_time="Speaking time",
        share="Share",
        page="Page",
        page_of="of",
        no_decisions="No decision was recorded.",
        no_actions="No action item was recorded.",
        unassigned="To be assigned",
        offline="automatic offline summary (extractive)",
        llm="language-model summary",
        fallback="language model unavailable, offline summary",
        gate="Faithfulness gate",
        gate_counts=(
            "owners removed: {owners}; due dates removed: {dues}; items dropped: {items}; "
            "sentences dropped: {sentences}"
        ),
        translated="Summary translated into",
        reviewed_by="Reviewed by",
        audio_track="audio track {number} of {total}",
        overlap="(overlap)",
        kinds=(
            ("detailed", "Detailed minutes"),
            ("decisions", "Record of decisions"),
            ("formal", "Formal minutes"),
            ("call_note", "Phone message"),
        ),
        titles=(
            ("detailed", "Meeting minutes"),
            ("decisions", "Record of decisions"),
            ("formal", "Minutes of the meeting"),
            ("call_note", "Phone message"),
        ),
    ),
    formal=FormalWording(
        present="Present",
        agenda="Agenda",
        proceedings="Proceedings",
        decision="Decision",
        other_decisions="Other decisions",
        follow_up="Follow-up",
        no_agenda="No agenda item was recorded.",
        opening="The meeting opened at {time}.",
        closing="There being no further business, the meeting closed at {time}.",
        closing_untimed="There being no further business, the meeting was closed.",
        chair="Chair",
        secretary="Secretary",
        signature="Signature",
    ),
    call=CallNoteWording(
        caller="Caller",
        subject="Subject",
        request="Request",
        callback_number="Call back on",
        callback_time="Call back",
        message="Message",
        to_do="Follow-up",
        not_given="Not given",
    ),
    summary=SummaryWording(
        meeting="A {duration} meeting between {people}.",
        meeting_one="A {duration} meeting with {people}.",
        between="Discussion between {people}.",
        empty="No usable speech was recorded.",
    ),
    email=EmailWording(
        subjects=(
            ("detailed", "Minutes"),
            ("decisions", "Record of decisions"),
            ("formal", "Formal minutes"),
            ("call_note", "Phone message"),
        ),
        hello="Hello,",
        intros=(
            ("detailed", "Please find attached the minutes of the meeting \u201c{title}\u201d{when}."),
            ("decisions", "Please find attached the record of decisions of the meeting \u201c{title}\u201d{when}."),
            ("formal", "Please find attached the formal minutes of the meeting \u201c{title}\u201d{when}."),
            ("call_note", "Please find attached the note of the call \u201c{title}\u201d{when}."),
        ),
        when=" held on {date}",
        attached=(
            ("detailed", "The full minutes and the transcript are in the attached Word document."),
            ("decisions", "The full record is in the attached Word document."),
            ("formal", "The full minutes are in the attached Word document."),
            ("call_note", "The phone message is in the attached Word document."),
        ),
        regards="Kind regards,",
        signature="The secretariat",
        confidential=(
            "This message and its attachment are confidential and intended solely for their "
            "recipients. If you received it in error, please delete it and let us know."
        ),
    ),
    alert=AlertWording(
        subject="Failure:",
        failed="A run failed.",
        client="Client",
        recording="Recording",
        date="Date",
        reason="Reason",
        run="Run",
    ),
    notes=NoteWording(
        separator=": ",
        failed="This file could not be processed.",
        file="File",
        client="Client",
        when="Date",
        reason="Reason",
        details="Technical detail",
        advice=(
            "What to do: check the file, then drop it again into the client's folder (inbox). "
            "If the problem persists, forward this note to the operator."
        ),
        duplicate="This file was not processed a second time: the same recording was already received.",
        first="First received as",
        state="State of the first copy",
        dup_advice="No new minutes were sent. To have them sent again, ask the operator.",
        states=(
            ("received", "received"),
            ("processing", "being processed"),
            ("done", "processed"),
            ("failed", "failed"),
        ),
        reasons=(
            ("empty", "The file is empty or the recording is too short."),
            ("no_audio", "The file has no audio track (a video without sound?)."),
            ("not_media", "This file is not a readable audio or video recording."),
            ("corrupt", "The recording is damaged or incomplete (an interrupted copy?)."),
            (
                "unsupported",
                "The recording's format is not supported (sample rate below 4000 Hz, or more than 64 "
                "channels); export it again as an ordinary audio file.",
            ),
            ("decode", "The recording could not be read."),
            (
                "no_speech",
                "No speech was found in this recording: silence, noise or music only. Check the file "
                "or, if it has several, its audio track.",
            ),
            (
                "vanished",
                "The recording was moved or deleted from the processing folder while it was being "
                "processed. Drop it again into the client's folder to have it processed.",
            ),
            (
                "transcript",
                "This transcript file could not be read (empty, damaged, wrongly encoded or containing code); "
                "export it again from the meeting tool (.vtt, .docx, .srt or .txt).",
            ),
            ("delivery", "The minutes were written but the email could not be sent."),
            ("document", "The document could not be written."),
            ("model", "The transcription service is not available."),
            ("pipeline", "Processing failed."),
            ("unexpected", "An unexpected error occurred during processing."),
        ),
        intake=(
            (
                "link_outside",
                "This file is a shortcut (link) to a place outside the client's folder; it was not "
                "opened. Drop the file itself, not a shortcut.",
            ),
            ("link", "This file is a shortcut (link), not a recording; it was not opened. Drop the file itself."),
            ("special", "This is not a regular file; it was not opened."),
        ),
        deleted=(
            "The recording was deleted on {day}: the retention period of {days} day(s) has passed. This note is kept."
        ),
    ),
)
