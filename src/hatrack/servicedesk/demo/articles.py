"""The demo district's knowledge base: answers staff look for before they ask.

(title, summary, audience, queue code, category path, Markdown body)
"""

from __future__ import annotations

STAFF, TECHNICIANS = "staff", "technicians"

ARTICLES: tuple[tuple[str, str, str, str, tuple[str, ...], str], ...] = (
    (
        "Reset your password",
        "Change a forgotten or expired district password yourself, in two minutes.",
        STAFF,
        "tech",
        ("Accounts & passwords",),
        """Your district account signs you in to email, Google Classroom, the gradebook and
your laptop. If you forgot your password or it expired:

1. Go to the **Forgot password** link on the district sign-in page.
2. Enter your district email address (`first.last@cedarhollow.example`).
3. Approve the code sent to your phone or personal email.
4. Choose a new password: at least 14 characters. A short sentence is easiest to
   remember, e.g. `Maple trees turn red in October`.

**Locked out?** After 10 wrong tries the account locks for 30 minutes. Wait, or ask the
help desk: we can unlock it right away.

Never share your password, not even with the help desk: we will never ask for it.
""",
    ),
    (
        "Reset a student's password",
        "Teachers can reset the passwords of students in their classes.",
        STAFF,
        "tech",
        ("Accounts & passwords",),
        """1. Open the **Student passwords** tool from the staff portal.
2. Search for the student by name or student ID.
3. Choose **Reset** and read the temporary password to the student.
4. The student chooses their own password at the next sign-in.

Kindergarten to 2nd grade students sign in with picture passwords; print new cards from
the same tool.
""",
    ),
    (
        "My Chromebook won't charge",
        "Check these four things before sending a Chromebook for repair.",
        STAFF,
        "tech",
        ("Hardware", "Chromebook", "Charging"),
        """1. **Try another charger** from the cart. Most charging problems are the charger.
2. **Look at the light** beside the port: no light at all means no power reaches it.
3. **Hard reset**: hold *Refresh* (⟳) and tap *Power*. Plug in and wait 30 minutes.
4. **Check the cart**: if none of the devices in a cart charged, the cart's breaker may
   have tripped; the power light on the cart is then off.

Still dead? Open a ticket with the asset tag (the barcode under the device) and put the
Chromebook in the repair bin in the library. A loaner is available at the front desk.
""",
    ),
    (
        "Connect your laptop to the projector or interactive display",
        "HDMI, the display's input button, and what to do when there's no picture.",
        STAFF,
        "tech",
        ("Classroom tech", "Projector"),
        """1. Plug the HDMI cable (labelled at the wall plate) into your laptop; use the USB-C
   adapter from your laptop bag if needed.
2. Turn on the projector or display with its remote.
3. Press **Input** (or **Source**) until **HDMI 1** shows.
4. On your laptop press **Windows + P** and choose **Duplicate**.

**No picture?** Unplug and plug back the HDMI cable, then press Input again.
**An orange light on the projector** means it needs a lamp or is overheating: open a
ticket with your room number.
""",
    ),
    (
        "Request software for your classroom",
        "How to ask for an app or program, and how long approval takes.",
        STAFF,
        "tech",
        ("Software & apps",),
        """Software that collects student data must be approved first, to protect students'
privacy under the district's data agreements.

1. Check the **Approved apps list** on the staff portal: approved apps can be installed
   within two school days.
2. For anything else, open a ticket in *Software & apps* with the name, the website,
   and which classes will use it.
3. The technology office reviews the vendor's privacy terms (usually one to two weeks).
""",
    ),
    (
        "Report a phishing email",
        "What to do with a suspicious email, and what to do if you clicked.",
        STAFF,
        "tech",
        ("Security",),
        """Signs of phishing: urgency ("within 24 hours"), a sender you know with an odd
address, a link asking you to sign in, gift card requests.

- **Don't click** the link or open the attachment.
- Use **Report phishing** in Gmail (the three dots beside Reply).
- If you clicked or typed your password: **change your password now** and open an
  urgent ticket. Acting within minutes stops most damage.
""",
    ),
    (
        "Fix Wi-Fi problems in your classroom",
        "Quick checks before reporting a Wi-Fi problem.",
        STAFF,
        "tech",
        ("Network & Wi-Fi",),
        """1. Connect to **CHUSD-Staff** (staff devices) or **CHUSD-Student**; never the guest
   network for school work.
2. Turn Wi-Fi off and on again on the device.
3. Does it happen to **everyone** in the room or one device? Tell us in the ticket: it
   tells us whether it's the access point or the device.
4. Note the time it drops: we can read the access point's log for that minute.
""",
    ),
    (
        "Print from your laptop to a school printer",
        "Add a printer and clear the usual errors.",
        STAFF,
        "tech",
        ("Printing",),
        """1. Open **Settings > Printers** and choose **Add printer**.
2. Pick the printer by its room number (e.g. `CHS-214-Color`).
3. Print a test page.

*Printer offline*: make sure you're on **CHUSD-Staff** Wi-Fi, not the guest network.
*Paper jam*: open each door shown on the printer's screen, pull paper straight out.
""",
    ),
    (
        "Google Classroom: students can't see an assignment",
        "Scheduled posts, topics and rosters.",
        STAFF,
        "tech",
        ("Software & apps", "Google Classroom"),
        """- Check that the assignment is **Assigned**, not **Scheduled** or a **Draft**.
- Check **which students** it was assigned to (the dropdown at the top).
- New students come to your roster from the student information system every night;
  if a student transferred in today, they'll appear tomorrow morning.
""",
    ),
    (
        "Reimage a Chromebook (powerwash)",
        "For technicians: the steps and when to re-enroll.",
        TECHNICIANS,
        "tech",
        ("Hardware", "Chromebook"),
        """1. Sign out; press **Ctrl + Alt + Shift + R**, then **Powerwash**.
2. At the welcome screen, **don't sign in**: press **Ctrl + Alt + E** to enroll in the
   district domain with the enrollment account.
3. Check that the device shows in the admin console under the right site's unit.
4. Note the powerwash in the ticket.
""",
    ),
    (
        "Replacing a projector lamp",
        "For technicians: part numbers and resetting the lamp timer.",
        TECHNICIANS,
        "tech",
        ("Classroom tech", "Projector"),
        """Lamps are in the technology storeroom of each secondary school, or the district
office for elementary schools.

1. Power off and **let it cool 30 minutes**.
2. Unscrew the lamp door, swap the lamp, close the door.
3. Reset the lamp timer: **Menu > Settings > Lamp hours > Reset**.
4. Recycle the old lamp in the mercury bin (never in the trash).
""",
    ),
    (
        "What to do when the building has no heat",
        "Who to call when the boiler fails, in and out of hours.",
        STAFF,
        "facilities",
        ("HVAC", "Boiler"),
        """- During the school day, open an **urgent** ticket in the Facilities queue and call
  the main office so they can phone the on-call engineer.
- After hours, call the facilities on-call line (555-0199).
- Keep students in interior rooms and close doors to keep heat in.
""",
    ),
    (
        "Request a bus for a field trip",
        "Lead times and what to include.",
        STAFF,
        "transportation",
        ("Routes",),
        """Ask at least **three weeks** ahead. Include the date, leaving and return times,
number of students and adults, the destination's address, and whether a lift bus is
needed.
""",
    ),
    (
        "Update your direct deposit",
        "Change the bank account your pay goes to.",
        STAFF,
        "hr",
        ("Payroll",),
        """Change it in the employee self-service portal under **Pay > Direct deposit**.
Changes made before the 10th apply to that month's pay. Payroll never asks for bank
details by email: report any such email as phishing.
""",
    ),
)

