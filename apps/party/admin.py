from django.contrib import admin

from apps.core.admin import ScopedAdmin, ServiceAdminMixin

from . import services
from .models import PartnerUnit, PartTimeMember, PartyMember, PartyOrganisation


@admin.register(PartyOrganisation)
class PartyOrganisationAdmin(ServiceAdminMixin, ScopedAdmin):
    list_display = ["name", "kind", "area", "is_joint", "secretary"]
    list_filter = ["kind", "is_joint"]
    search_fields = ["name", "area__name"]
    list_select_related = ["area", "secretary"]
    raw_id_fields = ["area", "parent", "secretary"]
    fields = ["area", "parent", "name", "kind", "is_joint", "founded_on", "secretary"]

    def get_readonly_fields(self, request, obj=None):
        return ["area", "parent", "name", "kind", "is_joint", "founded_on"] if obj else ["secretary"]

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.organisation_set_secretary(
                actor=request.user, organisation=obj, member=data["secretary"]
            )
        else:
            created = services.organisation_create(
                actor=request.user,
                area=data["area"],
                parent=data["parent"],
                name=data["name"],
                kind=data["kind"],
                is_joint=data["is_joint"],
                founded_on=data["founded_on"],
            )
            obj.pk = created.pk


@admin.register(PartnerUnit)
class PartnerUnitAdmin(ServiceAdminMixin, ScopedAdmin):
    list_display = ["name", "unit_type", "area", "contact_name", "contact_phone"]
    list_filter = ["unit_type"]
    search_fields = ["name", "address"]
    list_select_related = ["area"]
    raw_id_fields = ["area"]
    fields = ["area", "name", "unit_type", "address", "contact_name", "contact_phone"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_through_service(self, request, obj, form, change):
        created = services.partner_unit_create(actor=request.user, **form.cleaned_data)
        obj.pk = created.pk


@admin.register(PartTimeMember)
class PartTimeMemberAdmin(ServiceAdminMixin, ScopedAdmin):
    list_display = ["name", "organisation", "partner_unit", "position"]
    search_fields = ["name", "partner_unit__name"]
    list_select_related = ["organisation", "partner_unit"]
    raw_id_fields = ["organisation", "partner_unit"]
    fields = ["organisation", "partner_unit", "name", "position"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_through_service(self, request, obj, form, change):
        created = services.part_time_member_add(actor=request.user, **form.cleaned_data)
        obj.pk = created.pk


@admin.register(PartyMember)
class PartyMemberAdmin(ServiceAdminMixin, ScopedAdmin):
    list_display = ["name", "organisation", "gender", "joined_on", "is_working_member"]
    list_filter = ["is_working_member", "gender"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation", "user"]
    fields = ["organisation", "name", "gender", "birth_year", "joined_on", "is_working_member", "workplace"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_through_service(self, request, obj, form, change):
        created = services.member_add(actor=request.user, **form.cleaned_data)
        obj.pk = created.pk
