//! Field-level validation errors, shared by HTML forms and the JSON API.
//!
//! A [`FieldError`] carries a stable `code` that is also the message-catalogue key
//! (`error.<code>`), so the web layer can show it in the person's language.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The input field, as named in the form and the API body.
    pub field: String,
    /// Stable snake_case code, e.g. `required`, `invalid_email`.
    pub code: String,
    /// Values for the message's `{name}` placeholders (which question, which line).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<(String, String)>,
}

/// Every problem found in one input, so the person can fix them all at once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("invalid input: {}", self.summary())]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: &str, code: &str) -> Self {
        let mut errors = Self::new();
        errors.add(field, code);
        errors
    }

    pub fn add(&mut self, field: &str, code: &str) {
        self.add_with(field, code, &[]);
    }

    /// An error whose message names something, e.g. `("question", "3")`.
    pub fn add_with(&mut self, field: &str, code: &str, params: &[(&str, &str)]) {
        self.0.push(FieldError {
            field: field.into(),
            code: code.into(),
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first error's code for `field`, if any.
    /// The first error of `field`, with its parameters.
    pub fn error_for(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }

    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.code.as_str())
    }

    /// `Ok(value)` when nothing was collected, else `Err(self)`.
    pub fn into_result<T>(self, value: T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// Runs a parser, recording its error under `field`; returns the value when it parsed.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, &'static str>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(code) => {
                self.add(field, code);
                None
            }
        }
    }

    /// Takes the errors of a nested validation; returns its value when it had none.
    pub fn merge<T>(&mut self, result: Result<T, FieldErrors>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(errors) => {
                self.0.extend(errors.0);
                None
            }
        }
    }

    fn summary(&self) -> String {
        self.0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.code))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
