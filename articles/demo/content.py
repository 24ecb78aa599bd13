"""Fictional sections, bylines and stories for the demo site (``seed_demo``).

Everything here was written for Newsroom: the companies, programmes,
exercises and the allied countries Aldmark, Veskia and Estmere are invented,
and quotes are attributed to roles rather than to people. Links point at
reserved example domains. Datelines are real cities used only as places.

``days_ago`` is relative to the day the seed runs; negative values are
future publish times. ``state`` names the workflow state the story is left in.
"""

SECTIONS = [
    {
        "name": "Air Defence",
        "slug": "air-defence",
        "description": "Radars, interceptors and the crews who keep the skies watched: "
        "ground-based air and missile defence, counter-drone work and early warning.",
        "order": 1,
    },
    {
        "name": "Land Forces",
        "slug": "land-forces",
        "description": "Armour, artillery, infantry and logistics: the army's "
        "equipment, training, exercises and people.",
        "order": 2,
    },
    {
        "name": "Naval",
        "slug": "naval",
        "description": "Frigates, submarines, patrol vessels and naval aviation, "
        "from the shipyard to deployments at sea.",
        "order": 3,
    },
    {
        "name": "Aerospace",
        "slug": "aerospace",
        "description": "Combat and transport aircraft, helicopters, drones and "
        "military space.",
        "order": 4,
    },
    {
        "name": "Industry",
        "slug": "industry",
        "description": "Contracts, budgets, exports, factories and the supply chain "
        "behind the armed forces.",
        "order": 5,
    },
]

AUTHORS = [
    {
        "slug": "maren-ostrova",
        "name": "Maren Ostrova",
        "bio": "Defence correspondent covering land forces and air defence. Previously "
        "reported on regional politics and the border guard.",
        "user": "reporter",
    },
    {
        "slug": "tobias-lindqvist-hale",
        "name": "Tobias Lindqvist-Hale",
        "bio": "News editor. Writes on procurement, budgets and the defence committee.",
        "user": "editor",
    },
    {
        "slug": "priya-achterberg",
        "name": "Priya Achterberg",
        "bio": "Standards editor, responsible for corrections and reader complaints. "
        "Occasionally reports on personnel and recruitment.",
        "user": "moderator",
    },
    {
        "slug": "callum-reyes-whitford",
        "name": "Callum Reyes-Whitford",
        "bio": "Naval correspondent. Has sailed with frigates, patrol vessels and a "
        "mine countermeasures squadron.",
    },
    {
        "slug": "ingrid-solberg-maas",
        "name": "Ingrid Solberg-Maas",
        "bio": "Aerospace correspondent covering combat aircraft, drones and military "
        "space programmes.",
    },
    {
        "slug": "anouk-brennan",
        "name": "Anouk Brennan",
        "bio": "Industry correspondent. Follows the defence supply chain from prime "
        "contractors to small machine shops.",
    },
    {
        "slug": "rafe-mallory",
        "name": "Rafe Mallory",
        "bio": "Freelance contributor and former artillery officer writing on training "
        "and readiness.",
    },
    {
        "slug": "baltic-wire-service",
        "name": "Baltic Wire Service",
        "bio": "Regional news agency covering the Baltic and Nordic states.",
        "is_agency": True,
    },
    {
        "slug": "continental-press-agency",
        "name": "Continental Press Agency",
        "bio": "International news agency.",
        "is_agency": True,
    },
]

