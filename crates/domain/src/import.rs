//! People import from an HR export (CSV): parsing, validation and the plan of what an import
//! would create, change and end. Pure: the store supplies what exists and applies the plan.
//!
//! Format: UTF-8 with or without a byte-order mark; `;` or `,` as delimiter (whichever the
//! header uses); a header row naming the columns in any order; dates as `YYYY-MM-DD` or
//! `DD.MM.YYYY`. Columns: `employee_number`, `given_name`, `family_name`, `email` (required),
//! `birth_date`, `unit` (a path such as `Oslo/HR/Lønn`), `position`, `manager_employee_number`,
//! `start_date`, `end_date` (optional).

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use time::Date;

use crate::org::{MinimumAge, optional_text};
use crate::person::{Birth, Email, check_minimum_age, non_empty, parse_birth, parse_optional_date};

pub const REQUIRED: [&str; 4] = ["employee_number", "given_name", "family_name", "email"];
pub const OPTIONAL: [&str; 6] = [
    "birth_date",
    "unit",
    "position",
    "manager_employee_number",
    "start_date",
    "end_date",
];

/// One problem in the file: the line (1 is the header), the column and a stable code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: usize,
    pub column: String,
    pub code: &'static str,
}

/// A valid row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    pub line: usize,
    pub employee_number: String,
    pub given_name: String,
    pub family_name: String,
    pub email: Email,
    /// A date of birth, or a year alone.
    pub birth: Option<Birth>,
    /// Unit names from the top down; empty for no unit.
    pub unit_path: Vec<String>,
    pub position: Option<String>,
    pub manager_number: Option<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
}

/// The result of parsing: the valid rows and the problems (both, so `--skip-invalid` can go on).
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub rows: Vec<ImportRow>,
    pub errors: Vec<RowError>,
}

fn detect_delimiter(header: &str) -> u8 {
    if header.matches(';').count() >= header.matches(',').count() {
        b';'
    } else {
        b','
    }
}

fn err(line: usize, column: &str, code: &'static str) -> RowError {
    RowError {
        line,
        column: column.to_owned(),
        code,
    }
}

/// Parses and checks every row on its own (the plan checks rows against each other and the
/// organisation). A wrong header is one error on line 1 and no rows.
pub fn parse(bytes: &[u8], minimum_age: Option<MinimumAge>, today: Date) -> Parsed {
    let mut parsed = Parsed::default();
    let text = match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
        Ok(text) => text,
        Err(_) => {
            parsed.errors.push(err(1, "", "not_utf8"));
            return parsed;
        }
    };
    let header_line = text.lines().next().unwrap_or("");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(header_line))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(_) => {
            parsed.errors.push(err(1, "", "malformed_csv"));
            return parsed;
        }
    };
    let mut index = HashMap::new();
    for (i, name) in headers.iter().enumerate() {
        if !REQUIRED.contains(&name.as_str()) && !OPTIONAL.contains(&name.as_str()) {
            parsed.errors.push(err(1, name, "unknown_column"));
        } else if index.insert(name.clone(), i).is_some() {
            parsed.errors.push(err(1, name, "duplicate_column"));
        }
    }
    for required in REQUIRED {
        if !index.contains_key(required) {
            parsed.errors.push(err(1, required, "missing_column"));
        }
    }
    if !parsed.errors.is_empty() {
        return parsed;
    }
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                parsed.errors.push(err(line, "", "malformed_csv"));
                continue;
            }
        };
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != headers.len() {
            parsed.errors.push(err(line, "", "wrong_number_of_columns"));
            continue;
        }
        let get = |column: &str| index.get(column).and_then(|&i| record.get(i)).unwrap_or("");
        let before = parsed.errors.len();
        let mut check = |column: &str, result: Result<(), &'static str>| {
            if let Err(code) = result {
                parsed.errors.push(err(line, column, code));
            }
        };
        let employee_number =
            optional_text(get("employee_number"), 64).and_then(|v| v.ok_or("required"));
        check(
            "employee_number",
            employee_number.as_ref().map(|_| ()).map_err(|e| *e),
        );
        let given_name = non_empty(get("given_name"), 100);
        check(
            "given_name",
            given_name.as_ref().map(|_| ()).map_err(|e| *e),
        );
        let family_name = non_empty(get("family_name"), 100);
        check(
            "family_name",
            family_name.as_ref().map(|_| ()).map_err(|e| *e),
        );
        let email = Email::parse(get("email"));
        check("email", email.as_ref().map(|_| ()).map_err(|e| *e));
        let birth_date = parse_birth(get("birth_date"));
        check(
            "birth_date",
            birth_date.as_ref().map(|_| ()).map_err(|e| *e),
        );
        if let Ok(birth) = birth_date {
            check("birth_date", check_minimum_age(minimum_age, birth, today));
        }
        let unit_path: Vec<String> = get("unit")
            .split('/')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        check(
            "unit",
            if unit_path.iter().any(|u| u.chars().count() > 200) {
                Err("too_long")
            } else {
                Ok(())
            },
        );
        let position = optional_text(get("position"), 200);
        check("position", position.as_ref().map(|_| ()).map_err(|e| *e));
        let manager_number = optional_text(get("manager_employee_number"), 64);
        check(
            "manager_employee_number",
            manager_number.as_ref().map(|_| ()).map_err(|e| *e),
        );
        let starts_on = parse_optional_date(get("start_date"));
        check("start_date", starts_on.as_ref().map(|_| ()).map_err(|e| *e));
        let ends_on = parse_optional_date(get("end_date"));
        check("end_date", ends_on.as_ref().map(|_| ()).map_err(|e| *e));
        if let (Ok(Some(start)), Ok(Some(end))) = (&starts_on, &ends_on)
            && end < start
        {
            check("end_date", Err("ends_before_start"));
        }
        if parsed.errors.len() > before {
            continue;
        }
        if let (
            Ok(employee_number),
            Ok(given_name),
            Ok(family_name),
            Ok(email),
            Ok(birth_date),
            Ok(position),
            Ok(manager_number),
            Ok(starts_on),
            Ok(ends_on),
        ) = (
            employee_number,
            given_name,
            family_name,
            email,
            birth_date,
            position,
            manager_number,
            starts_on,
            ends_on,
        ) {
            parsed.rows.push(ImportRow {
                line,
                employee_number,
                given_name,
                family_name,
                email,
                birth: birth_date,
                unit_path,
                position,
                manager_number,
                starts_on,
                ends_on,
            });
        }
    }
    parsed
}

