//! A deterministic synthetic customer-research corpus, written by the tests
//! themselves: a port of the shared benchmark generator
//! (`../shared/bench/gen_corpus.py`), so the tests need neither Python nor
//! the shared folder.
//!
//! The port is exact: the same seed gives the same files, byte for byte, as
//! the Python script (it draws from the same Mersenne Twister, in the same
//! order, with CPython's `random` methods written out below), so the bench
//! and the tests see the same corpus. The product in it is a payroll and HR
//! platform ("Paywise"). It writes:
//!
//! - `accounts.csv`: the CRM export (account, name, segment, industry,
//!   employees, arr, region, plan, nps, churned)
//! - `interviews/*.vtt`: WebVTT interviews with `<v Speaker>` voice tags,
//!   each with a `*.vtt.meta.yaml` sidecar (account, kind, date, title)
//! - `notes/*.md`: call notes with YAML front matter
//! - `calls.csv`: a call log, one call per row (text column: `notes`)
//! - `tickets.jsonl`: support tickets, one per line (text key: `body`)
//! - `truth.json`: the planted themes: for each, its segment (or `all`) and
//!   the accounts that carry it
//!
//! A fifth of the documents are interviews, and every account with a planted
//! theme gets one, so the truth holds; the rest are notes, calls and tickets
//! (3 : 3 : 2). There are `max(30, docs / 8)` accounts.

use std::fmt::Write as _;
use std::path::Path;

/// The Python script's default seed.
pub const SEED: u64 = 7;

const SEGMENTS: [(&str, f64); 3] = [("smb", 0.5), ("mid-market", 0.3), ("enterprise", 0.2)];
const INDUSTRIES: [&str; 8] = [
    "retail",
    "healthcare",
    "logistics",
    "hospitality",
    "construction",
    "education",
    "software",
    "manufacturing",
];
const REGIONS: [&str; 4] = ["NA", "EMEA", "APAC", "LATAM"];
const COMPANY: [&str; 7] = [
    "Foods",
    "Health",
    "Logistics",
    "Builders",
    "Labs",
    "Group",
    "Retail",
];
const PLANS: [&str; 3] = ["core", "plus", "premium"];
const PRIORITIES: [&str; 3] = ["low", "normal", "high"];

/// A planted theme: its id, the segment it is planted in (`all`: every
/// segment), the share of that segment's accounts that carry it, and its
/// phrasings.
pub struct Theme {
    pub id: &'static str,
    pub segment: &'static str,
    pub share: f64,
    pub phrasings: &'static [&'static str],
}

pub const THEMES: [Theme; 6] = [
    Theme {
        id: "multi-state-tax",
        segment: "mid-market",
        share: 0.6,
        phrasings: &[
            "Filing payroll taxes across several states is a nightmare, we keep getting notices from the state agencies.",
            "Every time we hire someone in a new state the tax registration is manual and it takes weeks.",
            "Multi-state withholding is where Paywise breaks down for us, the local tax tables are often wrong.",
            "Our accountant spends two days a month fixing state tax filings that the system got wrong.",
        ],
    },
    Theme {
        id: "approval-workflows",
        segment: "enterprise",
        share: 0.65,
        phrasings: &[
            "We need multi-level approval workflows before a payroll run is released, today anyone with access can push it.",
            "Our auditors flagged that there is no segregation of duties on payroll approvals.",
            "Without approval chains per business unit we cannot roll Paywise out to the whole company.",
            "The approval flow is too simple for us, finance and HR both have to sign off on every off-cycle run.",
        ],
    },
    Theme {
        id: "erp-integration",
        segment: "enterprise",
        share: 0.45,
        phrasings: &[
            "The general ledger export to our ERP has to be reformatted by hand every single period.",
            "Integration with SAP is the biggest blocker, the journal entries do not map to our cost centers.",
            "We wrote our own scripts to push payroll journals into NetSuite because the connector drops lines.",
        ],
    },
    Theme {
        id: "price-per-employee",
        segment: "smb",
        share: 0.55,
        phrasings: &[
            "Honestly the per-employee price is hard to justify for a team of twelve people.",
            "When we added seasonal staff the monthly bill almost doubled, that pricing model hurts small shops.",
            "We are a small bakery and paying per head for payroll software feels expensive.",
            "The cost per employee is the main reason we are looking at cheaper alternatives.",
        ],
    },
    Theme {
        id: "mobile-timesheets",
        segment: "smb",
        share: 0.4,
        phrasings: &[
            "Our crew clocks in from their phones and the mobile timesheet app keeps logging them out.",
            "Hourly workers cannot fix a missed punch on the mobile app, they have to call the office.",
            "The time tracking app on Android loses entries when there is no signal on site.",
        ],
    },
    Theme {
        id: "slow-support",
        segment: "all",
        share: 0.25,
        phrasings: &[
            "Support takes three or four days to answer a ticket, which is painful during a payroll deadline.",
            "When something goes wrong on payday nobody picks up the phone at support.",
        ],
    },
];

