from django.utils.translation import gettext_lazy as _

from population.nik import Problem


class DomainError(Exception):
    """A refusal by a business rule, with problems the views show in the user's language."""

    def __init__(self, code: str = "", template=None, *, problems=None, **params):
        self.problems: list[Problem] = list(problems or [])
        if code:
            self.problems.append(
                Problem(code=code, template=template or _("Gagal."), params=params)
            )
        super().__init__(", ".join(p.code for p in self.problems))

    @property
    def messages(self) -> list[str]:
        return [p.message for p in self.problems]
