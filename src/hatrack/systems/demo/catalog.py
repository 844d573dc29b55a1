"""What Cedar Hollow runs on: its ~40 systems, the vendors behind them, and how they
depend on one another.

Plain data, read by `systems.demo`. Each system has a short key; its health check at
the stand-in service (`systems.standin`) is `/<key>/health`. Owners are named by role:
`tech1`…`tech6` are the technology department's staff, `director` its head, and a
department code (`FIN`, `TRANS`…) that department's head.
"""

from __future__ import annotations

from dataclasses import dataclass

from hatrack.systems.models import Audience, DataKind, Hosting, Kind, Privacy

STUDENT, TEACHER, STAFF = Audience.STUDENT, Audience.TEACHER, Audience.STAFF
ADMIN, AIDE, FAMILY = Audience.ADMINISTRATOR, Audience.AIDE, Audience.FAMILY
EVERYONE = (STUDENT, TEACHER, STAFF, ADMIN, AIDE, FAMILY)
EMPLOYEES = (TEACHER, STAFF, ADMIN, AIDE)
CLASSROOM = (STUDENT, TEACHER, AIDE)
OFFICE = (STAFF, ADMIN)
S_REC, STAFF_REC = DataKind.STUDENT, DataKind.STAFF
MONEY, HEALTH = DataKind.FINANCIAL, DataKind.HEALTH
ONPREM, CLOUD, SAAS = Hosting.ON_PREMISES, Hosting.VENDOR_CLOUD, Hosting.SAAS

# Which sites use a system: "" every site, or a group of site codes (directory.demo).
SITE_GROUPS = {
    "": (),
    "elementary": ("AGE", "BVE", "FRE", "HTE", "MLE", "SRE", "WSE"),
    "secondary": ("RMS", "CMS", "CHS", "NRH"),
    "schools": ("AGE", "BVE", "FRE", "HTE", "MLE", "SRE", "WSE", "RMS", "CMS", "CHS", "NRH"),
    "office": ("DO",),
    "high": ("CHS", "NRH", "DO"),
}


@dataclass(frozen=True)
class SystemPlan:
    key: str
    name: str
    kind: str
    vendor: str
    hosting: str
    tier: int
    owner: str
    backup: str
    audiences: tuple[str, ...]
    sites: str
    users: int
    data: tuple[str, ...]
    rto: int  # minutes
    rpo: int  # minutes
    renewal: int | None  # days from today
    cost: int | None  # dollars a year
    fund: str  # funding source name, or ""
    fallback: str  # the continuity plan's "while it is down"
    public: str = ""  # the status page's name; published when set
    public_text: str = ""
    failover: bool = False
    check: str = "http"  # "http", "tcp" (the stand-in's port) or "" (not monitored)
    description: str = ""

    @property
    def privacy(self) -> str:
        if HEALTH in self.data or S_REC in self.data:
            return Privacy.RESTRICTED
        if self.data:
            return Privacy.CONFIDENTIAL
        return Privacy.PUBLIC if FAMILY in self.audiences and self.tier >= 3 else Privacy.INTERNAL


GENERAL, ERATE = "General fund", "E-Rate Category 2"
BOND, GRANT = "2023 Technology and Safety Bond", "State Digital Learning Grant"
H, D = 60, 24 * 60  # an hour, a day, in minutes

