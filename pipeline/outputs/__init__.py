"""Writers that turn results into files people read: subtitles, text, JSON, documents."""
