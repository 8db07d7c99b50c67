//! Cookies: every cookie Tavle may set, and the visitor's answer to the cookie banner. Only
//! strictly necessary cookies are set without consent (ekomloven § 3-15 second paragraph;
//! promise KBT-11); a test crawls the pages and refuses any other `Set-Cookie` name.
//!
//! The one optional category is first-party usage statistics (the `analytics_cookies` consent
//! purpose). A signed-in person's answer is a consent in the consent log; a visitor who is not
//! signed in has it remembered in [`CHOICE_COOKIE`], which holds only the answer and the text
//! version (`<version>.<yes|no>`), so it is itself strictly necessary: it exists to honour the
//! answer.

/// The cookie that remembers a signed-out visitor's answer to the banner.
pub const CHOICE_COOKIE: &str = "tavle_cookie_choice";

/// How long [`CHOICE_COOKIE`] lasts, in days (then the banner asks again).
pub const CHOICE_DAYS: i64 = 180;

/// One cookie Tavle may set: its name, whether it is strictly necessary, and catalogue keys
/// for its purpose and duration (`cookies.<name>.purpose`, `cookies.<name>.duration`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cookie {
    pub name: &'static str,
    pub strictly_necessary: bool,
}

impl Cookie {
    pub fn purpose_key(&self) -> String {
        format!("cookies.{}.purpose", self.name)
    }

    pub fn duration_key(&self) -> String {
        format!("cookies.{}.duration", self.name)
    }
}

/// Every cookie Tavle sets. Usage-statistics cookies (issue 8) join here with
/// `strictly_necessary: false` and are set only while the `analytics_cookies` consent stands.
pub const ALL: &[Cookie] = &[
    Cookie {
        name: "tavle_session",
        strictly_necessary: true,
    },
    Cookie {
        name: "tavle_csrf",
        strictly_necessary: true,
    },
    Cookie {
        name: CHOICE_COOKIE,
        strictly_necessary: true,
    },
];

/// Whether `name` is a strictly necessary cookie (may be set without consent).
pub fn strictly_necessary(name: &str) -> bool {
    ALL.iter().any(|c| c.name == name && c.strictly_necessary)
}

/// An answer to the banner: allow usage statistics or not, to one version of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    pub version: u32,
    pub analytics: bool,
}

impl Choice {
    /// The cookie value: `<version>.<yes|no>`.
    pub fn encode(self) -> String {
        format!(
            "{}.{}",
            self.version,
            if self.analytics { "yes" } else { "no" }
        )
    }

    /// Reads a cookie value; anything else is no answer.
    pub fn decode(value: &str) -> Option<Self> {
        let (version, answer) = value.split_once('.')?;
        let version: u32 = version.parse().ok().filter(|v| *v >= 1)?;
        let analytics = match answer {
            "yes" => true,
            "no" => false,
            _ => return None,
        };
        Some(Self { version, analytics })
    }

    /// Whether the answer still holds: it was given to a version no later version replaced
    /// (`stands`, from the consent catalogue). An outdated answer shows the banner again.
    pub fn holds(self, stands: impl Fn(u32) -> bool) -> bool {
        stands(self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_strictly_necessary_cookies_pass() {
        for name in ["tavle_session", "tavle_csrf", CHOICE_COOKIE] {
            assert!(strictly_necessary(name), "{name}");
        }
        for name in ["_ga", "tavle_lang", ""] {
            assert!(!strictly_necessary(name), "{name}");
        }
    }

    #[test]
    fn a_choice_round_trips_and_nothing_else_reads_as_one() {
        for c in [
            Choice {
                version: 1,
                analytics: true,
            },
            Choice {
                version: 3,
                analytics: false,
            },
        ] {
            assert_eq!(Choice::decode(&c.encode()), Some(c));
        }
        for bad in ["", "1", "1.maybe", "0.yes", "x.no", "1.yes.2"] {
            assert_eq!(Choice::decode(bad), None, "{bad}");
        }
        let c = Choice {
            version: 1,
            analytics: false,
        };
        assert!(c.holds(|v| v == 1));
        assert!(!c.holds(|v| v == 2));
    }
}
