"""The names of observation fields.

IDENTIFY_FIELDS are the fields of the public `custodiet identify` contract: raw text as it comes
off the wire. Each has a signature file under content/fingerprints/<field>.yaml (mac is matched
against the IEEE registry instead). DESCRIPTIVE_FIELDS are facts a source reports that are not
protocol text (a scanner's own product guess, an inventory's vendor column, an open port);
some of them have signatures too, but they are not part of the identify contract.
"""

from __future__ import annotations

IDENTIFY_FIELDS: tuple[str, ...] = (
    "mac",
    "hostname",
    "http.server",
    "http.www_authenticate",
    "http.cookie",
    "http.title",
    "http.headers",
    "http.body",
    "rtsp.server",
    "rtsp.response",
    "sip.server",
    "sip.user_agent",
    "ssh.banner",
    "telnet.banner",
    "ftp.banner",
    "snmp.sysdescr",
    "snmp.sysobjectid",
    "upnp.server",
    "upnp.description",
    "onvif.device_information",
    "tls.subject",
    "tls.issuer",
    "dhcp.vendor_class",
)

DESCRIPTIVE_FIELDS: tuple[str, ...] = (
    "port",  # "80/tcp http" : an open port and the service name a scanner gave it
    "nmap.service",  # nmap's product / version / extrainfo for a port, joined by spaces
    "nmap.devicetype",  # nmap's devicetype for a port ("webcam", "router", ...)
    "cpe",  # a CPE string a scanner reported ("cpe:/h:hikvision:ds-7600")
    "wsd.scopes",  # WS-Discovery (ONVIF) types, scopes and XAddrs of a device
    "device_search.reply",  # a vendor device-search answer (Hikvision SADP ProbeMatch XML)
    "dhcp.parameter_list",  # DHCP option 55, the parameter request list ("1,3,6,15,119,252")
    "http.user_agent",  # the User-Agent a device's own HTTP client sends (firmware updaters, SDKs)
    "contact.name",  # a DNS name, TLS SNI or HTTP Host the device contacted (vendor clouds are evidence)
    "os.match",  # an OS guess ("Linux 3.2 - 4.9", "Hikvision embedded")
    "os.cpe",  # a CPE of an OS-detection guess: a hint, never the device's product or firmware
    "nmap.script",  # output of an nmap script no reader knows the shape of, as nmap printed it
    "mac.vendor",  # a vendor name a scanner attached to the MAC (nmap's own table)
    "inventory.vendor",  # an asset inventory's vendor / manufacturer / make column
    "inventory.model",
    "inventory.serial",
    "inventory.site",
    "inventory.owner",  # who is responsible for the asset (a person, team or department)
    "inventory.name",  # free-text asset name or description
)

ALL_FIELDS: frozenset[str] = frozenset(IDENTIFY_FIELDS + DESCRIPTIVE_FIELDS)

# What a signature may set, in the order reports show them.
IDENTITY_ATTRIBUTES: tuple[str, ...] = (
    "manufacturer",
    "brand",
    "product",
    "model",
    "version",
    "device_type",
)
