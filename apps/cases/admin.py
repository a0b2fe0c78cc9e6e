"""Admin of the category tree and routing rules (written through apps.cases.categories), and read-only
pages of cases and their timelines in the user's scope. Nothing is deleted."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import VIEW, user_scope
from apps.areas.models import Area
from apps.core.admin import ReadOnlyMixin, ScopedAdmin, ServiceAdminMixin
from apps.departments.models import Department

from . import categories
from .models import Case, CaseEvent, Category, RoutingRule


@admin.register(Category)
class CategoryAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["tree_name", "code", "parent", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    # Each top category followed by its subcategories.
    ordering = [
        Coalesce("parent__code", "code").asc(),
        F("parent").asc(nulls_first=True),
        "sort_order",
        "code",
    ]
    fields = ["parent", "code", "name", "sort_order", "is_active"]

    @admin.display(description=_("name"))
    def tree_name(self, category: Category) -> str:
        return f"↳ {category.name}" if category.parent_id else category.name

    # One tree serves the whole installation: only superusers change it.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        # Categories are retired (inactive), never deleted: cases and departments refer to them.
        return False

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            categories.category_update(
                actor=request.user,
                category=obj,
                code=data["code"],
                name=data["name"],
                parent=data["parent"],
                sort_order=data["sort_order"],
                is_active=data["is_active"],
            )
        else:
            created = categories.category_create(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                parent=data["parent"],
                sort_order=data["sort_order"],
                is_active=data["is_active"],
            )
            obj.pk = created.pk


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ["category", "area", "handling_level", "department", "is_active", "note"]

    def _post_clean(self):
        # The model's constraints would refuse an active rule that clashes with the one in force, which
        # `routing_rule_save` retires instead; the fields themselves are still checked.
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        try:
            self.instance.full_clean(
                exclude=self._get_validation_exclusions(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._update_errors(error)


@admin.register(RoutingRule)
class RoutingRuleAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Rules for one area are seen and changed in that area's scope; rules for everywhere are seen by all
    and changed by superusers."""

    list_display = ["category", "area", "handling_level", "department", "is_active", "note"]
    list_filter = ["handling_level", "is_active"]
    search_fields = ["category__name", "category__code", "area__name", "department__name"]
    list_select_related = ["category", "area", "department"]
    raw_id_fields = ["area"]
    form = RoutingRuleForm
    fields = RoutingRuleForm.Meta.fields
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        rules = super().get_queryset(request)
        if user_scope(request.user).unrestricted:
            return rules
        visible = Area.objects.restrict(request.user, VIEW).values("pk")
        return rules.filter(Q(area__isnull=True) | Q(area__in=visible))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            kwargs["queryset"] = Department.objects.restrict(request.user, VIEW)
        if db_field.name == "area":
            kwargs["queryset"] = Area.objects.restrict(request.user, VIEW)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser:
            return True
        scope = user_scope(request.user)
        return obj.area is not None and "department.change" in scope.permissions_over(
            [*obj.area.ancestor_ids, obj.area_id]
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        saved = categories.routing_rule_save(
            actor=request.user,
            rule=obj if change else None,
            category=data["category"],
            area=data["area"],
            handling_level=data["handling_level"],
            department=data["department"],
            is_active=data["is_active"],
            note=data["note"],
        )
        obj.pk = saved.pk


class CaseEventInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    fields = ["created_at", "action", "actor", "from_status", "to_status", "reason", "data"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["serial", "title", "status", "channel", "category", "area", "created_at"]
    list_filter = ["status", "channel", "category"]
    search_fields = ["serial", "title"]
    list_select_related = ["category", "area"]
    inlines = [CaseEventInline]
    # The reporter's phone only masked; the residents' links and the idempotency key not at all.
    fields = [
        "serial",
        "title",
        "description",
        "status",
        "channel",
        "urgency",
        "category",
        "area",
        "address",
        "longitude",
        "latitude",
        "reporter_name",
        "reporter_phone_masked",
        "external_system",
        "external_ref",
        "lead_department",
        "merged_into",
        "leader_claimed_by",
        "suspended_at",
        "handled_in_grid",
        "reopen_count",
        "rating",
        "rating_comment",
        "created_by",
        "created_at",
        "accepted_at",
        "dispatched_at",
        "resolved_at",
        "verified_at",
        "closed_at",
        "rated_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("reporter's phone"))
    def reporter_phone_masked(self, case: Case) -> str:
        return case.reporter_phone_masked
