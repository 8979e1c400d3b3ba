"""The Groq (OpenAI-compatible) emulator: chat completions, files and batches."""
