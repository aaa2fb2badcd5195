"""A student's Anki collection as a review store: `quiz --anki` studies inside it.

Anki's own scheduler decides everything: the queue (the student's preset, daily limits and
FSRS parameters), each answer (`build_answer` / `answer_card`, so the review lands in the
revlog exactly as if it had been done in Anki and is marked for sync), undo and bury. A list
fact is a cloze note with one card per item. Answering it grades the item card at the top of
Anki's queue with that item's own result (a missed item is Again) and remembers the other
items' results: when Anki's queue brings a sibling card up later in the session (Anki spreads
siblings out), it is answered with its remembered result instead of asking the list again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from studytool.anki.render import guid_for
from studytool.clock import to_text
from studytool.errors import UserError
from studytool.review.store import LEECH_FAILS, Answer, CardRow, Snapshot

if TYPE_CHECKING:
    from fsrs import Scheduler

    from studytool.model import Fact

UNDO_NAME = "studytool review"
AUTO_UNDO_NAME = "studytool list item"
_ISOLATES = str.maketrans("", "", "\u2068\u2069")  # Anki wraps numbers in its labels in these
QUEUE_LEARN, QUEUE_REVIEW, QUEUE_DAY_LEARN = 1, 2, 3


class AnkiStore:
    """The review store over an open `anki.collection.Collection` (see the module docstring)."""

    live = True

    def __init__(self, col: Any, deck: str) -> None:
        self.col = col
        did = col.decks.id_for_name(deck)
        if not did:
            raise UserError(
                f"the collection has no deck '{deck}'; import the .apkg or run 'anki apply' first"
            )
        self.deck_id = int(did)
        col.decks.select(did)
        self.fact_of_note: dict[int, str] = {}
        self.skipped: list[str] = []  # questions of cards the terminal cannot ask (buried)
        self.reviews = 0
        self.pending: dict[int, dict[int, int]] = {}  # note id -> {item (card ord): rating}
        self.noted: list[int] = []  # per answer of this session: its note id

    # -- the engine's interface ----------------------------------------------------------
    def sync(self, facts: Iterable[Fact], now: datetime) -> int:
        """Map the collection's notes to the current facts; nothing is written."""
        by_guid = {guid_for(f.id): f.id for f in facts}
        rows = self.col.db.all(
            "SELECT DISTINCT n.id, n.guid FROM notes n JOIN cards c ON c.nid = n.id WHERE c.did = ?",
            self.deck_id,
        )
        self.fact_of_note = {int(nid): by_guid[guid] for nid, guid in rows if guid in by_guid}
        return 0

    def rows(self) -> dict[str, CardRow]:
        return {}  # live: Anki's queue, not the engine's

    def introduced_between(self, start: datetime, end: datetime) -> int:
        return 0

    def _top_card(self) -> Any | None:
        queued = self.col.sched.get_queued_cards(fetch_limit=1)
        return queued.cards[0] if queued.cards else None

    def top(self) -> str | None:
        """The fact of the card at the top of Anki's queue; cards the terminal cannot ask
        (picture-only cards, notes that are not facts) are buried until tomorrow, Anki's way."""
        while (queued := self._top_card()) is not None:
            waiting = self.pending.get(queued.card.note_id, {})
            if queued.card.template_idx in waiting:
                self._answer_one(queued, waiting.pop(queued.card.template_idx), 0, AUTO_UNDO_NAME)
                continue
            fact_id = self.fact_of_note.get(queued.card.note_id)
            if fact_id is not None:
                return fact_id
            card = self.col.get_card(queued.card.id)
            self.skipped.append(card.note().fields[0][:60])
            self.col.sched.bury_cards([card.id], manual=True)
        return None

    def left(self) -> int:
        """Anki's own count of the cards left today (new + learning + review)."""
        q = self.col.sched.get_queued_cards(fetch_limit=1)
        return int(q.new_count) + int(q.learning_count) + int(q.review_count)

    def why_empty(self) -> str:
        """Why Anki's queue is empty, in Anki's terms, and how to go on."""
        info = self.col.sched.congratulations_info()
        if info.new_remaining or info.review_remaining:
            return (
                "today's limits of your Anki preset are used up (new cards or reviews are left); "
                "raise them in Anki (deck options) or come back tomorrow"
            )
        if info.learn_remaining:
            return f"nothing due now; a learning card is due in {round(info.secs_until_next_learn / 60)} min"
        due = self.next_due()
        when = f"; the next card is due {due.astimezone():%Y-%m-%d %H:%M}" if due else ""
        return f"nothing is due in Anki's deck{when}"

    def previews(self, fact_id: str, now: datetime, scheduler: Scheduler | None) -> dict[int, str]:
        """Anki's own button labels for the card at the top of its queue."""
        queued = self._top_card()
        if queued is None or self.fact_of_note.get(queued.card.note_id) != fact_id:
            return {}
        labels = self.col.sched.describe_next_states(queued.states)
        return {i + 1: str(label).translate(_ISOLATES) for i, label in enumerate(labels)}

    def answer(
        self,
        fact_id: str,
        rating: int,
        now: datetime,
        *,
        scheduler: Scheduler | None,
        mode: str,
        typed: str | None = None,
        score: float | None = None,
        duration_ms: int | None = None,
        cram: bool = False,
        recalled: Sequence[bool] | None = None,
    ) -> Answer:
        """Answer the fact's card at the top of Anki's queue (one undo step); remember the rest."""
        if rating not in (1, 2, 3, 4):
            raise ValueError(f"rating must be 1-4, not {rating}")
        if cram:
            raise UserError("--cram does not work with --anki; use a filtered deck in Anki")
        queued = self._top_card()
        if queued is None or self.fact_of_note.get(queued.card.note_id) != fact_id:
            raise UserError(f"'{fact_id}' is not at the top of Anki's queue any more; start the quiz again")
        nid = int(queued.card.note_id)
        own = item_rating(rating, recalled, int(queued.card.template_idx))
        card, before, label = self._answer_one(queued, own, duration_ms or 0, UNDO_NAME)
        others = [c for c in self.col.get_note(nid).cards() if c.id != card.id and c.queue >= 0]
        self.pending[nid] = {int(c.ord): item_rating(rating, recalled, int(c.ord)) for c in others}
        card.load()
        leech = card.note().has_tag("leech")
        after = Snapshot(
            state=int(card.type),
            due=self._due_text(card),
            reps=int(card.reps),
            lapses=int(card.lapses),
            fails=LEECH_FAILS if leech else 0,
            leech=int(leech),
        )
        self.reviews += 1
        self.noted.append(nid)
        return Answer(self.reviews, fact_id, rating, before, after, False, label)

    def _answer_one(
        self, queued: Any, rating: int, duration_ms: int, undo_name: str
    ) -> tuple[Any, Snapshot, str]:
        """Answer the queued top card through Anki's scheduler as one undo step."""
        from anki.scheduler.v3 import CardAnswer

        ratings = {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}
        undo_id = self.col.add_custom_undo_entry(undo_name)
        card = self.col.get_card(queued.card.id)
        label = str(self.col.sched.describe_next_states(queued.states)[rating - 1]).translate(_ISOLATES)
        before = Snapshot(state=int(card.type), leech=int(card.note().has_tag("leech")))
        card.start_timer()
        answer = self.col.sched.build_answer(card=card, states=queued.states, rating=ratings[rating])
        answer.milliseconds_taken = max(0, duration_ms)
        self.col.sched.answer_card(answer)
        self.col.merge_undo_entries(undo_id)
        return card, before, label

    def undo(self, review_id: int, now: datetime) -> object:
        """Anki's own undo of the latest answer (and of any bury that followed it)."""
        if review_id != self.reviews:
            raise UserError("only the latest answer can be undone")
        while (name := self.col.undo_status().undo) and name != UNDO_NAME:
            self.col.undo()  # a bury or a remembered list item answered after it
        if not self.col.undo_status().undo:
            raise UserError("Anki has nothing to undo")
        self.col.undo()
        self.reviews -= 1
        self.pending.pop(self.noted.pop(), None)
        return None

    def bury(self, fact_id: str, until: datetime) -> None:
        """Anki's own bury of every card of the fact's note (Anki unburies at its day rollover)."""
        nids = [nid for nid, fid in self.fact_of_note.items() if fid == fact_id]
        cids = [cid for nid in nids for cid in self.col.card_ids_of_note(nid)]
        self.col.sched.bury_cards(cids, manual=True)

    def next_due(self) -> datetime | None:
        """The earliest due time of the deck's cards in learning or review."""
        learn = self.col.db.scalar(
            "SELECT MIN(due) FROM cards WHERE did = ? AND queue = ?", self.deck_id, QUEUE_LEARN
        )
        day = self.col.db.scalar(
            "SELECT MIN(due) FROM cards WHERE did = ? AND queue IN (?, ?)",
            self.deck_id,
            QUEUE_REVIEW,
            QUEUE_DAY_LEARN,
        )
        times = [datetime.fromtimestamp(learn, UTC)] if learn else []
        if day is not None:
            times.append(self._day_start(int(day)))
        return min(times, default=None)

    # -- helpers ---------------------------------------------------------------------------
    def _day_start(self, day: int) -> datetime:
        """When Anki's study day number `day` begins (its rollover hour, local time)."""
        tomorrow = datetime.fromtimestamp(self.col.sched.day_cutoff, UTC)
        return tomorrow + timedelta(days=day - self.col.sched.today - 1)

    def _due_text(self, card: Any) -> str | None:
        if card.queue == QUEUE_LEARN:
            return to_text(datetime.fromtimestamp(card.due, UTC))
        if card.queue in (QUEUE_REVIEW, QUEUE_DAY_LEARN):
            return to_text(self._day_start(int(card.due)))
        return None


def item_rating(rating: int, recalled: Sequence[bool] | None, item: int) -> int:
    """One item card's rating: Again when it was missed, else the grade (Good when that is Again)."""
    if recalled is None or item >= len(recalled):
        return rating
    if not recalled[item]:
        return 1
    return rating if rating > 1 else 3
