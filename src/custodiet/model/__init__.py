"""Frozen values passed between stages. No I/O here, and no imports of other stages."""

from custodiet.model.contact import Contact, ContactSummary, PhoneHome
from custodiet.model.device import Device, Service
from custodiet.model.fields import DESCRIPTIVE_FIELDS, IDENTIFY_FIELDS, IDENTITY_ATTRIBUTES
from custodiet.model.finding import Finding
from custodiet.model.identity import Conflict, Evidence, Identity, Match
from custodiet.model.observation import Observation, Provenance, Subject
from custodiet.model.run import InputSummary, RunReport

__all__ = [
    "DESCRIPTIVE_FIELDS",
    "IDENTIFY_FIELDS",
    "IDENTITY_ATTRIBUTES",
    "Conflict",
    "Contact",
    "ContactSummary",
    "Device",
    "Evidence",
    "Finding",
    "Identity",
    "InputSummary",
    "Match",
    "Observation",
    "PhoneHome",
    "Provenance",
    "RunReport",
    "Service",
    "Subject",
]
