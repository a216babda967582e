"""Read-mostly admin: the structure is changed through the actions (dated, audited), not here."""

from django.contrib import admin

from .models import AdministrativeUnit, Agency, AgencyVersion, ReorganisationEvent, ReorganisationLink


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "division_type", "level", "parent", "valid_from", "valid_to", "source"]
    list_filter = ["level", "division_type", "valid_to"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]


class AgencyVersionInline(ReadOnlyInline):
    model = AgencyVersion
    fk_name = "agency"
    fields = ["name", "parent", "valid_from", "valid_to", "event"]


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ["name", "identifier", "category", "kind", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "kind", "category"]
    search_fields = ["name", "identifier", "versions__name"]
    list_select_related = ["parent"]
    inlines = [AgencyVersionInline]


class ReorganisationLinkInline(ReadOnlyInline):
    model = ReorganisationLink
    fields = ["predecessor", "successor", "responsibility"]


@admin.register(ReorganisationEvent)
class ReorganisationEventAdmin(ReadOnlyAdmin):
    list_display = ["effective_date", "kind", "decision_number", "decision_date", "decision_issuer"]
    list_filter = ["kind"]
    search_fields = ["decision_number", "note"]
    date_hierarchy = "effective_date"
    inlines = [ReorganisationLinkInline]
