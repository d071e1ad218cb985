"""Word lists and case profiles behind `escdesk.demo`: data only, so the generator stays short and readable.

Names are invented by combining parts; any likeness to a real company is accidental. Every non-ASCII part comes
with an ASCII form for e-mail addresses and domains, so Unicode shows up in names but never in addresses.
"""

from __future__ import annotations

from dataclasses import dataclass

from escdesk.domain import CaseStatus, CaseType, FunctionalRole, RootCause

R = FunctionalRole


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _ascii_named(text: str) -> tuple[tuple[str, str], ...]:
    """Names that are plain ASCII already: (name, its e-mail form)."""
    return tuple((word, word.lower()) for word in text.split())


# -- places ------------------------------------------------------------------------------------------------------
# region -> (IANA time zone, naming style, top-level domain)
PLACES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "NA": (
        ("America/New_York", "us", "com"),
        ("America/Chicago", "us", "com"),
        ("America/Denver", "us", "com"),
        ("America/Los_Angeles", "us", "com"),
        ("America/Toronto", "us", "ca"),
    ),
    "EMEA": (
        ("Europe/London", "uk", "co.uk"),
        ("Europe/Berlin", "de", "de"),
        ("Europe/Zurich", "de", "ch"),
        ("Europe/Paris", "fr", "fr"),
        ("Europe/Amsterdam", "nl", "nl"),
        ("Europe/Madrid", "es", "es"),
        ("Europe/Stockholm", "se", "se"),
        ("Europe/Warsaw", "pl", "pl"),
        ("Europe/Sofia", "ru", "bg"),
        ("Africa/Johannesburg", "za", "co.za"),
        ("Asia/Dubai", "ae", "ae"),
    ),
    "APAC": (
        ("Asia/Tokyo", "jp", "jp"),
        ("Asia/Shanghai", "cn", "cn"),
        ("Asia/Singapore", "sg", "sg"),
        ("Australia/Sydney", "au", "com.au"),
        ("Asia/Kolkata", "in", "in"),
    ),
    "LATAM": (
        ("America/Sao_Paulo", "br", "com.br"),
        ("America/Mexico_City", "mx", "mx"),
        ("America/Bogota", "co", "co"),
        ("America/Argentina/Buenos_Aires", "ar", "com.ar"),
        ("America/Santiago", "cl", "cl"),
    ),
}
REGION_WEIGHTS = {"NA": 45, "EMEA": 32, "APAC": 14, "LATAM": 9}

LEGAL_SUFFIXES: dict[str, tuple[str, ...]] = {
    "us": ("Inc.", "LLC", "Corp.", "Co."),
    "uk": ("Ltd", "plc", "Group Ltd"),
    "de": ("GmbH", "AG", "GmbH & Co. KG"),
    "fr": ("SA", "SAS"),
    "nl": ("B.V.", "N.V."),
    "es": ("S.L.", "S.A."),
    "se": ("AB",),
    "pl": ("Sp. z o.o.", "S.A."),
    "za": ("(Pty) Ltd",),
    "ae": ("LLC", "FZ-LLC"),
    "sg": ("Pte. Ltd.",),
    "au": ("Pty Ltd",),
    "in": ("Pvt. Ltd.", "Ltd."),
    "br": ("Ltda.", "S.A."),
    "mx": ("S.A. de C.V.",),
    "co": ("S.A.S.",),
    "ar": ("S.R.L.", "S.A."),
    "cl": ("SpA", "S.A."),
    "jp": ("K.K.",),
    "cn": ("Co., Ltd.",),
    "ru": ("AD", "EOOD"),
}