const POSITIVE: [&str; 4] = [
    "The onboarding checklist for new hires is really nice, people love it.",
    "Direct deposit has been rock solid since we switched.",
    "Our employees like the self-service portal for pay stubs.",
    "The year-end forms were generated without any trouble.",
];
const SMALLTALK: [&str; 8] = [
    "Thanks for making the time today.",
    "Can everyone hear me okay?",
    "Let me share my screen for a second.",
    "We have been customers for about two years now.",
    "I will send over the deck after the call.",
    "That makes sense.",
    "Sure, happy to walk you through our process.",
    "Let me check with the team and get back to you.",
];
const FIRST: [&str; 12] = [
    "Maria", "James", "Priya", "Chen", "Fatima", "Lukas", "Sofia", "Omar", "Hannah", "Diego",
    "Aiko", "Noah",
];
const LAST: [&str; 12] = [
    "Garcia", "Smith", "Patel", "Wang", "Khan", "Muller", "Rossi", "Haddad", "Berg", "Lopez",
    "Sato", "Brown",
];
const SYLLABLES: [&str; 16] = [
    "ka", "lo", "mi", "ter", "son", "ra", "vel", "qui", "dor", "pen", "sa", "tro", "lin", "gu",
    "mar", "zo",
];

/// CPython's `random.Random`: MT19937 seeded with `init_by_array`, and the
/// methods the generator calls, each drawing exactly as CPython's does.
struct PyRandom {
    mt: [u32; 624],
    index: usize,
}

