//! Algebraic properties of working-day arithmetic over the loaded years (proptest). Case counts
//! are kept small so the suite stays well under a minute in the dev profile.

use liuhen_calendar::{Calendar, WorkingDays};
use proptest::prelude::*;
use time::{Date, Duration, macros::date};

fn any_date() -> impl Strategy<Value = Date> {
    // 2018-12-01 … 2026-10-31: every result of the properties stays within loaded years.
    (0i64..2892).prop_map(|offset| date!(2018 - 12 - 01) + Duration::days(offset))
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn result_is_always_a_working_day(start in any_date(), n in 1u32..60) {
        let calendar = Calendar::embedded().unwrap();
        let due = calendar.add_working_days(start, WorkingDays(n)).unwrap();
        prop_assert!(calendar.is_working_day(due.value).value);
        prop_assert!(due.value > start);
    }

    #[test]
    fn adding_then_subtracting_returns_to_the_last_working_day_on_or_before_start(
        start in any_date(), n in 1u32..60
    ) {
        let calendar = Calendar::embedded().unwrap();
        let due = calendar.add_working_days(start, WorkingDays(n)).unwrap().value;
        let back = calendar.subtract_working_days(due, WorkingDays(n)).unwrap().value;
        let anchor = calendar.last_working_day_on_or_before(start).unwrap().value;
        prop_assert_eq!(back, anchor);
        if calendar.is_working_day(start).value {
            prop_assert_eq!(back, start);
        }
    }

    #[test]
    fn subtracting_then_adding_returns_to_the_next_working_day_on_or_after_start(
        start in any_date(), n in 1u32..60
    ) {
        let calendar = Calendar::embedded().unwrap();
        let earlier = calendar.subtract_working_days(start, WorkingDays(n)).unwrap().value;
        let again = calendar.add_working_days(earlier, WorkingDays(n)).unwrap().value;
        prop_assert_eq!(again, calendar.next_working_day_on_or_after(start).unwrap().value);
    }

    #[test]
    fn strictly_monotonic_in_n(start in any_date(), n in 0u32..40, extra in 1u32..20) {
        let calendar = Calendar::embedded().unwrap();
        let near = calendar.add_working_days(start, WorkingDays(n)).unwrap().value;
        let far = calendar.add_working_days(start, WorkingDays(n + extra)).unwrap().value;
        prop_assert!(near < far);
    }

    #[test]
    fn n_then_m_equals_n_plus_m(start in any_date(), n in 1u32..30, m in 0u32..30) {
        let calendar = Calendar::embedded().unwrap();
        let step = calendar.add_working_days(start, WorkingDays(n)).unwrap().value;
        let two_steps = calendar.add_working_days(step, WorkingDays(m)).unwrap().value;
        let one_step = calendar.add_working_days(start, WorkingDays(n + m)).unwrap().value;
        prop_assert_eq!(two_steps, one_step);
    }

    #[test]
    fn between_inverts_add(start in any_date(), n in 0u32..60) {
        let calendar = Calendar::embedded().unwrap();
        let due = calendar.add_working_days(start, WorkingDays(n)).unwrap().value;
        let counted = calendar.working_days_between(start, due).unwrap().value;
        prop_assert_eq!(counted, WorkingDays(n));
    }

    #[test]
    fn tampering_with_a_makeup_day_changes_answers_across_it(n in 1u32..15) {
        // Round trip's tamper case: without notices, Saturday 2024-10-12 is no working day,
        // so counting from 2024-10-11 across it gives a different answer.
        let real = Calendar::embedded().unwrap();
        let plain = Calendar::without_notices();
        let start = date!(2024 - 10 - 11);
        let a = real.add_working_days(start, WorkingDays(n)).unwrap().value;
        let b = plain.add_working_days(start, WorkingDays(n)).unwrap().value;
        prop_assert!(b > a);
    }
}
