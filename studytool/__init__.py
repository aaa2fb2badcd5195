"""studytool: a trigger-point knowledge base compiled to Anki decks, a quiz and exams."""

__version__ = "0.1.0"
