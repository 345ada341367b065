//! An independent encoding of the State Council holiday notices 2019–2026, written by hand from
//! the notices (not generated from the JSON data), compared with the calendar for every date.
//! A mismatch means the data, the loader or this table is wrong, and must be looked at.

use liuhen_calendar::Calendar;
use time::{Date, Month, Weekday};

/// (first day off, last day off) ranges and make-up working days per notice, as "MM-DD" in the
/// notice year unless a full date is given.
struct Notice {
    year: i32,
    off: &'static [(&'static str, &'static str)],
    work: &'static [&'static str],
}

const NOTICES: &[Notice] = &[
    Notice {
        // 国办发明电〔2018〕15号 and the 2019-03-22 amendment (劳动节 1–4 May).
        year: 2019,
        off: &[
            ("2018-12-30", "2019-01-01"),
            ("02-04", "02-10"),
            ("04-05", "04-07"),
            ("05-01", "05-04"),
            ("06-07", "06-09"),
            ("09-13", "09-15"),
            ("10-01", "10-07"),
        ],
        work: &[
            "2018-12-29",
            "02-02",
            "02-03",
            "04-28",
            "05-05",
            "09-29",
            "10-12",
        ],
    },
    Notice {
        // 国办发〔2019〕16号, Spring Festival extended to 2 February (国办发明电〔2020〕1号).
        year: 2020,
        off: &[
            ("01-01", "01-01"),
            ("01-24", "02-02"),
            ("04-04", "04-06"),
            ("05-01", "05-05"),
            ("06-25", "06-27"),
            ("10-01", "10-08"),
        ],
        work: &["01-19", "04-26", "05-09", "06-28", "09-27", "10-10"],
    },
    Notice {
        year: 2021,
        off: &[
            ("01-01", "01-03"),
            ("02-11", "02-17"),
            ("04-03", "04-05"),
            ("05-01", "05-05"),
            ("06-12", "06-14"),
            ("09-19", "09-21"),
            ("10-01", "10-07"),
        ],
        work: &[
            "02-07", "02-20", "04-25", "05-08", "09-18", "09-26", "10-09",
        ],
    },
    Notice {
        year: 2022,
        off: &[
            ("01-01", "01-03"),
            ("01-31", "02-06"),
            ("04-03", "04-05"),
            ("04-30", "05-04"),
            ("06-03", "06-05"),
            ("09-10", "09-12"),
            ("10-01", "10-07"),
        ],
        work: &[
            "01-29", "01-30", "04-02", "04-24", "05-07", "10-08", "10-09",
        ],
    },
    Notice {
        year: 2023,
        off: &[
            ("2022-12-31", "2023-01-02"),
            ("01-21", "01-27"),
            ("04-05", "04-05"),
            ("04-29", "05-03"),
            ("06-22", "06-24"),
            ("09-29", "10-06"),
        ],
        work: &[
            "01-28", "01-29", "04-23", "05-06", "06-25", "10-07", "10-08",
        ],
    },
    Notice {
        year: 2024,
        off: &[
            ("01-01", "01-01"),
            ("02-10", "02-17"),
            ("04-04", "04-06"),
            ("05-01", "05-05"),
            ("06-10", "06-10"),
            ("09-15", "09-17"),
            ("10-01", "10-07"),
        ],
        work: &[
            "02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12",
        ],
    },
    Notice {
        year: 2025,
        off: &[
            ("01-01", "01-01"),
            ("01-28", "02-04"),
            ("04-04", "04-06"),
            ("05-01", "05-05"),
            ("05-31", "06-02"),
            ("10-01", "10-08"),
        ],
        work: &["01-26", "02-08", "04-27", "09-28", "10-11"],
    },
    Notice {
        year: 2026,
        off: &[
            ("01-01", "01-03"),
            ("02-15", "02-23"),
            ("04-04", "04-06"),
            ("05-01", "05-05"),
            ("06-19", "06-21"),
            ("09-25", "09-27"),
            ("10-01", "10-07"),
        ],
        work: &["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"],
    },
];

fn parse(year: i32, text: &str) -> Date {
    let full = if text.len() == 5 {
        format!("{year}-{text}")
    } else {
        text.to_owned()
    };
    liuhen_calendar::parse_date(&full).unwrap()
}

/// The independent rule: made-up working day → working; in an off range → not; else Mon–Fri.
fn expected_working(date: Date) -> bool {
    for notice in NOTICES {
        if notice
            .work
            .iter()
            .any(|day| parse(notice.year, day) == date)
        {
            return true;
        }
        for (first, last) in notice.off {
            if parse(notice.year, first) <= date && date <= parse(notice.year, last) {
                return false;
            }
        }
    }
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[test]
fn every_date_2019_to_2026_matches_the_hand_encoded_notices() {
    let calendar = Calendar::embedded().unwrap();
    let mut date = Date::from_calendar_date(2018, Month::December, 29).unwrap();
    let last = Date::from_calendar_date(2026, Month::December, 31).unwrap();
    let mut mismatches = Vec::new();
    let mut checked = 0;
    while date <= last {
        let answer = calendar.is_working_day(date);
        if answer.value != expected_working(date) {
            mismatches.push(format!(
                "{date} {:?}: calendar says {}",
                date.weekday(),
                answer.value
            ));
        }
        if date.year() >= 2019 {
            assert!(!answer.is_provisional(), "{date} should be covered");
        }
        checked += 1;
        date = date.next_day().unwrap();
    }
    assert_eq!(checked, 2925);
    assert!(
        mismatches.is_empty(),
        "mismatches:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn working_day_totals_per_year_match_the_hand_encoding() {
    // A second, coarser angle: the number of working days per year (e.g. 2024: 251).
    let calendar = Calendar::embedded().unwrap();
    for year in 2019..=2026 {
        let mut date = Date::from_calendar_date(year, Month::January, 1).unwrap();
        let (mut by_calendar, mut by_hand) = (0, 0);
        while date.year() == year {
            by_calendar += usize::from(calendar.is_working_day(date).value);
            by_hand += usize::from(expected_working(date));
            date = date.next_day().unwrap();
        }
        assert_eq!(by_calendar, by_hand, "{year}");
        assert!((245..=252).contains(&by_calendar), "{year}: {by_calendar}");
    }
}