# -- company names ------------------------------------------------------------------------------------------------
PREFIXES = _words(
    "Northwind Bluepeak Harborview Ironwood Silverline Brightwater Cedarbrook Summit Redwood Granite Meridian "
    "Evergreen Pioneer Atlas Beacon Cobalt Crescent Falcon Horizon Juniper Keystone Lakeside Maple Nimbus Orion "
    "Pinnacle Quantum Riverbend Sterling Tidewater Vertex Willow Zenith Aurora Basalt Canyon Driftwood Emberline "
    "Fairhaven Glacier Highland Indigo Jasper Kestrel Lumen Monarch Northstar Oakridge Pacifica Quarry Rosewood "
    "Sapphire Trident Upland Vantage Westbrook Yellowtail Alder Bramble Copperleaf Delta Eastgate Foxglove Greystone "
    "Hawthorn Ivory Kingfisher Larkspur Mistral Nova Obsidian Prairie Radiant Saltmarsh Thornbury Unity Verdant "
    "Wavecrest Arcadia Bellweather Clearwater Dunmore Elmstead Fieldstone Goldcrest Heron Inland Lighthouse Moraine "
    "Nettle Overland Peregrine Quill Ridgeline Skyward Timberline Brookfield Cypress Solstice Tamarack Seabright"
)
NOUNS = _words(
    "Logistics Analytics Health Foods Robotics Insurance Capital Energy Media Labs Systems Software Retail Pharma "
    "Freight Dynamics Networks Solutions Partners Manufacturing Biotech Mobility Payments Learning Hospitality "
    "Outfitters Telecom Aerospace Realty Marine Textiles Brewing Clinics Security Data Cloud Devices Studios Travel "
    "Materials Motors Finance Agritech Utilities Legal Staffing Fitness Games Semiconductors Printing Water Apparel"
)
# Family names for "Müller & Söhne GmbH" style firms, by naming style (text, ASCII form).
FOUNDERS: dict[str, tuple[tuple[str, str], ...]] = {
    "de": (
        ("Müller", "mueller"),
        ("Schäfer", "schaefer"),
        ("Köhler", "koehler"),
        ("Weiß", "weiss"),
        ("Brandt", "brandt"),
        ("Hoffmann", "hoffmann"),
    ),
    "us": (("Hargreaves", "hargreaves"), ("Whitman", "whitman"), ("Caldwell", "caldwell"), ("O'Neill", "oneill")),
    "uk": (("Ashworth", "ashworth"), ("Pemberton", "pemberton"), ("Fairclough", "fairclough")),
    "fr": (("Lefèvre", "lefevre"), ("Bérenger", "berenger"), ("Moreau", "moreau")),
    "es": (("Muñoz", "munoz"), ("Ibáñez", "ibanez"), ("Herrera", "herrera")),
    "br": (("Gonçalves", "goncalves"), ("Araújo", "araujo"), ("Conceição", "conceicao")),
    "se": (("Åkesson", "akesson"), ("Lindqvist", "lindqvist"), ("Sjöberg", "sjoberg")),
    "pl": (("Wójcik", "wojcik"), ("Łukasiewicz", "lukasiewicz"), ("Zieliński", "zielinski")),
}
PARTNERS = {"de": ("Söhne", "soehne"), "fr": ("Fils", "fils"), "es": ("Hijos", "hijos"), "br": ("Filhos", "filhos")}
# Styles whose names are written in their own script: (first part, ASCII), (second part, ASCII), legal form.
NATIVE: dict[str, tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...], tuple[str, ...]]] = {
    "ru": (
        (
            ("Дмитрий", "dmitry"),
            ("Волга", "volga"),
            ("Берёзка", "beryozka"),
            ("Север", "sever"),
            ("Арктика", "arktika"),
        ),
        (("Консалтинг", "consulting"), ("Аналитика", "analytics"), ("Логистика", "logistics"), ("Софт", "soft")),
        ("", " ООД", " АД"),
    ),
    "cn": (
        (
            ("客户", "kehu"),
            ("蓝海", "lanhai"),
            ("星辰", "xingchen"),
            ("金桥", "jinqiao"),
            ("华信", "huaxin"),
            ("远航", "yuanhang"),
        ),
        (("科技", "tech"), ("数据", "data"), ("物流", "wuliu"), ("软件", "soft"), ("网络", "net")),
        ("", "有限公司"),
    ),
    "jp": (
        (("サクラ", "sakura"), ("ミライ", "mirai"), ("ヒカリ", "hikari"), ("アオイ", "aoi"), ("ツバサ", "tsubasa")),
        (("工房", "kobo"), ("システム", "systems"), ("データ", "data"), ("精密", "seimitsu"), ("物産", "bussan")),
        ("", "株式会社"),
    ),
    "ae": (
        (("النخيل", "alnakheel"), ("الصقر", "alsaqr"), ("الواحة", "alwaha")),
        (("للتقنية", "tech"), ("للتجارة", "trading"), ("للخدمات", "services")),
        ("",),
    ),
}
NATIVE_SHARE = {"ru": 0.6, "cn": 0.5, "jp": 0.4, "ae": 0.15}

