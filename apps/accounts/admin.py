from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AccessGrant, ApplicantProfile, Membership, RoleAssignment, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["agency", "position", "valid_from", "valid_to"]
    raw_id_fields = ["agency"]
    # Posts change through the officials pages so that every change reaches the audit trail.
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "kind", "email", "is_active"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email", "phone"]
    ordering = ["username"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Thông tin", {"fields": ("full_name", "email", "phone", "kind")}),
        ("Quyền", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Thời điểm", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "full_name", "password1", "password2")}),)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "position", "agency", "valid_from", "valid_to"]
    search_fields = ["user__full_name", "user__username", "position"]
    raw_id_fields = ["user", "agency"]
    inlines = [RoleInline]


@admin.register(ApplicantProfile)
class ApplicantProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "applicant_type", "address_unit"]
    raw_id_fields = ["user", "address_unit"]


@admin.register(AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin):
    list_display = ["grantee", "target_type", "target_uuid", "can_change", "valid_from", "valid_to"]
    raw_id_fields = ["grantee", "granted_by"]