SYSTEMS = [
    # Identity and collaboration
    SystemPlan("sso", "ClassLink LaunchPad", Kind.IDENTITY, "ClassLink", SAAS, 1, "tech1",
               "tech2", EVERYONE, "", 10200, (S_REC, STAFF_REC), 30, 0, 21, 38500, GENERAL,
               "Teachers sign in to Canvas, Google and PowerSchool directly with their district "
               "password; students use the QR badges kept in each office.",
               "Single sign-on (ClassLink)", "The launch page students and staff sign in through.",
               description="Single sign-on and the app launchpad for students and staff."),
    SystemPlan("ad", "Active Directory", Kind.IDENTITY, "Microsoft", ONPREM, 1, "tech2", "tech3",
               (*EMPLOYEES, STUDENT), "", 10200, (S_REC, STAFF_REC), 60, 15, None, None, "",
               "Two domain controllers at different sites; if both fail, restore the newer one "
               "from last night's backup before anything else.", failover=True,
               description="Accounts and groups for every student and employee; the source of "
               "passwords for single sign-on, Wi-Fi and printing."),
    SystemPlan("roster", "ClassLink Roster Server", Kind.IDENTITY, "ClassLink", SAAS, 2, "tech1",
               "tech4", (STAFF,), "", 40, (S_REC,), 8 * H, D, 21, 9500, GENERAL,
               "Class rosters stop changing; apps keep yesterday's rosters. Add urgent "
               "schedule changes by hand in Canvas.",
               description="Nightly OneRoster feed from the SIS to Canvas, Seesaw, MAP, Destiny "
               "and Hatrack."),
    SystemPlan("gws", "Google Workspace for Education", Kind.EMAIL, "Google", SAAS, 1, "tech3",
               "tech1", EVERYONE[:5], "", 10200, (S_REC, STAFF_REC), 60, 0, 200, 31000, GENERAL,
               "Principals use the ParentSquare app and phones; urgent staff notices go by "
               "ParentSquare staff groups.", "Email and Google Drive",
               "District email, Drive, Docs and Classroom.",
               description="Email, Drive, Classroom and Meet for students and staff."),
    # Student data
    SystemPlan("sis", "PowerSchool SIS", Kind.SIS, "PowerSchool", CLOUD, 1, "tech4", "tech1",
               EVERYONE, "", 17500, (S_REC, HEALTH), 4 * H, 15, 150, 142000, GENERAL,
               "Teachers take attendance on the paper rosters printed each Monday; offices "
               "phone attendance to the district office by 9:30. Enter it once the SIS is back.",
               "PowerSchool (grades and attendance)",
               "Grades, attendance and schedules, and the parent portal.",
               description="Student records: enrollment, schedules, attendance, grades, "
               "transcripts and the parent portal."),
    SystemPlan("lms", "Canvas LMS", Kind.LMS, "Instructure", SAAS, 1, "tech5", "tech4",
               (*CLASSROOM, FAMILY), "secondary", 6200, (S_REC,), 2 * H, 0, 230, 64000, GRANT,
               "Teachers post the day's work on Google Classroom; due dates move by the length "
               "of the outage.", "Canvas", "Courses, assignments and grades in grades 6–12.",
               description="The learning platform for grades 6–12."),
    SystemPlan("seesaw", "Seesaw", Kind.LMS, "Seesaw Learning", SAAS, 2, "tech5", "tech6",
               (*CLASSROOM, FAMILY), "elementary", 5200, (S_REC,), D, 0, 260, 21500, GRANT,
               "Classes work on paper; families see the work when Seesaw returns.",
               "Seesaw", "Student journals and family messages in grades K–5.",
               description="Learning journals and family updates for grades K–5."),
    SystemPlan("state", "State reporting (WISEdata)", Kind.STATE_REPORTING,
               "State Department of Public Instruction", SAAS, 2, "tech4", "SS", OFFICE, "office",
               12, (S_REC, STAFF_REC), 3 * D, D, None, None, "",
               "Submit after it returns; the state extends windows for statewide outages.",
               description="The state's collection of enrollment, attendance, staff and "
               "special education data."),
    SystemPlan("assess", "NWEA MAP Growth", Kind.ASSESSMENT, "NWEA", SAAS, 2, "CI", "tech5",
               CLASSROOM, "schools", 8600, (S_REC,), 4 * H, 0, 75, 52000, GRANT,
               "Testing sessions are rescheduled within the testing window.", "MAP Growth testing",
               "The fall, winter and spring reading and math tests.",
               description="Benchmark assessments three times a year."),
    SystemPlan("library", "Destiny Library Manager", Kind.LIBRARY, "Follett School Solutions",
               CLOUD, 3, "CI", "tech6", CLASSROOM, "schools", 9000, (S_REC,), 2 * D, D, 300, 14200,
               GENERAL, "Librarians record check-outs on paper slips and enter them later.",
               description="Library catalogs and circulation for all schools."),
    SystemPlan("sped", "Special education case management (SpEd Forms)", Kind.OTHER,
               "Frontline Education", SAAS, 2, "SPED", "tech4", (TEACHER, ADMIN, STAFF), "", 260,
               (S_REC, HEALTH), D, 60, 180, 27500, GENERAL,
               "Case managers keep meeting notes in the paper IEP folder; deadlines that fall "
               "in the outage are documented as delayed by the vendor.",
               description="IEPs, 504 plans, evaluations and Medicaid billing."),
    SystemPlan("health", "Student health records (CareTrack)", Kind.OTHER,
               "CareTrack School Health", SAAS, 2, "SS", "tech4", (STAFF,), "schools", 40,
               (S_REC, HEALTH), 4 * H, 60, 320, 8900, GENERAL,
               "Nurses use the printed emergency cards and medication logs in each health office.",
               description="Nurse visits, immunizations, medication logs and health plans."),
    # Operations
    SystemPlan("transport", "Transfinder Routefinder PLUS", Kind.TRANSPORTATION, "Transfinder",
               CLOUD, 2, "TRANS", "tech6", (STAFF, FAMILY), "office", 160, (S_REC,), D, D, 110,
               33000, GENERAL, "Drivers keep the printed route sheets in every bus.",
               "Bus routes and stop finder", "Where and when your child's bus stops.",
               description="Bus routes, stops, student ridership and field trips."),
    SystemPlan("gps", "Bus GPS tracking (Zonar)", Kind.TRANSPORTATION, "Zonar Systems", SAAS, 3,
               "TRANS", "tech6", (STAFF, FAMILY), "office", 7000, (), D, D, 340, 18800, GENERAL,
               "Dispatch radios drivers for their position.", "Where's my bus",
               "Live bus locations for families.",
               description="Live bus positions and the family bus-tracking app."),
    SystemPlan("food", "School meals (LINQ Connect)", Kind.FOOD_SERVICE, "LINQ", SAAS, 2, "NUT",
               "tech6", (STAFF, FAMILY, STUDENT), "schools", 9200, (S_REC, MONEY), 2 * H, 15, 55,
               24500, GENERAL,
               "Cashiers record meals on the printed rosters; the office enters them after lunch.",
               "School meal accounts", "Lunch accounts, payments and meal applications.",
               description="Point of sale in every kitchen, meal accounts and free and reduced "
               "meal applications."),
    SystemPlan("erp", "Skyward Finance and HR", Kind.FINANCE, "Skyward", CLOUD, 1, "FIN", "tech2",
               OFFICE, "", 1150, (STAFF_REC, MONEY), 8 * H, 60, 280, 96000, GENERAL,
               "Payroll runs from the previous period's file if the outage covers a pay date; "
               "purchasing waits.",
               description="Payroll, budget, purchasing, accounts payable and HR records."),
    SystemPlan("time", "TimeClock Plus", Kind.FINANCE, "TimeClock Plus", SAAS, 2, "HR", "tech2",
               EMPLOYEES, "", 1100, (STAFF_REC,), D, 60, 85, 16800, GENERAL,
               "Hourly staff sign the paper time sheet at each office.",
               description="Time clocks and time sheets for hourly staff."),
    SystemPlan("subs", "Frontline Absence Management", Kind.OTHER, "Frontline Education", SAAS,
               2, "HR", "tech2", (TEACHER, STAFF, AIDE), "", 1300, (STAFF_REC,), 4 * H, 60, 180,
               19500, GENERAL,
               "Principals call substitutes from the printed list; HR records absences later.",
               "Substitute calling", "Reporting absences and finding substitutes.",
               description="Absence reporting and substitute placement."),
    # Families and the public
    SystemPlan("comms", "ParentSquare", Kind.COMMUNICATIONS, "ParentSquare", SAAS, 1, "COMM",
               "tech3", EVERYONE, "", 16500, (S_REC,), 60, 0, 80, 29800, GENERAL,
               "Urgent notices go out by the website banner, Facebook and local radio.",
               "Family messages (ParentSquare)", "Emails, texts and calls from schools.",
               description="Family messages, emergency notifications and attendance calls."),
    SystemPlan("website", "District website (Finalsite)", Kind.WEBSITE, "Finalsite", SAAS, 2,
               "COMM", "tech3", EVERYONE, "", 20000, (), D, D, 240, 22000, GENERAL,
               "Post notices on ParentSquare and social media.", "District website",
               "cedarhollow.example and every school's site.",
               description="The district and school websites."),
    SystemPlan("signage", "Digital signage (Rise Vision)", Kind.COMMUNICATIONS, "Rise Vision",
               SAAS, 4, "tech6", "tech5", (STUDENT, STAFF), "schools", 0, (), 3 * D, D, 130, 4200,
               GENERAL, "Displays keep showing their last schedule.", "Hallway displays",
               "Announcements on the screens in school hallways and cafeterias.",
               description="Screens in hallways, cafeterias and offices."),
    # Safety
    SystemPlan("voip", "Phone system (Mitel MiVoice)", Kind.PHONES, "Mitel", ONPREM, 1, "tech2",
               "tech3", (*EMPLOYEES, FAMILY), "", 1200, (), 60, D, 300, 41000, ERATE,
               "Each school has two analog lines (red phones) in the office for 911 and the "
               "district office; principals carry district cell phones.", "School phones",
               "Calling schools and the district office.", check="tcp",
               description="Desk phones, voicemail and 911 for every site."),
    SystemPlan("paging", "Bells and paging (Bogen Nyquist)", Kind.PHONES,
               "Bogen Communications", ONPREM, 2, "FAC", "tech2", (STUDENT, TEACHER, STAFF),
               "schools", 9900, (), 4 * H, D, None, None, BOND,
               "Bells are rung by hand from the office console; announcements by radio.",
               check="tcp", description="Class bells, intercom and emergency paging."),
    SystemPlan("doors", "Door access (Verkada Access)", Kind.SAFETY, "Verkada", SAAS, 1, "FAC",
               "tech2", EMPLOYEES, "", 1100, (STAFF_REC,), 60, 60, 200, 36000, BOND,
               "Door controllers keep their last badge list and schedules offline; custodians "
               "lock and unlock exterior doors by key on the lockdown schedule.", failover=True,
               description="Badge readers and door schedules on every exterior door."),
    SystemPlan("cameras", "Security cameras (Verkada)", Kind.SAFETY, "Verkada", SAAS, 2, "FAC",
               "tech2", OFFICE, "", 60, (S_REC,), 4 * H, D, 200, 48000, BOND,
               "Cameras record to their own storage and upload when the cloud returns.",
               failover=True, description="Cameras at every school, with 30 days of video."),
    SystemPlan("visitor", "Visitor management (Raptor)", Kind.SAFETY, "Raptor Technologies",
               SAAS, 2, "SS", "tech6", (STAFF, FAMILY), "schools", 180, (S_REC,), 60, 60, 60,
               12500, BOND, "Office staff use the paper visitor log and check ID by eye.",
               description="Visitor badges, sex-offender screening and custody alerts."),
    SystemPlan("filter", "Content filter (GoGuardian Admin)", Kind.FILTERING, "GoGuardian", SAAS,
               1, "tech3", "tech1", (STUDENT,), "", 9100, (S_REC,), 60, 0, 45, 41500, GENERAL,
               "Chromebooks fail closed: students have no web until the filter returns (CIPA).",
               "Student internet filtering", "The filter on student Chromebooks.",
               description="Web filtering on student Chromebooks and the school networks (CIPA)."),
    # Network
    SystemPlan("firewall", "Perimeter firewall (Palo Alto PA-3220 pair)", Kind.FIREWALL,
               "Palo Alto Networks", ONPREM, 1, "tech1", "tech2", EVERYONE[:5], "", 10200, (),
               60, D, 120, 28500, ERATE, "The pair fails over on its own; if both fail, swap in "
               "the spare PA-820 kept in the district office data center.", failover=True,
               check="tcp", description="The district's edge firewall and VPN."),
    SystemPlan("internet", "Internet circuit (10 Gbps, Badger Lakes Fiber)", Kind.NETWORK,
               "Badger Lakes Fiber", CLOUD, 1, "tech1", "tech2", EVERYONE[:5], "", 10200, (), 4 * H,
               D, 95, 36000, ERATE,
               "No second circuit yet (budget request FY27): schools lose the internet until "
               "the carrier repairs it. Staff use phone hotspots for urgent work.",
               "Internet access", "The internet connection at every school.", check="tcp",
               description="The district's one internet circuit, at the district office."),
    SystemPlan("wan", "Wide-area fiber ring", Kind.NETWORK, "Badger Lakes Fiber", CLOUD, 1,
               "tech1", "tech2", EVERYONE[:5], "schools", 10000, (), 4 * H, D, 95, 54000, ERATE,
               "The ring survives one cut; a second cut isolates the schools in between.",
               failover=True, check="tcp",
               description="Dark fiber ring linking every school to the district office."),
    SystemPlan("core", "Core switches (Aruba 6400 pair)", Kind.NETWORK, "CDW-G", ONPREM, 1,
               "tech1", "tech2", EVERYONE[:5], "", 10200, (), 60, D, None, None, ERATE,
               "Stacked pair; a failed member is replaced from the spare on the shelf.",
               failover=True, check="tcp",
               description="The district office core where the WAN, servers and firewall meet."),
    SystemPlan("wifi", "Wi-Fi (Cisco Meraki)", Kind.NETWORK, "Cisco Meraki", SAAS, 1, "tech1",
               "tech6", EVERYONE[:5], "schools", 10100, (), 60, D, 170, 44000, ERATE,
               "Access points keep serving clients when the Meraki cloud is down; only "
               "changes wait.", "Wi-Fi in schools", "Wireless networks in every building.",
               description="1,100 access points, managed from the Meraki cloud."),
    SystemPlan("dns", "DNS and DHCP (Windows Server)", Kind.INFRASTRUCTURE, "Microsoft", ONPREM,
               1, "tech2", "tech1", EVERYONE[:5], "", 10200, (), 30, 60, None, None, "",
               "Two servers with DHCP failover; if both fail, the firewall hands out addresses "
               "from its emergency scope.", failover=True,
               description="Name resolution and addresses for every device on the network."),
    # Servers and storage
    SystemPlan("vmware", "VMware vSphere cluster", Kind.INFRASTRUCTURE, "Broadcom (VMware)",
               ONPREM, 1, "tech2", "tech1", (STAFF,), "office", 20, (), 2 * H, 60, 65, 27800,
               GENERAL, "HA restarts VMs on the surviving hosts; with two hosts down, start "
               "tier 1 VMs first (AD, DNS, phones).", failover=True,
               description="Four hosts running the district's own servers."),
    SystemPlan("san", "SAN storage (Dell PowerStore 1200T)", Kind.INFRASTRUCTURE,
               "Dell Technologies", ONPREM, 1, "tech2", "tech1", (STAFF,), "office", 20,
               (S_REC, STAFF_REC), 4 * H, 60, 340, 18500, BOND,
               "One array, no replica: restore from Veeam to the hosts' local disks "
               "(a day or more). The second array is in the FY27 budget.",
               description="Storage for every virtual machine."),
    SystemPlan("backup", "Backups (Veeam, with offsite copy)", Kind.INFRASTRUCTURE, "Veeam",
               ONPREM, 2, "tech2", "tech3", (STAFF,), "office", 10, (S_REC, STAFF_REC, MONEY),
               D, D, 150, 9800, GENERAL,
               "Nothing stops for users; the missed nightly backup is run by hand.",
               description="Nightly backups of every VM and Microsoft 365, copied offsite."),
    # Devices and service
    SystemPlan("mdm", "Google Admin (Chromebook management)", Kind.DEVICE_MANAGEMENT, "Google",
               SAAS, 2, "tech6", "tech5", (STAFF,), "", 25, (S_REC,), D, D, 200, 0, "",
               "Chromebooks keep their last policy; new enrollments wait.",
               description="Policies, apps and enrollment for 9,000 Chromebooks."),
    SystemPlan("intune", "Microsoft Intune", Kind.DEVICE_MANAGEMENT, "Microsoft", SAAS, 3,
               "tech6", "tech2", (STAFF,), "", 20, (STAFF_REC,), 2 * D, D, 210, 12400, GENERAL,
               "Staff laptops keep their last policy; new laptops are set up by hand.",
               description="Staff Windows laptops: policies, updates and apps."),
    SystemPlan("helpdesk", "Hatrack help desk", Kind.OTHER, "", ONPREM, 2, "director", "tech1",
               EMPLOYEES, "", 1100, (S_REC, STAFF_REC), 4 * H, 60, None, None, "",
               "Requests by phone to the help desk line (ext. 4357); technicians keep a paper "
               "log and enter it afterwards.", "Technology help desk",
               "Requests for help with devices and systems.",
               description="Tickets, devices, systems and this status page."),
    SystemPlan("print", "Print management (PaperCut MF)", Kind.OTHER, "PaperCut", ONPREM, 3,
               "tech6", "tech5", (*EMPLOYEES, STUDENT), "", 6000, (), D, D, 100, 7600, GENERAL,
               "Print straight to the copier by IP from the front office computer.",
               description="Secure printing and copier accounting."),
    SystemPlan("hvac", "Building automation (Metasys)", Kind.OTHER, "Johnson Controls", ONPREM,
               3, "FAC", "tech2", (STAFF,), "schools", 30, (), D, D, 270, 15000, GENERAL,
               "Controllers run their own schedules; custodians override at the panel.",
               description="Heating, cooling and ventilation schedules in every building."),
]  # fmt: skip