/// A current membership the organisation holds under an employee number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Existing<P> {
    pub person: P,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub birth: Option<Birth>,
    pub unit_path: Vec<String>,
    pub position: Option<String>,
    pub manager_number: Option<String>,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub ended: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    End,
    Unchanged,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::End => "end",
            Self::Unchanged => "unchanged",
        }
    }
}

/// What the import does with one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub row: ImportRow,
    pub action: Action,
    /// The fields that change (for `update` and `end`).
    pub changes: Vec<&'static str>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub rows: Vec<Planned>,
    /// Unit paths that do not exist yet, parents first.
    pub new_units: Vec<Vec<String>>,
}

impl Plan {
    pub fn count(&self, action: Action) -> usize {
        self.rows.iter().filter(|r| r.action == action).count()
    }
}

/// Checks the rows against each other and the organisation, and decides each row's action.
/// Duplicate employee numbers or e-mails, unknown managers and manager loops are errors.
pub fn plan<P: Clone>(
    rows: Vec<ImportRow>,
    existing: &HashMap<String, Existing<P>>,
    existing_units: &HashSet<Vec<String>>,
    today: Date,
) -> (Plan, Vec<RowError>) {
    let mut errors = Vec::new();
    let mut seen_numbers: HashMap<String, usize> = HashMap::new();
    let mut seen_emails: HashMap<String, usize> = HashMap::new();
    let mut kept = Vec::with_capacity(rows.len());
    for row in rows {
        if seen_numbers
            .insert(row.employee_number.clone(), row.line)
            .is_some()
        {
            errors.push(err(
                row.line,
                "employee_number",
                "duplicate_employee_number",
            ));
        } else if seen_emails
            .insert(row.email.as_str().to_owned(), row.line)
            .is_some()
        {
            errors.push(err(row.line, "email", "duplicate_email"));
        } else {
            kept.push(row);
        }
    }
    // Managers: by employee number, in the file or already in the organisation.
    let manager_of: HashMap<String, Option<String>> = existing
        .iter()
        .map(|(n, e)| (n.clone(), e.manager_number.clone()))
        .chain(
            kept.iter()
                .map(|r| (r.employee_number.clone(), r.manager_number.clone())),
        )
        .collect();
    let mut valid = Vec::with_capacity(kept.len());
    for row in kept {
        match row.manager_number.as_deref() {
            Some(m) if m == row.employee_number => {
                errors.push(err(row.line, "manager_employee_number", "manager_loop"))
            }
            Some(m) if !manager_of.contains_key(m) => {
                errors.push(err(row.line, "manager_employee_number", "unknown_manager"))
            }
            Some(_) if in_loop(&row.employee_number, &manager_of) => {
                errors.push(err(row.line, "manager_employee_number", "manager_loop"))
            }
            _ => valid.push(row),
        }
    }
    // A row whose manager was itself refused cannot be placed either (matters with skip-invalid).
    loop {
        let placed: HashSet<String> = valid.iter().map(|r| r.employee_number.clone()).collect();
        let (ok, orphaned): (Vec<_>, Vec<_>) = valid.into_iter().partition(|r| {
            r.manager_number
                .as_deref()
                .is_none_or(|m| placed.contains(m) || existing.contains_key(m))
        });
        valid = ok;
        if orphaned.is_empty() {
            break;
        }
        errors.extend(
            orphaned
                .iter()
                .map(|r| err(r.line, "manager_employee_number", "manager_refused")),
        );
    }
    let mut plan = Plan::default();
    let mut new_units: HashSet<Vec<String>> = HashSet::new();
    for row in valid {
        for depth in 1..=row.unit_path.len() {
            let prefix = row.unit_path[..depth].to_vec();
            if !existing_units.contains(&prefix) && new_units.insert(prefix.clone()) {
                plan.new_units.push(prefix);
            }
        }
        let ends = row.ends_on.is_some_and(|d| d <= today);
        let (action, changes) = match existing.get(&row.employee_number) {
            None => (Action::Create, Vec::new()),
            Some(e) => {
                let mut changes = Vec::new();
                let mut diff = |field: &'static str, changed: bool| {
                    if changed {
                        changes.push(field);
                    }
                };
                diff("given_name", e.given_name != row.given_name);
                diff("family_name", e.family_name != row.family_name);
                diff("email", e.email != row.email.as_str());
                diff("birth_date", row.birth.is_some() && e.birth != row.birth);
                diff("unit", e.unit_path != row.unit_path);
                diff("position", e.position != row.position);
                diff(
                    "manager_employee_number",
                    e.manager_number != row.manager_number,
                );
                diff(
                    "start_date",
                    row.starts_on.is_some_and(|s| s != e.starts_on),
                );
                diff("end_date", e.ends_on != row.ends_on);
                let action = if ends && !e.ended {
                    Action::End
                } else if changes.is_empty() && e.ended == ends {
                    Action::Unchanged
                } else {
                    Action::Update
                };
                (action, changes)
            }
        };
        plan.rows.push(Planned {
            row,
            action,
            changes,
        });
    }
    plan.new_units.sort_by_key(Vec::len);
    errors.sort_by_key(|e| e.line);
    (plan, errors)
}

