"""A labelled corpus of supplier documents for the dedupe and extraction benchmark."""
