//! Rules for machine access and background work: API token scopes, retry backoff, and login
//! throttling. Pure; the web layer and the job runner apply them.

use std::time::Duration;

use serde::Serialize;

/// The areas of the API a token may be scoped to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// The token owner's own profile (`/api/v1/me`).
    Me,
    /// People and memberships of an organisation.
    People,
    /// Organisations, their settings and units.
    Organisations,
    /// Courses, their content, enrollments, progress, requirements and reports.
    Learning,
}

impl Area {
    pub const ALL: [Self; 4] = [Self::Me, Self::People, Self::Organisations, Self::Learning];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Me => "me",
            Self::People => "people",
            Self::Organisations => "organisations",
            Self::Learning => "learning",
        }
    }

    /// The area an API path belongs to; `None` for paths no token may use (sessions).
    pub fn of_path(path: &str) -> Option<Self> {
        let rest = path.strip_prefix("/api/v1/")?;
        let mut parts = rest.split('/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("me"), _, _) => Some(Self::Me),
            (Some("organisations"), Some(_), Some("people" | "memberships")) => Some(Self::People),
            (
                Some("organisations"),
                Some(_),
                Some("courses" | "requirements" | "files" | "reports" | "team"),
            ) => Some(Self::Learning),
            (Some("organisations"), _, _) => Some(Self::Organisations),
            _ => None,
        }
    }
}

/// One scope: read, or write (which includes read), of one area.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scope {
    pub area: Area,
    pub write: bool,
}

impl Scope {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let (area, access) = s.trim().split_once(':').ok_or("invalid_scope")?;
        let area = Area::ALL
            .into_iter()
            .find(|a| a.as_str() == area)
            .ok_or("invalid_scope")?;
        let write = match access {
            "read" => false,
            "write" => true,
            _ => return Err("invalid_scope"),
        };
        Ok(Self { area, write })
    }

    pub fn as_string(self) -> String {
        format!(
            "{}:{}",
            self.area.as_str(),
            if self.write { "write" } else { "read" }
        )
    }

    /// Every scope there is, for forms.
    pub fn all() -> Vec<Self> {
        Area::ALL
            .into_iter()
            .flat_map(|area| [Self { area, write: false }, Self { area, write: true }])
            .collect()
    }
}

/// A token's scopes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scopes(pub Vec<Scope>);

impl Scopes {
    /// Parses a space- or comma-separated list; empty lists and unknown scopes are refused.
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let mut scopes = Vec::new();
        for part in s.split([' ', ',']).filter(|p| !p.trim().is_empty()) {
            let scope = Scope::parse(part)?;
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        if scopes.is_empty() {
            Err("required")
        } else {
            Ok(Self(scopes))
        }
    }

    pub fn allows(&self, area: Area, write: bool) -> bool {
        self.0.iter().any(|s| s.area == area && (s.write || !write))
    }

    pub fn as_string(&self) -> String {
        self.0
            .iter()
            .map(|s| s.as_string())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// How long to wait before retrying a job after its `attempt`-th failure: 30 s, doubling,
/// at most an hour.
pub fn backoff(attempt: i32) -> Duration {
    let exponent = u32::try_from(attempt.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    Duration::from_secs(30u64.saturating_mul(1 << exponent).min(3600))
}

/// Login throttling: at most `limit` failures per key in `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttle {
    pub limit: i64,
    pub window: Duration,
}

impl Throttle {
    /// Per account: five failures in fifteen minutes.
    pub const ACCOUNT: Self = Self {
        limit: 5,
        window: Duration::from_secs(15 * 60),
    };
    /// Per client address: fifty failures in fifteen minutes (offices share addresses).
    pub const ADDRESS: Self = Self {
        limit: 50,
        window: Duration::from_secs(15 * 60),
    };

    /// How long until another try is allowed, given the failures in the window and the oldest
    /// of them; `None` when a try is allowed now. Times are seconds since any fixed point.
    pub fn wait(self, failures: i64, oldest: Option<i64>, now: i64) -> Option<Duration> {
        if failures < self.limit {
            return None;
        }
        let window = i64::try_from(self.window.as_secs()).unwrap_or(i64::MAX);
        let free_at = oldest.unwrap_or(now).saturating_add(window);
        Some(Duration::from_secs(
            u64::try_from((free_at - now).max(1)).unwrap_or(1),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_areas_and_sessions_to_none() {
        assert_eq!(Area::of_path("/api/v1/me"), Some(Area::Me));
        assert_eq!(
            Area::of_path("/api/v1/organisations/demo/people/x"),
            Some(Area::People)
        );
        assert_eq!(
            Area::of_path("/api/v1/organisations/demo/memberships/x"),
            Some(Area::People)
        );
        assert_eq!(
            Area::of_path("/api/v1/organisations/demo/units"),
            Some(Area::Organisations)
        );
        assert_eq!(
            Area::of_path("/api/v1/organisations"),
            Some(Area::Organisations)
        );
        assert_eq!(
            Area::of_path("/api/v1/organisations/demo/courses/01J/enrollments"),
            Some(Area::Learning)
        );
        assert_eq!(
            Area::of_path("/api/v1/organisations/demo/team/requirements"),
            Some(Area::Learning)
        );
        assert_eq!(Area::of_path("/api/v1/session"), None);
        assert_eq!(Area::of_path("/profile"), None);
    }

    #[test]
    fn write_scope_includes_read_but_not_the_reverse() {
        let scopes = Scopes::parse("people:write, me:read").expect("valid");
        assert!(scopes.allows(Area::People, false) && scopes.allows(Area::People, true));
        assert!(scopes.allows(Area::Me, false) && !scopes.allows(Area::Me, true));
        assert!(!scopes.allows(Area::Organisations, false));
        assert_eq!(scopes.as_string(), "people:write me:read");
        assert_eq!(Scopes::parse("people:admin"), Err("invalid_scope"));
        assert_eq!(Scopes::parse(" "), Err("required"));
    }

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::from_secs(30));
        assert_eq!(backoff(2), Duration::from_secs(60));
        assert_eq!(backoff(3), Duration::from_secs(120));
        assert_eq!(backoff(20), Duration::from_secs(3600));
        assert_eq!(backoff(0), Duration::from_secs(30));
    }

    #[test]
    fn throttle_waits_until_the_oldest_failure_leaves_the_window() {
        let t = Throttle::ACCOUNT;
        assert_eq!(t.wait(4, Some(0), 10), None);
        assert_eq!(t.wait(5, Some(0), 60), Some(Duration::from_secs(840)));
    }
}
