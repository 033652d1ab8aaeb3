"""Generate a deterministic knowledge base shaped like a real one, for benchmarks.

    python bench/generate.py /tmp/bench-kb --size 1000

`--size` counts people. Each person has three interviews on average (some none, some
many), so a size gives 4 x size files: `--size 10000` is 10,000 people and 30,000
interviews. Every person has their own email address, phone number (written the way their
country writes it) and LinkedIn URL, and a name from one of many cultures, accents and
non-Latin scripts included. People work at a few hundred companies, some big, most small;
two in five were introduced by someone, and the interviews with that someone name them as
referrals, so introductions form chains. Interviews are spread over two years with the
statuses such a spread has (done in the past, scheduled or requested ahead), and their
bodies have the shape of real notes, 1-3 KB each: numbered questions, paragraphs of notes
with the odd link and table, insights with #topics, and task items. The same size and seed
always give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from text_unidecode import unidecode

from tool.ids import id_key, slugify

SEED = 7
INTERVIEWS_PER_PERSON = 3
# The day the knowledge base is "read": dates before it are the past, after it are plans.
TODAY = date(2026, 3, 1)
FIRST_DAY = TODAY - timedelta(days=610)
SPAN_DAYS = 730
COMPANY_COUNT = 300


@dataclass(frozen=True)
class Culture:
    """Names, places and phone formats of one country or language."""

    given: tuple[str, ...]
    family: tuple[str, ...]
    cities: tuple[str, ...]
    # `A` is any digit, `D` a digit of the person's own number (see _phone).
    phones: tuple[str, ...]
    mail: tuple[str, ...]  # personal mail providers
    family_first: bool = False
    joined: bool = False  # written without a space between family and given name
    middle: tuple[str, ...] = ()


def _t(words: str) -> tuple[str, ...]:
    """Words apart; `_` stands for a space inside one ("São_Paulo")."""
    return tuple(word.replace("_", " ") for word in words.split())


CULTURES: tuple[Culture, ...] = (
    Culture(
        _t("Emily James Olivia Noah Grace Liam Hannah Ethan Chloe Mason Abigail Logan Megan"),
        _t("Smith Johnson O'Brien Walker Thompson Baker Carter Mitchell Brooks Sullivan Hayes"),
        _t("Boston Chicago Seattle Austin Denver Toronto"),
        ("(AAA) DDD-DDDD", "+1 AAA-DDD-DDDD", "AAA.DDD.DDDD"),
        ("gmail.com", "outlook.com", "icloud.com"),
        middle=_t("A. J. R. M. K. T."),
    ),
    Culture(
        _t("Jürgen Anna Lukas Sophie Max Lena Jonas Marie Felix Hannah Jörg Käthe Moritz"),
        _t("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Köhler Groß Hoffmann"),
        _t("Berlin München Hamburg Köln Leipzig Stuttgart"),
        ("+49 30 DDDDDDD", "030 DDDDDDD", "+49 151 DDDDDDDD", "0AA DDDDDDDD"),
        ("web.de", "gmx.de", "posteo.de", "gmail.com"),
    ),
    Culture(
        _t("Chloé Élodie Benoît François Hélène Théo Amélie Jérôme Léa Noémie Gaëlle Loïc"),
        _t("Dubois Lefèvre Moreau Girard Rousseau Fontaine Chevalier Lemaître Bélanger Giraud"),
        _t("Paris Lyon Marseille Bordeaux Montréal Nantes"),
        ("+33 6 DD DD DD DD", "01 DD DD DD DD", "+33 1 DD DD DD DD"),
        ("orange.fr", "free.fr", "gmail.com"),
    ),
    Culture(
        _t("José María Sofía Andrés Lucía Martín Camila Mateo Valentina Tomás Inés Joaquín"),
        _t("García Núñez Rodríguez Martínez Hernández López Peña Ibáñez Sánchez Castillo Ortiz"),
        _t("Madrid Barcelona Sevilla Bogotá Buenos_Aires Ciudad_de_México"),
        ("+34 6DD DDD DDD", "9DD DDD DDD", "+52 55 DDDD DDDD", "+54 11 DDDD-DDDD"),
        ("gmail.com", "hotmail.com", "yahoo.es"),
        middle=_t("García Pérez Gómez Díaz Romero Navarro Molina Ruiz"),
    ),
    Culture(
        _t("Søren Åsa Björn Ingrid Øystein Sigrid Mikael Astrid Elin Nils Freja Anders"),
        _t("Lindqvist Sørensen Åberg Nyström Halvorsen Bergström Dahl Eriksson Holm Lund"),
        _t("Stockholm Oslo København Göteborg Aarhus Bergen"),
        ("+46 8-DDD DDD DD", "+45 DD DD DD DD", "+47 DDD DD DDD", "08-DDD DDD DD"),
        ("gmail.com", "outlook.com", "proton.me"),
    ),
    Culture(
        _t("Łukasz Zofia Małgorzata Paweł Jiří Kateřina Tomáš Agnieszka Bartosz Zuzana Michał"),
        _t("Wiśniewski Kowalczyk Dvořák Nowak Kamińska Novotná Zieliński Procházka Wójcik"),
        _t("Warszawa Kraków Praha Brno Wrocław Gdańsk"),
        ("+48 DDD DDD DDD", "+420 DDD DDD DDD"),
        ("wp.pl", "seznam.cz", "gmail.com"),
    ),
    Culture(
        _t("Ayşe Mehmet Çağla Emre Gökhan Şule Elif Burak Zeynep Oğuz İrem Can"),
        _t("Yılmaz Öztürk Çelik Şahin Kaya Demir Aydın Arslan Doğan Kılıç Güneş"),  # noqa: RUF001
        _t("İstanbul Ankara İzmir Bursa Antalya Berlin"),
        ("+90 5AA DDD DD DD", "0 (5AA) DDD DD DD"),
        ("gmail.com", "hotmail.com", "yandex.com"),
    ),
    Culture(
        _t("Minh Thảo Quang Lan Đức Hương Tuấn Ngọc Hải Linh Phương Khoa"),
        _t("Nguyễn Trần Lê Phạm Hoàng Võ Đặng Bùi Đỗ Huỳnh"),
        _t("Hà_Nội TP_Hồ_Chí_Minh Đà_Nẵng Singapore"),
        ("+84 9A DDD DD DD", "09A DDD DDDD"),
        ("gmail.com", "yahoo.com.vn"),
        family_first=True,
        middle=_t("Thị Văn Minh Ngọc Thanh Hữu"),
    ),
    Culture(
        _t("Chiamaka Oluwaseun Ngozi Emeka Adaeze Tunde Chidi Folake Ifeoma Kelechi Yetunde"),
        _t("Okafor Adeyemi Okonkwo Balogun Eze Nwosu Adebayo Okoro Ogunleye Uchenna"),
        _t("Lagos Abuja Accra Nairobi London Port_Harcourt"),
        ("+234 80A DDD DDDD", "080A DDD DDDD", "+233 2A DDD DDDD"),
        ("gmail.com", "yahoo.com"),
    ),
    Culture(
        _t("Priya Arjun Ananya Rahul Kavya Vikram Aditi Rohan Meera Siddharth Neha Karthik"),
        _t("Natarajan Malhotra Iyer Reddy Banerjee Chaudhary Menon Kulkarni Pillai Gupta Rao"),
        _t("Bengaluru Mumbai Pune Hyderabad Chennai Delhi"),
        ("+91 9ADDD DDDDD", "+91 98DDD DDDDD", "0AA DDDD DDDD"),
        ("gmail.com", "rediffmail.com", "outlook.com"),
    ),
    Culture(
        _t("Omar Layla Youssef Fatima Karim Nour Rania Tariq Salma Hassan Amira Ziad"),
        _t("Haddad Al-Sayed Khoury Mansour El-Amin Nasser Saleh Farouk Aziz Hamdan"),
        _t("Beirut Amman Dubai Cairo Casablanca Doha"),
        ("+961 7D DDD DDD", "+20 10 DDDD DDDD", "+971 5A DDD DDDD"),
        ("gmail.com", "hotmail.com", "outlook.com"),
    ),
    Culture(
        _t("عمر ليلى يوسف فاطمة كريم نور رانيا طارق سلمى حسن"),
        _t("حداد منصور خوري ناصر صالح فاروق عزيز حمدان"),
        _t("بيروت عمّان دبي القاهرة"),
        ("+966 5A DDD DDDD", "+962 7A DDD DDDD"),
        ("gmail.com", "hotmail.com"),
    ),
    Culture(
        _t("伟 芳 娜 敏 静 磊 洋 婷 杰 丽 强 霞 俊 慧"),
        _t("王 李 张 刘 陈 杨 赵 黄 周 吴"),
        _t("北京 上海 深圳 杭州 成都"),
        ("+86 13A DDDD DDDD", "+86 10 DDDD DDDD", "13A-DDDD-DDDD"),
        ("qq.com", "163.com", "gmail.com"),
        family_first=True,
        joined=True,
        middle=_t("晓 志 建 文 海 雪"),
    ),
    Culture(
        _t("Wei Fang Min Jing Lei Yang Ting Jie Li Qiang Xia Jun Hui"),
        _t("Wang Li Zhang Liu Chen Yang Zhao Huang Zhou Wu Lin"),
        _t("Shanghai Shenzhen Singapore Vancouver Hong-Kong Taipei"),
        ("+86 13A DDDD DDDD", "+65 DDDD DDDD", "+852 DDDD DDDD"),
        ("gmail.com", "qq.com", "outlook.com"),
        family_first=True,
    ),
    Culture(
        _t("花子 健太 陽菜 翔 美咲 大輝 結衣 蓮 さくら 悠斗"),
        _t("佐藤 鈴木 高橋 田中 渡辺 伊藤 山本 中村 小林"),
        _t("東京 大阪 京都 横浜 福岡"),
        ("+81 3-DDDD-DDDD", "03-DDDD-DDDD", "090-DDDD-DDDD"),
        ("yahoo.co.jp", "gmail.com", "docomo.ne.jp"),
        family_first=True,
    ),
    Culture(
        _t("Haruka Kenta Yuki Sho Misaki Daiki Yui Ren Sakura Yuto Aoi"),
        _t("Satō Suzuki Takahashi Tanaka Watanabe Itō Yamamoto Nakamura Kobayashi"),
        _t("Tokyo Osaka Kyoto Yokohama Fukuoka"),
        ("+81 3-DDDD-DDDD", "080-DDDD-DDDD"),
        ("gmail.com", "yahoo.co.jp"),
    ),
    Culture(
        _t("민준 서연 지우 하은 도윤 서준 예은 시우 지호 수아"),
        _t("김 이 박 최 정 강 조 윤 장"),
        _t("서울 부산 인천 대전"),
        ("+82 10-DDDD-DDDD", "010-DDDD-DDDD", "02-DDD-DDDD"),
        ("naver.com", "daum.net", "gmail.com"),
        family_first=True,
        joined=True,
    ),
    Culture(
        _t("Дмитрий Анна Сергей Ольга Наталья Алексей Ирина Михаил Елена Андрей Татьяна"),
        _t("Иванов Смирнов Кузнецов Попов Соколов Лебедев Козлов Новиков Морозов Волков"),
        _t("Москва Санкт-Петербург Новосибирск Казань"),
        ("+7 495 DDD-DD-DD", "8 (9AA) DDD-DD-DD", "+7 9AA DDD-DD-DD"),
        ("mail.ru", "yandex.ru", "gmail.com"),
    ),
    Culture(
        _t("Γιώργος Μαρία Νίκος Ελένη Δημήτρης Κατερίνα Κώστας Σοφία Γιάννης Άννα"),
        _t("Παπαδόπουλος Οικονόμου Γεωργίου Νικολάου Ιωάννου Κωνσταντίνου Αθανασίου"),
        _t("Αθήνα Θεσσαλονίκη Πάτρα Ηράκλειο"),
        ("+30 21D DDD DDDD", "+30 69D DDD DDDD"),
        ("gmail.com", "yahoo.gr"),
    ),
    Culture(
        _t("प्रिया राहुल अनन्या विक्रम कविता अर्जुन नेहा रोहन"),
        _t("शर्मा वर्मा गुप्ता सिंह पटेल जोशी"),
        _t("मुंबई दिल्ली पुणे जयपुर"),
        ("+91 9ADDD DDDDD", "+91 7ADDD DDDDD"),
        ("gmail.com", "rediffmail.com"),
    ),
    Culture(
        _t("נועה איתי תמר יונתן מאיה אורי שירה דניאל"),
        _t("כהן לוי מזרחי פרץ ביטון אברהם פרידמן"),
        _t("תל_אביב ירושלים חיפה"),
        ("+972 5A-DDD-DDDD", "05A-DDD-DDDD"),
        ("gmail.com", "walla.co.il"),
    ),
    Culture(
        _t("Siobhán Seán Aoife Ciarán Niamh Pádraig Orla Eoin Caoimhe Darragh"),
        _t("O'Sullivan Ó_Briain Murphy Kelly Walsh McCarthy Byrne Ní_Bhriain Doyle"),
        _t("Dublin Cork Galway Limerick"),
        ("+353 8A DDD DDDD", "08A DDD DDDD", "+353 1 DDD DDDD"),
        ("gmail.com", "eircom.net"),
    ),
    Culture(
        _t("João Ana Gonçalo Beatriz Luís Mariana Tiago Inês Conceição Caio Larissa"),
        _t("Silva Santos Oliveira Souza Gonçalves Araújo Magalhães Conceição Ribeiro Lima"),
        _t("São_Paulo Rio_de_Janeiro Lisboa Porto Belo_Horizonte"),
        ("+55 11 9DDDD-DDDD", "(11) 9DDDD-DDDD", "+351 9AD DDD DDD"),
        ("gmail.com", "uol.com.br", "sapo.pt"),
        middle=_t("Costa Pereira Almeida Ferreira Carvalho"),
    ),
)

COMPANY_ROOTS = _t(
    "Acme Globex Initech Umbrella Hooli Vandelay Stark Wayne Soylent Tyrell Nordlicht Kestrel "
    "Lumière Baobab Fjord Sakura Meridian Quokka Helix Aurora Cobalt Juniper Polaris Sable "
    "Tessera Vireo Zephyr Alder Borealis Cascade Dunlin Ember Falcon Granite Harbor Indigo "
    "Jasper Kōbō Lagoon Monsoon Nimbus Orchard Pinnacle Quarry Riverbend Saffron Tundra "
    "Umber Verdant Willow Xanadu Yarrow Zenith Atlas Beacon Cedar Delta Estuary Fennec "
    "Grünwald Hélios Istmo Jacarandá Kiwi Lumen Mistral Nébula Oasis Pampa Quetzal Rivière "
    "Søndre Tórshavn"
)
COMPANY_KINDS = _t(
    "Robotics Health Analytics Logistics Bank Labs Systems Energy Foods Media Games Insurance "
    "Mobility Software Bio Capital Learning Retail Cloud Security Studio Telecom Travel "
    "Consulting Foundation"
)
COMPANY_FORMS = ("", "", "", "", " GmbH", " Ltd", " Inc.", " AG", " SA", " & Co")
COMPANY_TLDS = (".com", ".com", ".io", ".de", ".co.uk", ".fr", ".co", ".net")
CAREERS: dict[str, tuple[str, ...]] = {
    "Product management": ("Product Manager", "Senior Product Manager", "Group PM", "CPO"),
    "Data science": ("Data Scientist", "Senior Data Scientist", "ML Engineer", "Head of Data"),
    "UX research": ("UX Researcher", "Research Lead", "Design Researcher"),
    "Engineering management": ("Engineering Manager", "Director of Engineering", "VP Eng"),
    "Developer relations": ("Developer Advocate", "DevRel Lead", "Community Manager"),
    "Technical writing": ("Technical Writer", "Documentation Lead", "Content Designer"),
    "Product design": ("Product Designer", "Senior Designer", "Design Manager"),
    "Data engineering": ("Data Engineer", "Analytics Engineer", "Platform Lead"),
    "Security": ("Security Engineer", "Security Analyst", "CISO"),
    "Consulting": ("Consultant", "Senior Consultant", "Partner"),
    "Sales engineering": ("Solutions Engineer", "Sales Engineer", "Solutions Architect"),
    "Operations": ("Operations Manager", "Program Manager", "Chief of Staff"),
}
TOPICS = _t(
    "skills day-to-day hiring culture career-path tools remote compensation interviews "
    "portfolio mentoring industry-trends onboarding promotion team-structure stakeholders "
    "roadmaps metrics writing certifications networking burnout relocation side-projects "
    "management leadership visa salary-bands on-call ai open-source research customers"
)
RELATIONSHIPS = ("alumni", "colleague", "friend", "referral", "cold", "other")
FORMATS = ("coffee", "video", "video", "video", "phone", "in-person", "email")
PURPOSES = ("career", "career", "career", "company", "job", "industry", "certification")
TOOLS = _t("SQL Python Figma Jira dbt Airflow Tableau Looker Notion Kubernetes Excel Miro")
EVENTS = (
    "a meetup on data tooling",
    "the alumni dinner",
    "a conference workshop",
    "a hackathon",
    "a design sprint we both joined",
    "an online course forum",
    "a friend's birthday",
    "the company open day",
)
BOOKS = ("Inspired", "The Manager's Path", "Just Enough Research", "Designing Data-Intensive Apps")
QUESTIONS = (
    "What does a normal week look like for you?",
    "What surprised you most in your first six months?",
    "How did you move into {career}?",
    "What do hiring managers at {company} look for in a junior {role}?",
    "Which skills from my current job would transfer, and which would not?",
    "What would you do in my position in the next three months?",
    "How is the team structured, and who do you work with most?",
    "What does a good first year look like in this role?",
    "How do you measure whether your work made a difference?",
    "Which tools do you use every day, and which could I learn on my own?",
    "What is the interview process like at {company}?",
    "Is a certificate worth it, or does a portfolio matter more?",
    "What do you wish you had known before you started?",
    "How much of the work is remote, and how does the team keep in touch?",
    "How do promotions work, and how long do they usually take?",
    "What are the hardest parts of the job that nobody talks about?",
    "Which companies in {city} are hiring for this kind of role?",
    "What would make an application stand out to you?",
    "How has AI changed the day-to-day work in the last year?",
    "Who else should I talk to?",
)
NOTES = (
    "{first} moved into {career} from a support role after about {n} years.",
    "Roughly {pct}% of the week goes to meetings with engineering and design.",
    "The team at {company} is small: {n} people, with one manager who still does hands-on work.",
    "They hire for curiosity first and for specific tools second.",
    "A portfolio of two small, finished projects mattered more to them than any certificate.",
    "Remote work is the norm, with one week a quarter on site in {city}.",
    "Expect a take-home exercise and a presentation to the whole team.",
    "{first} uses {tool} and {tool2} every day and suggested learning {tool} first.",
    "Most of the hard work is aligning people who want different things.",
    "The first {n} months were mostly listening: shadowing customers and reading old tickets.",
    "Promotions follow a written ladder, reviewed twice a year.",
    "They were candid that the pay band for a junior {role} is lower than I assumed.",
    "Their manager blocks Friday afternoons for writing, which {first} swears by.",
    "On-call is shared across {n} people, about one week in {n2}.",
    "The company grew from {n} to {n2}0 people in two years, and process is catching up.",
    "{first} recommended reading {book} before any interview.",
    "Half the team came from other careers: teaching, logistics, journalism.",
    "Writing clearly is the skill that separates good candidates, according to {first}.",
    "Decisions are made in short written proposals, reviewed asynchronously.",
    "The hardest part is saying no to a loud stakeholder with a good argument.",
    "They run user interviews every week; anyone on the team can sit in.",
    "Budget season in {city} starts in September, so most hiring opens in October.",
    "{first} would not do the bootcamp again; the free material was as good.",
    "We talked for ten minutes about {tool}, which they are replacing this year.",
)
WEB_LINKS = (
    ("the careers page", "https://careers.{domain}/jobs"),
    ("a talk on roadmaps", "https://conf.example.org/talks/{n}"),
    ("their blog post on hiring", "https://blog.{domain}/posts/hiring-{n}"),
    ("the salary survey", "https://survey.example.net/{year}/results"),
    ("a reading list", "https://notes.example.org/reading/{n}"),
)
INSIGHTS = (
    "Internal transfers are the most common route into {career} at {company}. #career-path",
    "About {pct}% of the week goes to {activity}. #day-to-day",
    "A finished side project beats a certificate in interviews. #portfolio #skills",
    "Hiring managers read the first paragraph of a cover letter and nothing else. #hiring",
    "{tool} is the one tool everybody is expected to know on day one. #tools #skills",
    "Remote teams write more and meet less; good writing is a hiring signal. #remote #writing",
    "Pay bands are published internally, so negotiation happens on level, not salary. "
    "#compensation #salary-bands",
    "The take-home exercise is judged on how you explain trade-offs. #interviews",
    "Mentors inside the company matter more than the formal onboarding. #mentoring #onboarding",
    "Most promotions come from owning a project end to end. #promotion",
    "Stakeholders trust numbers they helped define. #stakeholders #metrics",
    "Teams of {n} or fewer ship faster than the big ones here. #team-structure",
    "AI tools changed the first draft of everything but not the review. #ai #tools",
    "Open-source contributions got {first} the first interview. #open-source #networking",
    "Relocation to {city} is supported, but the visa takes {n} months. #relocation #visa",
    "Customers' own words are the best input for a roadmap. #customers #roadmaps",
    "Burnout comes from context switching, not hours. #burnout #culture",
    "Research is only useful if it changes a decision that week. #research",
    "Networking works best as asking for advice, never for a job. #networking",
    "A manager's first year is mostly learning to delegate. #management #leadership",
)
ACTIVITIES = (
    "working with engineering",
    "customer calls",
    "writing specs",
    "reviewing dashboards",
    "unblocking the team",
    "stakeholder updates",
)
TASKS = (
    "Send thank-you note",
    "Read {book}",
    "Ask {first} for an introduction to someone at {company}",
    "Update my CV with the {tool} project",
    "Draft a one-page problem statement from last quarter's tickets",
    "Follow up in {n} weeks",
    "Apply to the open {role} role",
    "Try the free {tool} course",
    "Share my portfolio link",
    "Book the next conversation",
)
PREP = (
    "Prep: read their last two blog posts and the {company} job ads for {role}.",
    "Prep: {first} was introduced through the alumni group; keep it to 25 minutes.",
    "Prep: ask about the move into {career}, and whether {city} is an option.",
    "Background: {company} is hiring for two {role} positions this quarter.",
)
PROCESS_TABLE = (
    "| Stage | Length | What they look for |\n"
    "|---|---|---|\n"
    "| Recruiter call | 30 min | motivation, salary range |\n"
    "| Take-home | {n} h | clear trade-offs |\n"
    "| Panel | half a day | collaboration, writing |\n"
)
TOOLS_TABLE = (
    "| Tool | Used for | Learn first? |\n"
    "|---|---|---|\n"
    "| {tool} | daily work | yes |\n"
    "| {tool2} | reporting | later |\n"
)
FREE_TEXT_REFERRALS = (
    "Lena from the data team",
    "a recruiter at {company}",
    "their former manager",
    "someone from the {city} meetup",
)


@dataclass
class Person:
    number: int  # place in the knowledge base: makes the phone number this person's own
    id: str
    name: str
    first: str
    culture: Culture
    company: str
    career: str
    private: bool = False
    introduced_by: str | None = None
    referred: list[str] | None = None


class _Random(random.Random):
    def pick(self, items: Sequence[str]) -> str:
        return items[self.randrange(len(items))]

    def chance(self, p: float) -> bool:
        return self.random() < p


def generate(root: Path, size: int, seed: int = SEED) -> int:
    """Write a knowledge base of `size` people and about 3 x `size` interviews; return its files."""
    rng = _Random(seed)
    (root / "people").mkdir(parents=True, exist_ok=True)
    (root / "interviews").mkdir(exist_ok=True)
    companies = _companies(rng)
    people = _people(rng, size, companies)
    _write(root / "tool.toml", _settings(companies))
    public = [p for p in people if not p.private]
    interviews = _schedule(rng, people)
    contacts: set[str] = set()
    for person in people:
        text = _person_file(rng, person, companies[person.company], contacts)
        _write(root / "people" / f"{person.id}.md", text)
    taken: set[str] = set()
    for when, person, k, total in interviews:
        referrals = person.referred[k::total] if person.referred else []
        text = _interview_file(rng, person, when, referrals, public)
        name = _unique(f"{when.isoformat()}-{person.id}", taken)
        _write(root / "interviews" / f"{name}.md", text)
    return len(people) + len(interviews)


def _write(path: Path, text: str) -> None:
    with path.open("x", encoding="utf-8", newline="") as file:  # never over someone's notes
        file.write(text)


def _unique(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`...: the tool's own rule for namesakes."""
    candidate, n = base, 1
    while id_key(candidate) in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(id_key(candidate))
    return candidate


