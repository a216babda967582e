"""Grant Django permissions from the roles an official holds."""

from django.contrib.auth.backends import BaseBackend

from .roles import ROLE_PERMISSIONS


class RolePermissionBackend(BaseBackend):
    """Answer ``has_perm`` from ROLE_PERMISSIONS; authentication is left to ModelBackend."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            perms: set[str] = set()
            for code in user_obj.role_codes():
                perms |= ROLE_PERMISSIONS.get(code, frozenset())
            user_obj._role_perm_cache = perms
        return user_obj._role_perm_cache

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)
