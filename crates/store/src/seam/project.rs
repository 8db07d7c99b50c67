//! The projection: what a viewer may see of other people, as the data registry declares it.
//! Every view in the seam builds a [`Viewer`] from the relations it worked out and either
//! keeps each field through [`keep`] (fields a viewer may lack) or states the fields it always
//! shows with [`require`]: if the registry stops granting one, the view shows nothing instead
//! of more than the registry allows.

use domain::access::Relation;
use domain::registry::{Key, Viewer};

use crate::{Result, StoreError};

/// `value` if the viewer may see `key`, else `None`.
pub(crate) fn keep<T>(viewer: &Viewer, key: &Key, value: T) -> Option<T> {
    key.visible_to(viewer).then_some(value)
}

/// The view shows `fields` to each of `relations` (with the settings `viewer` has on): every
/// one must be granted, or the view answers `NotFound`.
pub(crate) fn require(relations: &[Relation], settings: Viewer, fields: &[&Key]) -> Result<()> {
    for &r in relations {
        let mut viewer = Viewer::new(&[r]);
        for c in domain::registry::Condition::ALL {
            viewer = viewer.with(c, settings.has(c));
        }
        if let Some(key) = fields.iter().find(|k| !k.visible_to(&viewer)) {
            tracing::warn!(
                field = key.name(),
                relation = r.as_str(),
                "a view shows a field the registry does not grant; withheld"
            );
            return Err(StoreError::NotFound);
        }
    }
    Ok(())
}

/// The viewer a list of people has in common: a field shows in the list only if every
/// relation a row can have grants it (a manager's list mixes direct and indirect reports).
pub(crate) fn common(relations: &[Relation]) -> impl Fn(&Key) -> bool + '_ {
    move |key: &Key| {
        relations
            .iter()
            .all(|&r| key.visible_to(&Viewer::new(&[r])))
    }
}
