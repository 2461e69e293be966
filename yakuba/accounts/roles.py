"""Roles and what each may do.

A role is a single, explicit attribute of the account. Permissions are expressed
as capabilities here (not scattered `if role == ...` checks), so the
authorization matrix test and the navigation read the same table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("職員")
    UNIT_HEAD = "unit_head", _("所属長")
    HR = "hr", _("総務・人事")
    INFOSEC = "infosec", _("情報セキュリティ管理者")
    AUDITOR = "auditor", _("監査担当")
    SYSADMIN = "sysadmin", _("システム管理者")
    # The planning unit (企画政策課): staff surveys, the telework evidence report, the
    # problems → countermeasures register and the policy-evaluation cycle (issue 15), and
    # the review of documents and procedures (issue 17).
    PLANNING = "planning", _("企画・政策評価担当")


# Roles that must pass TOTP two-factor sign-in before anything else: those that change
# settings or accounts, and the auditor, who reads and exports every member of staff and
# the whole audit trail. Only a system administrator grants or takes away these roles.
# The planning unit reads every survey answer of named surveys and publishes on the city's
# behalf: privileged too.
PRIVILEGED_ROLES = frozenset({Role.SYSADMIN, Role.INFOSEC, Role.HR, Role.AUDITOR, Role.PLANNING})


class Capability(models.TextChoices):
    VIEW_ORG = "view_org", "view organisation and staff (scoped)"
    EDIT_ORG = "edit_org", "edit organisation and staff (scoped)"
    IMPORT_ORG = "import_org", "import staff and units"
    EXPORT_ORG = "export_org", "export staff and units"
    VIEW_AUDIT = "view_audit", "browse and export the audit trail"
    MANAGE_API_TOKENS = "manage_api_tokens", "create and revoke API tokens"
    MANAGE_ACCOUNTS = "manage_accounts", "assign roles"
    LINK_DIRECTORY_ACCOUNTS = "link_directory_accounts", "link directory sign-ins to staff records"
    PROVISION_ACCOUNTS = "provision_accounts", "create local accounts for staff; reissue activation"
    MANAGE_CHANNELS = "manage_channels", "manage chat webhooks of units (scoped)"
    MANAGE_REPORTS = "manage_reports", "set up morning reports of units (scoped)"
    VIEW_REPORTS = "view_reports", "read morning reports, boards and blockers (scoped)"
    VIEW_HEALTH = "view_health", "read health checks of others (scoped; every view audited)"
    # Rosters (issue 4).
    PLAN_ROSTERS = "plan_rosters", "set up, plan, publish and repair rosters (scoped)"
    VIEW_ROSTERS = "view_rosters", "read every roster in scope (read-only)"
    DECIDE_REQUESTS = "decide_requests", "approve or reject leave and wishes (scoped)"
    # Remote seats and loaned terminals (rosters item 7).
    VIEW_SEAT_HOLDERS = "view_seat_holders", "see who holds remote seats (scoped)"
    MANAGE_REMOTE_SEATS = "manage_remote_seats", "set up remote-seat pools; every seat holder"
    VIEW_TERMINALS = "view_terminals", "read the loaned-terminal ledger"
    MANAGE_TERMINALS = "manage_terminals", "lend and take back loaned terminals"
    # Connection self-check (issue 6 item 5); everyone may run it and see their own.
    VIEW_NETCHECK_READINESS = "view_netcheck_readiness", "connection readiness by unit (anonymous)"
    # Meetings (issue 6).
    MANAGE_MEETINGS = "manage_meetings", "manage meetings of units in scope like their organiser"
    MANAGE_MEETING_PLATFORMS = "manage_meeting_platforms", "set up Zoom accounts and Jitsi servers"
    # Connection quality in meetings (issue 6 item 4); everyone sees their own.
    VIEW_CONNECTION_QUALITY = "view_connection_quality", "meeting connection quality by unit"
    MANAGE_CONNECTION_QUALITY = "manage_connection_quality", "set connection-quality thresholds"
    # Paid web-meeting licences (issue 6 item 6).
    VIEW_LICENCES = "view_licences", "read the licence ledger and the monthly licence report"
    MANAGE_LICENCES = "manage_licences", "register, edit and reassign web-meeting licences"
    # Account hygiene (issue 13 item 5).
    VIEW_ACCOUNT_HYGIENE = "view_account_hygiene", "idle, locked, never-used accounts (read)"
    MANAGE_ACCOUNT_HYGIENE = "manage_account_hygiene", "lift lock-outs, disable idle accounts"
    # Security awareness and the check system (issue 14). Everyone answers their own
    # questions, checklists and reports; these say who runs and who reads.
    MANAGE_AWARENESS = "manage_awareness", "question bank, lessons, courses and campaigns"
    VIEW_AWARENESS_PROGRESS = "view_awareness_progress", "campaign progress by unit (scoped)"
    MANAGE_DRILLS = "manage_drills", "write and send drill mails (標的型攻撃メール訓練)"
    VIEW_DRILL_RESULTS = "view_drill_results", "drill rates by campaign and unit (scoped)"
    VIEW_DRILL_RECIPIENTS = "view_drill_recipients", "each recipient's drill timeline (audited)"
    MANAGE_INSPECTIONS = "manage_inspections", "self-inspection checklists, rounds, all findings"
    REVIEW_INSPECTIONS = "review_inspections", "confirm answers and own findings of units (scoped)"
    VIEW_INSPECTIONS = "view_inspections", "heat map, findings, committee report (scoped)"
    MANAGE_READINESS = "manage_readiness", "the telework home/device checklist and its validity"
    VIEW_READINESS = "view_readiness", "telework readiness by person (scoped)"
    TRIAGE_INCIDENTS = "triage_incidents", "triage, act on and close incident reports"
    VIEW_INCIDENT_STATS = "view_incident_stats", "incident statistics by month and category"
    VIEW_AWARENESS_SCORES = "view_awareness_scores", "awareness scores of people (scoped; audited)"
    # Evaluating telework and answering the evaluators (issue 15). Everyone answers the
    # surveys sent to them; these say who builds, reads, reports and publishes.
    MANAGE_SURVEYS = "manage_surveys", "build, send, remind and close staff surveys"
    VIEW_SURVEY_RESULTS = "view_survey_results", "survey results (groups of 5 or more) and exports"
    GENERATE_EVALUATION_REPORT = "generate_evaluation_report", "generate the evidence report"
    VIEW_EVALUATION_REPORT = "view_evaluation_report", "read evidence reports"
    MANAGE_PROBLEMS = "manage_problems", "problems and countermeasures (unit heads: their units)"
    VIEW_PROBLEMS = "view_problems", "read the problems → countermeasures register"
    MANAGE_POLICIES = "manage_policies", "policies, evaluations, comments, publication"
    ANSWER_POLICY_COMMENTS = "answer_policy_comments", "write replies (responsible unit, scoped)"
    APPROVE_POLICY_REPLIES = "approve_policy_replies", "approve replies (head of responsible unit)"
    VIEW_POLICIES = "view_policies", "read policies, evaluations, comments and replies"
    # Training sessions (issue 16, yakuba.training).
    MANAGE_TRAINING = "manage_training", "training courses, sessions, attendance, requirements"
    VIEW_TRAINING_COVERAGE = "view_training_coverage", "training coverage of units (scoped)"
    # Knowledge sharing (issue 16, app knowledge): everyone signed in asks, answers and reads;
    # the information division moderates (sees anonymous askers, audited; appoints helpers).
    MODERATE_KNOWLEDGE = "moderate_knowledge", "moderate Q&A and how-tos, appoint ICT helpers"
    # Reviewing documents, procedures and meetings against written criteria (issue 17,
    # app reviews): the planning unit keeps the criteria, the inventory and the rounds;
    # the owning unit answers (its staff and head, scoped to their unit and below); the
    # head of the owning unit approves; progress is read by the planning unit, auditors,
    # HR and unit heads (their units).
    MANAGE_REVIEW_CRITERIA = "manage_review_criteria", "criteria sets: edit, version, publish"
    MANAGE_REVIEW_INVENTORY = "manage_review_inventory", "procedures, meeting series, rates"
    MANAGE_REVIEWS = "manage_reviews", "review rounds, assignment, send back, implemented"
    ANSWER_REVIEWS = "answer_reviews", "answer the criteria for items of own unit (scoped)"
    APPROVE_REVIEWS = "approve_reviews", "approve the answers of own unit (scoped)"
    VIEW_REVIEW_PROGRESS = "view_review_progress", "review progress and effect (scoped)"
    EXPORT_REVIEW_PUBLICATION = "export_review_publication", "export the published results"


CAPABILITIES: dict[str, frozenset[str]] = {
    Role.STAFF: frozenset(),
    Role.UNIT_HEAD: frozenset(
        {
            Capability.VIEW_ORG,
            Capability.EDIT_ORG,
            Capability.EXPORT_ORG,
            Capability.MANAGE_CHANNELS,
            Capability.MANAGE_REPORTS,
            Capability.VIEW_REPORTS,
            Capability.VIEW_HEALTH,
        }
    ),
    Role.HR: frozenset(
        {
            Capability.VIEW_ORG,
            Capability.EDIT_ORG,
            Capability.IMPORT_ORG,
            Capability.EXPORT_ORG,
            Capability.MANAGE_ACCOUNTS,
            Capability.MANAGE_CHANNELS,
            Capability.MANAGE_REPORTS,
            Capability.VIEW_REPORTS,
            Capability.VIEW_HEALTH,
        }
    ),
    Role.INFOSEC: frozenset({Capability.VIEW_AUDIT}),
    # Auditors read everything and change nothing.
    Role.AUDITOR: frozenset({Capability.VIEW_ORG, Capability.EXPORT_ORG, Capability.VIEW_AUDIT}),
    # The planning unit's own capabilities are added below with the evaluation ones.
    Role.PLANNING: frozenset(),
    Role.SYSADMIN: frozenset(
        {
            Capability.VIEW_ORG,
            Capability.EDIT_ORG,
            Capability.IMPORT_ORG,
            Capability.EXPORT_ORG,
            Capability.VIEW_AUDIT,
            Capability.MANAGE_API_TOKENS,
            Capability.MANAGE_ACCOUNTS,
            Capability.MANAGE_CHANNELS,
        }
    ),
}

# Rosters: unit heads plan their own unit and below, HR and system admins the office;
# auditors read them all.
for _role, _caps in {
    Role.UNIT_HEAD: {Capability.PLAN_ROSTERS, Capability.VIEW_ROSTERS, Capability.DECIDE_REQUESTS},
    Role.HR: {Capability.PLAN_ROSTERS, Capability.VIEW_ROSTERS, Capability.DECIDE_REQUESTS},
    Role.AUDITOR: {Capability.VIEW_ROSTERS},
    Role.SYSADMIN: {Capability.PLAN_ROSTERS, Capability.VIEW_ROSTERS, Capability.DECIDE_REQUESTS},
}.items():
    CAPABILITIES[_role] = CAPABILITIES[_role] | frozenset(_caps)
del _role, _caps

# Remote seats and loaned terminals: unit heads see their unit's seat holders; HR,
# information security and system admins run the pools; the information division lends
# terminals (HR and auditors read the ledger).
for _role, _caps in {
    Role.UNIT_HEAD: {Capability.VIEW_SEAT_HOLDERS},
    Role.HR: {
        Capability.VIEW_SEAT_HOLDERS,
        Capability.MANAGE_REMOTE_SEATS,
        Capability.VIEW_TERMINALS,
    },
    Role.INFOSEC: {
        Capability.VIEW_SEAT_HOLDERS,
        Capability.MANAGE_REMOTE_SEATS,
        Capability.VIEW_TERMINALS,
        Capability.MANAGE_TERMINALS,
    },
    Role.AUDITOR: {Capability.VIEW_TERMINALS},
    Role.SYSADMIN: {
        Capability.VIEW_SEAT_HOLDERS,
        Capability.MANAGE_REMOTE_SEATS,
        Capability.VIEW_TERMINALS,
        Capability.MANAGE_TERMINALS,
    },
}.items():
    CAPABILITIES[_role] = CAPABILITIES[_role] | frozenset(_caps)
del _role, _caps

# Meetings: any signed-in member of staff organises their own meetings; unit heads and HR
# also manage the meetings of units in their scope; the information division (information
# security, system admins) connects the meeting platforms.
for _role, _caps in {
    Role.UNIT_HEAD: {Capability.MANAGE_MEETINGS},
    Role.HR: {Capability.MANAGE_MEETINGS},
    Role.INFOSEC: {Capability.MANAGE_MEETING_PLATFORMS},
    Role.SYSADMIN: {Capability.MANAGE_MEETING_PLATFORMS},
}.items():
    CAPABILITIES[_role] = CAPABILITIES[_role] | frozenset(_caps)
del _role, _caps

# Connection self-check: the information division reads readiness by unit.
for _role in (Role.INFOSEC, Role.SYSADMIN):
    CAPABILITIES[_role] = CAPABILITIES[_role] | {Capability.VIEW_NETCHECK_READINESS}
del _role

# Connection quality in meetings: the information division reads the anonymous summary by
# unit and sets the thresholds; unit heads and HR do not see it (it is not a performance
# measure), and each person sees only their own figures.
for _role in (Role.INFOSEC, Role.SYSADMIN):
    CAPABILITIES[_role] = CAPABILITIES[_role] | {
        Capability.VIEW_CONNECTION_QUALITY,
        Capability.MANAGE_CONNECTION_QUALITY,
    }
del _role

# Web-meeting licences: the information division (information security, system admins)
# keeps the ledger; HR (budget) and auditors read it and the monthly report.
for _role, _caps in {
    Role.HR: {Capability.VIEW_LICENCES},
    Role.INFOSEC: {Capability.VIEW_LICENCES, Capability.MANAGE_LICENCES},
    Role.AUDITOR: {Capability.VIEW_LICENCES},
    Role.SYSADMIN: {Capability.VIEW_LICENCES, Capability.MANAGE_LICENCES},
}.items():
    CAPABILITIES[_role] = CAPABILITIES[_role] | frozenset(_caps)
del _role, _caps

# Directory sign-in: the system administrator links directory people the sign-in could not
# match to a staff record (the account then signs in with the directory password).
CAPABILITIES[Role.SYSADMIN] = CAPABILITIES[Role.SYSADMIN] | {Capability.LINK_DIRECTORY_ACCOUNTS}

# Local accounts (offices without a directory): HR and the system administrator create
# accounts for the staff list, print activation sheets and reissue activation links,
# office-wide (both are privileged roles, behind TOTP).
for _role in (Role.HR, Role.SYSADMIN):
    CAPABILITIES[_role] = CAPABILITIES[_role] | {Capability.PROVISION_ACCOUNTS}
del _role

# Account hygiene: the system administrator acts on idle and locked accounts; the auditor,
# who reads everything and changes nothing, sees the same lists.
CAPABILITIES[Role.SYSADMIN] = CAPABILITIES[Role.SYSADMIN] | {
    Capability.VIEW_ACCOUNT_HYGIENE,
    Capability.MANAGE_ACCOUNT_HYGIENE,
}
CAPABILITIES[Role.AUDITOR] = CAPABILITIES[Role.AUDITOR] | {Capability.VIEW_ACCOUNT_HYGIENE}

# Security awareness and the check system: the information security administrator runs it
# office-wide; unit heads follow and review their own units; the auditor reads campaigns,
# drills (rates, never a named recipient), inspections and incident statistics, and never
# sees a person's awareness score (only the person, their unit head and infosec do).
for _role, _caps in {
    Role.UNIT_HEAD: {
        Capability.VIEW_AWARENESS_PROGRESS,
        Capability.VIEW_DRILL_RESULTS,
        Capability.REVIEW_INSPECTIONS,
        Capability.VIEW_INSPECTIONS,
        Capability.VIEW_READINESS,
        Capability.VIEW_AWARENESS_SCORES,
    },
    Role.INFOSEC: {
        Capability.MANAGE_AWARENESS,
        Capability.VIEW_AWARENESS_PROGRESS,
        Capability.MANAGE_DRILLS,
        Capability.VIEW_DRILL_RESULTS,
        Capability.VIEW_DRILL_RECIPIENTS,
        Capability.MANAGE_INSPECTIONS,
        Capability.VIEW_INSPECTIONS,
        Capability.MANAGE_READINESS,
        Capability.VIEW_READINESS,
        Capability.TRIAGE_INCIDENTS,
        Capability.VIEW_INCIDENT_STATS,
        Capability.VIEW_AWARENESS_SCORES,
    },
    Role.AUDITOR: {
        Capability.VIEW_AWARENESS_PROGRESS,
        Capability.VIEW_DRILL_RESULTS,
        Capability.VIEW_INSPECTIONS,
        Capability.VIEW_INCIDENT_STATS,
    },
}.items():
    CAPABILITIES[_role] = CAPABILITIES[_role] | frozenset(_caps)
del _role, _caps

# Evaluation (issue 15): HR and the planning unit run staff surveys; the planning unit
# generates the evidence report, keeps the whole register and the policy-evaluation cycle;
# unit heads keep the problems of their own units and write and approve the replies of
# the policies their unit is responsible for; the auditor reads everything, changes nothing.
for _role, _caps in {
    Role.PLANNING: {
        Capability.MANAGE_SURVEYS,
        Capability.VIEW_SURVEY_RESULTS,
        Capability.GENERATE_EVALUATION_REPORT,
        Capability.VIEW_EVALUATION_REPORT,
        Capability.MANAGE_PROBLEMS,
        Capability.VIEW_PROBLEMS,
        Capability.MANAGE_POLICIES,
        Capability.ANSWER_POLICY_COMMENTS,
        Capability.VIEW_POLICIES,
    },
    Role.HR: {
        Capability.MANAGE_SURVEYS,
        Capability.VIEW_SURVEY_RESULTS,
        Capability.GENERATE_EVALUATION_REPORT,
        Capability.VIEW_EVALUATION_REPORT,
        Capability.VIEW_PROBLEMS,
        Capability.VIEW_POLICIES,
    },
    Role.UNIT_HEAD: {
        Capability.VIEW_EVALUATION_REPORT,
        Capability.MANAGE_PROBLEMS,
        Capability.VIEW_PROBLEMS,
        Capability.ANSWER_POLICY_COMMENTS,
        Capability.APPROVE_POLICY_REPLIES,
        Capability.VIEW_POLICIES,
    },
    Role.AUDITOR: {
        Capability.VIEW_SURVEY_RESULTS,
        Capability.VIEW_EVALUATION_REPORT,
        Capability.VIEW_PROBLEMS,
        Capability.VIEW_POLICIES,
    },
}.items():
    CAPABILITIES[_role] = CAPABILITIES[_role] | frozenset(_caps)
del _role, _caps

# Training sessions (issue 16, yakuba.training): HR runs the catalogue and the required
# courses; the information division (infosec) runs the ICT and security sessions, so it
# manages the catalogue too. Coverage: HR office-wide, unit heads their units and below.
for _role, _caps in {
    Role.HR: {Capability.MANAGE_TRAINING, Capability.VIEW_TRAINING_COVERAGE},
    Role.INFOSEC: {Capability.MANAGE_TRAINING},
    Role.UNIT_HEAD: {Capability.VIEW_TRAINING_COVERAGE},
}.items():
    CAPABILITIES[_role] = CAPABILITIES[_role] | frozenset(_caps)
del _role, _caps

# Knowledge sharing (issue 16, app knowledge): the information division (情報政策課) is
# represented by infosec and sysadmin; they moderate questions and how-tos and appoint helpers.
for _role in (Role.INFOSEC, Role.SYSADMIN):
    CAPABILITIES[_role] = CAPABILITIES[_role] | {Capability.MODERATE_KNOWLEDGE}
del _role

# Reviews (issue 17, app reviews). Everyone who works in a unit answers for the items of
# their own unit and below, whatever their role (the auditor, who changes nothing, does
# not); the unit head approves for theirs; the planning unit runs the whole review; HR and
# auditors read the progress office-wide, unit heads for their units.
for _role in (Role.STAFF, Role.UNIT_HEAD, Role.HR, Role.INFOSEC, Role.SYSADMIN, Role.PLANNING):
    CAPABILITIES[_role] = CAPABILITIES[_role] | {Capability.ANSWER_REVIEWS}
del _role
for _role, _caps in {
    Role.UNIT_HEAD: {Capability.APPROVE_REVIEWS, Capability.VIEW_REVIEW_PROGRESS},
    Role.PLANNING: {
        Capability.MANAGE_REVIEW_CRITERIA,
        Capability.MANAGE_REVIEW_INVENTORY,
        Capability.MANAGE_REVIEWS,
        Capability.VIEW_REVIEW_PROGRESS,
        Capability.EXPORT_REVIEW_PUBLICATION,
    },
    Role.HR: {Capability.VIEW_REVIEW_PROGRESS},
    Role.AUDITOR: {Capability.VIEW_REVIEW_PROGRESS, Capability.EXPORT_REVIEW_PUBLICATION},
}.items():
    CAPABILITIES[_role] = CAPABILITIES[_role] | frozenset(_caps)
del _role, _caps

# Roles whose organisation scope is the whole office (others: their own unit and below).
OFFICE_WIDE_ROLES = frozenset({Role.HR, Role.AUDITOR, Role.SYSADMIN})


def has_capability(role: str, capability: str) -> bool:
    return capability in CAPABILITIES.get(role, frozenset())