# -- people -------------------------------------------------------------------------------------------------------
FIRST_NAMES: tuple[tuple[str, str], ...] = (
    *_ascii_named(
        "Emma Liam Olivia Noah Ava Ethan Sophia Mason Mia Lucas Amelia James Harper Benjamin Charlotte Daniel Grace "
        "Samuel Hannah Oliver Priya Arjun Aisha Omar Fatima Yusuf Mei Hiroshi Yuki Kenji Ngozi Chidi Amara Kwame "
        "Ingrid Lars Sven Astrid Mateo Valentina Camila Diego Rafael Elena Marco Giulia Ana Pedro Tomasz"
    ),
    ("José", "jose"), ("Zoë", "zoe"), ("Søren", "soren"), ("Łukasz", "lukasz"), ("Siobhán", "siobhan"),
    ("Chloé", "chloe"), ("Björn", "bjorn"), ("François", "francois"), ("Ayşe", "ayse"), ("Mónica", "monica"),
    ("Lucía", "lucia"), ("Noémie", "noemie"), ("Renée", "renee"), ("Jürgen", "juergen"),
)  # fmt: skip
LAST_NAMES: tuple[tuple[str, str], ...] = (
    *_ascii_named(
        "Smith Johnson Patel Garcia Kim Nguyen Chen Okafor Mensah Andersson Larsen Rossi Silva Santos Kowalski "
        "Novak Schmidt Fischer Dubois Martin Tanaka Sato Suzuki Ivanova Petrov Haddad Rahman Khan Singh Reddy "
        "Murphy Kelly Walsh Brennan Campbell Stewart Cohen Levi Mendes Ortega Ramos Castillo Bauer Wagner Moreau"
    ),
    ("Müller", "mueller"), ("Nguyễn", "nguyen"), ("O'Brien", "obrien"), ("Dvořák", "dvorak"), ("Çelik", "celik"),
    ("Sørensen", "sorensen"), ("Jiménez", "jimenez"), ("Gómez", "gomez"), ("Łęcki", "lecki"),
    ("Ødegaard", "odegaard"), ("Zhāng", "zhang"), ("Kowalczyk", "kowalczyk"),
)  # fmt: skip
# The leadership bench: (title, roles) beside CSMs, AEs and CS managers, which scale with the book of business.
LEADERS: tuple[tuple[str, tuple[FunctionalRole, ...]], ...] = (
    ("Chief Executive Officer", (R.EXECUTIVE,)),
    ("Chief Operating Officer", (R.EXECUTIVE,)),
    ("VP Customer Success", (R.VP_CS, R.EXECUTIVE)),
    ("Chief Revenue Officer", (R.SALES, R.EXECUTIVE)),
    ("Chief Financial Officer", (R.FINANCE, R.EXECUTIVE)),
    ("Chief Technology Officer", (R.ENGINEERING, R.EXECUTIVE)),
    ("Chief Product Officer", (R.PRODUCT, R.EXECUTIVE)),
    ("VP Sales, Enterprise", (R.SALES,)),
    ("Director of Engineering", (R.ENGINEERING,)),
    ("Engineering Manager, Platform", (R.ENGINEERING,)),
    ("Engineering Manager, Integrations", (R.ENGINEERING,)),
    ("Group Product Manager", (R.PRODUCT,)),
    ("Senior Product Manager", (R.PRODUCT,)),
    ("VP Support", (R.SUPPORT,)),
    ("Support Manager, Tier 2", (R.SUPPORT,)),
    ("Support Lead, Incidents", (R.SUPPORT, R.INCIDENT_COMMANDER)),
    ("Site Reliability Lead", (R.INCIDENT_COMMANDER, R.ENGINEERING)),
    ("Renewals Manager", (R.RENEWALS,)),
    ("Billing Operations Lead", (R.FINANCE,)),
    ("General Counsel", (R.LEGAL,)),
    ("Commercial Counsel", (R.LEGAL,)),
    ("Chief Information Security Officer", (R.SECURITY,)),
    ("Security Incident Lead", (R.SECURITY,)),
    ("Director of Professional Services", (R.PROFESSIONAL_SERVICES,)),
    ("Implementation Lead", (R.PROFESSIONAL_SERVICES,)),
    ("Head of Communications", (R.COMMUNICATIONS,)),
)


