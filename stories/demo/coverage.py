"""The demo coverage: the resignation of IRS Commissioner Melanie Krause.

Written by the newsroom from the reported facts; the reporters and the
anonymous source are fictional demo staff and demo material.
"""

SECTIONS = [
    {
        "slug": "government",
        "name": "Government",
        "position": 1,
        "description": "Federal agencies, the people who run them and the rules they make.",
    },
    {
        "slug": "congress",
        "name": "Congress",
        "position": 2,
        "description": "Lawmaking, hearings and oversight on Capitol Hill.",
    },
    {
        "slug": "privacy",
        "name": "Privacy",
        "position": 3,
        "description": "How governments and companies collect, share and protect personal data.",
    },
]

PEOPLE = [
    {
        "slug": "melanie-krause",
        "name": "Melanie Krause",
        "title": "Former IRS Commissioner",
        "organization": "Internal Revenue Service",
        "bio": "Led the Internal Revenue Service until her resignation in November 2026, "
        "which followed the disclosure of a data-sharing agreement with the "
        "Department of Homeland Security.",
    },
    {
        "slug": "elena-marsh",
        "name": "Elena Marsh",
        "title": "Tax and Treasury reporter",
        "organization": "The Ledger",
        "is_staff_member": True,
        "public_email": "elena.marsh@ledger.example",
        "bio": "Elena Marsh covers the Treasury Department and the IRS. (Demo staff profile.)",
    },
    {
        "slug": "jonah-pike",
        "name": "Jonah Pike",
        "title": "Congressional correspondent",
        "organization": "The Ledger",
        "is_staff_member": True,
        "public_email": "jonah.pike@ledger.example",
        "bio": "Jonah Pike covers Congress and federal oversight. (Demo staff profile.)",
    },
    {
        "slug": "priya-raman",
        "name": "Priya Raman",
        "title": "Privacy reporter",
        "organization": "The Ledger",
        "is_staff_member": True,
        "public_email": "priya.raman@ledger.example",
        "bio": "Priya Raman writes about privacy, surveillance and government data. "
        "(Demo staff profile.)",
    },
]

TAGS = [
    {
        "name": "IRS",
        "slug": "irs",
        "description": "The Internal Revenue Service, the federal agency that collects taxes.",
    },
    {"name": "DHS", "slug": "dhs", "description": "The Department of Homeland Security."},
    {"name": "Treasury", "slug": "treasury", "description": "The Department of the Treasury."},
    {"name": "Immigration", "slug": "immigration", "description": ""},
    {"name": "Privacy", "slug": "privacy", "description": ""},
    {
        "name": "Data sharing",
        "slug": "data-sharing",
        "description": "When one government agency hands records it holds to another.",
    },
    {"name": "Congress", "slug": "congress", "description": ""},
]

SOURCES = [
    {
        "key": "treasury",
        "kind": "official",
        "name": "Treasury Department officials",
        "affiliation": "U.S. Department of the Treasury",
    },
    {
        "key": "letter",
        "kind": "document",
        "name": "Melanie Krause's resignation letter",
        "affiliation": "Internal Revenue Service",
    },
    {
        "key": "insider",
        "kind": "official",
        "name": "Demo Source (Treasury staff member)",
        "affiliation": "U.S. Department of the Treasury",
        "contact_details": "Demo only: reached through the newsroom's secure line.",
        "private_notes": "Demo only: spoke on condition of anonymity; not authorized to comment.",
    },
    {
        "key": "lawmakers",
        "kind": "organization",
        "name": "Members of Congress from both parties",
        "affiliation": "U.S. Congress",
    },
    {
        "key": "advocates",
        "kind": "organization",
        "name": "Privacy advocates",
        "affiliation": "Civil-liberties groups",
    },
    {
        "key": "tax-pros",
        "kind": "organization",
        "name": "Tax professionals",
        "affiliation": "Tax preparers and practitioners",
    },
]

