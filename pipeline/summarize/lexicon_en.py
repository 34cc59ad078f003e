"""English cues of the offline summariser: how English speakers phrase decisions, commitments and open points."""

from __future__ import annotations

from pipeline.summarize.lexicon_model import NAME, Lexicon, words

_EN_ME = r"\b(?i:i)\b"
_EN_NARRATION = (
    r"(?i:(?:\w+ly )?be|have|see|think|say|start|share|talk|speak|go back|go through|present|show|let|hand"
    r"|summarize|begin"
    r"|walk|try|quickly|just|probably|maybe|hear|repeat|mute|unmute|explain|mention|point out|come back to"
    r"|answer (?:the|your|that|this) question|add (?:one thing|something|a point)|give an example|wrap up)\b"
)


_EN_STOP = words(
    """a about above after again against all also am an and any are aren as at be because been before being below
    between both but by can could did do does doing don down during each few for from further had has have having he
    her here hers herself him himself his how i i'm i'll i've if in into is it it's its itself just let let's me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that that's the their theirs them themselves then there these they this those through to too
    under until up very was we we're we'll we've were what when where which while who whom why will with would you
    your yours yourself yourselves yeah yes okay ok um uh well really actually think thing things going get got
    gonna want need like know right sure maybe one two also just still kind sort lot bit yep point next"""
)

ENGLISH = Lexicon(
    stopwords=_EN_STOP,
    fillers=(
        r"um+",
        r"uh+",
        r"so",
        r"well",
        r"okay",
        r"ok",
        r"right",
        r"alright",
        r"yeah",
        r"yes",
        r"sure",
        r"you know",
        r"i mean",
        r"great",
        r"good",
        r"fine",
        r"anyway",
        r"perfect",
    ),
    decisions=(
        (
            r"\b(?:we|they|i|everyone|everybody) (?:have |'ve |all |then )?(?:agreed|decided|settled|approved|"
            r"confirmed)\b\s*(?:on |to |that |upon )?(?P<what>.*)"
        ),
        (
            r"\b(?:it was|it's|it is|that's|that is) (?:agreed|decided|settled|approved|confirmed)\b\s*(?:then|"
            r":)?\s*(?:on |to |that )?(?P<what>.*)"
        ),
        (
            r"\b(?:let's go with|we'll go with|we are going with|we're going with|we will go with|we go with|"
            r"we'll keep|we keep)\b"
        ),
        r"\b(?:the decision is|decision\s*:|final decision\s*:?|the plan is)\s*(?:to |that )?(?P<what>.*)",
        (
            r"\b(?:we're|we are|everyone is|everybody is) (?:all )?(?:agreed|in agreement|aligned) (?:on |to |"
            r"that )?(?P<what>.*)"
        ),
    ),
    actions=(
        (
            rf"(?P<who>{NAME}|{_EN_ME})\s*(?i:will|'ll|shall|is going to|am going to|'m going to|needs to|has to|"
            rf"must|can)\s+(?i:take care of|handle|own|look into|follow up on)\s*(?P<what>.*)"
        ),
        (
            rf"(?P<who>{NAME}|{_EN_ME})\s*(?i:will|'ll|shall|is going to|am going to|'m going to|needs to|has to|"
            rf"must)\s+(?P<what>(?!{_EN_NARRATION})\w.*)"
        ),
        (
            rf"(?P<who>{NAME}|{_EN_ME})\s+(?i:can take|takes|will take|'ll take|owns|take)\s+(?i:care of |"
            rf"charge of |ownership of |on )?(?P<what>.*)"
        ),
        rf"^(?P<who>{NAME}) to (?P<what>\w.*)",
        rf"(?i:action(?: item)?s? (?:for|on))\s+(?P<who>{NAME})\s*:?\s*(?P<what>.*)",
        rf"(?P<who>{NAME})\s*,\s*(?i:can you|could you|would you|will you|please)\s+(?P<what>.*)",
    ),
    requests=(
        (
            r"\b(?:can you|could you|would you|will you|can someone|could someone)\s+(?:please\s+)?"
            rf"(?P<what>(?!{_EN_NARRATION}).*)"
        ),
    ),
    team_actions=(r"\b(?:we need to|we have to|we must|we should|we'll need to|we will|we'll|let's)\s+(?P<what>.*)",),
    questions=(
        r"\b(?:still|yet) to be (?:decided|determined|defined|confirmed|clarified)\b",
        r"\b(?:to be determined|to be confirmed|tbd|tbc|open question|still open|up in the air|remains to be seen)\b",
        (
            r"\b(?:we don't know|we do not know|we still don't know|not sure yet|we haven't decided|"
            r"we have not decided|no decision yet)\b"
        ),
        r"\b(?:we'll|we will|let's) (?:come back to|revisit|circle back)\b",
    ),
    transitions=(
        r"\b(?:let's start with|let's begin with|to start with|first up)\b",
        (
            r"\b(?:moving on|move on|let's turn to|turning to|next item|next point|next topic|last item|"
            r"last point|first item|first point|second item|second point|let's talk about|on the agenda)\b"
        ),
    ),
    acceptances=(
        "yes",
        "yeah",
        "sure",
        "ok",
        "okay",
        "will do",
        "no problem",
        "of course",
        "i'll do it",
        "i'll handle it",
        "i can do that",
        "got it",
        "absolutely",
        "fine",
    ),
    self_pronouns=frozenset({"i", "me"}),
    due_cues=frozenset(
        {
            "by",
            "before",
            "until",
            "on",
            "no",
            "later",
            "than",
            "within",
            "for",
            "in",
            "at",
            "the",
            "end",
            "of",
            "next",
            "this",
            "coming",
        }
    ),
    end_of=frozenset({"end"}),
    date_suffixes=frozenset({"morning", "afternoon", "evening", "night", "noon", "eod", "cob", "at", "the", "latest"}),
    vague_objects=frozenset(
        {
            "it",
            "that",
            "this",
            "do it",
            "do that",
            "handle it",
            "take it",
            "on it",
            "one",
            "care of it",
            "care of that",
            "that one",
        }
    ),
    numbers=words("""one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty
                      fifty sixty hundred thousand couple few several"""),
)
