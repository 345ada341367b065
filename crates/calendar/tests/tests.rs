//! Behaviour tests of liuhen-calendar. One binary, one module per concern.

// Known answers from requirements.md §3 and the published notices (T2–T4).
#[path = "suite/known_answers.rs"]
mod known_answers;
// Every date 2019–2026 against an independent, hand-written encoding of the notices.
#[path = "suite/cross_check.rs"]
mod cross_check;
// The import validator against one broken file per case (tests/data/import/).
#[path = "suite/import.rs"]
mod import;
// Years without a notice: answers are provisional until loaded (T6, T7).
#[path = "suite/provisional.rs"]
mod provisional;
// The statutory period table (rules/periods.toml) and deadline computation.
#[path = "suite/periods.rs"]
mod periods;
// Deadline status for dashboards (D12-e, P8).
#[path = "suite/status.rs"]
mod status;
// Algebraic properties of working-day arithmetic (proptest).
#[path = "suite/properties.rs"]
mod properties;
