//! Form building for HTML pages. A page describes its fields in Rust (name, label key, kind,
//! current value, error); one template (`form.html`) renders every form the same accessible way:
//! a label for each input, errors tied to inputs with `aria-describedby`, and an error summary
//! at the top that links to each field.

use std::collections::HashMap;

use domain::FieldErrors;
use serde::Serialize;

use crate::i18n::Tr;

#[derive(Clone, Debug)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: &'static str,
    pub label: String,
    /// `text`, `email`, `password`, `date`, `number`, `datetime-local`, `textarea`, `checkbox`
    /// or `select`.
    pub kind: &'static str,
    pub value: String,
    pub error: Option<String>,
    pub hint: Option<String>,
    pub options: Vec<Opt>,
    pub required: bool,
    pub autocomplete: &'static str,
    /// Ids of the hint and error texts, for `aria-describedby`.
    pub described_by: String,
}

#[derive(Clone, Debug)]
pub struct FormView {
    pub id: String,
    /// `post` (with the CSRF token), or `get` for a search that changes nothing.
    pub method: &'static str,
    pub action: String,
    pub submit: String,
    pub csrf: String,
    pub fields: Vec<Field>,
    /// Hidden fields other than the CSRF token.
    pub hidden: Vec<(&'static str, String)>,
    pub errors: Vec<(String, String)>,
}

/// Builds a [`FormView`]; values and errors come from a submitted input when re-rendering.
pub struct FormBuilder {
    tr: Tr,
    values: HashMap<String, String>,
    errors: FieldErrors,
    form: FormView,
}

/// The string values of a submitted input, to fill a form again after an error.
pub fn values_of(input: &impl Serialize) -> HashMap<String, String> {
    match serde_json::to_value(input) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::String(s) => Some((k, s)),
                serde_json::Value::Null => None,
                other => Some((k, other.to_string())),
            })
            .collect(),
        _ => HashMap::new(),
    }
}

impl FormBuilder {
    pub fn new(
        tr: Tr,
        id: impl Into<String>,
        action: impl Into<String>,
        submit_key: &str,
        csrf: &str,
    ) -> Self {
        Self {
            tr,
            values: HashMap::new(),
            errors: FieldErrors::new(),
            form: FormView {
                id: id.into(),
                method: "post",
                action: action.into(),
                submit: tr.get(submit_key).to_owned(),
                csrf: csrf.to_owned(),
                fields: Vec::new(),
                hidden: Vec::new(),
                errors: Vec::new(),
            },
        }
    }

    /// Current values to show (from the database, or the submitted input after an error).
    pub fn values(mut self, values: HashMap<String, String>) -> Self {
        self.values = values;
        self
    }

    pub fn errors(mut self, errors: &FieldErrors) -> Self {
        self.errors = errors.clone();
        self
    }

    /// A search form: sent with GET, so results can be linked and no token is needed.
    pub fn searching(mut self) -> Self {
        self.form.method = "get";
        self
    }

    pub fn hidden(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.form.hidden.push((name, value.into()));
        self
    }

    fn push(
        &mut self,
        name: &'static str,
        label_key: &str,
        kind: &'static str,
        required: bool,
    ) -> &mut Field {
        let error = self.errors.error_for(name).map(|e| self.tr.field_error(e));
        self.form.fields.push(Field {
            name,
            label: self.tr.get(label_key).to_owned(),
            kind,
            value: if kind == "password" {
                String::new()
            } else {
                self.values.get(name).cloned().unwrap_or_default()
            },
            error,
            hint: None,
            options: Vec::new(),
            required,
            autocomplete: "off",
            described_by: String::new(),
        });
        let last = self.form.fields.len() - 1;
        &mut self.form.fields[last]
    }

    pub fn input(
        mut self,
        name: &'static str,
        label_key: &str,
        kind: &'static str,
        required: bool,
    ) -> Self {
        self.push(name, label_key, kind, required);
        self
    }

    pub fn autocomplete(mut self, value: &'static str) -> Self {
        if let Some(f) = self.form.fields.last_mut() {
            f.autocomplete = value;
        }
        self
    }

    pub fn hint(self, key: &str) -> Self {
        let text = self.tr.get(key).to_owned();
        self.hint_text(text)
    }

    /// A hint already translated (for hints with values filled in).
    pub fn hint_text(mut self, text: String) -> Self {
        if let Some(f) = self.form.fields.last_mut() {
            f.hint = Some(text);
        }
        self
    }

    /// A select; `options` are (value, label) pairs already translated. An empty first option
    /// is added when the field is optional.
    pub fn select(
        mut self,
        name: &'static str,
        label_key: &str,
        required: bool,
        options: Vec<(String, String)>,
    ) -> Self {
        let current = self.values.get(name).cloned().unwrap_or_default();
        let field = self.push(name, label_key, "select", required);
        if !required {
            field.options.push(Opt {
                value: String::new(),
                label: "—".into(),
                selected: current.is_empty(),
            });
        }
        field
            .options
            .extend(options.into_iter().map(|(value, label)| Opt {
                selected: value == current,
                value,
                label,
            }));
        self
    }

    pub fn build(mut self) -> FormView {
        let id = self.form.id.clone();
        for field in &mut self.form.fields {
            let mut ids = Vec::new();
            if field.hint.is_some() {
                ids.push(format!("{id}-{}-hint", field.name));
            }
            if field.error.is_some() {
                ids.push(format!("{id}-{}-error", field.name));
            }
            field.described_by = ids.join(" ");
        }
        let mut errors = Vec::new();
        for field in &self.form.fields {
            if let Some(e) = &field.error {
                errors.push((field.name.to_owned(), format!("{}: {}", field.label, e)));
            }
        }
        // Errors on fields the form does not show (rare) still reach the person.
        for e in &self.errors.0 {
            if !self.form.fields.iter().any(|f| f.name == e.field) {
                errors.push((String::new(), self.tr.field_error(e)));
            }
        }
        self.form.errors = errors;
        self.form
    }
}

/// Translated options for an enum-like list of codes, labels from `<prefix>.<code>`.
pub fn coded_options(
    tr: Tr,
    prefix: &str,
    codes: impl IntoIterator<Item = &'static str>,
) -> Vec<(String, String)> {
    codes
        .into_iter()
        .map(|c| (c.to_owned(), tr.get(&format!("{prefix}.{c}")).to_owned()))
        .collect()
}