STORIES = [
    {
        "slug": "irs-commissioner-melanie-krause-resigns",
        "headline": "IRS commissioner Melanie Krause resigns after taxpayer-data deal with DHS",
        "seo_headline": "IRS Commissioner Melanie Krause resigns over IRS–DHS data agreement",
        "kicker": "Breaking",
        "dek": "Her departure follows days of criticism over an agreement that lets Homeland "
        "Security use some IRS records to find people with final deportation orders.",
        "section": "government",
        "kind": "news",
        "dateline": "WASHINGTON",
        "published_at": "2026-11-24T10:15:00",
        "status": "published",
        "tags": ["IRS", "DHS", "Treasury", "Immigration", "Data sharing"],
        "bylines": [("elena-marsh", "by"), ("jonah-pike", "additional_reporting")],
        "people": ["melanie-krause"],
        "citations": [
            ("treasury", "confirmed_by", "That Krause has resigned.", False, ""),
            ("letter", "document", "Her stated reasons for leaving.", False, ""),
            (
                "insider",
                "according_to",
                "The mood inside Treasury in the days before she left.",
                True,
                "a senior Treasury official",
            ),
        ],
        "corrections": [
            (
                "correction",
                "2026-11-24T15:40:00",
                "An earlier version of this story said the data-sharing agreement was signed last "
                "month. It was approved earlier this year.",
            ),
        ],
        "body": """
<p>Melanie Krause has stepped down as commissioner of the Internal Revenue Service, Treasury
Department officials confirmed, ending a tenure overtaken by an agreement that opens some taxpayer
records to the Department of Homeland Security.</p>
<p>The arrangement, which had not been made public until days ago, allows DHS to request limited
information held by the IRS about people who are subject to final deportation orders. Officials
have described it as an immigration-enforcement and national-security measure. Full tax returns
are reported to be outside its scope.</p>
<p>In a resignation letter, Krause did not mention the agreement by name. She wrote that the
present climate had become a distraction from the agency's work and risked its ability to operate
independently and free of political pressure.</p>
<h2>A fast-moving fallout</h2>
<p>Criticism arrived quickly once the agreement's details emerged. Lawmakers from both parties
asked for more oversight and a clearer account of how the data would be used. Privacy advocates
and tax professionals warned that taxpayers' trust in the confidentiality of what they tell the
IRS is hard to rebuild once it is shaken.</p>
<p>A senior Treasury official, who spoke on condition of anonymity because they were not
authorized to discuss internal deliberations, said the pressure on the commissioner had grown
steadily through the week.</p>
<p>Supporters of the agreement say it helps agencies coordinate and reaches only people who have
already been ordered removed from the country, not undocumented immigrants in general.</p>
<h2>What happens next</h2>
<p>Treasury officials said an acting commissioner would be appointed shortly and that a permanent
successor would be nominated in the coming months. The agency is already working through
technology modernization, taxpayer-service problems and enforcement demands.</p>
""",
    },
    {
        "slug": "what-the-irs-dhs-data-agreement-allows",
        "headline": "What the IRS–DHS data agreement allows, and what it does not",
        "kicker": "Explainer",
        "dek": "The deal at the center of the commissioner's resignation covers a narrow group of "
        "people and a limited set of records. Here is what is known.",
        "section": "government",
        "kind": "explainer",
        "dateline": "",
        "published_at": "2026-11-24T13:00:00",
        "status": "published",
        "tags": ["IRS", "DHS", "Data sharing", "Privacy"],
        "bylines": [("priya-raman", "by")],
        "people": ["melanie-krause"],
        "citations": [
            (
                "treasury",
                "according_to",
                "The stated purpose and scope of the agreement.",
                False,
                "",
            ),
        ],
        "corrections": [],
        "body": """
<h2>Who is covered?</h2>
<p>People who have received a final order of deportation. The agreement's stated aim is to locate
those who were ordered to leave the United States and have not done so.</p>
<h2>What information can DHS get?</h2>
<p>Limited taxpayer information held by the IRS. According to officials, full tax returns are not
part of the exchange.</p>
<!-- figure: data-flow -->
<h2>When was it approved?</h2>
<p>Earlier this year. It became widely known only in recent days, which is part of why it drew
such sharp criticism.</p>
<h2>Why does it matter?</h2>
<p>Tax law has long treated what people report to the IRS as confidential. Critics say the
agreement blurs the line between collecting taxes and enforcing immigration law; supporters say it
is a targeted use of records for people already ordered removed.</p>
""",
    },
    {
        "slug": "lawmakers-press-for-oversight-of-irs-data-sharing",
        "headline": "Lawmakers in both parties press for oversight of IRS data sharing",
        "kicker": "",
        "dek": "Members of Congress want to know how the agreement was approved and how taxpayer "
        "information will be protected.",
        "section": "congress",
        "kind": "news",
        "dateline": "WASHINGTON",
        "published_at": "2026-11-25T11:00:00",
        "status": "published",
        "tags": ["Congress", "IRS", "Data sharing", "Privacy"],
        "bylines": [("jonah-pike", "by")],
        "people": ["melanie-krause"],
        "citations": [
            ("lawmakers", "statement", "Calls for oversight and transparency.", False, ""),
        ],
        "corrections": [],
        "body": """
<p>Members of Congress from both parties are asking for closer oversight of the agreement that
lets the Department of Homeland Security obtain some IRS records, a day after the tax agency's
commissioner resigned.</p>
<p>Their requests centre on how the deal was approved, why it was not disclosed sooner and what
safeguards keep the information from being used beyond its stated purpose.</p>
<p>This demo follow-up illustrates continuing coverage; it does not quote any lawmaker.</p>
""",
    },
    {
        "slug": "tax-confidentiality-meets-immigration-enforcement",
        "headline": "A tax agency's promise of confidentiality meets immigration enforcement",
        "kicker": "Analysis",
        "dek": "The IRS depends on people trusting it with their information. Critics fear the DHS "
        "agreement sets a precedent that is hard to reverse.",
        "section": "privacy",
        "kind": "analysis",
        "dateline": "",
        "published_at": "2026-11-25T16:00:00",
        "status": "published",
        "tags": ["Privacy", "IRS", "Immigration", "Data sharing"],
        "bylines": [("priya-raman", "by")],
        "people": ["melanie-krause"],
        "citations": [
            (
                "advocates",
                "according_to",
                "Concerns about precedent and civil liberties.",
                False,
                "",
            ),
            (
                "tax-pros",
                "according_to",
                "The effect on taxpayers' willingness to file.",
                False,
                "",
            ),
        ],
        "corrections": [
            (
                "update",
                "2026-11-26T09:00:00",
                "This analysis was updated to note Treasury's statement that an acting commissioner "
                "will be appointed shortly.",
            ),
        ],
        "body": """
<p>The American tax system runs largely on voluntary reporting. People tell the IRS where they
work, what they earn and where they live, on the understanding that the agency keeps it to
itself.</p>
<p>That is why privacy advocates and tax professionals reacted so strongly to the agreement with
the Department of Homeland Security. Their worry is less about the narrow group it covers today
than about the line it crosses: records gathered to collect taxes being used to enforce
immigration law.</p>
<blockquote><p>Once a boundary like that is crossed for one purpose, it becomes easier to cross it
for the next.</p></blockquote>
<p>Supporters counter that the agreement is tightly drawn and applies only to people with final
removal orders. The debate is likely to outlast the commissioner whose resignation it
prompted.</p>
""",
    },
    {
        "slug": "treasury-to-name-acting-irs-commissioner",
        "headline": "Treasury says an acting IRS commissioner will be named shortly",
        "kicker": "",
        "dek": "A permanent nominee is expected in the coming months, leaving the agency in "
        "temporary hands during a demanding stretch.",
        "section": "government",
        "kind": "news",
        "dateline": "WASHINGTON",
        "published_at": "2026-11-26T10:30:00",
        "status": "published",
        "tags": ["IRS", "Treasury"],
        "bylines": [("elena-marsh", "by")],
        "people": ["melanie-krause"],
        "citations": [
            (
                "treasury",
                "statement",
                "The plan for an acting commissioner and a nominee.",
                False,
                "",
            ),
        ],
        "corrections": [],
        "body": """
<p>The Treasury Department said it would appoint an acting commissioner of the Internal Revenue
Service shortly, following Melanie Krause's resignation, and would nominate a permanent successor
in the coming months.</p>
<p>Whoever takes over inherits an agency in the middle of modernizing its technology, under
pressure to improve service to taxpayers, and now facing questions about how it shares
information with other parts of the government.</p>
<p>This demo follow-up will be updated when an appointment is announced.</p>
""",
    },
    {
        "slug": "inside-the-weeks-before-the-irs-dhs-agreement",
        "headline": "Inside the weeks before the IRS–DHS agreement was signed",
        "kicker": "Draft",
        "dek": "Unpublished draft: not for readers.",
        "section": "government",
        "kind": "news",
        "dateline": "WASHINGTON",
        "published_at": None,
        "status": "draft",
        "tags": ["IRS", "DHS"],
        "bylines": [("elena-marsh", "by")],
        "people": [],
        "citations": [
            (
                "insider",
                "according_to",
                "Unconfirmed account of the negotiations.",
                True,
                "a person familiar with the talks",
            ),
        ],
        "corrections": [],
        "body": "<p>Draft notes: reporting still under way. Not for publication.</p>",
    },
    {
        # Live coverage of the day (its updates are in live.demo).
        "slug": "krause-resignation-live",
        "headline": "Live: the IRS commissioner's resignation, hour by hour",
        "kicker": "Live",
        "dek": "How the day unfolded, from the letter to the first word on who runs the agency "
        "next. Our rolling coverage has ended.",
        "section": "government",
        "kind": "news",
        "dateline": "WASHINGTON",
        "published_at": "2026-11-24T09:40:00",
        "status": "published",
        "tags": ["IRS", "Treasury", "Data sharing"],
        "bylines": [("elena-marsh", "by"), ("jonah-pike", "by")],
        "people": ["melanie-krause"],
        "citations": [],
        "corrections": [],
        "body": "<p>We followed the commissioner's departure and the reaction to it through the "
        "day. The newest entries are at the top.</p>",
    },
]

