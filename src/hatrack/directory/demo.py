"""The demo district's directory: Cedar Hollow Unified, 12 sites, ~9,100 students, ~1,100 staff.

Everything here is fictional: the district, its addresses, the NCES-style ids (a block
no real district uses, `55999xx`), the 555-01xx phone numbers and the `.example` email
domain (reserved, so no mail can ever reach anyone). Names are drawn from seeded lists.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hatrack.demo import DEMO_SOURCE_ID
from hatrack.directory.models import Department, District, Grade, Locale, Person, Site
from hatrack.directory.names import name_key

DOMAIN = "cedarhollow.example"
STUDENT_DOMAIN = f"students.{DOMAIN}"
LEA_ID = "5599901"
CITY, STATE, POSTAL = "Cedar Hollow", "WI", "54999"
# The class that graduates at the end of the demo's school year is in grade 12.
GRADUATING_CLASS = 2027
INACTIVE_SHARE = 0.015
BATCH = 2000

K_TO_5 = [Grade.KG, Grade.G01, Grade.G02, Grade.G03, Grade.G04, Grade.G05]
SIX_TO_8 = [Grade.G06, Grade.G07, Grade.G08]
NINE_TO_12 = [Grade.G09, Grade.G10, Grade.G11, Grade.G12]
ELEM, MID, HIGH, OFFICE = Site.Kind.ELEMENTARY, Site.Kind.MIDDLE, Site.Kind.HIGH, Site.Kind.OFFICE


@dataclass(frozen=True)
class SitePlan:
    code: str
    name: str
    kind: Site.Kind
    grades: list[Grade]
    per_grade: int  # students per grade, before a seeded ±8 %
    street: str


SITES = [
    SitePlan("DO", "Cedar Hollow District Office", OFFICE, [], 0, "400 Civic Center Dr"),
    SitePlan("AGE", "Alder Grove Elementary", ELEM, K_TO_5, 104, "1150 Alder Grove Rd"),
    SitePlan("BVE", "Bluff View Elementary", ELEM, K_TO_5, 96, "2720 Bluff View Dr"),
    SitePlan("FRE", "Fox Run Elementary", ELEM, K_TO_5, 88, "85 Fox Run Ln"),
    SitePlan("HTE", "Harriet Tubman Elementary", ELEM, K_TO_5, 112, "610 Freedom Way"),
    SitePlan("MLE", "Meadowlark Elementary", ELEM, K_TO_5, 99, "3300 Meadowlark Pkwy"),
    SitePlan("SRE", "Sunrise Elementary", ELEM, K_TO_5, 92, "19 Sunrise Ct"),
    SitePlan("WSE", "Willow Springs Elementary", ELEM, K_TO_5, 107, "4475 Willow Springs Rd"),
    SitePlan("RMS", "Ridgeview Middle School", MID, SIX_TO_8, 345, "900 Ridgeview Ave"),
    SitePlan("CMS", "Clearwater Middle School", MID, SIX_TO_8, 356, "1275 Clearwater Blvd"),
    SitePlan("CHS", "Cedar Hollow High School", HIGH, NINE_TO_12, 362, "2000 Timberwolf Way"),
    SitePlan("NRH", "North Ridge High School", HIGH, NINE_TO_12, 338, "5150 North Ridge Rd"),
]  # fmt: skip

DEPARTMENTS = [
    ("SUPT", "Superintendent's Office",
     "The superintendent, assistant superintendents and the board secretary."),
    ("TECH", "Technology",
     "Networks, devices, classroom technology, data systems and the help desk."),
    ("FAC", "Facilities & Maintenance",
     "Buildings, grounds, custodial services and maintenance."),
    ("HR", "Human Resources",
     "Hiring, licensure, benefits and staff records."),
    ("TRANS", "Transportation",
     "Bus routes, drivers, the fleet and field trips."),
    ("NUT", "Nutrition Services",
     "School breakfast and lunch, meal accounts and kitchens."),
    ("CI", "Curriculum & Instruction",
     "Curriculum, assessment, professional learning and libraries."),
    ("SPED", "Special Education",
     "Special education services, IEPs, therapists and psychologists."),
    ("FIN", "Finance & Business Services",
     "Budget, payroll, purchasing and grants."),
    ("COMM", "Communications",
     "District website, family messaging and media relations."),
    ("SS", "Student Services",
     "Counseling, health services, attendance and enrollment."),
]  # fmt: skip

# Staff of each school besides teachers: (role, department code or "", how many) by kind.
SCHOOL_STAFF = {
    Site.Kind.ELEMENTARY: [
        (Person.Role.ADMINISTRATOR, "", 2), (Person.Role.STAFF, "", 3),
        (Person.Role.STAFF, "SS", 2), (Person.Role.STAFF, "FAC", 4),
        (Person.Role.STAFF, "NUT", 4), (Person.Role.AIDE, "", 8), (Person.Role.AIDE, "SPED", 5),
    ],
    Site.Kind.MIDDLE: [
        (Person.Role.ADMINISTRATOR, "", 3), (Person.Role.STAFF, "", 4),
        (Person.Role.STAFF, "SS", 4), (Person.Role.STAFF, "FAC", 6),
        (Person.Role.STAFF, "NUT", 6), (Person.Role.STAFF, "TECH", 1),
        (Person.Role.AIDE, "", 6), (Person.Role.AIDE, "SPED", 5),
    ],
    Site.Kind.HIGH: [
        (Person.Role.ADMINISTRATOR, "", 4), (Person.Role.STAFF, "", 6),
        (Person.Role.STAFF, "SS", 6), (Person.Role.STAFF, "FAC", 9),
        (Person.Role.STAFF, "NUT", 8), (Person.Role.STAFF, "TECH", 1),
        (Person.Role.AIDE, "", 7), (Person.Role.AIDE, "SPED", 5),
    ],
}  # fmt: skip
# Central staff at the district office, by department (besides each department's head).
OFFICE_STAFF = {
    "SUPT": 5, "TECH": 17, "FAC": 24, "HR": 11, "TRANS": 72, "NUT": 5,
    "CI": 13, "SPED": 15, "FIN": 10, "COMM": 3, "SS": 7,
}  # fmt: skip
STUDENTS_PER_TEACHER = {Site.Kind.ELEMENTARY: 16, Site.Kind.MIDDLE: 18, Site.Kind.HIGH: 18}
SPED_TEACHER_SHARE = 0.08


def _words(text: str) -> list[str]:
    return text.split()


GIVEN_NAMES = _words("""
Aaliyah Aarav Abdullah Abigail Adriana Ahmed Aiden Aisha Akira Alejandro Alexander Alina
Amara Amir Ana Andre Andrea Angel Anika Antonio Aria Arjun Asher Ava Ayesha Beatriz Benjamin
Bianca Brandon Brianna Caleb Camila Carlos Carmen Catalina Chen Chloe Christopher Daniel
Daniela Darius David Deja Diego Dmitri Elena Elijah Elizabeth Emeka Emily Emma Esperanza
Ethan Eun-ji Evelyn Fatima Felipe Fernando Gabriel Gabriela Grace Hana Hannah Hassan Hector
Hiroshi Hunter Ibrahim Imani Isabella Isaiah Ivan Jacob Jada Jamal Jasmine Javier Jayden
Jennifer Jesus Jin Jordan Jose Joseph Joshua Juan Julia Julian Kai Kaitlyn Kamala Keanu
Kenji Kiara Kwame Layla Leah Leilani Liam Lucas Lucia Luis Madison Malik Maria Mariam
Mateo Maya Mei Mia Michael Miguel Mohammed Naomi Natalia Nia Noah Nora Olivia Omar Oscar
Priya Rafael Rahul Reggie Ricardo Riley Rosa Ryan Samantha Samuel Santiago Sara Sebastian
Sergei Shanice Sienna Sofia Sophia Tariq Tatiana Thomas Tiana Trinh Tyrone Valentina Victor
Wei William Xavier Ximena Yara Yusuf Zainab Zoe Zoë Renée José Chloé Siobhán Mikaela Ngozi
Oluwaseun Thanh Bao Lakshmi Ananya Dakota Cheyenne Winona Tallulah Ayasha Nayeli Itzel
""")

FAMILY_NAMES = [
    *_words("""
