"""The terminal front end: the only code that reads keys.

On a terminal the reveal and grade prompts take single keys (space or Enter reveals, 1-4 grade
at once) and show each grade's next interval and a progress line; typed answers are lines.
Input that is not a terminal keeps the line protocol: one line per prompt.

Every prompt also takes the session keys: ``u`` undo the last answer, ``s`` bury this fact
until tomorrow, ``e`` show its source entry, ``q`` end the session. End of input ends the
session like ``q``. Ctrl-C prints the summary and re-raises, so the CLI exits with 130;
every answer is already committed by then.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

from studytool import clock
from studytool.model import Entry, Fact
from studytool.quiz.choice import Choice, grade_choice, make_choice, parse_picks
from studytool.quiz.engine import Session, Summary
from studytool.quiz.grading import Verdict, grade
from studytool.quiz.keys import EOF_KEY, read_key, single_keys
from studytool.review.scheduling import RATINGS
from studytool.review.store import LEECH_FAILS
from studytool.textnorm import normalize

if TYPE_CHECKING:
    from rich.console import Console

KEYS_HELP = "keys: u undo, s bury until tomorrow, e show entry, q quit"
GRADE_WORDS = {"1": 1, "again": 1, "2": 2, "hard": 2, "3": 3, "good": 3, "4": 4, "easy": 4}
COMMANDS = frozenset({"u", "s", "e", "q"})


class _Command(Exception):
    """A session key typed at a prompt."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class _Rated:
    rating: int
    typed: str | None
    score: float | None
    recalled: tuple[bool, ...] | None = None  # per list item, when typed


def human_delta(seconds: float) -> str:
    """'45 s', '10 min', '3 h', '4 days'."""
    if seconds < 60:
        return f"{max(0, round(seconds))} s"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    if seconds < 86400 * 1.5:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} days"


def _gives_away(value: str, fact: Fact) -> bool:
    """True when an entry line holds the fact's answer (or one of its items)."""
    text = normalize(value)
    answers = [normalize(a) for a in (fact.answer, *fact.items) if a.strip()]
    return any(a and (a in text or text in a) for a in answers)