# (name, website, phone, account) of each vendor above the devices demo did not create.
VENDORS = [
    ("ClassLink", "https://www.classlink.com/", "CL-CHUSD-2231"),
    ("Microsoft", "https://www.microsoft.com/education", "MS-EES-558120"),
    ("Google", "https://edu.google.com/", "C03chusd9"),
    ("PowerSchool", "https://www.powerschool.com/", "PS-WI-10482"),
    ("Instructure", "https://www.instructure.com/", "INST-77129"),
    ("Seesaw Learning", "https://seesaw.com/", "SSW-40213"),
    ("State Department of Public Instruction", "", "LEA-5599901"),
    ("NWEA", "https://www.nwea.org/", "NWEA-88214"),
    ("Follett School Solutions", "https://www.follettsoftware.com/", "FSS-318842"),
    ("Frontline Education", "https://www.frontlineeducation.com/", "FLE-22719"),
    ("CareTrack School Health", "", "CTH-1047"),
    ("Transfinder", "https://www.transfinder.com/", "TF-9921"),
    ("Zonar Systems", "https://www.zonarsystems.com/", "ZON-44180"),
    ("LINQ", "https://www.linq.com/", "LINQ-55021"),
    ("Skyward", "https://www.skyward.com/", "SKY-WI-3310"),
    ("TimeClock Plus", "https://www.tcpsoftware.com/", "TCP-81120"),
    ("ParentSquare", "https://www.parentsquare.com/", "PSQ-20981"),
    ("Finalsite", "https://www.finalsite.com/", "FS-61120"),
    ("Rise Vision", "https://www.risevision.com/", "RV-7712"),
    ("Mitel", "https://www.mitel.com/", "MTL-340018"),
    ("Bogen Communications", "https://www.bogen.com/", "BGN-1182"),
    ("Verkada", "https://www.verkada.com/", "VK-CHUSD-01"),
    ("Raptor Technologies", "https://raptortech.com/", "RPT-66310"),
    ("GoGuardian", "https://www.goguardian.com/", "GG-39001"),
    ("Palo Alto Networks", "https://www.paloaltonetworks.com/", "PAN-88123"),
    ("Cisco Meraki", "https://meraki.cisco.com/", "MRK-221-0931"),
    ("Badger Lakes Fiber", "", "BLF-100442"),
    ("Broadcom (VMware)", "https://www.vmware.com/", "VMW-556102"),
    ("Veeam", "https://www.veeam.com/", "VEEAM-42218"),
    ("PaperCut", "https://www.papercut.com/", "PC-19044"),
    ("Johnson Controls", "https://www.johnsoncontrols.com/", "JCI-5521"),
    ("CDW-G", "https://www.cdwg.com/", "CHUSD-448201"),
    ("Dell Technologies", "https://www.dell.com/", "DL-2209-1187"),
]