def _companies(rng: _Random) -> dict[str, str]:
    """A few hundred company names, each with its web domain, biggest employers first."""
    pairs = [(root, kind) for root in COMPANY_ROOTS for kind in COMPANY_KINDS]
    found: dict[str, str] = {}
    for root, kind in rng.sample(pairs, COMPANY_COUNT):
        name = f"{root} {kind}{rng.pick(COMPANY_FORMS)}"
        domain = slugify(unidecode(f"{root} {kind}")) + rng.pick(COMPANY_TLDS)
        found[name] = domain
    return found


def _people(rng: _Random, size: int, companies: dict[str, str]) -> list[Person]:
    names = list(companies)
    # Big employers and many small ones: weights fall with rank.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(names))]
    cumulative = [sum(weights[: i + 1]) for i in range(len(weights))]
    careers = list(CAREERS)
    taken: set[str] = set()
    people: list[Person] = []
    for number in range(size):
        culture = CULTURES[rng.randrange(len(CULTURES))]
        name, first = _name(rng, culture)
        person = Person(
            number=number,
            id=_unique(slugify(name), taken),
            name=name,
            first=first,
            culture=culture,
            company=rng.choices(names, cum_weights=cumulative)[0],
            career=rng.pick(careers),
        )
        if people and rng.chance(0.4):
            # Most introductions come from someone met recently: chains grow.
            recent = people[-30:] if rng.chance(0.7) else people
            sponsor = recent[rng.randrange(len(recent))]
            if not sponsor.private:
                person.introduced_by = sponsor.id
                sponsor.referred = [*(sponsor.referred or []), person.id]
        people.append(person)
    # A few people are private; their names must be theirs alone, or a namesake's page in a
    # shared digest would look like a leak. No introduction, referral or link names them.
    counts: dict[str, int] = {}
    for person in people:
        counts[person.name] = counts.get(person.name, 0) + 1
    for person in people:
        alone = counts[person.name] == 1 and not person.referred and not person.introduced_by
        if alone and rng.chance(0.04):
            person.private = True
    return people


