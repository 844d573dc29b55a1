"""What the demo district's help desks are asked, in their own words.

Each queue has a category tree; each leaf (or any category) has the requests people
really send there: a subject, a description and how urgent it usually is, with slots
({room}, {tag}, {bus}) the generator fills. Shares say how often each kind comes in.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Ask:
    subject: str
    description: str
    priorities: tuple[str, ...] = ("normal",)  # drawn from evenly


@dataclass(frozen=True)
class Kind:
    """A category path ("Hardware > Chromebook > Screen") and what is asked there."""

    path: tuple[str, ...]
    share: float
    asks: tuple[Ask, ...]
    field_work: bool = False  # the field technicians go to the room
    tags: tuple[str, ...] = ()
    resolution: str = "Fixed and tested with the requester."


@dataclass(frozen=True)
class QueuePlan:
    name: str
    code: str
    department: str
    mailbox: str  # the part before @ of the queue's address
    per_school_day: float
    kinds: tuple[Kind, ...] = field(default=())


N, H, U, L = "normal", "high", "urgent", "low"

TECHNOLOGY = QueuePlan(
    "Technology",
    "tech",
    "TECH",
    "help",
    45.0,
    (
        Kind(
            ("Hardware", "Chromebook", "Screen"),
            7,
            (
                Ask(
                    "Chromebook screen cracked ({tag})",
                    "A student's Chromebook ({tag}) was dropped in the hallway; the screen is "
                    "cracked across the middle and the lower half is black.",
                    (N,),
                ),
                Ask(
                    "Lines across Chromebook display",
                    "Chromebook {tag} shows coloured lines across the display when the lid moves. "
                    "Student is in room {room}.",
                    (N, L),
                ),
            ),
            field_work=True,
            tags=("chromebook", "repair"),
            resolution="Screen replaced; loaner returned to the library cart.",
        ),
        Kind(
            ("Hardware", "Chromebook", "Keyboard"),
            4,
            (
                Ask(
                    "Keys missing on Chromebook {tag}",
                    "Several keys (E, R and the space bar) have come off. The student can't type "
                    "essays.",
                    (N, L),
                ),
                Ask(
                    "Chromebook keyboard not typing",
                    "The keyboard on {tag} stopped responding after a spill at lunch. "
                    "Trackpad works.",
                    (N,),
                ),
            ),
            field_work=True,
            tags=("chromebook", "repair"),
            resolution="Keyboard replaced under the repair plan.",
        ),
        Kind(
            ("Hardware", "Chromebook", "Charging"),
            6,
            (
                Ask(
                    "Chromebook won't charge",
                    "Chromebook {tag} shows no light when plugged in. Tried two chargers from the "
                    "cart.",
                    (N,),
                ),
                Ask(
                    "Charging cart in room {room} not charging",
                    "None of the Chromebooks in the cart in room {room} charged overnight. "
                    "The cart's power light is off.",
                    (H, N),
                ),
            ),
            field_work=True,
            tags=("chromebook",),
            resolution="Charger port replaced / cart breaker reset; all devices charging.",
        ),
        Kind(
            ("Hardware", "Teacher laptop"),
            5,
            (
                Ask(
                    "Laptop very slow",
                    "My laptop takes ten minutes to start and freezes when I open the gradebook.",
                    (N,),
                ),
                Ask(
                    "Laptop won't turn on",
                    "My staff laptop won't power on this morning; I have a class at 9.",
                    (H,),
                ),
            ),
            field_work=True,
            resolution="Reimaged / battery replaced; files restored from Drive.",
        ),
        Kind(
            ("Accounts & passwords",),
            14,
            (
                Ask(
                    "Locked out of my account",
                    "I typed my password wrong too many times and now I'm locked out of email and "
                    "Google Classroom.",
                    (H, N),
                ),
                Ask(
                    "Password reset for a student",
                    "A student in my class forgot their password and can't sign in to the "
                    "Chromebook. Student ID on request.",
                    (N,),
                ),
                Ask(
                    "New staff account needed",
                    "We have a new long-term substitute starting Monday in room {room}; they "
                    "need an email account and access to the gradebook.",
                    (N,),
                ),
                Ask(
                    "Two-step verification code not arriving",
                    "I got a new phone and no longer receive my sign-in codes.",
                    (H,),
                ),
            ),
            tags=("accounts",),
            resolution="Account unlocked and password reset; signed in.",
        ),
        Kind(
            ("Software & apps", "Google Classroom"),
            5,
            (
                Ask(
                    "Students can't see my Classroom assignment",
                    "I posted an assignment this morning but my 3rd period says it isn't there.",
                    (N,),
                ),
                Ask(
                    "Classroom roster is missing students",
                    "Five students who transferred into my class last week are not on my Google "
                    "Classroom roster.",
                    (N,),
                ),
            ),
            resolution="Roster synced from the SIS; students now see the class.",
        ),
        Kind(
            ("Software & apps",),
            6,
            (
                Ask(
                    "Request to install software",
                    "Could you install the graphing software on the computers in lab {room}? It's "
                    "on the approved list.",
                    (L, N),
                ),
                Ask(
                    "Gradebook won't load",
                    "The SIS gradebook shows a spinning wheel and never loads.",
                    (H, N),
                ),
                Ask(
                    "Reading program license",
                    "My students get 'no license available' when they open the reading app.",
                    (N,),
                ),
            ),
            resolution="Installed through the management console / license reassigned.",
        ),
        Kind(
            ("Network & Wi-Fi",),
            7,
            (
                Ask(
                    "Wi-Fi keeps dropping in room {room}",
                    "Wi-Fi in room {room} drops every few minutes; students lose their work in "
                    "online tests.",
                    (H, N),
                ),
                Ask(
                    "No internet in the library",
                    "Nothing in the library can reach the internet since about 10 am.",
                    (U, H),
                ),
                Ask(
                    "Website blocked that I need for class",
                    "The filter blocks a museum site I use for history lessons.",
                    (L, N),
                ),
            ),
            tags=("network",),
            resolution="Access point replaced / site reviewed and allowed.",
        ),
        Kind(
            ("Printing",),
            8,
            (
                Ask(
                    "Printer in the workroom is jammed",
                    "The copier in the staff workroom shows a paper jam in tray 2; nothing prints.",
                    (N,),
                ),
                Ask(
                    "Can't print from my laptop",
                    "My laptop says the printer in room {room} is offline.",
                    (N, L),
                ),
                Ask(
                    "Printer out of toner",
                    "The printer in room {room} says toner low and prints faint pages.",
                    (L,),
                ),
            ),
            field_work=True,
            tags=("printing",),
            resolution="Jam cleared, driver re-added.",
        ),
        Kind(
            ("Classroom tech", "Projector"),
            5,
            (
                Ask(
                    "Projector in room {room} won't turn on",
                    "The projector in room {room} shows an orange light and no picture.",
                    (H, N),
                ),
                Ask(
                    "Projector image is dim and yellow",
                    "The projector image in room {room} is very dim; students in the back can't "
                    "read it.",
                    (N,),
                ),
            ),
            field_work=True,
            tags=("classroom",),
            resolution="Lamp replaced; picture is bright.",
        ),
        Kind(
            ("Classroom tech", "Interactive display"),
            4,
            (
                Ask(
                    "Interactive display touch not working",
                    "The touchscreen on the interactive display in room {room} doesn't "
                    "respond; the picture is fine.",
                    (N,),
                ),
                Ask(
                    "No sound from interactive display",
                    "Videos play on the panel in room {room} but there is no sound.",
                    (N, L),
                ),
            ),
            field_work=True,
            tags=("classroom",),
            resolution="Touch driver recalibrated.",
        ),
        Kind(
            ("Security",),
            2,
            (
                Ask(
                    "Suspicious email asking for my password",
                    "I got an email that looks like it's from the superintendent asking me to "
                    "confirm my password through a link.",
                    (H,),
                ),
            ),
            tags=("phishing",),
            resolution="Message removed from all mailboxes; sender blocked.",
        ),
    ),
)

FACILITIES = QueuePlan(
    "Facilities",
    "facilities",
    "FAC",
    "facilities",
    9.0,
    (
        Kind(
            ("HVAC", "Boiler"),
            2,
            (
                Ask(
                    "Boiler is down: no heat in the building",
                    "The building is cold this morning; the boiler shows a fault light. Classrooms "
                    "are at 58°F.",
                    (U,),
                ),
                Ask(
                    "Please bring the boiler online for the season",
                    "The forecast says freezing nights this week; please bring the boiler online.",
                    (H,),
                ),
            ),
            tags=("heat",),
            resolution="Boiler restarted and inspected; heat back on.",
        ),
        Kind(
            ("HVAC",),
            4,
            (
                Ask(
                    "Room {room} is too hot",
                    "Room {room} is at 84°F and the students can't focus.",
                    (N, H),
                ),
                Ask(
                    "Air conditioning not working in room {room}",
                    "The AC unit in room {room} blows warm air.",
                    (N,),
                ),
            ),
            resolution="Thermostat recalibrated; unit serviced.",
        ),
        Kind(
            ("Plumbing",),
            3,
            (
                Ask(
                    "Leak under the sink in room {room}",
                    "Water is pooling under the classroom sink in room {room}.",
                    (H, N),
                ),
                Ask("Toilet running in the staff restroom", "The toilet keeps running.", (L, N)),
            ),
            resolution="Fitting replaced; no more leak.",
        ),
        Kind(
            ("Electrical",),
            2,
            (
                Ask(
                    "Lights flickering in room {room}",
                    "Half the ceiling lights in room {room} flicker all day.",
                    (N,),
                ),
                Ask(
                    "Outlet not working",
                    "The outlet by the teacher's desk in room {room} is dead.",
                    (N, L),
                ),
            ),
            resolution="Ballast replaced / breaker reset.",
        ),
        Kind(
            ("Custodial",),
            3,
            (
                Ask(
                    "Spill in the cafeteria",
                    "A large spill near the lunch line needs cleaning.",
                    (N,),
                ),
                Ask(
                    "Tables needed for family night",
                    "We need 20 tables and 120 chairs set up in the gym for Thursday's family "
                    "night.",
                    (L,),
                ),
            ),
            resolution="Done by the custodial team.",
        ),
    ),
)

TRANSPORTATION = QueuePlan(
    "Transportation",
    "transportation",
    "TRANS",
    "transportation",
    3.0,
    (
        Kind(
            ("Routes",),
            3,
            (
                Ask(
                    "Bus {bus} late every morning",
                    "Bus {bus} has arrived 15 minutes late every morning this week.",
                    (N,),
                ),
                Ask(
                    "Field trip bus request",
                    "Requesting a bus for our 5th grade field trip to the science museum.",
                    (L,),
                ),
            ),
            resolution="Route adjusted / trip scheduled.",
        ),
        Kind(
            ("Bus maintenance",),
            1,
            (
                Ask(
                    "Heater not working on bus {bus}",
                    "The driver reports the heater on bus {bus} doesn't work.",
                    (H,),
                ),
            ),
            resolution="Repaired at the bus garage.",
        ),
    ),
)

HR = QueuePlan(
    "HR",
    "hr",
    "HR",
    "hr",
    4.0,
    (
        Kind(
            ("Payroll",),
            2,
            (
                Ask(
                    "Question about my paycheck",
                    "My last paycheck seems to be missing the stipend for after-school tutoring.",
                    (N,),
                ),
                Ask(
                    "Direct deposit change",
                    "I changed banks; how do I update my direct deposit?",
                    (L,),
                ),
            ),
            resolution="Corrected in the next payroll run.",
        ),
        Kind(
            ("Benefits",),
            2,
            (
                Ask(
                    "Adding a dependent to my insurance",
                    "I had a baby last month and need to add her to my health insurance.",
                    (N,),
                ),
                Ask("Open enrollment question", "Which dental plan covers orthodontics?", (L,)),
            ),
            resolution="Benefits updated; confirmation sent.",
        ),
    ),
)

QUEUES = (TECHNOLOGY, FACILITIES, TRANSPORTATION, HR)

FIRST_REPLIES = (
    "Thanks for letting us know. I'm looking into it now.",
    "Got it: I'll stop by {room} this afternoon.",
    "Thank you. Could you tell me when this started and whether anything changed?",
    "I've picked this up and will update you by the end of the day.",
    "Thanks! Can you send a photo of the error message?",
)
REQUESTER_REPLIES = (
    "Thank you! It started yesterday after lunch.",
    "Here is the photo of the screen.",
    "I'm in the room until 3:15 if that helps.",
    "Still happening this morning, unfortunately.",
    "That worked, thank you so much!",
)
NOTES = (
    "Checked the asset record: still under warranty.",
    "Same issue reported at this site last month; watch for a pattern.",
    "Ordered the part; ETA three business days.",
    "Escalated to the vendor, case opened.",
    "Requester prefers a call over email.",
)
SATISFACTION_COMMENTS = (
    "Quick and friendly, thank you!",
    "Fixed before my next class.",
    "Took a while but it works now.",
    "",
    "",
    "",
)