Abbott Acosta Adeyemi Aguilar Ahmed Ali Alvarez Anderson Andersen Armstrong Bailey Baker
Banerjee Barnes Bell Bennett Brooks Brown Bui Campbell Carter Castillo Castro Chang Chavez
Chen Cho Clark Collins Cook Cooper Cruz Das Davis Delgado Diaz Dominguez Edwards Evans
Fernandez Fischer Flores Foster Garcia Gomez Gonzalez Gray Green Gupta Gutierrez Hall
Hamilton Harris Hassan Hernandez Hill Hoang Howard Hughes Ibrahim Jackson James Jenkins
Jimenez Johnson Jones Kaur Kelly Khan Kim Kowalski Kumar Le Lee Lewis Li Liu Lopez Martin
Martinez Mendoza Miller Mitchell Moore Morales Morgan Murphy Nakamura Nelson Nguyen Novak
Okafor Okonkwo Olsen Ortiz Owens Park Patel Perez Peterson Pham Phillips Price Ramirez
Ramos Reed Reyes Richardson Rivera Roberts Robinson Rodriguez Rogers Romero Ross Russell
Sanchez Sanders Santos Schmidt Scott Shah Silva Singh Smith Sokolov Stewart Sullivan
Suzuki Tanaka Taylor Thomas Thompson Torres Tran Turner Vargas Vasquez Vu Walker Wang
Ward Washington Watson White Williams Wilson Wong Wright Wu Yamamoto Yang Young Zhang
Zielinski O'Brien O'Connor McAllister MacDonald Müller Nuñez Peña
Begay Yazzie Tsosie Whitehorse Redcloud Lindqvist Haugen Nowak Kaminski Abdi Warsame Yilmaz
"""),
    *["Van der Berg", "De la Cruz", "Smith-Okafor", "García Márquez"],
]


def load(rng: random.Random, context: Any) -> None:
    """The district, its sites and departments, then its students and staff in batches."""
    district = _district()
    sites = _sites(rng)
    departments = _departments(rng, sites["DO"])
    people = _People(rng)
    students = list(_students(people, sites))
    enrollment = sum(1 for p in students if p.active)
    district.enrollment = enrollment
    district.save()
    staff, heads = _staff(people, sites, departments, Counter(p.primary_site_id for p in students))
    demo_people = _demo_people(staff, sites, departments)
    Person.objects.bulk_create(students, batch_size=BATCH)
    Person.objects.bulk_create(staff, batch_size=BATCH)
    for code, department in departments.items():
        department.head = heads[code]
    Department.objects.bulk_update(departments.values(), ["head"])
    context.records.update(
        district=district, sites=sites, departments=departments, demo_people=demo_people
    )
    context.counts.update(
        sites=len(sites),
        departments=len(departments),
        students=len(students),
        staff=len(staff),
    )


def _district() -> District:
    return District(
        name="Cedar Hollow Unified School District",
        nces_lea_id=LEA_ID,
        state=STATE,
        locale=Locale.SUBURB_MIDSIZE,
        time_zone="America/Chicago",
        website=f"https://www.{DOMAIN}/",
        email_domains=f"{DOMAIN}, {STUDENT_DOMAIN}",
        source_id=DEMO_SOURCE_ID,
    )


def _source_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _sites(rng: random.Random) -> dict[str, Site]:
    sites = [
        Site(
            name=plan.name,
            code=plan.code,
            kind=plan.kind,
            nces_school_id=f"{LEA_ID}{index * 10:05d}" if plan.grades else None,
            source_id=_source_id(rng),
            grade_low=plan.grades[0] if plan.grades else "",
            grade_high=plan.grades[-1] if plan.grades else "",
            street=plan.street,
            city=CITY,
            state=STATE,
            postal_code=POSTAL,
            phone=f"(920) 555-01{index:02d}",
        )
        for index, plan in enumerate(SITES)
    ]
    Site.objects.bulk_create(sites)
    return {site.code: site for site in sites}


def _departments(rng: random.Random, office: Site) -> dict[str, Department]:
    departments = [
        Department(code=code, name=name, description=text, site=office, source_id=_source_id(rng))
        for code, name, text in DEPARTMENTS
    ]
    Department.objects.bulk_create(departments)
    return {d.code: d for d in departments}


class _People:
    """Makes Person records with seeded names, unique usernames and district emails."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.usernames: set[str] = set()
        self.staff_number = 10000
        self.student_number = 2100000

    def _names(self) -> tuple[str, str, str]:
        given, family = self.rng.choice(GIVEN_NAMES), self.rng.choice(FAMILY_NAMES)
        middle = self.rng.choice(GIVEN_NAMES) if self.rng.random() < 0.3 else ""
        return given, middle, family

    def _username(self, base: str) -> str:
        name, n = base, 1
        while name in self.usernames:
            n += 1
            name = f"{base}{n}"
        self.usernames.add(name)
        return name

    def person(self, **fields: Any) -> Person:
        given, middle, family = self._names()
        person = Person(
            given_name=given,
            middle_name=middle,
            family_name=family,
            source_id=_source_id(self.rng),
            active=self.rng.random() >= INACTIVE_SHARE,
            **fields,
        )
        person.set_name_keys()
        return person

    def student(self, site: Site, grade: Grade) -> Person:
        self.student_number += 1
        person = self.person(role=Person.Role.STUDENT, grade=grade, primary_site=site)
        class_of = GRADUATING_CLASS + 12 - (0 if grade == Grade.KG else int(grade))
        base = f"{_plain(person.given_name)[:1]}{_plain(person.family_name)}{class_of % 100:02d}"
        person.username = self._username(base)
        person.email = f"{person.username}@{STUDENT_DOMAIN}"
        person.sis_id = str(self.student_number)
        return person

    def employee(self, role: str, site: Site, department: Department | None) -> Person:
        self.staff_number += 1
        person = self.person(role=role, primary_site=site, department=department)
        base = f"{_plain(person.given_name)}.{_plain(person.family_name)}"
        person.username = self._username(base)
        person.email = f"{person.username}@{DOMAIN}"
        person.sis_id = f"E{self.staff_number}"
        return person