def _name(rng: _Random, culture: Culture) -> tuple[str, str]:
    """A full name as the culture writes it, and the given name."""
    given, family = rng.pick(culture.given), rng.pick(culture.family)
    middle = rng.pick(culture.middle) if culture.middle and rng.chance(0.4) else ""
    parts = [family, middle, given] if culture.family_first else [given, middle, family]
    name = ("" if culture.joined else " ").join(p for p in parts if p)
    return name, given


def _settings(companies: dict[str, str]) -> str:
    names = list(companies)
    return (
        '[me]\nname = "Bench Mark"\n\n[defaults]\nstay_in_touch = 120\n\n'
        f"[targets]\ncareers = {_toml_list(list(CAREERS)[:3])}\n"
        f"companies = {_toml_list(names[:3] + names[40:42])}\n\n"
        '[digest]\ntitle = "Benchmark interviews"\n'
    )


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def _phone(rng: _Random, person_number: int, formats: Sequence[str]) -> str:
    """A number in one of `formats`; its last seven `D` digits belong to this person alone."""
    pattern = rng.pick(formats)
    own = f"{(person_number * 7_919 + 1_234_567) % 10_000_000:07d}"
    width = pattern.count("D")
    digits = iter("".join(str(rng.randrange(10)) for _ in range(width - 7)) + own)
    return "".join(
        next(digits) if c == "D" else str(rng.randrange(1, 10)) if c == "A" else c for c in pattern
    )