CANNED = (
    (
        "Thanks, looking into it",
        "Hi {{ requester.first_name }},\n\nThanks for reporting this. I'm looking into "
        "{{ ticket.reference }} now and will update you today.\n\n{{ technician.name }}",
    ),
    (
        "Need the asset tag",
        "Hi {{ requester.first_name }},\n\nCould you send the asset tag (the barcode sticker "
        "under the device)? That lets me find it in inventory.\n\n{{ technician.name }}",
    ),
    (
        "Password reset done",
        "Hi {{ requester.first_name }},\n\nI've reset your password. You'll choose a new one at "
        "your next sign-in. Never share it with anyone, including us.\n\n{{ technician.name }}",
    ),
    (
        "Coming to your room",
        "Hi {{ requester.first_name }},\n\nI'll stop by about {{ ticket.subject }} during your "
        "next planning period.\n\n{{ technician.name }}",
    ),
    (
        "Resolved: let us know",
        "Hi {{ requester.first_name }},\n\nI've marked {{ ticket.reference }} resolved. If "
        "anything still isn't right, just reply and it reopens.\n\n{{ technician.name }}",
    ),
    (
        "Phishing: thanks for reporting",
        "Hi {{ requester.first_name }},\n\nThanks for reporting this message. We've removed it "
        "from all mailboxes. If you clicked the link, change your password now.\n\n"
        "{{ technician.name }}",
    ),
)