def _plain(name: str) -> str:
    """'Zoë O'Brien-Nuñez' -> 'zoeobriennunez': the form used in usernames and emails."""
    return "".join(ch for ch in name_key(name) if ch.isalnum() and ch.isascii())


def _students(people: _People, sites: dict[str, Site]) -> Iterator[Person]:
    for plan in SITES:
        for grade in plan.grades:
            size = round(plan.per_grade * people.rng.uniform(0.92, 1.08))
            for _ in range(size):
                yield people.student(sites[plan.code], grade)


def _staff(
    people: _People,
    sites: dict[str, Site],
    departments: dict[str, Department],
    enrolled: Counter[int | None],
) -> tuple[list[Person], dict[str, Person]]:
    """Teachers and staff of every school, then the district office by department.

    Returns the staff and each department's head (an active administrator).
    """
    staff: list[Person] = []
    for plan in SITES[1:]:
        site = sites[plan.code]
        teachers = max(1, round(enrolled[site.pk] / STUDENTS_PER_TEACHER[plan.kind]))
        for _ in range(teachers):
            sped = people.rng.random() < SPED_TEACHER_SHARE
            dept = departments["SPED"] if sped else None
            staff.append(people.employee(Person.Role.TEACHER, site, dept))
        for role, code, count in SCHOOL_STAFF[plan.kind]:
            dept = departments[code] if code else None
            staff.extend(people.employee(role, site, dept) for _ in range(count))
    office, heads = sites["DO"], {}
    for code, count in OFFICE_STAFF.items():
        department = departments[code]
        # The superintendent's office is led by the superintendent and two assistants.
        leaders = 3 if code == "SUPT" else 1
        chiefs = [
            people.employee(Person.Role.ADMINISTRATOR, office, department) for _ in range(leaders)
        ]
        for chief in chiefs:
            chief.active = True
        heads[code] = chiefs[0]
        staff.extend(chiefs)
        staff.extend(people.employee(Person.Role.STAFF, office, department) for _ in range(count))
    return staff, heads


def _demo_people(
    staff: list[Person], sites: dict[str, Site], departments: dict[str, Department]
) -> dict[str, Person]:
    """The staff members the demo accounts belong to (all active)."""

    def first(**match: Any) -> Person:
        found = next(p for p in staff if all(getattr(p, k) == v for k, v in match.items()))
        found.active = True
        return found

    tech, supt, office = departments["TECH"], departments["SUPT"], sites["DO"]
    superintendent_office = [
        p for p in staff if p.department is supt and p.role == Person.Role.ADMINISTRATOR
    ]
    assistant = superintendent_office[1]
    return {
        "technology_director": first(department=tech, role=Person.Role.ADMINISTRATOR),
        "technician": first(department=tech, role=Person.Role.STAFF, primary_site=office),
        "teacher": first(role=Person.Role.TEACHER, primary_site=sites["AGE"], department=None),
        "assistant_superintendent": assistant,
    }