def _ascii(text: str) -> str:
    return slugify(unidecode(text)).replace("-", "") or "x"


def _contacts(rng: _Random, person: Person, domain: str, taken: set[str]) -> list[str]:
    """Front-matter lines with an email address, phone number and LinkedIn URL of their own."""
    culture = person.culture
    words = person.name.split() if " " in person.name else [person.first, person.name]
    first, last = _ascii(words[0]), _ascii(words[-1])
    local = rng.pick((f"{first}.{last}", f"{first[0]}{last}", f"{first}{last}", f"{last}.{first}"))
    email = f"{local}@{domain if rng.chance(0.45) else rng.pick(culture.mail)}"
    if email in taken:  # a namesake, or a name that transliterates alike
        email = email.replace("@", f"{person.number}@")
    linkedin = f"https://www.linkedin.com/in/{_ascii(person.name)}-{rng.getrandbits(32):08x}"
    if linkedin in taken:
        linkedin += f"-{person.number}"
    taken |= {email, linkedin}
    phone = _phone(rng, person.number, culture.phones)
    return [
        f"email: {email}",
        f'phone: "{phone}"' if rng.chance(0.8) else f"phone: {phone}",
        f"linkedin: {linkedin}",
    ]


def _person_file(rng: _Random, person: Person, domain: str, taken: set[str]) -> str:
    lines = [
        "---",
        f"name: {person.name}",
        f"company: {person.company}",
        f"role: {rng.pick(CAREERS[person.career])}",
        f"career: {person.career}",
        f"location: {rng.pick(person.culture.cities)}",
        *_contacts(rng, person, domain, taken),
    ]
    if person.introduced_by:
        lines.append(f"introduced_by: {person.introduced_by}")
    relationship = "referral" if person.introduced_by else rng.pick(RELATIONSHIPS)
    lines.append(f"relationship: {relationship}")
    lines.append(f"tags: [{', '.join(rng.sample(TOPICS, rng.randrange(1, 4)))}]")
    if rng.chance(0.1):
        lines.append(f"stay_in_touch: {rng.pick(('30', '60', '90', '180'))}")
    if person.private:
        lines.append("private: true")
    lines.append("---")
    met = rng.pick(EVENTS)
    body = [f"Met at {met} in {2023 + rng.randrange(3)}."]
    if rng.chance(0.6):
        body.append(
            f"Works on {rng.pick(ACTIVITIES)} at {person.company}; "
            f"knows {rng.pick(TOOLS)} well and is happy to review a portfolio."
        )
    if rng.chance(0.3):
        body.append(
            f"Prefers a short message over a call. Likes talking about #{rng.pick(TOPICS)}."
        )
    return "\n".join(lines) + "\n" + "\n\n".join(body) + "\n"