RELATED = [
    ("irs-commissioner-melanie-krause-resigns", "what-the-irs-dhs-data-agreement-allows"),
    (
        "irs-commissioner-melanie-krause-resigns",
        "lawmakers-press-for-oversight-of-irs-data-sharing",
    ),
    (
        "irs-commissioner-melanie-krause-resigns",
        "tax-confidentiality-meets-immigration-enforcement",
    ),
    ("irs-commissioner-melanie-krause-resigns", "treasury-to-name-acting-irs-commissioner"),
    ("irs-commissioner-melanie-krause-resigns", "krause-resignation-live"),
]

# The home front as the desk arranged it the morning after: the resignation leads, its
# follow-ups under it; the newest stories follow below on their own.
HOME_FRONT = {
    "takes_effect_at": "2026-11-24T10:15:00",
    "slots": [
        (
            "irs-commissioner-melanie-krause-resigns",
            "IRS chief Melanie Krause resigns over data deal with DHS",
        ),
        ("treasury-to-name-acting-irs-commissioner", ""),
        ("what-the-irs-dhs-data-agreement-allows", ""),
        ("lawmakers-press-for-oversight-of-irs-data-sharing", ""),
        ("tax-confidentiality-meets-immigration-enforcement", ""),
    ],
}

# The banner the desk put up when the news broke; it expired that evening.
BANNER = {
    "text": "IRS Commissioner Melanie Krause has resigned",
    "story": "irs-commissioner-melanie-krause-resigns",
    "starts_at": "2026-11-24T10:15:00",
    "expires_at": "2026-11-24T20:00:00",
}