class Terminal:
    """Runs a `Session` against a text stream and a rich console."""

    def __init__(
        self,
        session: Session,
        console: Console,
        stdin: TextIO,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.session = session
        self.console = console
        self.stdin = stdin
        self.now = now
        self.entries: dict[str, Entry] = session.kb.by_id()
        self.names = {normalize(e.name): (e.name, *e.aliases) for e in session.kb.entries if e.name.strip()}
        self.started = time.monotonic()
        isatty = getattr(stdin, "isatty", None)
        # A pipe does not echo what it feeds us: print it, so transcripts read like a session.
        self.echo = not (isatty and isatty())
        self.keys = not self.echo and single_keys(stdin)
        self.revealed = False
        self.current: Fact | None = None

    # -- output / input ------------------------------------------------------------------
    def say(self, text: str = "", style: str | None = None) -> None:
        from rich.text import Text

        self.console.print(Text(text, style=style or ""))

    def read(self, prompt: str) -> str:
        """One line of input (without the newline); raises _Command('q') at end of input."""
        from rich.text import Text

        self.console.print(Text(prompt, style="bold"), end="")
        self.console.file.flush()
        line = self.stdin.readline()
        if line == "":
            self.say()
            raise _Command("q")
        text = line.rstrip("\r\n")
        if self.echo:
            self.console.print(Text(text))
        if text.strip().lower() in COMMANDS:
            raise _Command(text.strip().lower())
        return text

    def key(self, prompt: str) -> str:
        """One key on a terminal ('' for Enter or space), else one line; commands as in `read`."""
        if not self.keys:
            return self.read(prompt)
        from rich.text import Text

        self.console.print(Text(prompt, style="bold"), end="")
        self.console.file.flush()
        key = read_key(self.stdin)
        if key in ("", EOF_KEY):
            self.say()
            raise _Command("q")
        self.say("" if key == "\n" else key)
        if key.lower() in COMMANDS:
            raise _Command(key.lower())
        return "" if key == "\n" else key

    # -- the loop -------------------------------------------------------------------------
    def run(self) -> Summary:
        """Ask until the queue is empty, the limit is reached, or the user quits."""
        s = self.session
        mode = "cram (schedule untouched)" if s.options.cram else s.options.mode
        self.say(f"{s.left()} card(s) in this session · mode {mode} · {KEYS_HELP}")
        if s.retired:
            self.say(f"{s.retired} fact(s) no longer in the sources were retired (history kept)")
        if s.next() is None:
            self.say(f"Nothing to study: {s.why_empty(self.now())}", "yellow")
        try:
            while (fact := s.next()) is not None:
                if not self._card(fact):
                    break
        except KeyboardInterrupt:
            self.say()
            self._summary()
            raise
        return self._summary()

    def _card(self, fact: Fact) -> bool:
        """Ask one fact; False when the session should end."""
        shown = time.monotonic()
        self.revealed = False
        self.current = fact
        self.say()
        if self.keys:  # its own line: a long muscle list must not wrap the count in two
            self.say(f"done {self.session.answered} · left {self.session.left()}", "dim")
        # A reverse card's answer is the muscle: its header names the facet only.
        about = fact.facet if fact.reverse else f"{fact.muscle} · {fact.facet}"
        self.say(f"[{self.session.answered + 1}] {about}", "dim")
        # Choice mode picks every right option, so an open list shows its heading, not "Name two …".
        choosing = self.session.options.mode == "choice" and fact.prompt
        self.say(fact.prompt if choosing else fact.question, "bold cyan")
        while True:
            try:
                rated = self._ask(fact)
            except _Command as cmd:
                if cmd.key == "q":
                    return False
                if cmd.key == "e":
                    self._show_entry(fact)
                    continue
                if cmd.key == "s":
                    until = self.session.bury(fact, self.now())
                    self.say(f"buried until {until.astimezone():%Y-%m-%d %H:%M}", "yellow")
                    return True
                undone = self.session.undo(self.now())
                if undone is None:
                    self.say("nothing to undo", "yellow")
                    continue
                self.say(f"undone: {undone.question}", "yellow")
                return True
            ms = int((time.monotonic() - shown) * 1000)
            ans = self.session.answer(
                fact,
                rated.rating,
                self.now(),
                typed=rated.typed,
                score=rated.score,
                duration_ms=ms,
                recalled=rated.recalled,
            )
            if ans.cram:
                self.say(f"→ {RATINGS[rated.rating]} (cram: schedule unchanged)", "dim")
            elif ans.label and ans.after.due:
                due = datetime.fromisoformat(ans.after.due).astimezone()
                self.say(f"→ {RATINGS[rated.rating]} · next in {ans.label} · due {due:%Y-%m-%d %H:%M}", "dim")
            elif ans.after.due:
                wait = (datetime.fromisoformat(ans.after.due) - self.now()).total_seconds()
                self.say(f"→ {RATINGS[rated.rating]} · next in {human_delta(wait)}", "dim")
            if ans.became_leech:
                self.say(
                    f"leech: this fact has been failed {LEECH_FAILS} times; see 'studytool stats'", "red"
                )
            return True

    def _ask(self, fact: Fact) -> _Rated:
        mode = self.session.options.mode
        if mode == "choice":
            day = clock.study_day(self.now(), self.session.options.day_start)
            choice = make_choice(fact, self.session.kb, day)
            if choice is not None:
                return self._ask_choice(fact, choice)
            self.say("(no safe options for this fact: type the answer)", "dim")
            return self._ask_typed(fact)
        if mode == "type":
            return self._ask_typed(fact)
        return self._ask_flip(fact)

    # -- modes ----------------------------------------------------------------------------
    def _ask_flip(self, fact: Fact) -> _Rated:
        while self.key("Enter to reveal: ").strip():
            self.say(f"press Enter to see the answer ({KEYS_HELP})", "yellow")
        self._show_answer(fact)
        return _Rated(self._grade(None), None, None)

    def _ask_typed(self, fact: Fact) -> _Rated:
        if fact.kind == "list":
            first = self.read("Your answer (comma-separated, or one per line and an empty line): ")
            lines = [first]
            if first.strip() and "," not in first and ";" not in first:
                while (more := self.read("  ... ")).strip():
                    lines.append(more)
            typed = "\n".join(lines).strip()
        else:
            typed = self.read("Your answer: ").strip()
        if not typed:  # "show me": no verdict, no suggested Again
            self.say("(no answer typed: here it is; grade yourself)", "dim")
            self._show_answer(fact)
            return _Rated(self._grade(None), None, None)
        verdict = grade(fact, typed, self.names)
        self._show_verdict(verdict)
        self._show_answer(fact)
        recalled = tuple(item not in verdict.missed for item in fact.items) if fact.items else None
        return _Rated(self._grade(verdict.suggested), typed, verdict.score, recalled)

    def _ask_choice(self, fact: Fact, choice: Choice) -> _Rated:
        for i, opt in enumerate(choice.options, 1):
            self.say(f"  {i}) {opt}")
        hint = "Pick all that apply (e.g. 1 3): " if choice.multi else "Your choice (1-4): "
        while True:
            picks = parse_picks(self.read(hint), len(choice.options))
            if picks is not None:
                break
            self.say(f"type option number(s) 1-{len(choice.options)} ({KEYS_HELP})", "yellow")
        verdict = grade_choice(choice, picks)
        self._show_verdict(verdict)
        self._show_answer(fact)
        typed = ", ".join(choice.options[i] for i in picks)
        return _Rated(self._grade(verdict.suggested), typed, verdict.score)

    def _grade(self, suggested: int | None) -> int:
        if suggested:
            prompt = f"Grade 1-4 [Enter = {suggested} {RATINGS[suggested]}]: "
        else:
            prompt = "Grade 1 Again, 2 Hard, 3 Good, 4 Easy: "
        if self.keys and self.current is not None:
            shown = self.session.previews(self.current, self.now())
            if shown:
                self.say(" · ".join(f"{RATINGS[r]} {shown[r]}" for r in sorted(shown)), "dim")
        while True:
            text = self.key(prompt).strip().lower()
            if not text and suggested:
                return suggested
            if text in GRADE_WORDS:
                return GRADE_WORDS[text]
            self.say(f"type 1 Again, 2 Hard, 3 Good or 4 Easy ({KEYS_HELP})", "yellow")

    # -- display --------------------------------------------------------------------------
    def _show_answer(self, fact: Fact) -> None:
        self.revealed = True
        if fact.items:
            self.say("Answer:", "green")
            for item in fact.items:
                self.say(f"  • {item}", "green")
        else:
            self.say(f"Answer: {fact.answer}", "green")
        if fact.extra:
            self.say(fact.extra, "dim")

    def _show_verdict(self, v: Verdict) -> None:
        self.say(("✓ " if v.correct else "✗ ") + v.summary, "green" if v.correct else "red")
        if "[-" in v.diff or "{+" in v.diff:
            self.say(f"  diff: {v.diff}   ([-missing-] {{+extra+}})", "dim")
        if v.missed:
            self.say("  missed: " + "; ".join(v.missed), "yellow")
        if v.extra:
            self.say("  not in the answer: " + "; ".join(v.extra), "yellow")

    def _show_entry(self, fact: Fact) -> None:
        e = self.entries.get(fact.entry)
        if e is None:
            self.say("(entry not found)", "yellow")
            return
        self.say(f"── {e.name} ({e.path})", "bold")
        hidden = 0
        for label, value in (
            ("region", e.region),
            ("area", e.area),
            ("origin", e.origin.text if e.origin else ""),
            ("insertion", e.insertion.text if e.insertion else ""),
            ("innervation", e.innervation.display() if e.innervation else ""),
            ("summary", e.summary),
        ):
            if value and not self.revealed and _gives_away(value, fact):
                hidden += 1
            elif value:
                self.say(f"  {label}: {value}")
        if hidden:
            self.say("  (the line with the answer stays hidden until you reveal it)", "dim")
        if e.sources:
            self.say(f"  source: {e.sources[0]}", "dim")

    def _summary(self) -> Summary:
        summ = self.session.summary(time.monotonic() - self.started)
        self.say()
        line = (
            f"Reviewed {summ.reviewed} · {summ.percent_correct:.0f}% correct · "
            f"time {human_delta(summ.seconds)}"
        )
        self.say(line, "bold")
        if summ.next_due is not None:
            now = self.now()
            due = summ.next_due.astimezone(UTC)
            when = "now" if due <= now else f"in {human_delta((due - now).total_seconds())}"
            self.say(f"Next due: {due.astimezone():%Y-%m-%d %H:%M} ({when})")
        if summ.leeches:
            self.say("New leeches: " + ", ".join(summ.leeches), "red")
        return summ
