//! Model lifecycle as Bedrock states it: Active, Legacy, end-of-life, each
//! with its dates, evaluated against a given day.
//!
//! Bedrock's "Model lifecycle" page gives every model a Legacy date (from
//! which it is still served but scheduled to go), a public extended access
//! date (higher prices, same answers) and an end-of-life date (on and after
//! which every call answers `ResourceNotFoundException`). Since the 2026
//! policy, model cards of active models also give an "EOL no sooner than"
//! date. [`Lifecycle`] holds those dates as `models.json` carries them and
//! [`Lifecycle::state`] says which state a model is in on a day, so runs are
//! reproducible with a pinned day (`serve --as-of`, [`FakeConfig::as_of`]).
//!
//! [`FakeConfig::as_of`]: crate::fake::FakeConfig::as_of

use crate::error::Error;
use serde::{Deserialize, Serialize};
pub use time::Date;

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// A model's state on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleState {
    /// Served, no end of life reached.
    Active,
    /// Still served, with an announced end-of-life date.
    Legacy,
    /// Refused on every operation.
    EndOfLife,
}

impl LifecycleState {
    /// The state's name as `models` prints it: `active`, `legacy`,
    /// `end-of-life`.
    ///
    /// ```
    /// use bedrock_harness::LifecycleState;
    ///
    /// assert_eq!(LifecycleState::EndOfLife.label(), "end-of-life");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            LifecycleState::Active => "active",
            LifecycleState::Legacy => "legacy",
            LifecycleState::EndOfLife => "end-of-life",
        }
    }
}

/// A model's lifecycle dates, every one optional: a model with none is
/// active with nothing announced.
///
/// # Example
///
/// ```
/// use bedrock_harness::lifecycle::{parse_date, Lifecycle, LifecycleState};
///
/// // Arrange: Claude Sonnet 4.5's dates.
/// let sonnet_4_5: Lifecycle = serde_json::from_str(
///     r#"{"legacy": "2026-10-08", "extended_access": "2027-01-08", "end_of_life": "2027-04-08"}"#,
/// ).unwrap();
///
/// // Act
/// let before = sonnet_4_5.state(parse_date("2026-10-07").unwrap());
/// let during = sonnet_4_5.state(parse_date("2026-12-02").unwrap());
/// let after = sonnet_4_5.state(parse_date("2027-04-08").unwrap());
///
/// // Assert
/// assert_eq!(before, LifecycleState::Active);
/// assert_eq!(during, LifecycleState::Legacy);
/// assert_eq!(after, LifecycleState::EndOfLife);
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Lifecycle {
    /// The day the model entered Legacy.
    #[serde(with = "iso_date::option")]
    pub legacy: Option<Date>,
    /// The day public extended access began (still served).
    #[serde(with = "iso_date::option")]
    pub extended_access: Option<Date>,
    /// The first day Bedrock refuses the model.
    #[serde(with = "iso_date::option")]
    pub end_of_life: Option<Date>,
    /// The "EOL no sooner than" day of an active model's card.
    #[serde(with = "iso_date::option")]
    pub end_of_life_not_before: Option<Date>,
}

impl Lifecycle {
    /// The model's state on `day`.
    pub fn state(&self, day: Date) -> LifecycleState {
        if self.end_of_life.is_some_and(|eol| eol <= day) {
            LifecycleState::EndOfLife
        } else if self.legacy.is_some_and(|legacy| legacy <= day) {
            LifecycleState::Legacy
        } else {
            LifecycleState::Active
        }
    }

    /// Whether no date is set.
    pub fn is_empty(&self) -> bool {
        *self == Lifecycle::default()
    }
}

/// Today's date in UTC, the day Bedrock's dates are read against when no
/// day is pinned.
///
/// ```
/// let today = bedrock_harness::lifecycle::today();
/// assert!(today.year() >= 2026);
/// ```
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// Parses a `YYYY-MM-DD` date.
///
/// ```
/// use bedrock_harness::lifecycle::parse_date;
///
/// assert_eq!(parse_date("2026-12-02").unwrap().to_string(), "2026-12-02");
/// assert!(parse_date("2026-13-01").is_err());
/// assert!(parse_date("yesterday").is_err());
/// ```
pub fn parse_date(text: &str) -> Result<Date, Error> {
    Date::parse(text, &iso_date_format()).map_err(|e| Error::InvalidDate {
        text: text.to_string(),
        reason: e.to_string(),
    })
}

/// Formats a date as `YYYY-MM-DD`.
///
/// ```
/// use bedrock_harness::lifecycle::{format_date, parse_date};
///
/// assert_eq!(format_date(parse_date("2027-01-08").unwrap()), "2027-01-08");
/// ```
pub fn format_date(date: Date) -> String {
    date.format(&iso_date_format())
        .unwrap_or_else(|_| date.to_string())
}

fn iso_date_format() -> &'static [time::format_description::BorrowedFormatItem<'static>] {
    time::macros::format_description!("[year]-[month]-[day]")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        parse_date(text).unwrap()
    }

    #[test]
    fn end_of_life_starts_on_its_day() {
        let lifecycle = Lifecycle {
            end_of_life: Some(day("2026-09-10")),
            ..Lifecycle::default()
        };
        assert_eq!(lifecycle.state(day("2026-09-09")), LifecycleState::Active);
        assert_eq!(
            lifecycle.state(day("2026-09-10")),
            LifecycleState::EndOfLife
        );
    }

    #[test]
    fn no_sooner_than_dates_do_not_end_a_model() {
        let lifecycle = Lifecycle {
            end_of_life_not_before: Some(day("2026-10-16")),
            ..Lifecycle::default()
        };
        assert_eq!(lifecycle.state(day("2027-06-01")), LifecycleState::Active);
    }

    #[test]
    fn unknown_keys_and_bad_dates_are_refused() {
        assert!(serde_json::from_str::<Lifecycle>(r#"{"eol": "2026-01-01"}"#).is_err());
        assert!(serde_json::from_str::<Lifecycle>(r#"{"legacy": "2026-1-1"}"#).is_err());
    }

    #[test]
    fn dates_round_trip_through_json() {
        let lifecycle = Lifecycle {
            legacy: Some(day("2026-07-08")),
            extended_access: Some(day("2026-10-08")),
            end_of_life: Some(day("2027-01-08")),
            end_of_life_not_before: None,
        };
        let text = serde_json::to_string(&lifecycle).unwrap();
        assert_eq!(
            text,
            r#"{"legacy":"2026-07-08","extended_access":"2026-10-08","end_of_life":"2027-01-08"}"#
        );
        assert_eq!(serde_json::from_str::<Lifecycle>(&text).unwrap(), lifecycle);
    }
}