/// Whether following managers from `start` comes back to it.
fn in_loop(start: &str, manager_of: &HashMap<String, Option<String>>) -> bool {
    let mut current = start;
    for _ in 0..=manager_of.len() {
        match manager_of.get(current).and_then(|m| m.as_deref()) {
            Some(next) if next == start => return true,
            Some(next) => current = next,
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn rows(csv: &str) -> Parsed {
        parse(csv.as_bytes(), None, TODAY)
    }

    #[test]
    fn bom_semicolons_and_norwegian_dates_are_read() {
        let p = rows(
            "\u{feff}employee_number;given_name;family_name;email;unit;start_date\n17;Kari;Nordmann;Kari@X.no;Oslo / HR/Lønn;01.08.2024\n",
        );
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let row = &p.rows[0];
        assert_eq!((row.line, row.email.as_str()), (2, "kari@x.no"));
        assert_eq!(row.unit_path, vec!["Oslo", "HR", "Lønn"]);
        assert_eq!(row.starts_on, Some(date!(2024 - 08 - 01)));
    }

    #[test]
    fn commas_work_too_and_quoted_fields_keep_their_commas() {
        let p = rows(
            "employee_number,given_name,family_name,email,position\n1,Ola,Nordmann,ola@x.no,\"Leder, HR\"\n",
        );
        assert_eq!(p.rows[0].position.as_deref(), Some("Leder, HR"));
    }

    #[test]
    fn a_wrong_header_is_one_error_on_line_one() {
        let p = rows("employee_number;givenname;family_name;email\n1;a;b;c@d.no\n");
        assert_eq!(
            p.errors,
            vec![
                err(1, "givenname", "unknown_column"),
                err(1, "given_name", "missing_column")
            ]
        );
        assert!(p.rows.is_empty());
    }

    #[test]
    fn bad_values_are_reported_with_line_and_column() {
        let p = rows(
            "employee_number;given_name;family_name;email;birth_date;start_date;end_date\n1;A;B;a@x.no;31.02.2000;;\n2;;B;nope;;2025-01-02;2025-01-01\n",
        );
        assert_eq!(
            p.errors,
            vec![
                err(2, "birth_date", "invalid_date"),
                err(3, "given_name", "required"),
                err(3, "email", "invalid_email"),
                err(3, "end_date", "ends_before_start"),
            ]
        );
    }

    #[test]
    fn the_minimum_age_is_checked_where_set() {
        let min = MinimumAge::new(16).ok();
        let p = parse(b"employee_number;given_name;family_name;email;birth_date\n1;A;B;a@x.no;2012-01-01\n2;C;D;c@x.no;\n", min, TODAY);
        assert_eq!(
            p.errors,
            vec![
                err(2, "birth_date", "under_minimum_age"),
                err(3, "birth_date", "birth_date_required")
            ]
        );
    }

    fn existing(manager: Option<&str>) -> Existing<u32> {
        Existing {
            person: 1,
            given_name: "Kari".into(),
            family_name: "Nordmann".into(),
            email: "kari@x.no".into(),
            birth: None,
            unit_path: vec![],
            position: None,
            manager_number: manager.map(Into::into),
            starts_on: date!(2024 - 01 - 01),
            ends_on: None,
            ended: false,
        }
    }

    #[test]
    fn the_plan_creates_updates_ends_and_keeps() {
        let p = rows(
            "employee_number;given_name;family_name;email;unit;position;end_date;manager_employee_number\n\
             1;Kari;Nordmann;kari@x.no;;;;\n2;Ola;Ny;ola@x.no;Oslo/HR;;;1\n3;Per;Slutt;per@x.no;;;2026-01-31;\n4;Kari;Nordmann;kari4@x.no;;Rådgiver;;\n",
        );
        let mut have = HashMap::new();
        have.insert("1".to_owned(), existing(None));
        have.insert(
            "3".to_owned(),
            Existing {
                email: "per@x.no".into(),
                given_name: "Per".into(),
                family_name: "Slutt".into(),
                ..existing(None)
            },
        );
        have.insert(
            "4".to_owned(),
            Existing {
                email: "kari4@x.no".into(),
                ..existing(None)
            },
        );
        let units = HashSet::from([vec!["Oslo".to_owned()]]);
        let (plan, errors) = plan(p.rows, &have, &units, TODAY);
        assert!(errors.is_empty(), "{errors:?}");
        let actions: Vec<_> = plan
            .rows
            .iter()
            .map(|r| (r.row.employee_number.as_str(), r.action, r.changes.clone()))
            .collect();
        assert_eq!(
            actions,
            vec![
                ("1", Action::Unchanged, vec![]),
                ("2", Action::Create, vec![]),
                ("3", Action::End, vec!["end_date"]),
                ("4", Action::Update, vec!["position"]),
            ]
        );
        assert_eq!(
            plan.new_units,
            vec![vec!["Oslo".to_owned(), "HR".to_owned()]]
        );
    }

    #[test]
    fn a_manager_who_appears_later_in_the_file_is_found() {
        let p = rows(
            "employee_number;given_name;family_name;email;manager_employee_number\n1;A;A;a@x.no;2\n2;B;B;b@x.no;\n",
        );
        let (plan, errors) = plan(
            p.rows,
            &HashMap::<String, Existing<u32>>::new(),
            &HashSet::new(),
            TODAY,
        );
        assert!(errors.is_empty());
        assert_eq!(plan.count(Action::Create), 2);
    }

    #[test]
    fn duplicates_unknown_managers_and_loops_are_refused() {
        let p = rows(
            "employee_number;given_name;family_name;email;manager_employee_number\n\
             1;A;A;a@x.no;2\n2;B;B;b@x.no;1\n3;C;C;c@x.no;99\n3;D;D;d@x.no;\n5;E;E;a@x.no;\n6;F;F;f@x.no;6\n7;G;G;g@x.no;3\n",
        );
        let (plan, errors) = plan(
            p.rows,
            &HashMap::<String, Existing<u32>>::new(),
            &HashSet::new(),
            TODAY,
        );
        assert_eq!(
            errors,
            vec![
                err(2, "manager_employee_number", "manager_loop"),
                err(3, "manager_employee_number", "manager_loop"),
                err(4, "manager_employee_number", "unknown_manager"),
                err(5, "employee_number", "duplicate_employee_number"),
                err(6, "email", "duplicate_email"),
                err(7, "manager_employee_number", "manager_loop"),
                err(8, "manager_employee_number", "manager_refused"),
            ]
        );
        // Someone whose manager was refused is refused too.
        assert!(plan.rows.is_empty());
    }
}