impl PyRandom {
    /// `random.Random(seed)` for a non-negative integer seed.
    fn new(seed: u64) -> PyRandom {
        let mut key = vec![seed as u32];
        if seed >> 32 != 0 {
            key.push((seed >> 32) as u32);
        }
        let mut r = PyRandom {
            mt: [0; 624],
            index: 624,
        };
        r.init_genrand(19_650_218);
        let n = 624;
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..n.max(key.len()) {
            let prev = r.mt[i - 1] ^ (r.mt[i - 1] >> 30);
            r.mt[i] = (r.mt[i] ^ prev.wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= n {
                r.mt[0] = r.mt[n - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..n - 1 {
            let prev = r.mt[i - 1] ^ (r.mt[i - 1] >> 30);
            r.mt[i] = (r.mt[i] ^ prev.wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= n {
                r.mt[0] = r.mt[n - 1];
                i = 1;
            }
        }
        r.mt[0] = 0x8000_0000;
        r
    }

    fn init_genrand(&mut self, s: u32) {
        self.mt[0] = s;
        for i in 1..624 {
            let prev = self.mt[i - 1] ^ (self.mt[i - 1] >> 30);
            self.mt[i] = 1_812_433_253u32.wrapping_mul(prev).wrapping_add(i as u32);
        }
        self.index = 624;
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            for k in 0..624 {
                let y = (self.mt[k] & 0x8000_0000) | (self.mt[(k + 1) % 624] & 0x7fff_ffff);
                let mag = if y & 1 == 1 { 0x9908_b0df } else { 0 };
                self.mt[k] = self.mt[(k + 397) % 624] ^ (y >> 1) ^ mag;
            }
            self.index = 0;
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random()`: 53 random bits in [0, 1).
    fn random(&mut self) -> f64 {
        let a = self.next_u32() >> 5;
        let b = self.next_u32() >> 6;
        (a as f64 * 67_108_864.0 + b as f64) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `_randbelow(n)` by rejection on `n.bit_length()` bits (n < 2^32).
    fn below(&mut self, n: usize) -> usize {
        assert!(n > 0 && n <= u32::MAX as usize);
        let k = usize::BITS - n.leading_zeros();
        loop {
            let r = (self.next_u32() >> (32 - k)) as usize;
            if r < n {
                return r;
            }
        }
    }

    /// `randint(a, b)`, both ends included.
    fn randint(&mut self, a: i64, b: i64) -> i64 {
        a + self.below((b - a + 1) as usize) as i64
    }

    /// `choice(seq)`.
    fn choice<'a, T>(&mut self, seq: &'a [T]) -> &'a T {
        &seq[self.below(seq.len())]
    }

    /// `choices(population, weights)[0]`: a bisection of the cumulative
    /// weights, as CPython sums them.
    fn weighted<'a, T>(&mut self, population: &'a [T], weights: &[f64]) -> &'a T {
        let mut cum = Vec::with_capacity(weights.len());
        let mut total = 0.0;
        for w in weights {
            total += w;
            cum.push(total);
        }
        let x = self.random() * total;
        // bisect_right(cum, x, 0, len - 1)
        let (mut lo, mut hi) = (0, population.len() - 1);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if x < cum[mid] {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        &population[lo]
    }

    /// `sample(population, k)` for a small population (CPython's pool
    /// branch, taken while `len <= 21`).
    fn sample<T: Clone>(&mut self, population: &[T], k: usize) -> Vec<T> {
        let n = population.len();
        assert!(k <= n && n <= 21);
        let mut pool = population.to_vec();
        let mut out = Vec::with_capacity(k);
        for i in 0..k {
            let j = self.below(n - i);
            out.push(pool[j].clone());
            pool[j] = pool[n - i - 1].clone();
        }
        out
    }

    /// `shuffle(x)`.
    fn shuffle<T>(&mut self, x: &mut [T]) {
        for i in (1..x.len()).rev() {
            let j = self.below(i + 1);
            x.swap(i, j);
        }
    }

    /// `paretovariate(alpha)`.
    fn pareto(&mut self, alpha: f64) -> f64 {
        let u = 1.0 - self.random();
        u.powf(-1.0 / alpha)
    }
}

struct Account {
    id: String,
    name: String,
    segment: &'static str,
    industry: &'static str,
    employees: i64,
    arr: i64,
    region: &'static str,
    plan: &'static str,
    nps: i64,
    churned: bool,
}

/// A CSV field as Python's `csv` module writes it (minimal quoting).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV row with Python's `\r\n` line ending.
fn csv_row(fields: &[&str]) -> String {
    let mut row = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    row.push_str("\r\n");
    row
}

/// A JSON string as Python's `json.dumps` writes it (ASCII only).
fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

/// Python's `divmod` of two positive floats.
fn divmod(x: f64, y: f64) -> (f64, f64) {
    let m = x % y;
    let div = (x - m) / y;
    let mut f = div.floor();
    if div - f > 0.5 {
        f += 1.0;
    }
    (f, m)
}

/// A cue time, `HH:MM:SS.mmm`.
fn ts(sec: f64) -> String {
    let (h, rem) = divmod(sec, 3600.0);
    let (m, s) = divmod(rem, 60.0);
    format!("{:02}:{:02}:{:06.3}", h as u64, m as u64, s)
}

/// `" ".join(...).capitalize()`: the words are lower-case ASCII.
fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

fn write(path: &Path, content: impl AsRef<[u8]>) {
    std::fs::write(path, content).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Writes a corpus of `docs` documents to `out` (as `gen_corpus.py --docs
/// DOCS --seed SEED --out OUT`; `accounts` 0 is the script's default).
pub fn generate(out: &Path, docs: usize, seed: u64, accounts: usize) {
    let mut rng = PyRandom::new(seed);
    let words: Vec<String> = (0..20_000)
        .map(|_| {
            let n = rng.randint(2, 4);
            (0..n).map(|_| *rng.choice(&SYLLABLES)).collect()
        })
        .collect();
    let n_acc = if accounts > 0 {
        accounts
    } else {
        30.max(docs / 8)
    };
    std::fs::create_dir_all(out.join("interviews")).expect("mkdir interviews");
    std::fs::create_dir_all(out.join("notes")).expect("mkdir notes");

    let segment_names: Vec<&str> = SEGMENTS.iter().map(|s| s.0).collect();
    let segment_weights: Vec<f64> = SEGMENTS.iter().map(|s| s.1).collect();
    let mut accts = Vec::with_capacity(n_acc);
    for i in 0..n_acc {
        let segment = *rng.weighted(&segment_names, &segment_weights);
        // Python's dict literal draws all three sizes, in this order
        let smb = rng.randint(5, 99);
        let mid = rng.randint(100, 999);
        let ent = rng.randint(1000, 40000);
        let employees = match segment {
            "smb" => smb,
            "mid-market" => mid,
            _ => ent,
        };
        let name = format!("{} {} {i}", rng.choice(&LAST), rng.choice(&COMPANY));
        let industry = *rng.choice(&INDUSTRIES);
        let arr = employees * rng.randint(40, 90);
        let region = *rng.choice(&REGIONS);
        let plan = *rng.choice(&PLANS);
        // Python's `//` floors
        let nps = rng.randint(-100, 100).div_euclid(10) * 10;
        let churned = rng.random() < 0.1;
        accts.push(Account {
            id: format!("PW-{i:05}"),
            name,
            segment,
            industry,
            employees,
            arr,
            region,
            plan,
            nps,
            churned,
        });
    }
    let mut csv = csv_row(&[
        "account",
        "name",
        "segment",
        "industry",
        "employees",
        "arr",
        "region",
        "plan",
        "nps",
        "churned",
    ]);
    for a in &accts {
        csv.push_str(&csv_row(&[
            &a.id,
            &a.name,
            a.segment,
            a.industry,
            &a.employees.to_string(),
            &a.arr.to_string(),
            a.region,
            a.plan,
            &a.nps.to_string(),
            if a.churned { "True" } else { "False" },
        ]));
    }
    write(&out.join("accounts.csv"), csv);

    // which accounts carry which theme
    let mut themes_of: Vec<Vec<usize>> = vec![Vec::new(); n_acc];
    let mut truth = Vec::new();
    for (t, theme) in THEMES.iter().enumerate() {
        let mut chosen = Vec::new();
        for (i, a) in accts.iter().enumerate() {
            if (theme.segment == "all" || a.segment == theme.segment) && rng.random() < theme.share
            {
                chosen.push(a.id.clone());
                themes_of[i].push(t);
            }
        }
        chosen.sort();
        truth.push((theme.id, chosen));
    }

    let filler = |rng: &mut PyRandom, n: i64| -> Vec<String> {
        (0..n)
            .map(|_| {
                let k = rng.randint(8, 20);
                let ws: Vec<&str> = (0..k)
                    .map(|_| {
                        let i = ((rng.pareto(1.1) - 1.0) * 200.0) as u64;
                        words[(i % words.len() as u64) as usize].as_str()
                    })
                    .collect();
                capitalize(&ws.join(" ")) + "."
            })
            .collect()
    };
    let evidence = |rng: &mut PyRandom, acc: usize, k: i64| -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for &t in &themes_of[acc] {
            if rng.random() < 0.7 {
                lines.push(rng.choice(THEMES[t].phrasings).to_string());
            }
        }
        let n = rng.randint(0, 2) as usize;
        lines.extend(rng.sample(&POSITIVE, n).into_iter().map(String::from));
        lines.extend(filler(rng, k));
        rng.shuffle(&mut lines);
        lines
    };

    // every account with a theme gets at least one interview so the truth holds
    let order: Vec<usize> = (0..n_acc)
        .filter(|&i| !themes_of[i].is_empty())
        .chain(0..n_acc)
        .collect();
    let mut calls = csv_row(&["account", "date", "rep", "duration_min", "notes"]);
    let mut tickets = String::new();
    let kinds = ["note", "call", "ticket"];
    for d in 0..docs {
        let acc = if d < order.len() && d < docs / 5 {
            order[d]
        } else {
            rng.below(n_acc)
        };
        let kind = if d < docs / 5 {
            "interview"
        } else {
            *rng.weighted(&kinds, &[3.0, 3.0, 2.0])
        };
        let date = format!("2026-{:02}-{:02}", rng.randint(1, 10), rng.randint(1, 28));
        let a = &accts[acc];
        match kind {
            "interview" => {
                let cust = format!("{} {}", rng.choice(&FIRST), rng.choice(&LAST));
                let host = format!("{} {}", rng.choice(&FIRST), rng.choice(&LAST));
                let mut lines = vec![rng.choice(&SMALLTALK).to_string()];
                let k = rng.randint(20, 50);
                lines.extend(evidence(&mut rng, acc, k));
                let mut t = 0.0f64;
                let mut cues = vec!["WEBVTT".to_string(), String::new()];
                for (j, line) in lines.iter().enumerate() {
                    let who = if j % 4 == 0 { &host } else { &cust };
                    let dur = 2.0 + line.chars().count() as f64 / 15.0;
                    cues.push(format!(
                        "{}\n{} --> {}\n<v {who}>{line}\n",
                        j + 1,
                        ts(t),
                        ts(t + dur)
                    ));
                    t += dur + 0.5;
                }
                let base = out.join("interviews").join(format!("interview-{d:06}"));
                write(&base.with_extension("vtt"), cues.join("\n"));
                write(
                    &base.with_extension("vtt.meta.yaml"),
                    format!(
                        "account: {}\nkind: interview\ndate: {date}\ntitle: Discovery interview with {cust}\n",
                        a.id
                    ),
                );
            }
            "note" => {
                let paragraphs = rng.randint(2, 4);
                let body = (0..paragraphs)
                    .map(|_| {
                        let k = rng.randint(2, 5);
                        evidence(&mut rng, acc, k).join(" ")
                    })
                    .collect::<Vec<_>>()
                    .join("\n\n");
                write(
                    &out.join("notes").join(format!("note-{d:06}.md")),
                    format!(
                        "---\naccount: {}\nkind: note\ndate: {date}\ntitle: Account review\n---\n\n# Account review\n\n{body}\n",
                        a.id
                    ),
                );
            }
            "call" => {
                let rep = *rng.choice(&FIRST);
                let minutes = rng.randint(5, 60).to_string();
                let k = rng.randint(1, 3);
                let notes = evidence(&mut rng, acc, k).join(" ");
                calls.push_str(&csv_row(&[&a.id, &date, rep, &minutes, &notes]));
            }
            _ => {
                let priority = *rng.choice(&PRIORITIES);
                let k = rng.randint(1, 4);
                let body = evidence(&mut rng, acc, k).join(" ");
                writeln!(
                    tickets,
                    "{{\"account\": {}, \"date\": {}, \"kind\": \"ticket\", \"priority\": {}, \"subject\": \"Help needed\", \"body\": {}}}",
                    json_str(&a.id),
                    json_str(&date),
                    json_str(priority),
                    json_str(&body)
                )
                .expect("write to a String");
            }
        }
    }
    write(&out.join("calls.csv"), calls);
    write(&out.join("tickets.jsonl"), tickets);

    // truth.json as Python's json.dump(indent=1) writes it
    let mut themes = serde_json::Map::new();
    for (id, accounts) in &truth {
        let segment = THEMES
            .iter()
            .find(|t| t.id == *id)
            .expect("a theme")
            .segment;
        themes.insert(
            id.to_string(),
            serde_json::json!({"segment": segment, "accounts": accounts}),
        );
    }
    let mut text = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut text,
        serde_json::ser::PrettyFormatter::with_indent(b" "),
    );
    serde::Serialize::serialize(&serde_json::json!({ "themes": themes }), &mut ser)
        .expect("truth serialises");
    write(&out.join("truth.json"), text);
}
