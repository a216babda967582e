"""The officials' workspace menu, filled by each app and filtered by the user's permissions.

Apps register entries in their ``AppConfig.ready``; core knows nothing of roles, it asks
``user.has_perm`` (roles grant permissions in the accounts app).
"""

from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str
    url_name: str
    order: int = 100
    permissions: tuple[str, ...] = field(default_factory=tuple)  # any one of them is enough

    def visible_to(self, user) -> bool:
        if not user.is_authenticated:
            return False
        return not self.permissions or any(user.has_perm(p) for p in self.permissions)

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_entries: dict[str, MenuEntry] = {}


def register(entry: MenuEntry) -> None:
    _entries[entry.key] = entry


def entries_for(user) -> list[MenuEntry]:
    return sorted((e for e in _entries.values() if e.visible_to(user)), key=lambda e: (e.order, e.key))