STORIES = [
    # --- Air Defence --------------------------------------------------------------
    {
        "headline": "Army takes delivery of first Palisade short-range air defence batteries",
        "standfirst": "Two batteries of truck-mounted launchers have been handed over a "
        "month early, closing a gap the army has carried since its last systems "
        "were retired.",
        "body": (
            "<p>The army has taken delivery of the first two batteries of the "
            "<strong>Palisade</strong> short-range air defence system, ending a "
            "six-year period in which manoeuvre brigades had no dedicated protection "
            "against helicopters, drones and low-flying aircraft.</p>"
            "<p>Each battery comprises four launchers on Falkmoor Vehicles 6x6 trucks, "
            "a command post and a Corvid Radar surveillance sensor mounted on a "
            "separate vehicle. The launchers carry eight ready-to-fire missiles and "
            "can be reloaded by their own crane in under fifteen minutes.</p>"
            "<blockquote>These batteries go to the brigades first, not to a training "
            "depot. Crews will learn the system in the field, alongside the units they "
            "are meant to protect.</blockquote>"
            "<p>That was the message from the head of the army's air defence branch "
            "at a handover ceremony attended by crews from both batteries. Training "
            "began last autumn on simulators supplied by Tarrant Dynamics, the "
            "missile's manufacturer.</p>"
            "<p>A further six batteries are due by the end of next year under the "
            "contract signed in 2024. The ministry has an option for four more, which "
            "officials say will be decided in the spring spending review.</p>"
        ),
        "section": "air-defence",
        "authors": ["maren-ostrova"],
        "tags": ["air defence", "palisade", "procurement", "army", "missiles"],
        "dateline": "Bristol",
        "source": "Ministry of Defence statement",
        "days_ago": 3,
        "state": "live",
        "pending_change": {
            "standfirst": "The first two batteries of the short-range system are now "
            "with front-line brigades; six more follow by the end of next year.",
            "submit": True,
        },
        "image": {
            "kind": "launcher",
            "title": "Palisade launchers at handover",
            "alt_text": "Two truck-mounted missile launchers with their launch boxes "
            "raised on an open field",
            "caption": "Palisade launchers during the handover to the army's first two "
            "batteries.",
            "credit": "Army Media Centre/K. Ferrand",
        },
    },
    {
        "headline": "Coastal radar chain to get new long-range sensors under 14-year contract",
        "standfirst": "Corvid Radar will replace the sensors at nine coastal sites and "
        "maintain them until 2040.",
        "body": (
            "<p>The Defence Procurement Agency has awarded Corvid Radar a contract "
            "worth €410 million to replace and support the long-range air surveillance "
            "radars along the country's coast.</p>"
            "<p>The nine existing sensors, some of which entered service in the 1990s, "
            "have become increasingly expensive to keep running. Agency documents "
            "describe obsolete processing cards that are now sourced from stripped "
            "systems and a rising number of unplanned outages during winter storms.</p>"
            "<h2>Gallium nitride and a common software base</h2>"
            "<p>The replacement radars use gallium nitride transmit modules and share "
            "software with the mobile Lodestone radar already in army service. The "
            "agency says that commonality should cut training and spare parts costs "
            "by about a fifth.</p>"
            "<p>Installation will take place one site at a time so that coverage is "
            "never reduced by more than one sensor. The first new radar is due to be "
            "operational in the second half of next year.</p>"
        ),
        "section": "air-defence",
        "authors": ["tobias-lindqvist-hale"],
        "tags": [
            "radar",
            "air defence",
            "contracts",
            "coastal defence",
            "early warning",
        ],
        "dateline": "Aberdeen",
        "source": "Defence Procurement Agency contract notice",
        "days_ago": 9,
        "state": "live",
        "pending_change": {
            "standfirst": "Corrected figures from the ministry put the programme's "
            "first phase slightly behind the original plan.",
            "submit": False,
        },
        "image": {
            "kind": "radar",
            "title": "Coastal radar station radome",
            "alt_text": "A white radar dome on a lattice tower above a low building",
            "caption": "One of the nine coastal radar sites due for new sensors.",
            "credit": "Newsroom/Staff",
        },
    },
    {
        "headline": "Interceptor destroys high-speed target drone in live-fire trial over northern range",
        "standfirst": "The firing was the last of four qualification shots before the "
        "missile's full-rate production decision.",
        "body": (
            "<p>An interceptor fired from a Palisade launcher destroyed a jet-powered "
            "target drone flying at low level over the northern test range on Tuesday, "
            "completing the missile's qualification campaign.</p>"
            "<p>The target was flown on a profile meant to represent a cruise missile "
            "approaching below the radar horizon, then climbing sharply in its final "
            "seconds. Range officials said the interceptor passed within lethal "
            "distance and its warhead detonated as designed.</p>"
            "<p>Three earlier firings tested the missile against a slow drone, a "
            "crossing target and a target released from a helicopter. All four shots "
            "were successful, according to the Defence Procurement Agency.</p>"
            "<p>The agency will now recommend whether the missile should move to "
            "full-rate production. A decision is expected within weeks.</p>"
        ),
        "section": "air-defence",
        "authors": ["maren-ostrova", "baltic-wire-service"],
        "tags": ["air defence", "trials", "live fire", "missiles", "test range"],
        "dateline": "Tromsø",
        "source": "Defence Procurement Agency",
        "days_ago": 0,
        "state": "live",
        "image": {
            "kind": "launcher",
            "title": "Launcher on the northern range before the firing",
            "alt_text": "A missile launcher vehicle silhouetted on a ridge at dawn",
            "caption": "A Palisade launcher on the northern range before the "
            "qualification firing.",
            "credit": "Baltic Wire Service",
        },
    },
    {
        "headline": "Counter-drone teams to be attached to every armoured brigade by 2028",
        "standfirst": "Each brigade will get a platoon equipped with jammers, small radars "
        "and gun-armed vehicles, the army's equipment chief told a conference.",
        "body": (
            "<p>Every armoured brigade will have its own counter-drone platoon within "
            "three years, the army's director of capability said at an industry "
            "conference on Wednesday.</p>"
            "<p>The platoons will combine three layers of protection:</p>"
            "<ul><li>short-range radars able to detect small quadcopters;</li>"
            "<li>radio-frequency jammers and direction finders;</li>"
            "<li>vehicles armed with remotely operated cannon firing programmable "
            "ammunition.</li></ul>"
            "<p>The army has run two trial platoons for the past year. Lessons from "
            "those trials, the director said, included the need to move the radar "
            "every few hours to avoid being located, and the value of simple visual "
            "observers with binoculars.</p>"
            "<p>The equipment will be bought in small batches so that it can be "
            "updated as drone technology changes. The first contracts are expected "
            "this summer.</p>"
        ),
        "section": "air-defence",
        "authors": ["maren-ostrova"],
        "tags": ["counter-drone", "drones", "electronic warfare", "army", "radar"],
        "dateline": "Warsaw",
        "source": "Conference remarks",
        "days_ago": 17,
        "state": "live",
        "image": {
            "kind": "radar",
            "title": "Counter-drone radar vehicle on trial",
            "alt_text": "A truck carrying a tilted flat radar panel parked on grassland",
            "caption": "A short-range radar used by one of the army's trial "
            "counter-drone platoons.",
            "credit": "Army Media Centre/K. Ferrand",
        },
    },
    {
        "headline": "Defence committee questions cost of ballistic missile defence study",
        "standfirst": "Members asked why a two-year feasibility study has already cost "
        "more than its original budget, with a year still to run.",
        "body": (
            "<p>Members of the parliamentary defence committee pressed ministry "
            "officials on Thursday over the rising cost of a study into whether the "
            "country should acquire a ballistic missile defence capability.</p>"
            "<p>The study, launched two years ago with a budget of €18 million, has "
            "spent €21 million so far. Officials said the increase came from extra "
            "modelling work requested after allied governments shared new threat "
            "assessments.</p>"
            "<blockquote>Nobody on this committee is against the study. We are against "
            "finding out about overspends from a footnote.</blockquote>"
            "<p>The committee's chair said members would write to the ministry "
            "asking for quarterly cost reports until the study ends. Officials "
            "agreed to provide them.</p>"
            "<p>A decision on whether to proceed to a procurement programme is not "
            "expected before the next defence review.</p>"
        ),
        "section": "air-defence",
        "authors": ["tobias-lindqvist-hale"],
        "tags": [
            "ballistic missile defence",
            "parliament",
            "defence committee",
            "budget",
        ],
        "dateline": "Brussels",
        "source": "Defence committee hearing",
        "days_ago": 26,
        "state": "live",
        "image": {
            "kind": "building",
            "title": "Parliament building at dusk",
            "alt_text": "A columned government building with a flag, lit windows at dusk",
            "caption": "The defence committee met on Thursday afternoon.",
            "credit": "Continental Press Agency/M. Lund",
        },
    },
    {
        "headline": "Air defence crews train in sub-zero conditions on exercise Frostline",
        "standfirst": "Temperatures down to minus 28C tested batteries, hydraulics and "
        "crews during the three-week exercise.",
        "body": (
            "<p>Around 600 air defence soldiers have finished three weeks of training "
            "in the far north on exercise <em>Frostline</em>, the largest cold-weather "
            "deployment of the branch in a decade.</p>"
            "<p>Crews practised moving launchers and radars at night on snow-covered "
            "tracks, setting up within minutes, and relocating before an opposing "
            "force could target them. Allied aircraft flew simulated attacks on most "
            "days.</p>"
            "<h2>Cold brings its own failures</h2>"
            "<p>Officers said the cold exposed problems that never appear on "
            "southern ranges: generator batteries that would not hold a charge, "
            "cracked hydraulic hoses and screens that became unreadable as they "
            "froze. Each fault was logged for the manufacturers.</p>"
            "<p>The exercise will be repeated next winter with a larger allied "
            "contingent from Aldmark and Veskia.</p>"
        ),
        "section": "air-defence",
        "authors": ["rafe-mallory"],
        "tags": ["exercises", "winter warfare", "arctic", "air defence", "training"],
        "dateline": "Rovaniemi",
        "source": "Army press office",
        "days_ago": 41,
        "state": "live",
        "image": {
            "kind": "launcher",
            "title": "Launcher on snow during exercise Frostline",
            "alt_text": "A missile launcher truck on a snow-covered plain",
            "caption": "A launcher crew sets up during exercise Frostline.",
            "credit": "Army Media Centre/S. Vennik",
        },
    },
    {
        "headline": "Lodestone radar upgrade falls eight months behind schedule, audit finds",
        "standfirst": "Software problems and a shortage of test engineers have pushed the "
        "programme back, according to the national audit office.",
        "body": (
            "<p>A mid-life upgrade of the army's Lodestone mobile radars is eight "
            "months late and may slip further, the national audit office said in a "
            "report published on Monday.</p>"
            "<p>The upgrade adds a new processor and software able to track small "
            "drones alongside aircraft. Auditors found that integration testing had "
            "repeatedly stalled because the prime contractor and the Defence "
            "Procurement Agency did not have enough qualified test engineers.</p>"
            "<p>The report says the programme's €96 million budget is so far intact, "
            "but warns that keeping unmodified radars in service longer will add to "
            "maintenance costs. The full report is available on the "
            '<a href="https://audit.example.org/reports/lodestone-upgrade">audit '
            "office website</a>.</p>"
            "<p>In a response included in the report, the agency said it accepted "
            "the findings and had hired additional engineers.</p>"
        ),
        "section": "air-defence",
        "authors": ["tobias-lindqvist-hale", "maren-ostrova"],
        "tags": ["radar", "delays", "audit", "upgrades", "lodestone"],
        "dateline": "Copenhagen",
        "source": "National audit office report",
        "days_ago": 58,
        "state": "live",
        "image": {
            "kind": "radar",
            "title": "Lodestone radar deployed in the field",
            "alt_text": "A radar truck with its antenna panel raised in a field",
            "caption": "A Lodestone radar during a field exercise last year.",
            "credit": "Army Media Centre/K. Ferrand",
        },
    },
    {
        "headline": "Ministry to publish integrated air and missile defence review",
        "standfirst": "The review sets out how radars, interceptors and fighter aircraft "
        "should work together over the next fifteen years.",
        "body": (
            "<p>The ministry will publish its long-awaited review of integrated air "
            "and missile defence this week, setting priorities for radars, ground-based "
            "interceptors and the command systems that connect them.</p>"
            "<p>Officials briefed on the document say it recommends a single national "
            "air picture shared by the army, navy and air force, and a larger stock of "
            "interceptor missiles held in reserve.</p>"
            "<p>The review will be debated in parliament next month.</p>"
        ),
        "section": "air-defence",
        "authors": ["tobias-lindqvist-hale"],
        "tags": ["air defence", "defence review", "command and control", "missiles"],
        "dateline": "Brussels",
        "source": "Ministry of Defence",
        "days_ago": -2,
        "state": "scheduled",
        "image": {
            "kind": "building",
            "title": "Ministry of Defence main building",
            "alt_text": "The stone facade of a government building with columns and a flag",
            "caption": "The ministry will publish the review on Thursday.",
            "credit": "Newsroom/Staff",
        },
    },
    {
        "headline": "Mobile early-warning radars to move closer to the eastern border",
        "standfirst": "Two radar units will be based further east from next year to extend "
        "coverage of low-flying aircraft and drones.",
        "body": (
            "<p>The air force plans to move two mobile early-warning radar units "
            "closer to the eastern border next year, according to planning documents "
            "seen by Newsroom.</p>"
            "<p>The move would extend low-level radar coverage by up to 60 kilometres. "
            "Local councils have been told to expect construction work on two "
            "hardened parking areas.</p>"
            "<p><em>Draft: awaiting comment from the air force press office.</em></p>"
        ),
        "section": "air-defence",
        "authors": ["maren-ostrova"],
        "tags": ["radar", "early warning", "border security", "air force"],
        "dateline": "Vilnius",
        "source": "Planning documents",
        "days_ago": 1,
        "state": "draft",
        "image": {
            "kind": "radar",
            "title": "Mobile early-warning radar at a field site",
            "alt_text": "A radar vehicle with a raised antenna on open ground",
            "caption": "A mobile early-warning radar at a temporary site.",
            "credit": "Air Force Imagery Unit/T. Brandt",
        },
    },
    {
        "headline": "Reserve gunners to be retrained on new air defence systems",
        "standfirst": "Reservists who served on retired missile systems will be offered "
        "conversion courses on Palisade.",
        "body": (
            "<p>The army will offer conversion training to around 200 reservists who "
            "operated the air defence systems retired six years ago, so that they can "
            "crew the new Palisade launchers.</p>"
            "<p>The courses will run over four weekends and a two-week summer camp. "
            "Reservists who complete them will be assigned to a new reserve battery "
            "that can reinforce the regular units in a crisis.</p>"
            "<p>Officers say the reservists' experience of moving and hiding air "
            "defence equipment remains valuable, even though the technology has "
            "changed.</p>"
            "<p>Applications open next month.</p>"
        ),
        "section": "air-defence",
        "authors": ["priya-achterberg"],
        "tags": ["reserves", "training", "air defence", "palisade", "personnel"],
        "dateline": "Bristol",
        "source": "Army press office",
        "days_ago": 0,
        "state": "in_review",
        "image": {
            "kind": "soldiers",
            "title": "Reservists on a training weekend",
            "alt_text": "A line of soldiers walking across a field",
            "caption": "Reservists on a training weekend earlier this year.",
            "credit": "Army Media Centre/S. Vennik",
        },
    },
    # --- Land Forces --------------------------------------------------------------
    {
        "headline": "Wayfarer 8x8 vehicles complete hot-weather trials ahead of fleet decision",
        "standfirst": "Four prototypes covered more than 12,000 kilometres in desert "
        "conditions; the army will decide this year how many to buy.",
        "body": (
            "<p>Four prototypes of the Wayfarer 8x8 armoured vehicle have completed "
            "ten weeks of hot-weather trials, the last major test before the army "
            "decides how large a fleet to order.</p>"
            "<p>The vehicles, built by Falkmoor Vehicles, drove more than 12,000 "
            "kilometres on sand, gravel and rock in temperatures that reached 46C. "
            "Testers measured cooling performance, crew compartment temperatures and "
            "the reliability of the remotely operated weapon station.</p>"
            "<p>According to the trials team, one vehicle needed a replacement "
            "gearbox and all four needed their air filters changed far more often "
            "than the manual specified. Falkmoor said both issues had been addressed "
            "in the production design.</p>"
            "<h2>Decision due in the autumn</h2>"
            "<p>The army wants between 180 and 260 vehicles to replace tracked "
            "personnel carriers that are more than forty years old. The final number "
            "depends on the outcome of the spending review.</p>"
        ),
        "section": "land-forces",
        "authors": ["maren-ostrova"],
        "tags": ["armoured vehicles", "wayfarer", "trials", "army", "procurement"],
        "dateline": "Toulouse",
        "source": "Falkmoor Vehicles",
        "days_ago": 5,
        "state": "live",
        "image": {
            "kind": "vehicle",
            "title": "Wayfarer prototype in desert trials",
            "alt_text": "An eight-wheeled armoured vehicle on dry, sandy ground",
            "caption": "A Wayfarer prototype during hot-weather trials.",
            "credit": "Falkmoor Vehicles handout",
        },
    },
    {
        "headline": "Army to trial driverless resupply convoys on public roads",
        "standfirst": "A lead truck with a driver will be followed by up to three "
        "uncrewed vehicles on a closed route between two bases.",
        "body": (
            "<p>The army will test convoys of driverless supply trucks on public "
            "roads for the first time this spring, on a 40-kilometre route between "
            "two bases in the south.</p>"
            "<p>In the trial, a crewed lead vehicle will be followed by up to three "
            "uncrewed trucks that copy its path and speed. Each uncrewed truck will "
            "carry a safety driver during the first phase.</p>"
            "<p>Logistics officers say a single driver could one day move the loads "
            "that now need four, freeing soldiers for other tasks and reducing "
            "exposure to attack on supply routes.</p>"
            "<p>The route will be closed to other traffic during trial runs, the "
            "army said, and local residents have been sent details of the "
            "timetable.</p>"
        ),
        "section": "land-forces",
        "authors": ["rafe-mallory"],
        "tags": ["logistics", "autonomy", "convoys", "army", "trials"],
        "dateline": "Salisbury",
        "source": "Army logistics command",
        "days_ago": 1,
        "state": "live",
        "image": {
            "kind": "convoy",
            "title": "Supply trucks on a convoy route",
            "alt_text": "A line of military trucks driving along a road",
            "caption": "Supply trucks on the route that will be used for the trial.",
            "credit": "Army Media Centre/R. Okafor",
        },
    },
    {
        "headline": "Tank upgrade adds new sights, engines and active protection",
        "standfirst": "The first of 90 upgraded main battle tanks has rolled out of the "
        "army's base workshop.",
        "body": (
            "<p>The army's base workshop has completed the first of 90 main battle "
            "tanks to be upgraded under a programme intended to keep the fleet in "
            "service until the late 2030s.</p>"
            "<p>The upgrade includes:</p>"
            "<ul><li>new thermal sights for the gunner and commander;</li>"
            "<li>a more powerful engine and transmission;</li>"
            "<li>an active protection system that detects incoming missiles and "
            "fires countermeasures;</li>"
            "<li>digital radios compatible with allied forces.</li></ul>"
            "<p>The extra weight of the protection system made a stronger engine "
            "necessary, the workshop's programme manager said. The upgraded tank "
            "is about three tonnes heavier than before but has better acceleration.</p>"
            "<p>The workshop plans to complete one tank a week once production "
            "reaches full pace.</p>"
        ),
        "section": "land-forces",
        "authors": ["maren-ostrova"],
        "tags": ["main battle tanks", "upgrades", "active protection", "modernisation"],
        "dateline": "Hamburg",
        "source": "Army press office",
        "days_ago": 12,
        "state": "live",
        "image": {
            "kind": "vehicle",
            "title": "Upgraded main battle tank leaves the workshop",
            "alt_text": "A main battle tank with a long gun on open ground",
            "caption": "The first upgraded tank during acceptance driving.",
            "credit": "Army Media Centre/R. Okafor",
        },
    },
    {
        "headline": "Rocket artillery regiment doubles its launchers as second tranche arrives",
        "standfirst": "Twelve more Fenwick launchers bring the regiment to full strength "
        "two years after the first were delivered.",
        "body": (
            "<p>The army's rocket artillery regiment has received twelve more Fenwick "
            "launchers, doubling its fleet and bringing all three batteries to full "
            "strength.</p>"
            "<p>The wheeled launchers can fire guided rockets to more than 80 "
            "kilometres and leave their firing position within a minute. The "
            "regiment's commanding officer said that speed was now more important "
            "than range.</p>"
            "<blockquote>Counter-battery fire arrives in minutes. A launcher that "
            "stays put after firing does not survive.</blockquote>"
            "<p>Ammunition remains the limiting factor. The ministry has ordered "
            "guided rockets from two suppliers to avoid depending on one production "
            "line.</p>"
        ),
        "section": "land-forces",
        "authors": ["rafe-mallory"],
        "tags": ["rocket artillery", "artillery", "fenwick", "ammunition"],
        "dateline": "Riga",
        "source": "Army press office",
        "days_ago": 22,
        "state": "live",
        "image": {
            "kind": "launcher",
            "title": "Fenwick rocket launchers on parade ground",
            "alt_text": "Two rocket launcher trucks with elevated launch pods",
            "caption": "Fenwick launchers from the second tranche.",
            "credit": "Army Media Centre/S. Vennik",
        },
    },
    {
        "headline": "Brigade exercise tests rapid river crossings with allied engineers",
        "standfirst": "Engineers from three countries built and dismantled floating "
        "bridges under simulated fire during exercise Iron Ford.",
        "body": (
            "<p>More than 2,000 soldiers from three countries took part in exercise "
            "<strong>Iron Ford</strong>, a two-week brigade exercise focused on "
            "crossing rivers quickly and under threat.</p>"
            "<p>Engineers from Aldmark and Estmere joined the army's own bridging "
            "units to build floating bridges at night, move a battlegroup across and "
            "dismantle the bridges before simulated artillery could find them.</p>"
            "<p>The fastest crossing, over a 120-metre stretch of river, took just "
            "under two hours from the first bridge module entering the water to the "
            "last vehicle leaving the far bank.</p>"
            "<p>Commanders said the exercise showed that allied bridging equipment "
            "could be mixed in a single bridge, something that had previously only "
            "been tested on paper.</p>"
        ),
        "section": "land-forces",
        "authors": ["baltic-wire-service"],
        "tags": ["exercises", "engineers", "interoperability", "alliance", "army"],
        "dateline": "Gdansk",
        "source": "Baltic Wire Service",
        "days_ago": 35,
        "state": "live",
        "image": {
            "kind": "convoy",
            "title": "Vehicles moving to the river crossing",
            "alt_text": "Military trucks and armoured vehicles on a road at sunset",
            "caption": "Vehicles move towards the crossing site during Iron Ford.",
            "credit": "Baltic Wire Service",
        },
    },
    {
        "headline": "Infantry recruits to spend more time on fieldcraft under new training plan",
        "standfirst": "Basic training will be extended by two weeks, most of it outdoors.",
        "body": (
            "<p>Infantry recruits will spend two extra weeks in basic training from "
            "September, with most of the added time devoted to fieldcraft, "
            "camouflage and living in the field.</p>"
            "<p>The change follows feedback from battalions that new soldiers arrived "
            "well drilled on ranges but unused to working for days without sleep or "
            "shelter. Instructors will also teach recruits to recognise and hide from "
            "small drones.</p>"
            "<p>The army said the longer course would not reduce the number of "
            "soldiers trained each year, because a new training company is being "
            "formed.</p>"
        ),
        "section": "land-forces",
        "authors": ["priya-achterberg"],
        "tags": ["infantry", "training", "recruitment", "personnel"],
        "dateline": "Catterick",
        "source": "Army training command",
        "days_ago": 47,
        "state": "live",
        "image": {
            "kind": "soldiers",
            "title": "Recruits on a field exercise",
            "alt_text": "Soldiers with rifles walking along a ridge",
            "caption": "Recruits on a field exercise during basic training.",
            "credit": "Army Media Centre/R. Okafor",
        },
    },
    {
        "headline": "Spare parts shortage keeps a third of light utility vehicles off the road",
        "standfirst": "Internal figures show 31 per cent of the fleet was unavailable last "
        "quarter, most of it waiting for parts.",
        "body": (
            "<p>Almost a third of the army's light utility vehicles were out of "
            "action last quarter, according to fleet figures released under freedom "
            "of information rules.</p>"
            "<p>Of the unavailable vehicles, most were waiting for spare parts, "
            "chiefly axles, brake components and electronic control units. The "
            "vehicle's original manufacturer no longer produces several of these "
            "parts.</p>"
            "<h2>Cannibalisation rising</h2>"
            "<p>The figures also show a rise in cannibalisation, in which parts are "
            "taken from one broken vehicle to repair another. Maintenance staff say "
            "the practice keeps units running but doubles the labour needed for each "
            "repair.</p>"
            "<p>The ministry said a new parts contract would be signed within "
            "months and that availability was expected to improve by the end of the "
            "year.</p>"
        ),
        "section": "land-forces",
        "authors": ["anouk-brennan", "maren-ostrova"],
        "tags": ["spare parts", "maintenance", "readiness", "logistics", "sustainment"],
        "dateline": "Prague",
        "source": "Freedom of information release",
        "days_ago": 88,
        "state": "live",
        "image": {
            "kind": "convoy",
            "title": "Utility vehicles on a depot road",
            "alt_text": "A column of military vehicles on a road in flat country",
            "caption": "Light utility vehicles on a depot road.",
            "credit": "Newsroom/Staff",
        },
    },
    {
        "headline": "Army unveils plans for new mountain warfare school",
        "standfirst": "The school will train instructors for units expected to deploy to "
        "mountainous and arctic terrain.",
        "body": (
            "<p>The army will open a mountain warfare school next year, training "
            "around 300 instructors a year in climbing, avalanche safety and moving "
            "heavy equipment through high terrain.</p>"
            "<p>The school will share facilities with an existing ski training centre "
            "and will also take students from Veskia, which has no equivalent "
            "school.</p>"
            "<p>Details of the first courses will be published in the summer.</p>"
        ),
        "section": "land-forces",
        "authors": ["rafe-mallory"],
        "tags": ["mountain warfare", "arctic", "training", "alliance"],
        "dateline": "Innsbruck",
        "source": "Army press office",
        "days_ago": -3,
        "state": "scheduled",
        "image": {
            "kind": "soldiers",
            "title": "Soldiers on a snowy ridge",
            "alt_text": "Soldiers walking in a line across snow",
            "caption": "Soldiers on a winter training course.",
            "credit": "Army Media Centre/S. Vennik",
        },
    },
    {
        "headline": "Armoured engineers to receive new bridging vehicles",
        "standfirst": "The army is close to choosing a tank-based bridge layer to replace "
        "vehicles built in the 1980s.",
        "body": (
            "<p>The army is in final negotiations to buy a new tank-based bridge "
            "layer for its armoured engineer regiments, two people familiar with the "
            "talks said.</p>"
            "<p>The new vehicle would lay a 26-metre bridge in under five minutes "
            "without crew leaving the vehicle.</p>"
            "<p><em>Draft: check numbers with the procurement agency.</em></p>"
        ),
        "section": "land-forces",
        "authors": ["maren-ostrova"],
        "tags": ["engineers", "armoured vehicles", "procurement"],
        "dateline": "Hamburg",
        "source": "People familiar with the talks",
        "days_ago": 2,
        "state": "draft",
        "image": {
            "kind": "vehicle",
            "title": "Armoured engineer vehicle on a range",
            "alt_text": "A tracked armoured vehicle on rough ground",
            "caption": "An armoured engineer vehicle on a training area.",
            "credit": "Army Media Centre/R. Okafor",
        },
    },
    {
        "headline": "Soldiers to test lighter body armour in summer trial",
        "standfirst": "Two battalions will wear new plates and carriers that are about "
        "a quarter lighter than current kit.",
        "body": (
            "<p>Soldiers from two infantry battalions will wear lighter body armour "
            "during a three-month trial this summer.</p>"
            "<p>The new plates are said to offer the same protection as current "
            "armour at about 25 per cent less weight. The carrier has also been "
            "redesigned to spread the load onto the hips.</p>"
            "<p>Soldiers will be asked to report on comfort, heat and how the armour "
            "works with packs and weapons.</p>"
        ),
        "section": "land-forces",
        "authors": ["maren-ostrova"],
        "tags": ["body armour", "infantry", "trials", "equipment"],
        "dateline": "Salisbury",
        "source": "Army equipment office",
        "days_ago": 1,
        "state": "changes_requested",
        "review_comment": "The 25 per cent figure comes from the supplier's brochure; "
        "attribute it or get it confirmed by the army. Also add which battalions, "
        "if the army will say.",
        "image": {
            "kind": "soldiers",
            "title": "Infantry soldiers on a summer exercise",
            "alt_text": "Soldiers in body armour walking across a field",
            "caption": "Infantry soldiers during a summer exercise.",
            "credit": "Army Media Centre/R. Okafor",
        },
    },
    {
        "headline": "Artillery ammunition order cancelled, officials say",
        "standfirst": "A planned order for 155mm shells has been dropped, two officials "
        "said, citing budget pressure.",
        "body": (
            "<p>A planned order for 155mm artillery shells has been cancelled, two "
            "officials told Newsroom, citing pressure on this year's equipment "
            "budget.</p>"
            "<p>The ministry declined to comment at the time of publication.</p>"
            "<p>The order would have replenished stocks drawn down by training and "
            "by transfers to allies.</p>"
        ),
        "section": "land-forces",
        "authors": ["rafe-mallory"],
        "tags": ["ammunition", "artillery", "budget", "munitions"],
        "dateline": "Brussels",
        "source": "Unnamed officials",
        "days_ago": 30,
        "state": "withdrawn",
        "withdraw_reason": "The ministry has since published the signed order, and one "
        "of the two sources has retracted their account. The story is withdrawn while "
        "the newsroom reviews its sourcing.",
        "image": {
            "kind": "launcher",
            "title": "Artillery vehicles at a firing point",
            "alt_text": "Two military vehicles on open ground under a cloudy sky",
            "caption": "Artillery vehicles at a firing point.",
            "credit": "Newsroom/Staff",
        },
    },
    # --- Naval ----------------------------------------------------------------------
    {
        "headline": "Navy names first of five Corrie-class frigates at launch ceremony",
        "standfirst": "The anti-submarine frigate entered the water at Halvorsen Naval "
        "Yards and will begin sea trials next year.",
        "body": (
            "<p>The first of five Corrie-class frigates was named and floated out at "
            "Halvorsen Naval Yards on Friday, marking the start of the navy's largest "
            "surface ship programme in a generation.</p>"
            "<p>The 6,900-tonne ship is designed primarily for hunting submarines. "
            "It carries a towed sonar array, a hangar for a medium helicopter and "
            "vertical launch cells for air defence missiles. Its hull has been "
            "designed to reduce underwater noise.</p>"
            "<p>Fitting out will take about a year, after which the ship will begin "
            "sea trials. The navy expects to declare it operational in 2028.</p>"
            "<p>Construction of the second ship is already under way in the yard's "
            "covered hall, and steel for the third will be cut this autumn. More "
            "details are on the "
            '<a href="https://navy.example.org/fleet/corrie-class">navy\'s programme '
            "page</a>.</p>"
        ),
        "section": "naval",
        "authors": ["callum-reyes-whitford"],
        "tags": [
            "frigates",
            "shipbuilding",
            "anti-submarine warfare",
            "navy",
            "corrie class",
        ],
        "dateline": "Glasgow",
        "source": "Navy Press Office",
        "days_ago": 2,
        "state": "live",
        "image": {
            "kind": "ship",
            "title": "First Corrie-class frigate after float-out",
            "alt_text": "A grey frigate with a tall mast on calm sea",
            "caption": "The first Corrie-class frigate after her float-out.",
            "credit": "Navy Press Office/J. Halden",
        },
    },
    {
        "headline": "Sable-class submarine returns from record 90-day patrol",
        "standfirst": "The boat's crew spent three months submerged, the longest patrol "
        "by a conventionally powered submarine in the navy's history.",
        "body": (
            "<p>A Sable-class submarine returned to its home port on Sunday after a "
            "90-day patrol, the longest ever completed by one of the navy's "
            "diesel-electric boats.</p>"
            "<p>The navy did not say where the submarine had operated. It said the "
            "patrol had tested the boat's air-independent propulsion system and the "
            "crew's ability to sustain long periods submerged.</p>"
            "<p>Families gathered on the quayside as the submarine came alongside. "
            "The crew of 42 will now take four weeks of leave while the boat enters "
            "a maintenance period.</p>"
        ),
        "section": "naval",
        "authors": ["callum-reyes-whitford"],
        "tags": ["submarines", "sable class", "navy", "deployments"],
        "dateline": "Kiel",
        "source": "Navy Press Office",
        "days_ago": 8,
        "state": "live",
        "image": {
            "kind": "submarine",
            "title": "Sable-class submarine returning to port",
            "alt_text": "A submarine on the surface with its fin above the water",
            "caption": "The submarine returns after her 90-day patrol.",
            "credit": "Navy Press Office/J. Halden",
        },
    },
    {
        "headline": "Mine hunters to make way for drone motherships",
        "standfirst": "The navy will retire its last three minehunters by 2029 and replace "
        "them with vessels that deploy uncrewed boats and underwater drones.",
        "body": (
            "<p>The navy's mine countermeasures squadron will replace its remaining "
            "minehunters with larger motherships that launch uncrewed surface boats "
            "and autonomous underwater vehicles.</p>"
            "<p>Instead of sailing into a minefield, the new ships will stay at a "
            "distance while drones search the seabed with sonar and destroy mines "
            "with disposable charges.</p>"
            "<h2>A different kind of crew</h2>"
            "<p>The change will alter the squadron's skills. Fewer sailors will be "
            "needed to operate the ship, but more will be trained to maintain drones "
            "and analyse sonar imagery. The first group began training this month.</p>"
            "<p>Two motherships are on order from Halvorsen Naval Yards, with the "
            "first due in 2027.</p>"
        ),
        "section": "naval",
        "authors": ["callum-reyes-whitford"],
        "tags": ["mine countermeasures", "uncrewed systems", "navy", "shipbuilding"],
        "dateline": "Rotterdam",
        "source": "Navy Press Office",
        "days_ago": 15,
        "state": "live",
        "image": {
            "kind": "ship",
            "title": "Mine countermeasures vessel at sea",
            "alt_text": "A small grey warship under a cloudy sky",
            "caption": "One of the minehunters due to retire by 2029.",
            "credit": "Navy Press Office/L. Amsel",
        },
    },
    {
        "headline": "Patrol vessels to receive new radar in mid-life refit",
        "standfirst": "The six Dunlin-class offshore patrol vessels will get new radars, "
        "communications and a drone hangar.",
        "body": (
            "<p>The navy's six Dunlin-class offshore patrol vessels will be refitted "
            "over the next four years, with new surface search radars, satellite "
            "communications and a small hangar for a ship-launched drone.</p>"
            "<p>The ships patrol fishing grounds and offshore energy infrastructure, "
            "tasks that have grown as the number of undersea cables and wind farms "
            "has increased.</p>"
            "<p>Each refit will take about five months. The first ship enters dock "
            "in the autumn.</p>"
        ),
        "section": "naval",
        "authors": ["callum-reyes-whitford"],
        "tags": ["patrol vessels", "radar", "refit", "critical infrastructure", "navy"],
        "dateline": "Plymouth",
        "source": "Navy Press Office",
        "days_ago": 23,
        "state": "live",
        "image": {
            "kind": "ship",
            "title": "Dunlin-class patrol vessel",
            "alt_text": "A patrol ship at sea with the sun low behind it",
            "caption": "A Dunlin-class patrol vessel on fishery protection duties.",
            "credit": "Navy Press Office/J. Halden",
        },
    },
    {
        "headline": "Anti-submarine exercise draws ships from six navies",
        "standfirst": "Exercise Deep Current brought together frigates, submarines and "
        "patrol aircraft in the North Sea.",
        "body": (
            "<p>Eleven warships, four submarines and six maritime patrol aircraft "
            "from six navies have taken part in exercise <em>Deep Current</em>, "
            "a two-week anti-submarine warfare exercise in the North Sea.</p>"
            "<p>Submarines took turns as the target, trying to reach a protected "
            "convoy without being detected. Frigates used towed sonar arrays while "
            "helicopters dropped dipping sonars ahead of the convoy.</p>"
            "<blockquote>The sea is noisy and shallow here. That makes it the hardest "
            "place we train, which is exactly why we train here.</blockquote>"
            "<p>So said the exercise commander, speaking aboard the flagship. The "
            "navies will share acoustic data gathered during the exercise to improve "
            "their sonar training libraries.</p>"
        ),
        "section": "naval",
        "authors": ["continental-press-agency"],
        "tags": [
            "anti-submarine warfare",
            "exercises",
            "alliance",
            "frigates",
            "submarines",
        ],
        "dateline": "Bergen",
        "source": "Continental Press Agency",
        "days_ago": 31,
        "state": "live",
        "image": {
            "kind": "ship",
            "title": "Frigate during exercise Deep Current",
            "alt_text": "A frigate silhouetted against a sunset at sea",
            "caption": "A frigate at sea during exercise Deep Current.",
            "credit": "Continental Press Agency/M. Lund",
        },
    },
    {
        "headline": "Naval helicopters cleared to fly from new frigates after deck trials",
        "standfirst": "Pilots completed more than 300 landings in varying sea states over "
        "three weeks.",
        "body": (
            "<p>The navy's medium helicopters have been cleared to operate from the "
            "new Corrie-class frigates after three weeks of deck trials.</p>"
            "<p>Test pilots made more than 300 landings by day and night, in winds "
            "of up to 45 knots and with the ship rolling in heavy seas. Engineers "
            "measured airflow over the deck to define safe limits for each wind "
            "direction.</p>"
            "<p>The clearance means the first frigate will deploy with a helicopter "
            "embarked, giving it the ability to hunt submarines well beyond the range "
            "of its own sonar.</p>"
        ),
        "section": "naval",
        "authors": ["callum-reyes-whitford", "ingrid-solberg-maas"],
        "tags": ["helicopters", "frigates", "naval aviation", "trials"],
        "dateline": "Plymouth",
        "source": "Navy Press Office",
        "days_ago": 44,
        "state": "live",
        "image": {
            "kind": "helicopter",
            "title": "Naval helicopter in flight",
            "alt_text": "A helicopter flying low over the horizon",
            "caption": "A naval helicopter during deck trials.",
            "credit": "Navy Press Office/L. Amsel",
        },
    },
    {
        "headline": "Shipyard begins cutting steel for second fleet support ship",
        "standfirst": "The ship will carry fuel, ammunition and stores to keep frigates "
        "at sea for longer.",
        "body": (
            "<p>Workers at Halvorsen Naval Yards have cut the first steel for the "
            "navy's second fleet support ship, a 39,000-tonne vessel that will "
            "resupply warships at sea.</p>"
            "<p>The ship can transfer fuel, ammunition and dry stores to two warships "
            "at once while under way. The first of the class is fitting out and "
            "is due to begin sea trials next year.</p>"
            "<p>The yard said about 1,200 people would work on the programme at its "
            "peak, including 150 apprentices.</p>"
        ),
        "section": "naval",
        "authors": ["anouk-brennan"],
        "tags": ["shipbuilding", "logistics", "navy", "jobs", "halvorsen naval yards"],
        "dateline": "Glasgow",
        "source": "Halvorsen Naval Yards",
        "days_ago": 56,
        "state": "live",
        "image": {
            "kind": "factory",
            "title": "Shipyard halls and crane",
            "alt_text": "Industrial sheds and a tall crane against the sky",
            "caption": "The covered halls at Halvorsen Naval Yards.",
            "credit": "Halvorsen Naval Yards handout",
        },
    },
    {
        "headline": "Navy warns of sailor shortfall as fleet grows",
        "standfirst": "The service is 1,100 sailors short of its target strength, with "
        "engineers and sonar operators hardest to find.",
        "body": (
            "<p>The navy is about 1,100 sailors short of its target strength and the "
            "gap will grow as new frigates and support ships enter service, its "
            "personnel director told the defence committee.</p>"
            "<p>Marine engineers, electronics technicians and sonar operators are the "
            "hardest roles to fill. The navy is competing with offshore energy firms "
            "that pay considerably more for similar skills.</p>"
            "<p>Measures under consideration include retention bonuses for engineers, "
            "shorter sea deployments and a scheme allowing former sailors to rejoin "
            "at their previous rank.</p>"
        ),
        "section": "naval",
        "authors": ["priya-achterberg"],
        "tags": ["personnel", "recruitment", "retention", "navy", "defence committee"],
        "dateline": "Brussels",
        "source": "Defence committee hearing",
        "days_ago": 69,
        "state": "live",
        "image": {
            "kind": "ship",
            "title": "Warship at anchor at dusk",
            "alt_text": "A warship silhouetted on the water at dusk",
            "caption": "The navy says crewing new ships is its biggest challenge.",
            "credit": "Navy Press Office/J. Halden",
        },
    },
    {
        "headline": "Coastguard and navy to share surveillance drones over northern waters",
        "standfirst": "A joint unit will operate long-endurance drones to watch shipping "
        "lanes, fishing grounds and offshore infrastructure.",
        "body": (
            "<p>The coastguard and the navy will set up a joint unit to operate "
            "long-endurance surveillance drones over northern waters, sharing "
            "aircraft, crews and the data they collect.</p>"
            "<p>Until now, each service has bought its own aircraft and contracted "
            "its own flying hours. Officials say pooling them will give near "
            "continuous coverage for the same cost.</p>"
            "<p>The unit will be based at a coastal airfield and is expected to begin "
            "operations in the second half of next year.</p>"
        ),
        "section": "naval",
        "authors": ["ingrid-solberg-maas"],
        "tags": ["drones", "maritime surveillance", "coastguard", "navy"],
        "dateline": "Oslo",
        "source": "Joint ministry statement",
        "days_ago": 95,
        "state": "live",
        "image": {
            "kind": "drone",
            "title": "Surveillance drone over the coast",
            "alt_text": "A long-winged drone in flight against the sky",
            "caption": "A long-endurance drone of the type the joint unit will fly.",
            "credit": "Coastguard/E. Marr",
        },
    },
    {
        "headline": "Second Corrie-class frigate to begin sea trials next week",
        "standfirst": "The ship will spend six weeks at sea testing propulsion, sensors "
        "and handling.",
        "body": (
            "<p>The second Corrie-class frigate will sail for her first sea trials "
            "next week, after completing harbour acceptance tests.</p>"
            "<p>The six-week trials will test the hybrid propulsion system, the "
            "radar and sonar, and the ship's handling at speed.</p>"
            "<p>The navy expects to accept the ship next spring.</p>"
        ),
        "section": "naval",
        "authors": ["callum-reyes-whitford"],
        "tags": ["frigates", "sea trials", "corrie class", "navy"],
        "dateline": "Glasgow",
        "source": "Navy Press Office",
        "days_ago": -5,
        "state": "scheduled",
        "image": {
            "kind": "ship",
            "title": "Second Corrie-class frigate alongside",
            "alt_text": "A grey frigate on the water with a pale sky",
            "caption": "The second Corrie-class frigate before sea trials.",
            "credit": "Navy Press Office/L. Amsel",
        },
    },
    {
        "headline": "Navy weighs options for replacing its survey ships",
        "standfirst": "The two hydrographic survey ships are due to retire in 2030.",
        "body": (
            "<p>The navy has begun studying how to replace its two hydrographic "
            "survey ships, which chart the seabed for safe navigation and submarine "
            "operations.</p>"
            "<p>Options include a like-for-like replacement, a larger multi-role "
            "ship, or smaller vessels operating uncrewed survey boats.</p>"
            "<p><em>Draft: needs a second source.</em></p>"
        ),
        "section": "naval",
        "authors": ["callum-reyes-whitford"],
        "tags": ["survey ships", "navy", "uncrewed systems"],
        "dateline": "Plymouth",
        "source": "Navy documents",
        "days_ago": 0,
        "state": "draft",
        "image": {
            "kind": "ship",
            "title": "Survey ship at sea",
            "alt_text": "A grey ship on a calm sea under clouds",
            "caption": "One of the navy's two survey ships.",
            "credit": "Navy Press Office/J. Halden",
        },
    },
    {
        "headline": "Submarine rescue system to be tested with allied crews",
        "standfirst": "A rescue vehicle will mate with submarines from three navies in a "
        "two-week exercise.",
        "body": (
            "<p>Navies from three countries will test a shared submarine rescue "
            "system next month, practising how to evacuate crew from a disabled "
            "submarine on the seabed.</p>"
            "<p>A small rescue vehicle, launched from a support ship, will attach to "
            "each submarine's escape hatch and bring sailors to the surface in groups "
            "of twelve.</p>"
            "<p>The system is jointly owned by the three navies, which split its "
            "running costs.</p>"
        ),
        "section": "naval",
        "authors": ["callum-reyes-whitford", "baltic-wire-service"],
        "tags": ["submarines", "search and rescue", "alliance", "exercises"],
        "dateline": "Stockholm",
        "source": "Navy Press Office",
        "days_ago": 0,
        "state": "in_review",
        "image": {
            "kind": "submarine",
            "title": "Submarine on the surface before a rescue drill",
            "alt_text": "A submarine on the surface at sea",
            "caption": "A submarine on the surface before the rescue drill.",
            "credit": "Baltic Wire Service",
        },
    },
    # --- Aerospace ------------------------------------------------------------------
    {
        "headline": "Air force signs for twelve more Gannet maritime patrol aircraft",
        "standfirst": "The follow-on order doubles the fleet and brings a new sonobuoy "
        "processing system.",
        "body": (
            "<p>The air force has ordered twelve more Gannet maritime patrol aircraft "
            "from Kestrel Aerosystems, doubling the planned fleet to twenty-four.</p>"
            "<p>The new aircraft will have an upgraded sonobuoy processing system "
            "able to handle twice as many buoys at once, and a larger weapons bay "
            "for torpedoes. The first twelve will be brought up to the same "
            "standard.</p>"
            "<p>Deliveries are due to begin in 2028. The order includes ten years "
            "of support and a second flight simulator.</p>"
            "<p>The air force said the larger fleet would allow continuous patrols "
            "over the northern approaches for the first time since the 1990s.</p>"
        ),
        "section": "aerospace",
        "authors": ["ingrid-solberg-maas"],
        "tags": [
            "maritime patrol",
            "gannet",
            "contracts",
            "anti-submarine warfare",
            "air force",
        ],
        "dateline": "Toulouse",
        "source": "Kestrel Aerosystems",
        "days_ago": 4,
        "state": "live",
        "image": {
            "kind": "aircraft",
            "title": "Gannet maritime patrol aircraft overhead",
            "alt_text": "A large aircraft with straight wings flying overhead",
            "caption": "A Gannet maritime patrol aircraft on a training sortie.",
            "credit": "Air Force Imagery Unit/T. Brandt",
        },
    },
    {
        "headline": "Whimbrel drone completes first flight with synthetic aperture radar",
        "standfirst": "The medium-altitude drone flew for eleven hours carrying a radar "
        "that can see through cloud.",
        "body": (
            "<p>The Whimbrel medium-altitude drone has flown for the first time "
            "carrying a synthetic aperture radar, completing an eleven-hour test "
            "flight from a military airfield in the north.</p>"
            "<p>The radar produces photograph-like images of the ground through "
            "cloud and at night. During the flight it mapped a coastal test area and "
            "detected vehicles parked under camouflage netting.</p>"
            "<p>The programme office said the drone's endurance with the radar "
            "fitted was close to the 24 hours required, and that lighter cabling "
            "should close the gap.</p>"
        ),
        "section": "aerospace",
        "authors": ["ingrid-solberg-maas"],
        "tags": ["drones", "whimbrel", "radar", "surveillance", "first flight"],
        "dateline": "Luleå",
        "source": "Programme office",
        "days_ago": 0,
        "state": "live",
        "image": {
            "kind": "drone",
            "title": "Whimbrel drone on its first radar flight",
            "alt_text": "A drone with long slender wings flying against the sky",
            "caption": "The Whimbrel drone during its first flight with the radar.",
            "credit": "Air Force Imagery Unit/T. Brandt",
        },
    },
    {
        "headline": "Fighter squadron returns from Baltic air policing rotation",
        "standfirst": "Pilots were scrambled 23 times in four months to identify aircraft "
        "flying without transponders.",
        "body": (
            "<p>A fighter squadron has returned home after four months policing "
            "allied airspace over the Baltic states.</p>"
            "<p>Its jets were scrambled 23 times to identify aircraft flying close to "
            "allied airspace without transponders or flight plans. In every case the "
            "aircraft were escorted until they left the area.</p>"
            "<p>The squadron's commander said maintenance crews had kept the jets "
            "available for more than 90 per cent of scheduled alert shifts despite "
            "winter temperatures.</p>"
            "<p>A squadron from Estmere has taken over the rotation.</p>"
        ),
        "section": "aerospace",
        "authors": ["baltic-wire-service"],
        "tags": [
            "air policing",
            "fighter jets",
            "alliance",
            "air force",
            "deployments",
        ],
        "dateline": "Tallinn",
        "source": "Baltic Wire Service",
        "days_ago": 11,
        "state": "live",
        "image": {
            "kind": "aircraft",
            "title": "Fighter jets in formation over the Baltic",
            "alt_text": "A formation of fighter jets flying across the sky",
            "caption": "Jets from the squadron during the air policing rotation.",
            "credit": "Baltic Wire Service",
        },
    },
    {
        "headline": "First satellite of new military communications constellation reaches orbit",
        "standfirst": "The Beacon satellite is the first of six that will give the armed "
        "forces secure, jam-resistant links.",
        "body": (
            "<p>The first satellite of the Beacon military communications "
            "constellation has reached its operational orbit, the ministry said, "
            "eleven days after launch.</p>"
            "<p>Built by Lyra Orbital, the satellite carries protected communications "
            "payloads designed to resist jamming. Five more will follow over the next "
            "three years.</p>"
            "<h2>Testing before service</h2>"
            "<p>Engineers will spend about three months testing the payload before "
            "the satellite enters service. Ground terminals are already installed on "
            "two frigates and in several army command posts.</p>"
            "<p>The constellation will replace leased commercial capacity that the "
            "ministry says is increasingly expensive and vulnerable.</p>"
        ),
        "section": "aerospace",
        "authors": ["ingrid-solberg-maas"],
        "tags": [
            "space",
            "satellites",
            "satellite communications",
            "beacon",
            "lyra orbital",
        ],
        "dateline": "Kourou",
        "source": "Ministry of Defence statement",
        "days_ago": 19,
        "state": "live",
        "image": {
            "kind": "satellite",
            "title": "Beacon satellite in orbit (illustration)",
            "alt_text": "Illustration of a satellite with solar panels above the Earth",
            "caption": "An illustration of the first Beacon satellite in orbit.",
            "credit": "Lyra Orbital illustration",
        },
    },
    {
        "headline": "Trainer aircraft competition narrows to two bidders",
        "standfirst": "The air force will choose between a jet and a turboprop to train "
        "its next generation of pilots.",
        "body": (
            "<p>The competition for the air force's next training aircraft has been "
            "narrowed to two bidders: Kestrel Aerosystems with its K-40 jet trainer "
            "and a consortium offering a high-performance turboprop.</p>"
            "<p>The choice reflects a wider debate about training. A jet trainer is "
            "closer to the fighters pilots will eventually fly; a turboprop is "
            "cheaper to operate and allows more flying hours for the same budget.</p>"
            "<p>Both bidders must deliver a flying demonstration and a full cost "
            "proposal by the end of the summer. A decision is due early next "
            "year.</p>"
        ),
        "section": "aerospace",
        "authors": ["ingrid-solberg-maas", "tobias-lindqvist-hale"],
        "tags": [
            "pilot training",
            "trainer aircraft",
            "procurement",
            "kestrel aerosystems",
        ],
        "dateline": "Toulouse",
        "source": "Defence Procurement Agency",
        "days_ago": 28,
        "state": "live",
        "image": {
            "kind": "aircraft",
            "title": "Jet trainer demonstrator in flight",
            "alt_text": "A small jet aircraft flying over hills",
            "caption": "The K-40 demonstrator during a display flight.",
            "credit": "Kestrel Aerosystems handout",
        },
    },
    {
        "headline": "Refuelling tankers cleared to refuel allied fighters",
        "standfirst": "Clearance for three allied fighter types means the tankers can "
        "support joint operations without extra trials.",
        "body": (
            "<p>The air force's refuelling tankers have been cleared to refuel three "
            "allied fighter types, after a series of test flights over the past "
            "year.</p>"
            "<p>Each type had to be tested separately, because the airflow around a "
            "tanker's refuelling hose affects every receiving aircraft differently. "
            "Test pilots flew dozens of contacts by day and night.</p>"
            "<p>The clearances allow the tankers to support allied air policing "
            "missions and exercises from short notice. Two more fighter types are "
            "due to be tested next year.</p>"
        ),
        "section": "aerospace",
        "authors": ["ingrid-solberg-maas"],
        "tags": ["air-to-air refuelling", "tankers", "interoperability", "air force"],
        "dateline": "Eindhoven",
        "source": "Air force press office",
        "days_ago": 38,
        "state": "live",
        "image": {
            "kind": "aircraft",
            "title": "Tanker aircraft at altitude",
            "alt_text": "A large aircraft seen from below against a clear sky",
            "caption": "A tanker during a refuelling trial.",
            "credit": "Air Force Imagery Unit/N. Perrault",
        },
    },
    {
        "headline": "Search and rescue helicopters to be replaced under leased-service contract",
        "standfirst": "A contractor will supply aircraft and maintenance; military "
        "crews will continue to fly the missions.",
        "body": (
            "<p>The ministry will replace its ageing search and rescue helicopters "
            "through a leased-service contract, under which a private company "
            "provides the aircraft and maintains them while military crews fly the "
            "missions.</p>"
            "<p>The ten-year contract covers eight helicopters based at four "
            "stations. Officials estimate it will cost about 15 per cent less than "
            "buying and supporting a new fleet directly.</p>"
            "<p>Crew unions welcomed the decision to keep military aircrew, which "
            "they said would preserve skills needed for combat rescue.</p>"
        ),
        "section": "aerospace",
        "authors": ["ingrid-solberg-maas"],
        "tags": ["search and rescue", "helicopters", "contracts", "leasing"],
        "dateline": "Aberdeen",
        "source": "Ministry of Defence statement",
        "days_ago": 52,
        "state": "live",
        "image": {
            "kind": "helicopter",
            "title": "Search and rescue helicopter on patrol",
            "alt_text": "A helicopter flying over low hills at sunset",
            "caption": "A search and rescue helicopter on a training flight.",
            "credit": "Air Force Imagery Unit/N. Perrault",
        },
    },
    {
        "headline": "Space command sets up round-the-clock satellite tracking cell",
        "standfirst": "The cell will watch for satellites manoeuvring close to national "
        "and allied spacecraft.",
        "body": (
            "<p>The armed forces' space command has opened a satellite tracking cell "
            "that will operate around the clock, monitoring objects that come close "
            "to national and allied satellites.</p>"
            "<p>The cell combines data from a ground-based radar, two optical "
            "telescopes and commercial tracking services. Its staff of 24 includes "
            "civilian analysts.</p>"
            "<p>Officials said the number of close approaches to the country's "
            "satellites had risen sharply as orbits have become more crowded with "
            "commercial constellations.</p>"
        ),
        "section": "aerospace",
        "authors": ["ingrid-solberg-maas"],
        "tags": [
            "space",
            "space situational awareness",
            "satellites",
            "command and control",
        ],
        "dateline": "Stockholm",
        "source": "Space command",
        "days_ago": 77,
        "state": "live",
        "image": {
            "kind": "satellite",
            "title": "Satellite above the Earth (illustration)",
            "alt_text": "Illustration of a satellite with solar panels over the Earth",
            "caption": "The cell will track satellites approaching national spacecraft.",
            "credit": "Space Command illustration",
        },
    },
    {
        "headline": "Transport fleet availability hits five-year low, report says",
        "standfirst": "Fewer than half of the air force's transport aircraft were ready to "
        "fly on an average day last year.",
        "body": (
            "<p>Fewer than half of the air force's transport aircraft were available "
            "on an average day last year, according to the armed forces' annual "
            "readiness report.</p>"
            "<p>The report blames engine inspections, a shortage of licensed "
            "engineers and delays at the contractor that overhauls the aircraft's "
            "propellers.</p>"
            "<ul><li>Average availability: 46 per cent</li>"
            "<li>Previous year: 58 per cent</li>"
            "<li>Target: 65 per cent</li></ul>"
            "<p>The air force said availability had improved in the first quarter "
            "of this year and that it had hired more engineers. The report can be "
            'read on the <a href="https://www.example.org/readiness-report">ministry '
            "website</a>.</p>"
        ),
        "section": "aerospace",
        "authors": ["tobias-lindqvist-hale"],
        "tags": ["transport aircraft", "readiness", "maintenance", "air force"],
        "dateline": "Brussels",
        "source": "Annual readiness report",
        "days_ago": 103,
        "state": "live",
        "image": {
            "kind": "aircraft",
            "title": "Transport aircraft over the airfield",
            "alt_text": "A four-engined transport aircraft in a grey sky",
            "caption": "A transport aircraft on approach.",
            "credit": "Air Force Imagery Unit/T. Brandt",
        },
    },
    {
        "headline": "Air force to show new fighters to the public at open day",
        "standfirst": "The first fighters of the new fleet will take part in a flying "
        "display at the main air base.",
        "body": (
            "<p>The air force will show its newest fighter jets to the public for the "
            "first time at an open day at its main air base on Saturday.</p>"
            "<p>Gates open at nine. The flying display starts at one o'clock and "
            "includes a helicopter search and rescue demonstration.</p>"
            "<p>Visitors are advised to use the shuttle buses from the railway "
            "station.</p>"
        ),
        "section": "aerospace",
        "authors": ["ingrid-solberg-maas"],
        "tags": ["fighter jets", "air shows", "air force"],
        "dateline": "Eindhoven",
        "source": "Air force press office",
        "days_ago": -1,
        "state": "scheduled",
        "image": {
            "kind": "aircraft",
            "title": "Fighters rehearsing for the open day",
            "alt_text": "Fighter jets flying in formation",
            "caption": "Fighters rehearse for the open day display.",
            "credit": "Air Force Imagery Unit/N. Perrault",
        },
    },
    {
        "headline": "Military data link for weather satellites to be hardened against jamming",
        "standfirst": "The air force wants protected access to weather data for flight "
        "planning in a crisis.",
        "body": (
            "<p>The air force plans to harden the data link it uses to receive "
            "weather satellite imagery, after tests showed it could be disrupted by "
            "relatively simple jammers.</p>"
            "<p>Weather data is essential for planning flights and drone missions.</p>"
            "<p><em>Draft: confirm the test findings before publishing.</em></p>"
        ),
        "section": "aerospace",
        "authors": ["ingrid-solberg-maas"],
        "tags": ["satellites", "electronic warfare", "weather", "cyber"],
        "dateline": "Darmstadt",
        "source": "Air force documents",
        "days_ago": 1,
        "state": "draft",
        "image": {
            "kind": "satellite",
            "title": "Weather satellite over the Earth (illustration)",
            "alt_text": "Illustration of a satellite above the curve of the Earth",
            "caption": "An illustration of a weather satellite.",
            "credit": "Newsroom illustration",
        },
    },
    {
        "headline": "Drone pilots to get new career path and pay supplement",
        "standfirst": "The air force will create a dedicated branch for uncrewed aircraft "
        "operators.",
        "body": (
            "<p>Drone pilots will get their own career path and a pay supplement "
            "under plans announced by the air force.</p>"
            "<p>Until now, most drone operators have been drawn from other branches "
            "and return to them after a tour. The air force says that has made it "
            "hard to build experience.</p>"
            "<p>The supplement will be paid once operators pass an advanced "
            "qualification.</p>"
        ),
        "section": "aerospace",
        "authors": ["priya-achterberg"],
        "tags": ["drones", "personnel", "pay", "air force"],
        "dateline": "Luleå",
        "source": "Air force press office",
        "days_ago": 0,
        "state": "changes_requested",
        "review_comment": "How much is the supplement, and from when? The release has "
        "both. Also avoid 'drone pilots' and 'operators' for the same people in one "
        "paragraph.",
        "image": {
            "kind": "drone",
            "title": "Drone on a training flight",
            "alt_text": "A drone with long wings flying in a clear sky",
            "caption": "A drone on a training flight.",
            "credit": "Air Force Imagery Unit/T. Brandt",
        },
    },
    # --- Industry -------------------------------------------------------------------
    {
        "headline": "Munitions plant to triple shell output with new production line",
        "standfirst": "Bastion Ordnance says the line will produce 150,000 artillery "
        "shells a year from 2027.",
        "body": (
            "<p>Bastion Ordnance will build a new production line at its main plant "
            "to triple its output of 155mm artillery shells, backed by a seven-year "
            "purchase agreement with the ministry.</p>"
            "<p>The company said the long-term agreement had made the investment "
            "possible. Previous orders, placed year by year, were too uncertain to "
            "justify new machinery.</p>"
            "<blockquote>Factories are built on contracts that last longer than a "
            "budget cycle. This one does.</blockquote>"
            "<p>The line will need around 250 new workers. The company is working "
            "with a local technical college on a training course for machine "
            "operators and quality inspectors.</p>"
            "<p>Construction starts in the spring and the first shells are expected "
            "in early 2027.</p>"
        ),
        "section": "industry",
        "authors": ["anouk-brennan"],
        "tags": [
            "munitions",
            "ammunition",
            "manufacturing",
            "jobs",
            "bastion ordnance",
        ],
        "dateline": "Turin",
        "source": "Bastion Ordnance announcement",
        "days_ago": 6,
        "state": "live",
        "image": {
            "kind": "factory",
            "title": "Munitions plant with chimneys",
            "alt_text": "Factory buildings with saw-tooth roofs and chimneys",
            "caption": "The Bastion Ordnance plant where the new line will be built.",
            "credit": "Continental Press Agency/M. Lund",
        },
    },
    {
        "headline": "Kestrel Aerosystems opens engine repair centre, creating 300 jobs",
        "standfirst": "The centre will overhaul engines for the air force's fighters and "
        "transport aircraft.",
        "body": (
            "<p>Kestrel Aerosystems has opened an engine repair and overhaul centre "
            "near its main factory, creating about 300 jobs.</p>"
            "<p>The centre will overhaul engines for the air force's fighters and "
            "transport aircraft, work that was previously sent abroad. The company "
            "says turnaround times will fall from about eight months to five.</p>"
            "<p>About a third of the new posts are for apprentices and graduates. "
            "Kestrel said it had also placed contracts with eleven local suppliers "
            "for tooling and test equipment.</p>"
        ),
        "section": "industry",
        "authors": ["anouk-brennan"],
        "tags": [
            "engines",
            "maintenance",
            "jobs",
            "kestrel aerosystems",
            "apprenticeships",
        ],
        "dateline": "Derby",
        "source": "Kestrel Aerosystems",
        "days_ago": 14,
        "state": "live",
        "image": {
            "kind": "factory",
            "title": "Engine repair centre exterior",
            "alt_text": "Industrial buildings and a crane under a grey sky",
            "caption": "The new engine repair centre.",
            "credit": "Kestrel Aerosystems handout",
        },
    },
    {
        "headline": "Defence budget rises 6 per cent with equipment spending ring-fenced",
        "standfirst": "Parliament approved the budget after a late amendment protected the "
        "equipment plan from in-year cuts.",
        "body": (
            "<p>Parliament has approved a defence budget 6 per cent higher than last "
            "year's, after an amendment that prevents the ministry from moving money "
            "out of the equipment plan during the year.</p>"
            "<h2>Where the money goes</h2>"
            "<ul><li>Equipment: 31 per cent of the budget</li>"
            "<li>Personnel: 38 per cent</li>"
            "<li>Infrastructure and housing: 14 per cent</li>"
            "<li>Operations, training and other costs: 17 per cent</li></ul>"
            "<p>Supporters of the amendment said in-year cuts had repeatedly delayed "
            "programmes and raised their total cost. The ministry had argued that it "
            "needed flexibility to respond to events.</p>"
            "<p>The budget also funds a 4.5 per cent pay rise for service personnel, "
            "backdated to the start of the financial year.</p>"
        ),
        "section": "industry",
        "authors": ["tobias-lindqvist-hale"],
        "tags": ["budget", "parliament", "defence spending", "pay", "equipment plan"],
        "dateline": "Brussels",
        "source": "Parliamentary vote",
        "days_ago": 20,
        "state": "live",
        "image": {
            "kind": "building",
            "title": "Parliament on budget day",
            "alt_text": "A stone parliament building with columns and a flag",
            "caption": "Parliament approved the budget on Wednesday evening.",
            "credit": "Continental Press Agency/M. Lund",
        },
    },
    {
        "headline": "Small suppliers say late payments threaten defence supply chain",
        "standfirst": "A trade association survey found that a quarter of small firms "
        "waited more than 90 days to be paid by prime contractors.",
        "body": (
            "<p>Small defence suppliers are waiting longer to be paid by the large "
            "companies they supply, according to a survey by a manufacturing trade "
            "association.</p>"
            "<p>A quarter of the 140 firms surveyed said they routinely waited more "
            "than 90 days for payment. Several said they had turned down defence "
            "work to protect their cash flow.</p>"
            "<p>The association wants the ministry to require prime contractors to "
            "pay subcontractors within 30 days, a condition already applied to some "
            "civil government contracts.</p>"
            "<p>The ministry said it would review the survey's findings.</p>"
        ),
        "section": "industry",
        "authors": ["anouk-brennan"],
        "tags": ["supply chain", "small business", "payments", "industry"],
        "dateline": "Birmingham",
        "source": "Trade association survey",
        "days_ago": 33,
        "state": "live",
        "image": {
            "kind": "factory",
            "title": "Machine shop at an industrial estate",
            "alt_text": "Low industrial sheds with chimneys at dusk",
            "caption": "Many small suppliers work from industrial estates like this one.",
            "credit": "Newsroom/Staff",
        },
    },
    {
        "headline": "Halvorsen Naval Yards wins export order for four offshore patrol vessels",
        "standfirst": "The order from Veskia is the yard's first export contract in "
        "twelve years.",
        "body": (
            "<p>Halvorsen Naval Yards has won an order from Veskia for four offshore "
            "patrol vessels based on the navy's Dunlin class.</p>"
            "<p>The first two ships will be built in the yard, and the remaining two "
            "in Veskia with technical assistance. The contract includes crew training "
            "and five years of support.</p>"
            "<p>The yard said the order would keep its patrol vessel workforce busy "
            "between domestic programmes, a gap it had warned could cost skilled "
            "jobs.</p>"
        ),
        "section": "industry",
        "authors": ["anouk-brennan", "callum-reyes-whitford"],
        "tags": ["exports", "shipbuilding", "patrol vessels", "halvorsen naval yards"],
        "dateline": "Glasgow",
        "source": "Halvorsen Naval Yards",
        "days_ago": 39,
        "state": "live",
        "image": {
            "kind": "ship",
            "title": "Patrol vessel on sea trials",
            "alt_text": "A patrol ship on a calm sea",
            "caption": "A Dunlin-class patrol vessel, the basis of the export design.",
            "credit": "Halvorsen Naval Yards handout",
        },
    },
    {
        "headline": "Aldermoor Electronics and Corvid Radar form joint venture for sensor exports",
        "standfirst": "The two companies will market a combined family of air and surface "
        "surveillance radars abroad.",
        "body": (
            "<p>Aldermoor Electronics and Corvid Radar have formed a joint venture to "
            "market their radars abroad as a single product family.</p>"
            "<p>The companies compete at home but say that, in export markets, "
            "customers want one supplier for all their surveillance radars. The joint "
            "venture will offer Corvid's air surveillance sensors alongside "
            "Aldermoor's naval and coastal radars.</p>"
            "<p>Competition authorities must approve the arrangement. The companies "
            "said domestic contracts would not be affected.</p>"
        ),
        "section": "industry",
        "authors": ["continental-press-agency"],
        "tags": [
            "joint venture",
            "exports",
            "radar",
            "corvid radar",
            "aldermoor electronics",
        ],
        "dateline": "Frankfurt",
        "source": "Company announcement",
        "days_ago": 50,
        "state": "live",
        "image": {
            "kind": "radar",
            "title": "Radar demonstrator at a test site",
            "alt_text": "A radar dome on a tower above a test site",
            "caption": "A radar at the companies' shared test site.",
            "credit": "Continental Press Agency/M. Lund",
        },
    },
    {
        "headline": "Ministry launches fund to speed up testing of start-up technology",
        "standfirst": "Small firms will be able to trial prototypes with army units within "
        "months rather than years.",
        "body": (
            "<p>The ministry has launched a €60 million fund to help start-up "
            "companies test new technology with military units.</p>"
            "<p>Firms selected for the scheme will get access to test ranges and "
            "soldiers' feedback within three months of applying, and simplified "
            "contracts worth up to €2 million each.</p>"
            "<p>The first call for proposals covers counter-drone systems, battlefield "
            "power and field medical equipment. Details are on the "
            '<a href="https://innovation.example.org/calls">fund\'s website</a>.</p>'
        ),
        "section": "industry",
        "authors": ["anouk-brennan"],
        "tags": ["innovation", "start-ups", "research", "counter-drone"],
        "dateline": "Helsinki",
        "source": "Ministry of Defence statement",
        "days_ago": 61,
        "state": "live",
        "image": {
            "kind": "drone",
            "title": "Prototype drone at a test range",
            "alt_text": "A small drone flying over open ground",
            "caption": "A prototype drone on a test range.",
            "credit": "Ministry of Defence handout",
        },
    },
    {
        "headline": "Procurement agency publishes ten-year equipment plan",
        "standfirst": "The plan lists 84 programmes and, for the first time, their "
        "estimated whole-life costs.",
        "body": (
            "<p>The Defence Procurement Agency has published its ten-year equipment "
            "plan, listing 84 programmes and their expected costs.</p>"
            "<p>For the first time the plan includes whole-life costs, covering "
            "support and upgrades as well as purchase. Analysts said this would make "
            "it easier to compare options.</p>"
            "<h2>Biggest programmes</h2>"
            "<p>The largest items are the Corrie-class frigates, the Wayfarer "
            "armoured vehicle and the Beacon satellite constellation. Together they "
            "account for about a third of planned spending.</p>"
            "<p>The plan is available on the "
            '<a href="https://procurement.example.org/equipment-plan">agency\'s '
            "website</a>.</p>"
        ),
        "section": "industry",
        "authors": ["tobias-lindqvist-hale"],
        "tags": ["equipment plan", "procurement", "defence spending", "transparency"],
        "dateline": "Brussels",
        "source": "Defence Procurement Agency",
        "days_ago": 80,
        "state": "live",
        "image": {
            "kind": "building",
            "title": "Procurement agency headquarters",
            "alt_text": "A government building with a domed roof and columns",
            "caption": "The Defence Procurement Agency's headquarters.",
            "credit": "Newsroom/Staff",
        },
    },
    {
        "headline": "Steel shortage delays armoured vehicle production line by three months",
        "standfirst": "Falkmoor Vehicles says a supplier of armour plate has been unable "
        "to meet its delivery schedule.",
        "body": (
            "<p>Falkmoor Vehicles has delayed the start of its armoured vehicle "
            "production line by three months because of a shortage of armour-grade "
            "steel.</p>"
            "<p>The company said its plate supplier had prioritised other customers "
            "after a furnace breakdown. It is now qualifying a second supplier, a "
            "process that takes several months of ballistic testing.</p>"
            "<p>The army said the delay would not affect the planned in-service date "
            "of its new vehicles, because the schedule included some margin.</p>"
        ),
        "section": "industry",
        "authors": ["anouk-brennan"],
        "tags": [
            "supply chain",
            "steel",
            "armoured vehicles",
            "delays",
            "falkmoor vehicles",
        ],
        "dateline": "Ostrava",
        "source": "Falkmoor Vehicles",
        "days_ago": 110,
        "state": "live",
        "image": {
            "kind": "factory",
            "title": "Vehicle factory with tower crane",
            "alt_text": "A large factory hall and a tower crane in an industrial area",
            "caption": "Falkmoor Vehicles' production site.",
            "credit": "Continental Press Agency/M. Lund",
        },
    },
    {
        "headline": "Apprenticeships in defence manufacturing reach record level",
        "standfirst": "More than 4,200 people started apprenticeships with defence firms "
        "last year.",
        "body": (
            "<p>A record 4,200 people began apprenticeships in defence manufacturing "
            "last year, according to figures from an industry skills body.</p>"
            "<p>Welding, electronics and machining were the most popular trades. "
            "The proportion of women starting apprenticeships rose to 19 per cent, "
            "from 14 per cent two years earlier.</p>"
            "<p>Employers warned that demand for skilled workers would continue to "
            "outstrip supply as shipbuilding and munitions programmes grow.</p>"
        ),
        "section": "industry",
        "authors": ["priya-achterberg", "anouk-brennan"],
        "tags": ["apprenticeships", "skills", "jobs", "manufacturing"],
        "dateline": "Manchester",
        "source": "Industry skills body",
        "days_ago": 118,
        "state": "live",
        "image": {
            "kind": "factory",
            "title": "Apprentices' training workshop",
            "alt_text": "Factory buildings with saw-tooth roofs at sunset",
            "caption": "A training workshop used by apprentices.",
            "credit": "Newsroom/Staff",
        },
    },
    {
        "headline": "Lyra Orbital to build satellite assembly hall near northern spaceport",
        "standfirst": "The company says building satellites next to the launch site will "
        "cut weeks from each mission.",
        "body": (
            "<p>Lyra Orbital will build a satellite assembly hall next to the "
            "northern spaceport, allowing satellites to be integrated and launched "
            "without long road journeys.</p>"
            "<p>The company builds the Beacon military communications satellites and "
            "a range of smaller Earth observation spacecraft. It said the new hall "
            "would employ about 120 engineers.</p>"
            "<p>Construction is expected to take eighteen months.</p>"
        ),
        "section": "industry",
        "authors": ["ingrid-solberg-maas"],
        "tags": ["space", "lyra orbital", "manufacturing", "space launch"],
        "dateline": "Andøya",
        "source": "Lyra Orbital",
        "days_ago": 66,
        "state": "live",
        "image": {
            "kind": "satellite",
            "title": "Earth observation satellite (illustration)",
            "alt_text": "Illustration of a satellite with two solar wings above the Earth",
            "caption": "An illustration of a Lyra Orbital satellite.",
            "credit": "Lyra Orbital illustration",
        },
    },
    {
        "headline": "Army helicopter fleet to be cut to two types",
        "standfirst": "Retiring four older types will simplify training and maintenance, "
        "the army says.",
        "body": (
            "<p>The army will reduce its helicopter fleet from six types to two "
            "over the next decade, retiring its oldest utility and light observation "
            "helicopters.</p>"
            "<p>Officers say running six types, each with its own training, spares "
            "and engineers, has kept availability low. The two remaining types will "
            "be a medium utility helicopter and an attack helicopter.</p>"
            "<p>Some roles of the retired helicopters will be taken over by "
            "drones.</p>"
        ),
        "section": "land-forces",
        "authors": ["rafe-mallory", "ingrid-solberg-maas"],
        "tags": ["helicopters", "army aviation", "fleet rationalisation", "drones"],
        "dateline": "Salisbury",
        "source": "Army aviation command",
        "days_ago": 74,
        "state": "live",
        "image": {
            "kind": "helicopter",
            "title": "Army utility helicopter over training area",
            "alt_text": "A helicopter flying over green hills",
            "caption": "An army utility helicopter on a training flight.",
            "credit": "Army Media Centre/R. Okafor",
        },
    },
    {
        "headline": "Border guard and army rehearse joint response to drone incursions",
        "standfirst": "A two-day drill tested how quickly the services can hand over "
        "tracking of a suspicious drone.",
        "body": (
            "<p>The border guard and the army have rehearsed their joint response to "
            "drones crossing the border, in a two-day drill near the eastern "
            "frontier.</p>"
            "<p>The drill focused on hand-overs: a border guard observation post "
            "detects a drone, passes its track to an army radar, and the army "
            "decides whether to jam or intercept it.</p>"
            "<p>The fastest hand-over took under two minutes. Officials said they "
            "would now write the procedures into a formal agreement between the "
            "two services.</p>"
        ),
        "section": "air-defence",
        "authors": ["baltic-wire-service"],
        "tags": ["border security", "counter-drone", "drones", "exercises"],
        "dateline": "Vilnius",
        "source": "Baltic Wire Service",
        "days_ago": 98,
        "state": "live",
        "image": {
            "kind": "radar",
            "title": "Army radar at a border observation post",
            "alt_text": "A radar vehicle on flat ground under a wide sky",
            "caption": "An army radar during the joint drill.",
            "credit": "Baltic Wire Service",
        },
    },
    {
        "headline": "Icebreaking patrol ship enters service in the far north",
        "standfirst": "The ship can break ice up to a metre thick and carries a helicopter.",
        "body": (
            "<p>The navy's first ice-capable patrol ship has entered service, "
            "allowing it to operate year-round in northern waters.</p>"
            "<p>The ship can break level ice up to a metre thick and carries a "
            "helicopter and two uncrewed boats. It will patrol fishing grounds and "
            "support search and rescue.</p>"
            "<p>A second ship is under construction.</p>"
        ),
        "section": "naval",
        "authors": ["callum-reyes-whitford"],
        "tags": ["arctic", "patrol vessels", "icebreakers", "navy"],
        "dateline": "Tromsø",
        "source": "Navy Press Office",
        "days_ago": 115,
        "state": "live",
        "image": {
            "kind": "ship",
            "title": "Ice-capable patrol ship in northern waters",
            "alt_text": "A grey ship on a cold sea under a pale sky",
            "caption": "The ice-capable patrol ship during acceptance trials.",
            "credit": "Navy Press Office/L. Amsel",
        },
    },
    {
        "headline": "Wayfarer vehicles carry out first live firing of turret cannon",
        "standfirst": "The 30mm cannon hit moving targets at up to two kilometres while "
        "the vehicle was on the move.",
        "body": (
            "<p>A Wayfarer armoured vehicle has fired its 30mm turret cannon for the "
            "first time, hitting moving targets at up to two kilometres while "
            "driving across rough ground.</p>"
            "<p>The firing tested the turret's stabilisation and fire control "
            "system. The test team said the results met the army's requirement.</p>"
            "<p>Further firings with programmable air-burst ammunition, intended for "
            "use against drones, are planned next month.</p>"
        ),
        "section": "land-forces",
        "authors": ["maren-ostrova"],
        "tags": ["wayfarer", "live fire", "armoured vehicles", "counter-drone"],
        "dateline": "Hamburg",
        "source": "Falkmoor Vehicles",
        "days_ago": 62,
        "state": "live",
        "image": {
            "kind": "vehicle",
            "title": "Wayfarer vehicle at a firing range",
            "alt_text": "An eight-wheeled armoured vehicle with a turret on open ground",
            "caption": "A Wayfarer vehicle on the range before the first firing.",
            "credit": "Falkmoor Vehicles handout",
        },
    },
]
