"""What the conversation engine answers, independent of the channel.

A Reply is text plus, optionally, up to three quick-reply buttons or a list of rows to pick from.
WhatsApp shows them as interactive buttons or a list; SMS (and any channel without them) shows
`plain_text()`, where the options are numbered. The engine accepts the option's id or its number
as the answer, so both ways of answering mean the same thing.
"""

from dataclasses import dataclass

# WhatsApp Cloud API limits for interactive messages.
MAX_BUTTONS = 3
BUTTON_TITLE_MAX = 20
MAX_ROWS = 10
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
ID_MAX = 200
TEXT_MAX = 4096


def _cut(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[str, str], ...] = ()  # (id, title)
    rows: tuple[tuple[str, str, str], ...] = ()  # (id, title, description)
    list_label: str = ""  # the label of the button that opens the list (WhatsApp)

    def __post_init__(self):
        if len(self.buttons) > MAX_BUTTONS:
            raise ValueError("at most three buttons")
        if len(self.rows) > MAX_ROWS:
            raise ValueError("at most ten rows")
        if self.buttons and self.rows:
            raise ValueError("buttons or rows, not both")

    @property
    def options(self) -> list[tuple[str, str, str]]:
        """(id, title, description) of every option in the order they are numbered."""
        return [(i, t, "") for i, t in self.buttons] + list(self.rows)

    def plain_text(self) -> str:
        """The reply for channels without buttons: options numbered after the text."""
        lines = [self.text]
        for number, (_id, title, description) in enumerate(self.options, 1):
            if description and title.endswith("…") and description.startswith(title[:-1]):
                shown = description  # the title is only the shortened description
            elif description and description != title:
                shown = f"{title} - {description}"
            else:
                shown = title
            lines.append(f"{number}. {shown}")
        return "\n".join(lines)

    @property
    def body(self) -> str:
        """The text to send where no buttons can be shown (SMS, the SMS fallback, the outbox)."""
        return self.plain_text()

    @property
    def interactive(self) -> dict | None:
        """The Graph API interactive object for WhatsApp, or None for a plain text."""
        if not self.options:
            return None
        from channels.whatsapp.client import list_message, reply_buttons

        if self.buttons:
            return reply_buttons(self.text, list(self.buttons))
        label = self.list_label or "…"
        return list_message(self.text, label, [(label, list(self.rows))])

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "buttons": [list(b) for b in self.buttons],
            "rows": [list(r) for r in self.rows],
            "list_label": self.list_label,
        }


def choice(text: str, options: list[tuple[str, str, str]], list_label: str = "") -> Reply:
    """A question with options (id, title, description): buttons when three short ones fit,
    else a list (at most ten). Titles are shortened to WhatsApp's limits."""
    options = options[:MAX_ROWS]
    if not options:
        return Reply(text=_cut_text(text))
    fits_buttons = len(options) <= MAX_BUTTONS and all(
        len(title) <= BUTTON_TITLE_MAX and not description for _i, title, description in options
    )
    if fits_buttons:
        buttons = tuple((i[:ID_MAX], title) for i, title, _d in options)
        return Reply(text=_cut_text(text), buttons=buttons)
    rows = tuple(
        (
            i[:ID_MAX],
            _cut(title, ROW_TITLE_MAX),
            # A title too long for a row keeps its full wording in the description.
            _cut(description or (title if len(title) > ROW_TITLE_MAX else ""), ROW_DESCRIPTION_MAX),
        )
        for i, title, description in options
    )
    return Reply(text=_cut_text(text), rows=rows, list_label=_cut(list_label or "…", 20))


def _cut_text(text: str) -> str:
    text = str(text)
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"
