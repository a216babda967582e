"""Roles of officials and the permissions each role grants.

A role is a job on the platform, not a Django group: it is granted to an official by the
system administrator and, from the organisations issue on, scoped to an agency.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DESK_OFFICER = "desk_officer", _("One-stop desk officer")
    HANDLER = "handler", _("Handler")
    HEAD_OF_UNIT = "head_of_unit", _("Head of unit")
    AGENCY_LEADER = "agency_leader", _("Agency leader")
    CLERK = "clerk", _("Clerk")
    COMMITTEE_SECRETARY = "committee_secretary", _("Steering committee secretary")
    AUDITOR = "auditor", _("Auditor")
    SYSADMIN = "sysadmin", _("System administrator")


# Permissions ("app_label.codename") each role grants; apps add theirs as they land.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.DESK_OFFICER: frozenset({"dossiers.view_dossier", "dossiers.add_dossier"}),
    Role.HANDLER: frozenset({"dossiers.view_dossier"}),
    Role.HEAD_OF_UNIT: frozenset({"accounts.view_membership", "dossiers.view_dossier"}),
    Role.AGENCY_LEADER: frozenset({"accounts.view_membership", "dossiers.view_dossier"}),
    Role.CLERK: frozenset(),
    Role.COMMITTEE_SECRETARY: frozenset(),
    Role.AUDITOR: frozenset({"core.view_taskprogress", "accounts.view_membership", "audit.view_auditevent"}),
    Role.SYSADMIN: frozenset(
        {
            "core.rebuild_demo",
            "core.view_taskprogress",
            "core.manage_calendar",
            "accounts.view_membership",
            "accounts.change_membership",
            "audit.view_auditevent",
            "procedures.change_procedure",
        }
    ),
}

# Dossier statistics (QĐ 766 progress figures): leaders, heads, the committee secretary, auditors, sysadmins.
ROLE_PERMISSIONS.update(
    {
        role: ROLE_PERMISSIONS[role] | {"dossiers.view_statistics"}
        for role in (Role.AGENCY_LEADER, Role.HEAD_OF_UNIT, Role.COMMITTEE_SECRETARY, Role.AUDITOR, Role.SYSADMIN)
    }
)

# Roles that see only their own unit (and units below it); the others see their whole agency.
UNIT_SCOPED_ROLES = frozenset({Role.HANDLER, Role.HEAD_OF_UNIT})

# Digital signatures: every official checks signatures; leaders and heads sign with their own
# certificate; clerks apply the agency's seal; system administrators register officials' certificates.
ROLE_PERMISSIONS.update({role: ROLE_PERMISSIONS[role] | {"signing.verify_signature"} for role in Role})
ROLE_PERMISSIONS.update(
    {role: ROLE_PERMISSIONS[role] | {"signing.sign_document"} for role in (Role.AGENCY_LEADER, Role.HEAD_OF_UNIT)}
)
ROLE_PERMISSIONS[Role.CLERK] = ROLE_PERMISSIONS[Role.CLERK] | {"signing.seal_document"}
ROLE_PERMISSIONS[Role.SYSADMIN] = ROLE_PERMISSIONS[Role.SYSADMIN] | {"signing.manage_signingcertificate"}

# Inter-agency exchange (edXML): clerks send and answer packages; leaders and heads read the log.
ROLE_PERMISSIONS[Role.CLERK] = ROLE_PERMISSIONS[Role.CLERK] | {"exchange.view_exchange", "exchange.send_exchange"}
ROLE_PERMISSIONS.update(
    {role: ROLE_PERMISSIONS[role] | {"exchange.view_exchange"} for role in (Role.AGENCY_LEADER, Role.HEAD_OF_UNIT)}
)

# Citizens' ratings and feedback (PAKN): one-stop officers, handlers, heads and leaders read and answer
# the feedback of their agency; heads and leaders also assign it and publish the answers.
ROLE_PERMISSIONS.update(
    {
        role: ROLE_PERMISSIONS[role] | {"feedback.view_feedback"}
        for role in (Role.DESK_OFFICER, Role.HANDLER, Role.HEAD_OF_UNIT, Role.AGENCY_LEADER)
    }
)
ROLE_PERMISSIONS.update(
    {role: ROLE_PERMISSIONS[role] | {"feedback.publish_feedback"} for role in (Role.HEAD_OF_UNIT, Role.AGENCY_LEADER)}
)
