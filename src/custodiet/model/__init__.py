"""Frozen values passed between stages. No I/O here, and no imports of other stages."""

from custodiet.model.contact import Contact, ContactSummary, PhoneHome
from custodiet.model.decision import REMEDIATION_STATES, FindingStatus, Remediation, Waiver
from custodiet.model.device import Device, Service, status_word
from custodiet.model.fields import DESCRIPTIVE_FIELDS, IDENTIFY_FIELDS, IDENTITY_ATTRIBUTES
from custodiet.model.finding import Finding
from custodiet.model.identity import Conflict, Evidence, Identity, Match
from custodiet.model.observation import Observation, Provenance, Subject
from custodiet.model.run import (
    DeviceSeen,
    InputSummary,
    ListVersion,
    RunReport,
    ScopeSummary,
    SourceRef,
)

__all__ = [
    "DESCRIPTIVE_FIELDS",
    "IDENTIFY_FIELDS",
    "IDENTITY_ATTRIBUTES",
    "REMEDIATION_STATES",
    "Conflict",
    "Contact",
    "ContactSummary",
    "Device",
    "DeviceSeen",
    "Evidence",
    "Finding",
    "FindingStatus",
    "Identity",
    "InputSummary",
    "ListVersion",
    "Match",
    "Observation",
    "PhoneHome",
    "Provenance",
    "Remediation",
    "RunReport",
    "ScopeSummary",
    "Service",
    "SourceRef",
    "Subject",
    "Waiver",
    "status_word",
]