# -- escalation profiles ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Involve:
    role: FunctionalRole
    rule: str
    due_hours: float
    prompt: str


@dataclass(frozen=True, slots=True)
class CaseProfile:
    weight: int
    fast_share: float  # the share of fast (incident) cases; the rest are slow-burn
    severity_weights: tuple[int, int, int, int]  # S1..S4
    involve: tuple[Involve, ...]
    root_causes: tuple[tuple[RootCause, int], ...]
    tickets: tuple[str, ...]  # ticket systems: "zendesk", or a Jira project key
    drivers: tuple[tuple[str, float], ...]  # level jumps (see JUMPS) and their probability
    titles: tuple[str, ...]
    description: str


RC = RootCause
_ENG = Involve(
    R.ENGINEERING, "product_bug_s1_s2", 4, "Open the engineering escalation, link tickets, agree the cadence"
)
_SUP = Involve(R.SUPPORT, "product_bug_s1_s2", 1, "Support lead owns the ticket thread")
_AE = Involve(R.ACCOUNT_EXECUTIVE, "commercial_impact", 24, "Account executive joins the save plan")

PROFILES: dict[CaseType, CaseProfile] = {
    CaseType.PRODUCT_BUG: CaseProfile(
        14,
        0.95,
        (8, 30, 47, 15),
        (_SUP, _ENG),
        ((RC.PRODUCT_DEFECT, 70), (RC.THIRD_PARTY, 10), (RC.EXPECTATION_MISMATCH, 20)),
        ("zendesk", "ENG"),
        (("exec_contact", 0.04),),
        (
            "{feature} fails with error {code} after the {release} release",
            "Duplicate invoices generated by {feature}",
            "Exports from {feature} drop rows with non-ASCII names",
        ),
        "{customer} reports that {feature} stopped working as expected on {day}. {users} users are affected and the "
        "workaround costs their team about {hours} hours a day.",
    ),
    CaseType.OUTAGE: CaseProfile(
        6,
        1.0,
        (45, 40, 15, 0),
        (
            Involve(R.INCIDENT_COMMANDER, "outage_multi_customer", 0.25, "Open the incident bridge"),
            Involve(R.SUPPORT, "outage_multi_customer", 0.25, "Status page and ticket updates"),
            Involve(R.COMMUNICATIONS, "outage_multi_customer", 0.25, "Prepare customer-facing wording"),
        ),
        ((RC.PERFORMANCE_AVAILABILITY, 60), (RC.THIRD_PARTY, 25), (RC.PRODUCT_DEFECT, 15)),
        ("zendesk", "INC"),
        (("press", 0.06), ("exec_contact", 0.12)),
        (
            "Checkout API returning 502s since {hhmm} UTC",
            "Login unavailable for all {region} users since {hhmm} UTC",
            "Dashboards timing out for every workspace since {hhmm} UTC",
        ),
        "{customer} cannot use the service: {feature} has been unavailable since {hhmm} UTC on {day}. Their "
        "operations team estimates {amount} of revenue at stake per hour.",
    ),
    CaseType.PERFORMANCE: CaseProfile(
        8,
        0.85,
        (5, 30, 48, 17),
        (
            Involve(R.ENGINEERING, "performance_24h", 24, "Profile the slow path, share the numbers"),
            Involve(R.PRODUCT, "performance_24h", 24, "Product manager weighs the trade-offs"),
        ),
        ((RC.PERFORMANCE_AVAILABILITY, 75), (RC.THIRD_PARTY, 10), (RC.PRODUCT_DEFECT, 15)),
        ("zendesk", "ENG"),
        (("exec_contact", 0.05),),
        (
            "{feature} takes {seconds} s to load since {day}",
            "Nightly sync running {hours} hours late all week",
            "Search latency above {seconds} s for the {region} tenant",
        ),
        "Since {day}, {feature} has been slow for {customer}: p95 of {seconds} s against 2 s before. "
        "{users} users complain and the team is falling back to spreadsheets.",
    ),
    CaseType.DATA_LOSS: CaseProfile(
        2,
        1.0,
        (50, 35, 15, 0),
        (
            Involve(R.ENGINEERING, "data_loss", 1, "Freeze changes and confirm the scope"),
            Involve(R.SECURITY, "data_loss", 1, "Check whether personal data is involved"),
            Involve(R.LEGAL, "data_loss", 1, "Legal reviews all wording"),
        ),
        ((RC.PRODUCT_DEFECT, 60), (RC.THIRD_PARTY, 20), (RC.ONBOARDING, 20)),
        ("zendesk", "ENG"),
        (("exec_contact", 0.15),),
        (
            "{records} records missing after the {release} migration",
            "Attachments deleted by the retention job",
            "Custom fields blank for {records} accounts since {day}",
        ),
        "{customer} found {records} records missing on {day}. The backups from before the {release} release "
        "look complete; restoring them needs their agreement on the cut-off time.",
    ),
    CaseType.SECURITY: CaseProfile(
        3,
        0.95,
        (40, 35, 20, 5),
        (
            Involve(R.SECURITY, "security_incident", 1, "Start the breach process; regulator clocks such as 72 h"),
            Involve(R.LEGAL, "security_incident", 1, "Legal approves every customer-facing word"),
            Involve(R.VP_CS, "security_incident", 1, "VP CS informed"),
        ),
        ((RC.SECURITY_COMPLIANCE, 70), (RC.THIRD_PARTY, 20), (RC.PRODUCT_DEFECT, 10)),
        ("SEC",),
        (("security", 1.0), ("regulator", 0.12)),
        (
            "Suspicious API token use from an unknown IP range",
            "Shared report link exposed to external users",
            "Pen-test finding: tenant isolation gap in {feature}",
        ),
        "{customer}'s security team flagged a possible exposure in {feature} on {day}. Scope is not confirmed yet; "
        "they asked for a written timeline within 24 hours.",
    ),
    CaseType.FEATURE_GAP: CaseProfile(
        10,
        0.05,
        (0, 15, 50, 35),
        (Involve(R.PRODUCT, "feature_gap_renewal", 120, "Product leader answers with a dated position"), _AE),
        ((RC.PRODUCT_GAP, 75), (RC.EXPECTATION_MISMATCH, 25)),
        ("PM",),
        (("exec_contact", 0.05),),
        (
            "Renewal blocked on {feature} for {region} subsidiaries",
            "Missing SSO group sync blocks their roll-out",
            "{competitor} offers {feature}; customer asks for a date",
        ),
        "{customer} says the renewal on {renewal} depends on {feature}. Their sponsor wants a dated answer and a "
        "workaround for the {users} users waiting on it.",
    ),
    CaseType.BILLING: CaseProfile(
        8,
        0.4,
        (0, 15, 50, 35),
        (Involve(R.FINANCE, "billing_dispute", 48, "Finance checks the invoices before we promise anything"), _AE),
        ((RC.BILLING_COMMERCIAL, 70), (RC.COMMUNICATION, 20), (RC.PRODUCT_DEFECT, 10)),
        ("zendesk",),
        (("exec_contact", 0.05),),
        (
            "Invoice disputed: charged for {users} seats, using {seats}",
            "Overage charges of {amount} contested",
            "Credit note from Q{quarter} never applied",
        ),
        "{customer}'s finance team disputes the latest invoice ({amount}). They have paused payment until it is "
        "corrected and want one contact for the discussion.",
    ),
    CaseType.CONTRACT_LEGAL: CaseProfile(
        4,
        0.5,
        (15, 40, 35, 10),
        (
            Involve(R.LEGAL, "legal_threat", 4, "No informal promises; legal answers in writing"),
            Involve(R.SALES, "legal_threat", 4, "Sales leader owns the commercial position"),
        ),
        ((RC.EXPECTATION_MISMATCH, 40), (RC.PERFORMANCE_AVAILABILITY, 30), (RC.BILLING_COMMERCIAL, 30)),
        ("LEGAL",),
        (("termination", 0.35), ("exec_contact", 0.2)),
        (
            "SLA credit claim for {hours} hours of downtime in {month}",
            "Customer counsel cites breach of section 9.2",
            "Data processing addendum dispute before renewal",
        ),
        "{customer}'s counsel sent a letter on {day} about the uptime commitment. They claim {amount} in service "
        "credits and reserve further rights.",
    ),
    CaseType.CHURN_THREAT: CaseProfile(
        7,
        0.15,
        (15, 35, 38, 12),
        (
            _AE,
            Involve(R.SALES, "churn_threat", 24, "Sales leader joins the save plan"),
            Involve(R.VP_CS, "churn_threat", 24, "VP CS sponsors the save plan"),
            Involve(R.EXECUTIVE, "churn_threat", 24, "Exec-to-exec call within 3 days"),
        ),
        ((RC.PRODUCT_GAP, 30), (RC.EXPECTATION_MISMATCH, 30), (RC.CUSTOMER_ORG_CHANGE, 25), (RC.COMMUNICATION, 15)),
        ("zendesk",),
        (("termination", 0.2), ("exec_contact", 0.25)),
        (
            "Customer evaluating {competitor} before the {renewal} renewal",
            "Non-renewal notice received for {renewal}",
            "New CFO wants to cut the contract by half",
        ),
        "{customer} told us on {day} that they are evaluating {competitor}. The renewal on {renewal} is at risk; "
        "their main complaint is {feature}.",
    ),
    CaseType.HEALTH_DECLINE: CaseProfile(
        12,
        0.0,
        (0, 15, 57, 28),
        (
            _AE,
            Involve(R.RENEWALS, "health_red_renewal", 120, "Renewals joins if the date is close"),
            Involve(R.CS_DIRECTOR, "health_red_renewal", 120, "CS director reviews the recovery plan"),
        ),
        ((RC.CUSTOMER_ORG_CHANGE, 35), (RC.ONBOARDING, 25), (RC.EXPECTATION_MISMATCH, 25), (RC.PRODUCT_GAP, 15)),
        (),
        (("exec_contact", 0.03),),
        (
            "Health score down {points} points; champion left in {month}",
            "Weekly active users down {pct}% since {month}",
            "Health score red for {weeks} weeks; renewal on {renewal}",
        ),
        "{customer}'s health score fell {points} points over the last weeks. Logins dropped {pct}% and the "
        "renewal on {renewal} is {days} days away.",
    ),
    CaseType.IMPLEMENTATION: CaseProfile(
        8,
        0.3,
        (0, 20, 50, 30),
        (Involve(R.PROFESSIONAL_SERVICES, "implementation_late", 48, "Professional services lead re-plans"),),
        ((RC.ONBOARDING, 70), (RC.EXPECTATION_MISMATCH, 20), (RC.THIRD_PARTY, 10)),
        ("PS",),
        (("exec_contact", 0.05),),
        (
            "Go-live slipped {weeks} weeks; {feature} integration not started",
            "Data migration failed twice",
            "Implementation partner left the project",
        ),
        "{customer}'s go-live was planned for {day} and has slipped {weeks} weeks. The {feature} integration is "
        "blocked and their project sponsor is losing patience.",
    ),
    CaseType.SPONSOR_LOSS: CaseProfile(
        5,
        0.0,
        (0, 25, 50, 25),
        (
            _AE,
            Involve(R.CS_MANAGER, "sponsor_left", 120, "Build the new stakeholder map"),
            Involve(R.EXECUTIVE, "sponsor_left", 120, "Executive introduction to the new leader"),
        ),
        ((RC.CUSTOMER_ORG_CHANGE, 80), (RC.COMMUNICATION, 20)),
        (),
        (),
        (
            "Executive sponsor left in {month}; no replacement named",
            "Champion left; the new team lead prefers {competitor}",
            "Reorganisation: new VP has never heard of us",
        ),
        "Our executive sponsor at {customer} left in {month}. Nobody in their leadership has used the product and "
        "the renewal on {renewal} needs a new champion.",
    ),
    CaseType.SUPPORT_EXPERIENCE: CaseProfile(
        9,
        0.5,
        (2, 15, 50, 33),
        (Involve(R.SUPPORT, "support_sla_breached", 24, "Support manager reviews the ticket history"),),
        ((RC.SUPPORT_EXPERIENCE, 70), (RC.COMMUNICATION, 30)),
        ("zendesk",),
        (("exec_contact", 0.05),),
        (
            "{tickets} tickets breached SLA this month",
            "CSAT 1/5 on three tickets in a row",
            "Ticket open {waiting} days without an answer",
        ),
        "{customer} is unhappy with support: {tickets} tickets breached the response SLA and the last survey scored "
        "1 of 5. They want a named support contact.",
    ),
    CaseType.EXEC_CONTACT: CaseProfile(
        4,
        0.6,
        (10, 45, 38, 7),
        (Involve(R.EXECUTIVE, "exec_contacted_ours", 8, "Send the one-page brief before the call back"),),
        ((RC.COMMUNICATION, 40), (RC.EXPECTATION_MISMATCH, 30), (RC.PRODUCT_DEFECT, 30)),
        ("zendesk",),
        (("exec_contact", 1.0),),
        (
            "Their CEO emailed ours about {feature}",
            "Customer COO asks for an executive review",
            "Their CIO complained to our CEO on LinkedIn",
        ),
        "{customer}'s leadership contacted our executive team on {day} about {feature}. They expect a call back "
        "today and a written plan this week.",
    ),
}