# Every system authenticates through ClassLink unless listed here.
NO_SSO = {"sso", "ad", "roster", "state", "gps", "website", "signage", "voip", "paging", "doors",
          "cameras", "firewall", "internet", "wan", "core", "wifi", "dns", "vmware", "san",
          "backup", "hvac", "print", "intune", "gws", "mdm"}  # fmt: skip
# Our own servers, on the VMware cluster.
ON_VMWARE = ("ad", "dns", "voip", "helpdesk", "print", "hvac", "paging")
# Reached from the schools through the firewall and the internet circuit.
THROUGH_FIREWALL = (
    "sso", "gws", "sis", "lms", "seesaw", "assess", "library", "sped", "health", "transport",
    "food", "erp", "time", "subs", "comms", "signage", "doors", "cameras", "visitor", "filter",
    "wifi", "mdm", "intune", "gps", "roster",
)  # fmt: skip

# (system, depends on, kind, effect or "" for the kind's default, note)
EDGES: list[tuple[str, str, str, str, str]] = [
    ("sso", "ad", "authenticates", "", "Passwords sync from AD."),
    ("gws", "ad", "authenticates", "", "Google Cloud Directory Sync and password sync."),
    ("wifi", "ad", "authenticates", "degrades", "Staff 802.1X sign-in (RADIUS via NPS)."),
    ("print", "ad", "authenticates", "", ""),
    ("intune", "ad", "integrates", "degrades", "Hybrid join."),
    ("mdm", "gws", "integrates", "", ""),
    ("helpdesk", "gws", "integrates", "", "Mail in and out."),
    ("lms", "gws", "integrates", "", "Google Drive assignments."),
    ("roster", "sis", "receives_data", "fails", "Nightly OneRoster export."),
    ("sso", "roster", "receives_data", "", "New accounts and classes."),
    ("gws", "roster", "receives_data", "", "Account provisioning."),
    ("lms", "roster", "receives_data", "", "Courses and enrollments."),
    ("seesaw", "roster", "receives_data", "", ""),
    ("assess", "roster", "receives_data", "", ""),
    ("library", "roster", "receives_data", "", ""),
    ("helpdesk", "roster", "receives_data", "", "OneRoster import of people."),
    ("sis", "lms", "receives_data", "", "Grade passback from Canvas."),
    ("transport", "sis", "receives_data", "", "Addresses and ridership."),
    ("food", "sis", "receives_data", "", "Students and meal eligibility."),
    ("state", "sis", "receives_data", "", "Enrollment and attendance snapshots."),
    ("comms", "sis", "receives_data", "", "Contacts and attendance calls."),
    ("sped", "sis", "receives_data", "", "Demographics and schedules."),
    ("sis", "sped", "receives_data", "", "Disability codes back to the SIS."),
    ("health", "sis", "receives_data", "", ""),
    ("visitor", "sis", "receives_data", "", "Custody alerts."),
    ("state", "erp", "receives_data", "", "Staff assignments."),
    ("state", "sped", "receives_data", "", "Child count."),
    ("erp", "time", "receives_data", "", "Hours for payroll."),
    ("erp", "food", "receives_data", "", "Deposits for the ledger."),
    ("subs", "erp", "receives_data", "", "Employees and positions."),
    ("gps", "transport", "integrates", "", "Routes to compare against."),
    ("signage", "comms", "integrates", "", "Announcement feed."),
    ("website", "comms", "integrates", "", "News and alerts banner."),
    ("paging", "voip", "integrates", "degrades", "Paging from desk phones."),
    ("backup", "vmware", "receives_data", "fails", "Image-level backups."),
    ("backup", "san", "integrates", "", "Storage snapshots."),
    ("vmware", "san", "runs_on", "", ""),
    ("ad", "dns", "network_path", "", "AD-integrated DNS."),
    ("wifi", "dns", "network_path", "", "DHCP leases."),
    ("voip", "dns", "network_path", "", "DHCP options for phones."),
    ("print", "dns", "network_path", "", ""),
    ("helpdesk", "dns", "network_path", "", ""),
    ("firewall", "internet", "network_path", "", ""),
    ("firewall", "core", "network_path", "", ""),
    ("wan", "core", "network_path", "", ""),
    ("wifi", "wan", "network_path", "", "Schools reach the district office."),
    ("voip", "wan", "network_path", "degrades", "School phones register over the WAN."),
    ("voip", "internet", "network_path", "degrades", "SIP trunk for outside calls."),
    ("paging", "wan", "network_path", "", ""),
    ("doors", "wan", "network_path", "degrades", "Controllers work offline."),
    ("cameras", "wan", "network_path", "degrades", ""),
    ("hvac", "wan", "network_path", "degrades", ""),
    ("print", "wan", "network_path", "", ""),
    ("vmware", "core", "network_path", "", ""),
    ("san", "core", "network_path", "", "iSCSI fabric."),
    ("dns", "core", "network_path", "", ""),
    ("filter", "wifi", "network_path", "degrades", "On-site traffic."),
    ("state", "firewall", "network_path", "degrades", ""),
    ("website", "firewall", "network_path", "degrades", "Families reach it from home."),
    ("sso", "dns", "network_path", "degrades", "The AD connector resolves the DCs."),
    ("doors", "sso", "authenticates", "degrades", "Console sign-in; doors keep working."),
    ("cameras", "sso", "authenticates", "degrades", "Console sign-in."),
    ("mdm", "sso", "authenticates", "degrades", "Chromebook sign-in through ClassLink."),
    ("website", "sso", "authenticates", "degrades", "Editors sign in."),
    ("intune", "sso", "authenticates", "degrades", ""),
    ("comms", "gws", "integrates", "", "Staff email delivery."),
    ("visitor", "comms", "integrates", "", "Alerts to the office."),
    ("assess", "sis", "receives_data", "", "Test accommodations."),
    ("transport", "erp", "integrates", "", "Driver hours."),
    ("signage", "wan", "network_path", "degrades", "Players at schools."),
    ("gws", "dns", "network_path", "degrades", "Mail routing records."),
    ("helpdesk", "core", "network_path", "", ""),
    ("sped", "health", "integrates", "", "Health plans in IEPs."),
]

# The systems whose checks keep raw results for the last day (the rest only rollups); not
# the signage, whose live flakiness the seeded all-green raw rows would contradict.
RAW_RESULTS = ("sso", "sis", "lms", "comms", "internet", "gws")