def _schedule(rng: _Random, people: list[Person]) -> list[tuple[date, Person, int, int]]:
    """3 x len(people) interviews over two years, for people drawn at random."""
    counts = [0] * len(people)
    for _ in range(INTERVIEWS_PER_PERSON * len(people)):
        counts[rng.randrange(len(people))] += 1
    out = []
    for person, count in zip(people, counts, strict=True):
        days = sorted(rng.randrange(SPAN_DAYS) for _ in range(count))
        out += [(FIRST_DAY + timedelta(days=d), person, k, count) for k, d in enumerate(days)]
    return out


def _interview_file(
    rng: _Random, person: Person, when: date, referrals: list[str], public: list[Person]
) -> str:
    status = _status(rng, when)
    slots = _slots(rng, person)
    lines = [
        "---",
        f"person: {person.id}",
        f"date: {when.isoformat()}",
        f"status: {status}",
    ]
    if status != "idea":
        lines.append(f"requested: {(when - timedelta(days=rng.randrange(2, 21))).isoformat()}")
    lines += [
        f"format: {rng.pick(FORMATS)}",
        f"duration: {rng.pick(('20', '25', '30', '30', '45'))}",
        f"purpose: {rng.pick(PURPOSES)}",
    ]
    if status == "done" and rng.chance(0.85):
        lines.append(f"thanked: {(when + timedelta(days=rng.pick((0, 0, 1, 2, 4)))).isoformat()}")
    if status == "done" and rng.chance(0.35):
        lines.append(f"follow_up: {(when + timedelta(days=rng.randrange(14, 90))).isoformat()}")
    named = [*referrals]
    if status == "done" and rng.chance(0.1):
        named.append(f'"{rng.pick(FREE_TEXT_REFERRALS).format(**slots)}"')
    if named:
        lines.append(f"referrals: [{', '.join(named)}]")
    if rng.chance(0.3):
        lines.append(f"tags: [{rng.pick(TOPICS)}]")
    lines.append("---")
    body = _interview_body(rng, status, slots, public, person.private)
    return "\n".join(lines) + "\n" + body + "\n"


