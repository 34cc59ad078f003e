"""minutier: meeting recordings to speaker-attributed transcripts and minutes, locally."""
