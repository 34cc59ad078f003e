"""Speech-to-text. Import the adapter from pipeline.asr.whisper (it loads faster-whisper lazily)."""