def _status(rng: _Random, when: date) -> str:
    if when < TODAY - timedelta(days=14):
        return rng.choices(("done", "declined", "cancelled", "requested"), (80, 8, 7, 5))[0]
    if when < TODAY:
        return rng.choices(("done", "scheduled", "requested"), (70, 20, 10))[0]
    return rng.choices(("scheduled", "requested", "idea"), (55, 30, 15))[0]


def _slots(rng: _Random, person: Person) -> dict[str, str]:
    tool, tool2 = rng.sample(TOOLS, 2)
    n = rng.randrange(2, 9)
    return {
        "first": person.first,
        "career": person.career.lower(),
        "company": person.company,
        "role": rng.pick(CAREERS[person.career]),
        "city": rng.pick(person.culture.cities),
        "tool": tool,
        "tool2": tool2,
        "book": f'"{rng.pick(BOOKS)}"',
        "activity": rng.pick(ACTIVITIES),
        "n": str(n),
        "n2": str(n + rng.randrange(1, 5)),
        "pct": str(rng.randrange(2, 9) * 10),
        "year": str(TODAY.year - rng.randrange(2)),
        "domain": f"{_ascii(person.company)}.example.com",
    }


def _interview_body(
    rng: _Random, status: str, slots: dict[str, str], public: list[Person], private: bool
) -> str:
    def fill(template: str) -> str:
        return template.format(**slots)

    # A private note's paragraph made of stock sentences alone could also sit inside a public
    # one, and the shared digest would rightly refuse to be built: each says it is private.
    lead = "Off the record. " if private else ""
    questions = rng.sample(QUESTIONS, rng.randrange(3, 7) if status == "done" else 6)
    parts = ["## Questions\n" + "".join(f"{i}. {fill(q)}\n" for i, q in enumerate(questions, 1))]
    if status != "done":
        prep = [fill(p) for p in rng.sample(PREP, 2)]
        heard = " ".join(fill(n) for n in rng.sample(NOTES, rng.randrange(2, 5)))
        parts.append(f"## Notes\n{lead}{' '.join(prep)}\n\n{lead}What I know so far: {heard}\n")
        if status in ("scheduled", "requested"):
            parts.append("## Next steps\n- [ ] Confirm the time\n- [ ] Reread the notes\n")
        return "\n".join(parts)
    sentences = [fill(s) for s in rng.sample(NOTES, rng.randrange(6, 17))]
    paragraphs = []
    while sentences:
        cut = rng.randrange(2, 5)
        paragraph, sentences = sentences[:cut], sentences[cut:]
        if not private and rng.chance(0.12):
            label, url = WEB_LINKS[rng.randrange(len(WEB_LINKS))]
            paragraph.append(f"See [{label}]({fill(url)}).")
        if not private and rng.chance(0.08):
            other = public[rng.randrange(len(public))]
            paragraph.append(f"We talked about [{other.name}](../people/{other.id}.md).")
        paragraphs.append(lead + " ".join(paragraph))
    if rng.chance(0.08):
        table = fill(rng.pick((PROCESS_TABLE, TOOLS_TABLE))).rstrip()
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), table)
    parts.append("## Notes\n" + "\n\n".join(paragraphs) + "\n")
    insights = [fill(i) for i in rng.sample(INSIGHTS, rng.randrange(2, 6))]
    parts.append("## Insights\n" + "".join(f"- {i}\n" for i in insights))
    tasks = ["Send thank-you note", *(fill(t) for t in rng.sample(TASKS[1:], rng.randrange(1, 4)))]
    done = rng.randrange(len(tasks) + 1)
    ticks = ["x" if k < done else " " for k in range(len(tasks))]
    parts.append(
        "## Next steps\n" + "".join(f"- [{x}] {t}\n" for x, t in zip(ticks, tasks, strict=True))
    )
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="folder to write (created if missing)")
    parser.add_argument("--size", type=int, default=1000, help="people (files: 4 x size)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    try:
        count = generate(args.root, args.size, args.seed)
    except FileExistsError as error:
        sys.exit(f"Error: {error.filename} exists; generate into a new folder")
    print(f"wrote {count} files to {args.root}")


if __name__ == "__main__":
    main()