# The About page's own sections, in the newsroom's words (The Ledger is fictional).
ABOUT = {
    "body": (
        "<p>The Ledger is a nonprofit newsroom that follows public money and the people who "
        "decide how it is raised and spent: taxes, budgets, regulators and the agencies that "
        "hold records about all of us. We publish what we can show, say how we know it, and "
        "correct ourselves in the open.</p>"
    ),
    "ownership_and_funding": (
        "<p>The Ledger is owned by The Ledger Foundation, a nonprofit with no shareholders. "
        "No one can buy a stake in it, and no owner takes a profit.</p>"
        "<p>Our work is paid for by readers' memberships and donations, by grants from "
        "charitable foundations, and by a small amount of sponsorship that is always labelled. "
        "Each year we publish the name of every donor who gives more than $1,000. Donors and "
        "sponsors have no say over what we cover or how; when a story concerns one of them, "
        "it says so.</p>"
    ),
    "how_to_contact": (
        "<p>To tell us about an error in a story, write to corrections@ledger.example, naming "
        "the story and what is wrong: an editor reads every message and answers within two "
        "working days.</p>"
        "<p>For anything else, write to desk@ledger.example or call +1 202 555 0143 on working "
        "days. The Ledger, 1100 Example Avenue NW, Washington, DC 20005.</p>"
        "<p>E-mail is not private. If you have information that could put you at risk, say only "
        "that you want to talk, and we will agree on a safer way.</p>"
    ),
}
# What the About page's sections say until editors write them (migration 0015).
ABOUT_PLACEHOLDER = "<p>Editors keep this section up to date"
