"""Reasoned pauses (S5.3, issue 13 §3): a configurable list of reasons and the pause of one subject.

A ``Pause`` is requested with a reason and a note, decided (approved: the subject's open deadlines stop
at the approval; rejected), and ended (the deadlines resume, moved by the paused time). Its subject is
an order, a work step or a fault ticket (``sla.pause_subjects`` says who works on each and what else
pauses with it). Imported by ``sla.models`` so Django finds the models.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from . import pause_rules


class PauseReason(models.Model):
    """Why a clock may stop; who may ask, who must approve, on which subjects (admin-editable)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    request_roles = models.JSONField(_("roles that may request"), default=list, blank=True)
    approve_roles = models.JSONField(_("roles that must approve"), default=list, blank=True)
    subjects = models.JSONField(
        _("applies to"),
        default=list,
        blank=True,
        help_text=_("Model labels: responses.order, responses.workstep, faults.faultticket"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("pause reason")
        verbose_name_plural = _("pause reasons")

    def __str__(self):
        return self.name

    def applies_to(self, subject) -> bool:
        return self.active and subject._meta.label_lower in self.subjects


class Pause(models.Model):
    """One pause of one subject's clock (S5.3); at most one open (requested or approved) per subject."""

    class State(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("pause", "Requested")
        APPROVED = "approved", pgettext_lazy("pause", "Approved (clock stopped)")
        REJECTED = "rejected", pgettext_lazy("pause", "Rejected")
        ENDED = "ended", pgettext_lazy("pause", "Ended (clock resumed)")

    OPEN_STATES = (State.REQUESTED, State.APPROVED)

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    reason = models.ForeignKey(PauseReason, verbose_name=_("reason"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    state = FSMField(_("state"), default=State.REQUESTED, choices=State.choices, protected=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # The deadlines this pause stopped (the subject's and, for a step, its order's provisioning clock).
    deadlines = models.ManyToManyField("sla.Deadline", blank=True, related_name="pauses")

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(state__in=["requested", "approved"]),
                name="pause_one_open_per_subject",
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="pause_subject_idx")]
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")

    def __str__(self):
        return f"P-{self.pk} {self.reason_id} {self.state}"

    @property
    def paused_for(self):
        if self.decided_at is None or self.state not in (self.State.APPROVED, self.State.ENDED):
            return None
        from django.utils import timezone

        return (self.ended_at or timezone.now()) - self.decided_at

    @transition(field=state, source=State.REQUESTED, target=State.APPROVED, permission=pause_rules.may_approve)
    def approve(self, *, actor, at, note=""):
        self.decided_by, self.decided_at, self.decision_note = actor, at, note

    @transition(field=state, source=State.REQUESTED, target=State.REJECTED, permission=pause_rules.may_approve)
    def reject(self, *, actor, at, note=""):
        self.decided_by, self.decided_at, self.decision_note = actor, at, note

    @transition(field=state, source=State.APPROVED, target=State.ENDED, permission=pause_rules.may_end)
    def end(self, *, actor, at):
        self.ended_by, self.ended_at = actor, at
