//! The tree of organisational units inside one organisation.

use std::collections::HashMap;

use domain::person::non_empty;
use domain::{FieldErrors, OrganisationId, UnitId};
use uuid::Uuid;

use crate::{Db, Result, now, with_conn};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub id: UnitId,
    pub organisation_id: OrganisationId,
    pub parent_id: Option<UnitId>,
    pub name: String,
    /// The names from the root down, joined by `/`, e.g. `Oslo/HR/Lønn`.
    pub path: String,
    pub depth: usize,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    parent_id: Option<Uuid>,
    name: String,
}

/// Creates a unit under `parent` (or at the top). A parent from another organisation is
/// refused as an unknown choice.
pub async fn create(
    db: &mut Db,
    org: OrganisationId,
    parent: Option<UnitId>,
    name: &str,
) -> Result<UnitId> {
    let mut errors = FieldErrors::new();
    let name = errors.check("name", non_empty(name, 200));
    if let Some(parent) = parent
        && !exists(db, org, parent).await?
    {
        errors.add("parent_id", "invalid_choice");
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let id = UnitId::new();
    with_conn!(db, |c| {
        sqlx::query(
        "INSERT INTO org_units (organisation_id, id, parent_id, name, created_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(org.0)
    .bind(id.0)
    .bind(parent.map(|p| p.0))
    .bind(name)
    .bind(now())
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(id)
}

pub async fn exists(db: &mut Db, org: OrganisationId, id: UnitId) -> Result<bool> {
    let found: Option<i32> = with_conn!(db, |c| sqlx::query_scalar(
        "SELECT 1 FROM org_units WHERE organisation_id = $1 AND id = $2"
    )
    .bind(org.0)
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await)?;
    Ok(found.is_some())
}

/// All units of the organisation in tree order (each parent before its children, siblings by name).
pub async fn tree(db: &mut Db, org: OrganisationId) -> Result<Vec<Unit>> {
    let rows: Vec<Row> = with_conn!(db, |c| sqlx::query_as(
        "SELECT id, parent_id, name FROM org_units WHERE organisation_id = $1 ORDER BY name, id"
    )
    .bind(org.0)
    .fetch_all(&mut *c)
    .await)?;
    Ok(in_tree_order(org, rows))
}

fn in_tree_order(org: OrganisationId, rows: Vec<Row>) -> Vec<Unit> {
    let mut children: HashMap<Option<Uuid>, Vec<&Row>> = HashMap::new();
    for row in &rows {
        children.entry(row.parent_id).or_default().push(row);
    }
    let mut out = Vec::with_capacity(rows.len());
    // Depth-first from the roots; `stack` holds (row, path of its parent, depth).
    let mut stack: Vec<(&Row, String, usize)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|r| (*r, String::new(), 0)).collect())
        .unwrap_or_default();
    while let Some((row, parent_path, depth)) = stack.pop() {
        let path = if parent_path.is_empty() {
            row.name.clone()
        } else {
            format!("{parent_path}/{}", row.name)
        };
        if let Some(kids) = children.get(&Some(row.id)) {
            stack.extend(kids.iter().rev().map(|k| (*k, path.clone(), depth + 1)));
        }
        out.push(Unit {
            id: UnitId(row.id),
            organisation_id: org,
            parent_id: row.parent_id.map(UnitId),
            name: row.name.clone(),
            path,
            depth,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_order_puts_parents_first_and_builds_paths() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let rows = vec![
            Row {
                id: c,
                parent_id: Some(b),
                name: "Lønn".into(),
            },
            Row {
                id: b,
                parent_id: Some(a),
                name: "HR".into(),
            },
            Row {
                id: a,
                parent_id: None,
                name: "Oslo".into(),
            },
        ];
        let units = in_tree_order(OrganisationId::new(), rows);
        let paths: Vec<_> = units.iter().map(|u| (u.path.as_str(), u.depth)).collect();
        assert_eq!(
            paths,
            vec![("Oslo", 0), ("Oslo/HR", 1), ("Oslo/HR/Lønn", 2)]
        );
    }
}
