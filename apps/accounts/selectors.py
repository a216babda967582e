"""Every scoped read about officials, in one place.

An official sees records of their agency; a role in UNIT_SCOPED_ROLES sees only its own unit and
the units below it. Superusers (the platform operator) see everything. Cross-agency access comes
only from an ``AccessGrant`` to the official's agency. Anything out of scope is "not found": a
view answers 404, never a 403 that would confirm the record exists.
"""

from django.db.models import Q
from django.utils import timezone

from apps.organizations.models import Agency

from .models import AccessGrant, Membership, User
from .roles import UNIT_SCOPED_ROLES


def home_agency(agency: Agency) -> Agency:
    """The agency an internal unit belongs to (the agency itself for an agency)."""
    current = agency
    for _ in range(10):
        if current.kind == Agency.Kind.AGENCY or current.parent_id is None:
            return current
        current = current.parent
    return current


def scope_agency_ids(user: User, *, roles: set[str] | None = None, on=None) -> set[int] | None:
    """Ids of the agencies/units whose records ``user`` may see (None: no limit).

    ``roles`` narrows to the scope granted by those of the user's roles (default: all of them).
    """
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return None
    membership = user.current_membership()
    if membership is None:
        return set()
    held = user.role_codes() if roles is None else user.role_codes() & set(roles)
    if not held:
        return set()
    from apps.organizations.selectors import agency_subtree_ids

    on = on or timezone.localdate()
    ids: set[int] = set()
    if held & UNIT_SCOPED_ROLES:
        ids |= agency_subtree_ids(membership.agency, on=on)
    if held - UNIT_SCOPED_ROLES:
        ids |= agency_subtree_ids(home_agency(membership.agency), on=on)
    return ids


def roles_with_permission(user: User, permission: str) -> set[str]:
    from .roles import ROLE_PERMISSIONS

    return {role for role in user.role_codes() if permission in ROLE_PERMISSIONS.get(role, frozenset())}


def scope_for_permission(user: User, permission: str) -> set[int] | None:
    """Agency ids where ``user`` holds ``permission`` through a role (None: everywhere)."""
    if user.is_superuser:
        return None
    roles = roles_with_permission(user, permission)
    return scope_agency_ids(user, roles=roles) if roles else set()


def memberships_for_user(user: User, *, permission: str = "accounts.view_membership"):
    """Current posts of the officials ``user`` may see."""
    today = timezone.localdate()
    qs = (
        Membership.objects.filter(valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("user", "agency")
        .prefetch_related("roles")
        .order_by("agency__level", "agency__name", "user__full_name")
    )
    scope = scope_for_permission(user, permission)
    return qs if scope is None else qs.filter(agency_id__in=scope)


def official_get_for_user(user: User, official_uuid, *, permission: str = "accounts.view_membership") -> User | None:
    """The official with this UUID if ``user`` may see them (by their current or past posts)."""
    scope = scope_for_permission(user, permission)
    qs = User.objects.filter(uuid=official_uuid, kind=User.Kind.OFFICIAL)
    if scope is not None:
        qs = qs.filter(memberships__agency_id__in=scope).distinct()
    return qs.first()


def audit_scope_agencies(user: User):
    """Agencies whose audit events ``user`` may read: None for all, else a list (maybe empty)."""
    scope = scope_for_permission(user, "audit.view_auditevent")
    if scope is None:
        return None
    return list(Agency.objects.filter(id__in=scope).order_by("level", "name"))


def grant_exists(user: User, *, target_type: str, target_uuid, change: bool = False) -> bool:
    """Whether the user's agency holds an explicit grant on this record (cross-agency access)."""
    membership = user.current_membership() if user.is_authenticated else None
    if membership is None:
        return False
    now = timezone.now()
    grants = AccessGrant.objects.filter(
        target_type=target_type,
        target_uuid=target_uuid,
        grantee_id__in={membership.agency_id, home_agency(membership.agency).id},
        valid_from__lte=now,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=now))
    if change:
        grants = grants.filter(can_change=True)
    return grants.exists()