# Level jumps from DESIGN section 4: key -> (rule, reason in the history).
JUMPS: dict[str, tuple[str, str]] = {
    "exec_contact": ("at_least_3", "The customer's executive contacted ours directly"),
    "termination": ("set_4", "Legal letter / termination notice received: COO and Legal"),
    "security": ("at_least_3", "Security or privacy incident: at least L3 with Security and Legal"),
    "regulator": ("set_5", "Regulator notified and several customers affected"),
    "press": ("set_5", "Public post by the customer about the incident: CEO and Communications"),
    "repeat": ("plus_1", "Repeat escalation within 90 days ({previous})"),
    "ceiling": ("plus_1", "Ceiling at {level} passed without mitigation"),
    "step_down": ("minus_1", "Mitigated, the customer agrees and two update cycles passed clean"),
}
JUMP_INVOLVES: dict[str, Involve] = {
    "termination": Involve(R.LEGAL, "legal_threat", 4, "No informal promises; legal answers in writing"),
    "press": Involve(R.COMMUNICATIONS, "press_post", 0.25, "Communications owns the public reply"),
    "exec_contact": Involve(R.EXECUTIVE, "exec_contacted_ours", 8, "Send the one-page brief before the call back"),
}

FEATURES = (
    "the Salesforce sync",
    "SSO login",
    "the reporting API",
    "bulk import",
    "the invoicing module",
    "the mobile app",
    "webhooks",
    "role-based permissions",
    "the audit log",
    "scheduled reports",
    "the Slack integration",
    "multi-currency pricing",
    "the data warehouse connector",
    "custom dashboards",
    "approval workflows",
)
COMPETITORS = ("Retainly", "Churnwise", "Helmsman CS", "Brightpath", "Keelwise", "an in-house tool")  # invented
RELEASES = ("24.9", "24.11", "25.2", "25.4", "25.7", "25.10", "26.1")
NOTES = (
    "Engineering reproduced the issue on staging.",
    "Customer shared logs and a screen recording.",
    "Agreed a daily update at 16:00 their time.",
    "Workaround documented in the shared channel.",
    "Sponsor asked for a written summary for their leadership.",
    "Fix scheduled for the next patch release.",
    "Root cause suspected in a third-party dependency.",
    "Call with their project lead went well; tone is calmer.",
)
INBOUND = (
    "Customer reports the problem and asks for an owner.",
    "Their admin sent more examples.",
    "Customer asks when the fix ships.",
    "Sponsor unhappy with the pace of updates.",
    "Customer confirms the workaround helps for now.",
)
OUTBOUND = (
    "Acknowledged, named owner and next update time.",
    "Update: root cause narrowed down, next update tomorrow.",
    "Shared the written plan with owners and dates.",
    "Confirmed the fix is deployed; asked them to verify.",
    "Thanked them for their patience and explained what changed.",
)
DISMISSALS = (
    "Already covered by the support lead on the bridge",
    "Customer asked to keep the circle small",
    "Not needed: workaround accepted",
    "Handled by the account team directly",
)
SKIP_NOTES = {
    "contain": "No containment applies to this case",
    "make_right": "Nothing to make right beyond the fix",
    "follow_up": "Customer declined a follow-up call",
}

STATUS_REASONS = {
    CaseStatus.WAITING_ON_CUSTOMER: "Waiting for the customer's logs and a test account",
    CaseStatus.MITIGATED: "Workaround in place; impact contained",
    CaseStatus.RESOLVED: "Fix confirmed by the customer",
    CaseStatus.CLOSED: "Customer signed off; monitoring continues",
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
ERROR_CODES = ("500", "502", "409", "E_TIMEOUT", "SYNC-104", "403")
