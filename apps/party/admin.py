from django.contrib import admin

from apps.core.admin import ReadOnlyMixin, ScopedAdmin, ServiceAdminMixin

from . import services
from .models import (
    MemberRegistration,
    PartnerUnit,
    PartTimeMember,
    PartyMember,
    PartyOrganisation,
    RegistrationEvent,
    ServiceRecord,
)


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


class RegistrationEventInline(ReadOnlyMixin, admin.TabularInline):
    model = RegistrationEvent
    fields = ["created_at", "action", "actor", "from_state", "to_state", "note", "data"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ServiceRecordInline(ReadOnlyMixin, admin.TabularInline):
    model = ServiceRecord
    fields = ["served_on", "title", "hours", "area", "recorded_by"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("area", "recorded_by")


@admin.register(MemberRegistration)
class MemberRegistrationAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["member", "community", "area", "source", "state", "registered_at"]
    list_filter = ["state", "source"]
    search_fields = ["member__name", "community__name", "area__name"]
    list_select_related = ["member", "community", "area"]
    raw_id_fields = ["member", "area", "registered_by"]
    fields = [
        "member",
        "community",
        "area",
        "source",
        "state",
        "registered_at",
        "registered_by",
        "ended_at",
        "end_reason",
    ]
    readonly_fields = fields
    inlines = [ServiceRecordInline, RegistrationEventInline]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["title", "registration", "served_on", "hours", "area"]
    list_filter = ["served_on"]
    search_fields = ["title", "registration__member__name"]
    list_select_related = ["registration__member", "registration__community", "area"]
    raw_id_fields = ["registration", "area", "recorded_by"]
    fields = [
        "registration",
        "title",
        "description",
        "served_on",
        "hours",
        "area",
        "recorded_by",
        "created_at",
    ]
    readonly_fields = fields
