//! Activities: what each kind holds, how teachers write them (quizzes and surveys in a plain
//! text form a textarea can hold), and the rules of taking them (grading a quiz, a place or a
//! waiting-list spot at an event, answering a survey, recording training done elsewhere).

use serde::{Deserialize, Serialize};
use time::{Date, PrimitiveDateTime};

use crate::learning::course::{flag, optional_number};
use crate::learning::files::FileType;
use crate::org::optional_text;
use crate::person::{Email, non_empty, parse_date};
use crate::validation::FieldErrors;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Content,
    Quiz,
    Assignment,
    Survey,
    Event,
    ExternalRecord,
}

impl ActivityKind {
    pub const ALL: [Self; 6] = [
        Self::Content,
        Self::Quiz,
        Self::Assignment,
        Self::Survey,
        Self::Event,
        Self::ExternalRecord,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Content => "content",
            Self::Quiz => "quiz",
            Self::Assignment => "assignment",
            Self::Survey => "survey",
            Self::Event => "event",
            Self::ExternalRecord => "external_record",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or("invalid_choice")
    }
}

/// What an activity holds, by kind. Stored as JSON; validated on the way in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ActivitySettings {
    Content { body: String },
    Quiz(Quiz),
    Assignment(Assignment),
    Survey(Survey),
    Event(Event),
    ExternalRecord(ExternalRecord),
}

impl ActivitySettings {
    pub fn kind(&self) -> ActivityKind {
        match self {
            Self::Content { .. } => ActivityKind::Content,
            Self::Quiz(_) => ActivityKind::Quiz,
            Self::Assignment(_) => ActivityKind::Assignment,
            Self::Survey(_) => ActivityKind::Survey,
            Self::Event(_) => ActivityKind::Event,
            Self::ExternalRecord(_) => ActivityKind::ExternalRecord,
        }
    }

    /// The points a quiz can give (counted towards a course's pass mark); `None` for others.
    pub fn quiz_points(&self) -> Option<u32> {
        match self {
            Self::Quiz(q) => Some(q.max_points()),
            _ => None,
        }
    }
}

// ---- quizzes ----

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quiz {
    pub questions: Vec<Question>,
    /// Percent of the quiz's points needed to pass.
    pub pass_mark: u8,
    /// Attempts allowed; `None` is unlimited.
    pub attempts_limit: Option<u8>,
    /// Show which answers were right (and the explanations) after each attempt.
    pub feedback: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub prompt: String,
    /// Several options may be right (checkboxes) rather than exactly one (radio buttons).
    pub multiple: bool,
    pub options: Vec<AnswerOption>,
    pub points: u16,
    /// Shown with the feedback.
    pub explanation: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerOption {
    pub text: String,
    pub correct: bool,
}

impl Quiz {
    pub fn max_points(&self) -> u32 {
        self.questions.iter().map(|q| u32::from(q.points)).sum()
    }
}

/// One question's outcome in a graded attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionResult {
    pub correct: bool,
    pub points: u16,
}

/// A graded quiz attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Graded {
    pub points: u32,
    pub max_points: u32,
    pub passed: bool,
    pub questions: Vec<QuestionResult>,
}

impl Graded {
    pub fn percent(&self) -> u32 {
        (self.points * 100)
            .checked_div(self.max_points)
            .unwrap_or(100)
    }
}

/// The learner's choices: for each question, the indexes of the options chosen.
pub type QuizAnswers = Vec<Vec<usize>>;

/// Checks that `answers` fits `quiz` (one entry per question, known options, one option for a
/// single-choice question) and grades it: a question scores its points when exactly its right
/// options are chosen.
pub fn grade(quiz: &Quiz, answers: &QuizAnswers) -> Result<Graded, FieldErrors> {
    let mut errors = FieldErrors::new();
    if answers.len() != quiz.questions.len() {
        errors.add("answers", "answer_every_question");
        return Err(errors);
    }
    let mut results = Vec::new();
    for (i, (question, chosen)) in quiz.questions.iter().zip(answers).enumerate() {
        let field = format!("q{i}");
        let n = (i + 1).to_string();
        if chosen.is_empty() {
            errors.add_with(&field, "question_unanswered", &[("question", &n)]);
            continue;
        }
        if chosen.iter().any(|&o| o >= question.options.len())
            || (!question.multiple && chosen.len() > 1)
        {
            errors.add_with(&field, "invalid_choice", &[("question", &n)]);
            continue;
        }
        let mut chosen = chosen.clone();
        chosen.sort_unstable();
        chosen.dedup();
        let right: Vec<usize> = question
            .options
            .iter()
            .enumerate()
            .filter(|(_, o)| o.correct)
            .map(|(i, _)| i)
            .collect();
        let correct = chosen == right;
        results.push(QuestionResult {
            correct,
            points: if correct { question.points } else { 0 },
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let points = results.iter().map(|r| u32::from(r.points)).sum();
    let max_points = quiz.max_points();
    let graded = Graded {
        points,
        max_points,
        passed: false,
        questions: results,
    };
    Ok(Graded {
        passed: graded.percent() >= u32::from(quiz.pass_mark),
        ..graded
    })
}

/// Why a learner may not submit an attempt now.
pub fn attempt_refusal(
    quiz: &Quiz,
    attempts_so_far: u32,
    already_passed: bool,
) -> Option<&'static str> {
    if already_passed {
        Some("quiz_already_passed")
    } else if quiz
        .attempts_limit
        .is_some_and(|limit| attempts_so_far >= u32::from(limit))
    {
        Some("attempts_used_up")
    } else {
        None
    }
}

fn points_line(line: &str) -> Option<&str> {
    let lower = line.to_lowercase();
    ["points:", "poeng:", "poeng :"]
        .iter()
        .find(|p| lower.starts_with(*p))
        .map(|p| line[p.len()..].trim())
}

/// Parses the text form of a quiz's questions. Questions are separated by blank lines; a
/// question's first line is its prompt, then its options, each on its own line: `(x)` and
/// `( )` for a single-choice question (the `x` marks the right one), `[x]` and `[ ]` for a
/// question where several may be right. Optional lines: `Points: 2` (default 1) and
/// `> explanation` (shown with the feedback).
///
/// ```text
/// What does fire need?
/// [x] Heat
/// [x] Fuel
/// [x] Oxygen
/// [ ] Water
/// Points: 2
/// > Remove one of the three and the fire goes out.
/// ```
pub fn parse_questions(text: &str) -> Result<Vec<Question>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut questions = Vec::new();
    let blocks = text
        .replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(str::to_owned)
        .collect::<Vec<_>>();
    if blocks.is_empty() {
        errors.add("questions", "required");
        return Err(errors);
    }
    for (i, block) in blocks.iter().enumerate() {
        let n = (i + 1).to_string();
        let mut lines = block.lines().map(str::trim);
        let prompt = lines.next().unwrap_or_default();
        let mut options = Vec::new();
        let mut single = 0;
        let mut multiple = 0;
        let mut points = 1u16;
        let mut explanation: Option<String> = None;
        for line in lines {
            let marker = line.get(..3).unwrap_or("").to_ascii_lowercase();
            let rest = line.get(3..).unwrap_or("").trim();
            match marker.as_str() {
                "(x)" | "( )" => {
                    single += 1;
                    options.push(AnswerOption {
                        text: rest.to_owned(),
                        correct: marker == "(x)",
                    });
                }
                "[x]" | "[ ]" => {
                    multiple += 1;
                    options.push(AnswerOption {
                        text: rest.to_owned(),
                        correct: marker == "[x]",
                    });
                }
                _ => {
                    if let Some(p) = points_line(line) {
                        match p.parse::<u16>() {
                            Ok(p) if (1..=100).contains(&p) => points = p,
                            _ => {
                                errors.add_with("questions", "quiz_bad_points", &[("question", &n)])
                            }
                        }
                    } else if let Some(text) = line.strip_prefix('>') {
                        explanation = Some(text.trim().to_owned());
                    } else {
                        errors.add_with("questions", "quiz_unknown_line", &[("question", &n)]);
                    }
                }
            }
        }
        if prompt.is_empty() || prompt.chars().count() > 1000 {
            errors.add_with("questions", "quiz_bad_prompt", &[("question", &n)]);
        }
        if options.len() < 2 || options.iter().any(|o| o.text.is_empty()) {
            errors.add_with("questions", "quiz_needs_options", &[("question", &n)]);
        }
        if single > 0 && multiple > 0 {
            errors.add_with("questions", "quiz_mixed_options", &[("question", &n)]);
        }
        let right = options.iter().filter(|o| o.correct).count();
        if single > 0 && multiple == 0 && right != 1 {
            errors.add_with("questions", "quiz_one_right_answer", &[("question", &n)]);
        }
        if multiple > 0 && single == 0 && right == 0 {
            errors.add_with("questions", "quiz_no_right_answer", &[("question", &n)]);
        }
        questions.push(Question {
            prompt: prompt.to_owned(),
            multiple: multiple > 0,
            options,
            points,
            explanation,
        });
    }
    if questions.len() > 200 {
        errors.add("questions", "too_many");
    }
    errors.into_result(questions)
}

/// The text form of questions (what [`parse_questions`] reads), to edit them again.
pub fn questions_text(questions: &[Question]) -> String {
    questions
        .iter()
        .map(|q| {
            let mut lines = vec![q.prompt.clone()];
            for o in &q.options {
                let mark = match (q.multiple, o.correct) {
                    (false, true) => "(x)",
                    (false, false) => "( )",
                    (true, true) => "[x]",
                    (true, false) => "[ ]",
                };
                lines.push(format!("{mark} {}", o.text));
            }
            if q.points != 1 {
                lines.push(format!("Points: {}", q.points));
            }
            if let Some(e) = &q.explanation {
                lines.push(format!("> {e}"));
            }
            lines.join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

// ---- assignments ----

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// Markdown.
    pub instructions: String,
    pub max_bytes: u64,
    pub allowed: Vec<FileType>,
    /// A learner whose work was not passed may hand in again.
    pub resubmission: bool,
}

/// A teacher's decision on a submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Passed,
    NotPassed,
}

impl Grade {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::NotPassed => "not_passed",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s {
            "passed" => Ok(Self::Passed),
            "not_passed" => Ok(Self::NotPassed),
            _ => Err("invalid_choice"),
        }
    }
}

/// Why a learner may not hand in now, given their latest submission's grade (if graded).
pub fn submission_refusal(
    assignment: &Assignment,
    latest: Option<Option<Grade>>,
) -> Option<&'static str> {
    match latest {
        None => None,
        Some(None) => Some("submission_awaits_grading"),
        Some(Some(Grade::Passed)) => Some("submission_already_passed"),
        Some(Some(Grade::NotPassed)) if assignment.resubmission => None,
        Some(Some(Grade::NotPassed)) => Some("resubmission_not_allowed"),
    }
}

// ---- surveys ----

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    /// Nothing that links an answer to a person is stored (KBT-14).
    pub anonymous: bool,
    pub questions: Vec<SurveyQuestion>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyQuestion {
    pub prompt: String,
    pub kind: SurveyQuestionKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "options", rename_all = "snake_case")]
pub enum SurveyQuestionKind {
    /// 1 (lowest) to 5 (highest).
    Scale,
    Text,
    Choice(Vec<String>),
}

/// One answer of a survey response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum SurveyAnswer {
    Scale(u8),
    Text(String),
    Choice(usize),
    Skipped,
}

/// Results are shown only from this many answers, so that no answer can be traced to anyone
/// (the same threshold as statistics: PRIVACY-DOMAIN §7).
pub const SURVEY_MIN_ANSWERS: usize = 5;

/// Parses a survey's text form: questions separated by blank lines; a question's first line is
/// its prompt, ending in `(scale)` for a 1–5 scale or `(text)` for a free answer (`(skala)`,
/// `(tekst)` too), or followed by `- option` lines for a choice.
pub fn parse_survey_questions(text: &str) -> Result<Vec<SurveyQuestion>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut questions = Vec::new();
    let text = text.replace("\r\n", "\n");
    let blocks: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .collect();
    if blocks.is_empty() {
        errors.add("survey_questions", "required");
    }
    for (i, block) in blocks.iter().enumerate() {
        let n = (i + 1).to_string();
        let mut lines = block.lines().map(str::trim);
        let first = lines.next().unwrap_or_default();
        let options: Vec<String> = lines
            .map(|l| match l.strip_prefix('-') {
                Some(o) => Ok(o.trim().to_owned()),
                None => Err(()),
            })
            .collect::<Result<_, _>>()
            .unwrap_or_else(|()| {
                errors.add_with(
                    "survey_questions",
                    "survey_unknown_line",
                    &[("question", &n)],
                );
                Vec::new()
            });
        let lower = first.to_lowercase();
        let (prompt, kind) = if let Some(p) = ["(scale)", "(skala)"]
            .iter()
            .find_map(|m| lower.ends_with(m).then(|| &first[..first.len() - m.len()]))
        {
            (p.trim(), Some(SurveyQuestionKind::Scale))
        } else if let Some(p) = ["(text)", "(tekst)"]
            .iter()
            .find_map(|m| lower.ends_with(m).then(|| &first[..first.len() - m.len()]))
        {
            (p.trim(), Some(SurveyQuestionKind::Text))
        } else if options.len() >= 2 && options.iter().all(|o| !o.is_empty()) {
            (first, Some(SurveyQuestionKind::Choice(options.clone())))
        } else {
            errors.add_with(
                "survey_questions",
                "survey_question_kind",
                &[("question", &n)],
            );
            (first, None)
        };
        if prompt.is_empty() {
            errors.add_with("survey_questions", "quiz_bad_prompt", &[("question", &n)]);
        }
        if let Some(kind) = kind {
            questions.push(SurveyQuestion {
                prompt: prompt.to_owned(),
                kind,
            });
        }
    }
    errors.into_result(questions)
}

/// The text form of survey questions, to edit them again.
pub fn survey_questions_text(questions: &[SurveyQuestion]) -> String {
    questions
        .iter()
        .map(|q| match &q.kind {
            SurveyQuestionKind::Scale => format!("{} (scale)", q.prompt),
            SurveyQuestionKind::Text => format!("{} (text)", q.prompt),
            SurveyQuestionKind::Choice(options) => {
                let mut lines = vec![q.prompt.clone()];
                lines.extend(options.iter().map(|o| format!("- {o}")));
                lines.join("\n")
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Reads a survey response from form values (`a0`, `a1`, … per question; empty is skipped).
pub fn read_survey_answers(
    survey: &Survey,
    value_of: impl Fn(&str) -> Option<String>,
) -> Result<Vec<SurveyAnswer>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut answers = Vec::new();
    for (i, q) in survey.questions.iter().enumerate() {
        let field = format!("a{i}");
        let raw = value_of(&field).unwrap_or_default();
        let raw = raw.trim();
        let answer = if raw.is_empty() {
            SurveyAnswer::Skipped
        } else {
            match &q.kind {
                SurveyQuestionKind::Scale => match raw.parse::<u8>() {
                    Ok(v) if (1..=5).contains(&v) => SurveyAnswer::Scale(v),
                    _ => {
                        errors.add(&field, "invalid_choice");
                        SurveyAnswer::Skipped
                    }
                },
                SurveyQuestionKind::Text => {
                    if raw.chars().count() > 4000 {
                        errors.add(&field, "too_long");
                    }
                    SurveyAnswer::Text(raw.to_owned())
                }
                SurveyQuestionKind::Choice(options) => match raw.parse::<usize>() {
                    Ok(v) if v < options.len() => SurveyAnswer::Choice(v),
                    _ => {
                        errors.add(&field, "invalid_choice");
                        SurveyAnswer::Skipped
                    }
                },
            }
        };
        answers.push(answer);
    }
    if answers.iter().all(|a| *a == SurveyAnswer::Skipped) {
        errors.add("answers", "answer_something");
    }
    errors.into_result(answers)
}

/// Aggregated results of one survey question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum QuestionSummary {
    /// Answers per value 1–5.
    Scale([usize; 5]),
    /// The free answers, in no particular order.
    Text(Vec<String>),
    /// Answers per option.
    Choice(Vec<usize>),
}

/// Survey results, or `None` while fewer than [`SURVEY_MIN_ANSWERS`] responses exist.
pub fn summarise(survey: &Survey, responses: &[Vec<SurveyAnswer>]) -> Option<Vec<QuestionSummary>> {
    if responses.len() < SURVEY_MIN_ANSWERS {
        return None;
    }
    Some(
        survey
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let answers = responses.iter().filter_map(|r| r.get(i));
                match &q.kind {
                    SurveyQuestionKind::Scale => {
                        let mut counts = [0; 5];
                        for a in answers {
                            if let SurveyAnswer::Scale(v) = a
                                && let Some(c) = counts.get_mut(usize::from(*v).saturating_sub(1))
                            {
                                *c += 1;
                            }
                        }
                        QuestionSummary::Scale(counts)
                    }
                    SurveyQuestionKind::Text => {
                        let mut texts: Vec<String> = answers
                            .filter_map(|a| match a {
                                SurveyAnswer::Text(t) => Some(t.clone()),
                                _ => None,
                            })
                            .collect();
                        texts.sort();
                        QuestionSummary::Text(texts)
                    }
                    SurveyQuestionKind::Choice(options) => {
                        let mut counts = vec![0; options.len()];
                        for a in answers {
                            if let SurveyAnswer::Choice(v) = a
                                && let Some(c) = counts.get_mut(*v)
                            {
                                *c += 1;
                            }
                        }
                        QuestionSummary::Choice(counts)
                    }
                }
            })
            .collect(),
    )
}

// ---- events ----

/// What an event's registration form may ask for (KS-8); the organiser picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationField {
    Name,
    Organisation,
    Address,
    Email,
    WorkPhone,
    Position,
    InvoiceReference,
}

impl RegistrationField {
    pub const ALL: [Self; 7] = [
        Self::Name,
        Self::Organisation,
        Self::Address,
        Self::Email,
        Self::WorkPhone,
        Self::Position,
        Self::InvoiceReference,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Organisation => "organisation",
            Self::Address => "address",
            Self::Email => "email",
            Self::WorkPhone => "work_phone",
            Self::Position => "position",
            Self::InvoiceReference => "invoice_reference",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or("invalid_choice")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Local time where the event is held.
    pub starts_at: PrimitiveDateTime,
    pub ends_at: PrimitiveDateTime,
    pub place: Option<String>,
    pub online_link: Option<String>,
    /// Places; `None` is unlimited. Registrations beyond it go on the waiting list.
    pub capacity: Option<u32>,
    pub fields: Vec<RegistrationField>,
    /// The day the organiser closed the evaluation (registrations may then be deleted: KBT-15).
    pub evaluation_closed_on: Option<Date>,
}

/// A registration's standing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    Registered,
    Waitlisted,
    Cancelled,
}

impl RegistrationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Waitlisted => "waitlisted",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s {
            "registered" => Ok(Self::Registered),
            "waitlisted" => Ok(Self::Waitlisted),
            "cancelled" => Ok(Self::Cancelled),
            _ => Err("invalid_choice"),
        }
    }
}

/// Where a new registration goes: a place while there is one, else the waiting list.
pub fn place_for(event: &Event, registered: u32) -> RegistrationStatus {
    match event.capacity {
        Some(capacity) if registered >= capacity => RegistrationStatus::Waitlisted,
        _ => RegistrationStatus::Registered,
    }
}

/// How many from the waiting list move up, once places are counted again.
pub fn promotions(event: &Event, registered: u32, waitlisted: u32) -> u32 {
    match event.capacity {
        None => waitlisted,
        Some(capacity) => capacity.saturating_sub(registered).min(waitlisted),
    }
}

/// Reads a registration form: a value for every field the organiser asks for (name and e-mail
/// are filled in from the profile but may be corrected), nothing else.
pub fn read_registration(
    event: &Event,
    value_of: impl Fn(&str) -> Option<String>,
) -> Result<Vec<(RegistrationField, String)>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut values = Vec::new();
    for field in &event.fields {
        let name = field.as_str();
        let raw = value_of(name).unwrap_or_default();
        let value = match field {
            RegistrationField::Email => errors
                .check(name, Email::parse(&raw))
                .map(|e| e.as_str().to_owned()),
            RegistrationField::WorkPhone => {
                let digits = raw.chars().filter(char::is_ascii_digit).count();
                let ok = raw
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-()".contains(c));
                if raw.trim().is_empty() {
                    errors.add(name, "required");
                    None
                } else if !ok || !(5..=15).contains(&digits) {
                    errors.add(name, "invalid_phone");
                    None
                } else {
                    Some(raw.trim().to_owned())
                }
            }
            _ => errors.check(name, non_empty(&raw, 300)),
        };
        if let Some(v) = value {
            values.push((*field, v));
        }
    }
    errors.into_result(values)
}

// ---- external records ----

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalRecord {
    /// Markdown: what to record (e.g. "upload your hot-work certificate").
    pub instructions: String,
    pub proof_required: bool,
}

/// Training done elsewhere, as the learner records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedTraining {
    pub provider: String,
    pub completed_on: Date,
    /// Tenths of an hour (1.5 h is 15).
    pub tenths_of_hours: u32,
}

/// Reads a record of training done elsewhere: provider, date (not in the future) and hours.
pub fn read_recorded_training(
    provider: &str,
    completed_on: &str,
    hours: &str,
    today: Date,
) -> Result<RecordedTraining, FieldErrors> {
    let mut errors = FieldErrors::new();
    let provider = errors.check("provider", non_empty(provider, 200));
    let date = errors.check("completed_on", parse_date(completed_on));
    if date.is_some_and(|d| d > today) {
        errors.add("completed_on", "in_the_future");
    }
    let hours = hours.trim().replace(',', ".");
    let tenths = match hours.parse::<f64>() {
        Ok(h) if (0.1..=1000.0).contains(&h) => Some((h * 10.0).round() as u32),
        _ => {
            errors.add("hours", "invalid_hours");
            None
        }
    };
    match (provider, date, tenths) {
        (Some(provider), Some(completed_on), Some(tenths_of_hours)) if errors.is_empty() => {
            Ok(RecordedTraining {
                provider,
                completed_on,
                tenths_of_hours,
            })
        }
        _ => Err(errors),
    }
}

/// A decision on something a learner handed in for approval (an external record).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    Pending,
    Approved,
    Rejected,
}

impl Approval {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Result<Self, &'static str> {
        match s {
            "pending" => Ok(Self::Pending),
            "approved" => Ok(Self::Approved),
            "rejected" => Ok(Self::Rejected),
            _ => Err("invalid_choice"),
        }
    }
}

// ---- the input ----

/// Unvalidated activity from a form or JSON body. Which fields count depends on `kind`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub module_id: String,
    /// Counts towards completion (`on`/`true`).
    #[serde(default)]
    pub required: String,
    /// Content pages: Markdown.
    #[serde(default)]
    pub body: String,
    /// Quizzes: the questions in their text form (see `parse_questions`).
    #[serde(default)]
    pub questions: String,
    /// Quizzes: percent to pass (default 100).
    #[serde(default)]
    pub pass_mark: String,
    /// Quizzes: attempts allowed (empty: unlimited).
    #[serde(default)]
    pub attempts_limit: String,
    /// Quizzes: show right answers after an attempt.
    #[serde(default)]
    pub feedback: String,
    /// Assignments and external records: Markdown.
    #[serde(default)]
    pub instructions: String,
    /// Assignments: largest upload in megabytes (default 10, at most 50).
    #[serde(default)]
    pub max_megabytes: String,
    /// Assignments: comma-separated file types (`pdf, docx, odt, txt, png, jpeg`).
    #[serde(default)]
    pub allowed_types: String,
    #[serde(default)]
    pub resubmission: String,
    /// Surveys.
    #[serde(default)]
    pub anonymous: String,
    #[serde(default)]
    pub survey_questions: String,
    /// Events: `YYYY-MM-DDTHH:MM`, local time.
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub online_link: String,
    #[serde(default)]
    pub capacity: String,
    /// Events: comma-separated registration fields.
    #[serde(default)]
    pub registration_fields: String,
    /// External records.
    #[serde(default)]
    pub proof_required: String,
}

/// A validated activity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityDraft {
    pub title: String,
    pub required: bool,
    pub settings: ActivitySettings,
}

const DATETIME: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");

pub fn parse_local_datetime(s: &str) -> Result<PrimitiveDateTime, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err("required");
    }
    let s = s.get(..16).unwrap_or(s);
    PrimitiveDateTime::parse(s, DATETIME).map_err(|_| "invalid_datetime")
}

pub fn format_local_datetime(t: PrimitiveDateTime) -> String {
    t.format(DATETIME).unwrap_or_default()
}

fn parse_link(s: &str) -> Result<Option<String>, &'static str> {
    match optional_text(s, 500)? {
        None => Ok(None),
        Some(link) if link.starts_with("https://") || link.starts_with("http://") => Ok(Some(link)),
        Some(_) => Err("invalid_link"),
    }
}

impl ActivityInput {
    pub fn validate(&self) -> Result<ActivityDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.check("title", non_empty(&self.title, 200));
        let kind = errors.check("kind", ActivityKind::parse(self.kind.trim()));
        let settings = match kind {
            Some(ActivityKind::Content) => errors
                .check("body", non_empty(&self.body, 100_000))
                .map(|body| ActivitySettings::Content { body }),
            Some(ActivityKind::Quiz) => {
                let questions = errors.merge(parse_questions(&self.questions));
                let pass_mark =
                    errors.check("pass_mark", optional_number::<u8>(&self.pass_mark, 0, 100));
                let limit = errors.check(
                    "attempts_limit",
                    optional_number::<u8>(&self.attempts_limit, 1, 100),
                );
                match (questions, pass_mark, limit) {
                    (Some(questions), Some(pass_mark), Some(attempts_limit)) => {
                        Some(ActivitySettings::Quiz(Quiz {
                            questions,
                            pass_mark: pass_mark.unwrap_or(100),
                            attempts_limit,
                            feedback: flag(&self.feedback),
                        }))
                    }
                    _ => None,
                }
            }
            Some(ActivityKind::Assignment) => {
                let instructions =
                    errors.check("instructions", non_empty(&self.instructions, 20_000));
                let mb = errors.check(
                    "max_megabytes",
                    optional_number::<u64>(&self.max_megabytes, 1, 50),
                );
                let allowed =
                    errors.check("allowed_types", FileType::parse_list(&self.allowed_types));
                match (instructions, mb, allowed) {
                    (Some(instructions), Some(mb), Some(allowed)) => {
                        Some(ActivitySettings::Assignment(Assignment {
                            instructions,
                            max_bytes: mb.unwrap_or(10) * 1024 * 1024,
                            allowed,
                            resubmission: flag(&self.resubmission),
                        }))
                    }
                    _ => None,
                }
            }
            Some(ActivityKind::Survey) => errors
                .merge(parse_survey_questions(&self.survey_questions))
                .map(|questions| {
                    ActivitySettings::Survey(Survey {
                        anonymous: flag(&self.anonymous),
                        questions,
                    })
                }),
            Some(ActivityKind::Event) => {
                let starts = errors.check("starts_at", parse_local_datetime(&self.starts_at));
                let ends = errors.check("ends_at", parse_local_datetime(&self.ends_at));
                if let (Some(s), Some(e)) = (starts, ends)
                    && e < s
                {
                    errors.add("ends_at", "ends_before_start");
                }
                let place = errors.check("place", optional_text(&self.place, 300));
                let link = errors.check("online_link", parse_link(&self.online_link));
                if matches!((&place, &link), (Some(None), Some(None))) {
                    errors.add("place", "place_or_link");
                }
                let capacity = errors.check(
                    "capacity",
                    optional_number::<u32>(&self.capacity, 1, 100_000),
                );
                let mut fields = Vec::new();
                for raw in self
                    .registration_fields
                    .split(',')
                    .map(str::trim)
                    .filter(|f| !f.is_empty())
                {
                    if let Some(f) =
                        errors.check("registration_fields", RegistrationField::parse(raw))
                        && !fields.contains(&f)
                    {
                        fields.push(f);
                    }
                }
                fields.sort();
                match (starts, ends, place, link, capacity) {
                    (
                        Some(starts_at),
                        Some(ends_at),
                        Some(place),
                        Some(online_link),
                        Some(capacity),
                    ) => Some(ActivitySettings::Event(Event {
                        starts_at,
                        ends_at,
                        place,
                        online_link,
                        capacity,
                        fields,
                        evaluation_closed_on: None,
                    })),
                    _ => None,
                }
            }
            Some(ActivityKind::ExternalRecord) => errors
                .check("instructions", non_empty(&self.instructions, 20_000))
                .map(|instructions| {
                    ActivitySettings::ExternalRecord(ExternalRecord {
                        instructions,
                        proof_required: flag(&self.proof_required),
                    })
                }),
            None => None,
        };
        match (title, settings) {
            (Some(title), Some(settings)) if errors.is_empty() => Ok(ActivityDraft {
                title,
                required: flag(&self.required),
                settings,
            }),
            _ => Err(errors),
        }
    }
}

impl ActivityDraft {
    /// The activity as an input again (to fill its edit form).
    pub fn to_input(&self, module_id: &str) -> ActivityInput {
        let yes = |b: bool| if b { "on".to_owned() } else { String::new() };
        let mut input = ActivityInput {
            kind: self.settings.kind().as_str().into(),
            title: self.title.clone(),
            module_id: module_id.into(),
            required: yes(self.required),
            ..Default::default()
        };
        match &self.settings {
            ActivitySettings::Content { body } => input.body = body.clone(),
            ActivitySettings::Quiz(q) => {
                input.questions = questions_text(&q.questions);
                input.pass_mark = q.pass_mark.to_string();
                input.attempts_limit = q.attempts_limit.map(|a| a.to_string()).unwrap_or_default();
                input.feedback = yes(q.feedback);
            }
            ActivitySettings::Assignment(a) => {
                input.instructions = a.instructions.clone();
                input.max_megabytes = (a.max_bytes / (1024 * 1024)).to_string();
                input.allowed_types = FileType::join(&a.allowed);
                input.resubmission = yes(a.resubmission);
            }
            ActivitySettings::Survey(s) => {
                input.anonymous = yes(s.anonymous);
                input.survey_questions = survey_questions_text(&s.questions);
            }
            ActivitySettings::Event(e) => {
                input.starts_at = format_local_datetime(e.starts_at);
                input.ends_at = format_local_datetime(e.ends_at);
                input.place = e.place.clone().unwrap_or_default();
                input.online_link = e.online_link.clone().unwrap_or_default();
                input.capacity = e.capacity.map(|c| c.to_string()).unwrap_or_default();
                input.registration_fields = e
                    .fields
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(",");
            }
            ActivitySettings::ExternalRecord(r) => {
                input.instructions = r.instructions.clone();
                input.proof_required = yes(r.proof_required);
            }
        }
        input
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUIZ: &str = "What does fire need?\n[x] Heat\n[x] Fuel\n[x] Oxygen\n[ ] Water\nPoints: 2\n> Take one away and it goes out.\n\nWhich extinguisher for an electrical fire?\n(x) CO2\n( ) Water";

    fn quiz() -> Quiz {
        Quiz {
            questions: parse_questions(QUIZ).expect("parses"),
            pass_mark: 60,
            attempts_limit: Some(2),
            feedback: true,
        }
    }

    #[test]
    fn the_quiz_text_form_parses_and_prints_back_the_same() {
        let q = parse_questions(QUIZ).expect("parses");
        assert_eq!(q.len(), 2);
        assert!(q[0].multiple && !q[1].multiple);
        assert_eq!(q[0].points, 2);
        assert_eq!(
            q[0].explanation.as_deref(),
            Some("Take one away and it goes out.")
        );
        assert_eq!(parse_questions(&questions_text(&q)).expect("again"), q);
    }

    #[test]
    fn quiz_text_mistakes_name_the_question() {
        let errors = parse_questions("Q1\n(x) a\n(x) b\n\nQ2\n[ ] a\n[ ] b\n\nQ3\n(x) only\nwhat?")
            .expect_err("invalid");
        let got: Vec<_> = errors
            .0
            .iter()
            .map(|e| {
                format!(
                    "{}@{}",
                    e.code,
                    e.params.first().map(|p| p.1.as_str()).unwrap_or("")
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "quiz_one_right_answer@1",
                "quiz_no_right_answer@2",
                "quiz_unknown_line@3",
                "quiz_needs_options@3"
            ]
        );
    }

    #[test]
    fn grading_gives_a_question_its_points_only_for_exactly_the_right_options() {
        let q = quiz();
        let all_right = grade(&q, &vec![vec![0, 1, 2], vec![0]]).expect("graded");
        assert_eq!(
            (all_right.points, all_right.max_points, all_right.passed),
            (3, 3, true)
        );
        let one_missing = grade(&q, &vec![vec![0, 1], vec![0]]).expect("graded");
        assert_eq!(
            (
                one_missing.points,
                one_missing.percent(),
                one_missing.passed
            ),
            (1, 33, false)
        );
        assert!(
            grade(&q, &vec![vec![0], vec![0, 1]]).is_err(),
            "two answers to a single choice"
        );
        assert!(
            grade(&q, &vec![vec![0]]).is_err(),
            "every question is answered"
        );
        assert!(
            grade(&q, &vec![vec![9], vec![0]]).is_err(),
            "no such option"
        );
    }

    #[test]
    fn attempts_stop_at_the_limit_and_after_a_pass() {
        let q = quiz();
        assert_eq!(attempt_refusal(&q, 1, false), None);
        assert_eq!(attempt_refusal(&q, 2, false), Some("attempts_used_up"));
        assert_eq!(attempt_refusal(&q, 0, true), Some("quiz_already_passed"));
    }

    #[test]
    fn events_fill_their_places_then_the_waiting_list() {
        let event = Event {
            starts_at: parse_local_datetime("2026-03-01T09:00").expect("time"),
            ends_at: parse_local_datetime("2026-03-01T15:00").expect("time"),
            place: Some("Rådhuset".into()),
            online_link: None,
            capacity: Some(2),
            fields: vec![RegistrationField::Name],
            evaluation_closed_on: None,
        };
        assert_eq!(place_for(&event, 1), RegistrationStatus::Registered);
        assert_eq!(place_for(&event, 2), RegistrationStatus::Waitlisted);
        assert_eq!(promotions(&event, 1, 3), 1);
        assert_eq!(promotions(&event, 2, 3), 0);
    }

    #[test]
    fn registration_forms_take_exactly_the_fields_asked_for() {
        let event = Event {
            starts_at: parse_local_datetime("2026-03-01T09:00").expect("time"),
            ends_at: parse_local_datetime("2026-03-01T15:00").expect("time"),
            place: None,
            online_link: Some("https://meet.example.no/x".into()),
            capacity: None,
            fields: vec![
                RegistrationField::Email,
                RegistrationField::WorkPhone,
                RegistrationField::InvoiceReference,
            ],
            evaluation_closed_on: None,
        };
        let values = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let ok = read_registration(
            &event,
            values(&[
                ("email", "kari@example.no"),
                ("work_phone", "+47 22 33 44 55"),
                ("invoice_reference", "P-123"),
                ("address", "ignored"),
            ]),
        )
        .expect("valid");
        assert_eq!(ok.len(), 3);
        let bad = read_registration(&event, values(&[("email", "nope"), ("work_phone", "abc")]))
            .expect_err("invalid");
        let codes: Vec<_> = bad.0.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["invalid_email", "invalid_phone", "required"]);
    }

    #[test]
    fn surveys_parse_and_show_results_only_from_five_answers() {
        let survey = Survey {
            anonymous: true,
            questions: parse_survey_questions("How useful? (scale)\n\nWhat to improve? (text)\n\nBest part?\n- Theory\n- Practice").expect("parses"),
        };
        assert_eq!(survey.questions.len(), 3);
        assert_eq!(
            parse_survey_questions(&survey_questions_text(&survey.questions)).expect("again"),
            survey.questions
        );
        let response = |v: &'static str| {
            read_survey_answers(&survey, move |k| match k {
                "a0" => Some(v.into()),
                "a2" => Some("1".into()),
                _ => None,
            })
            .expect("valid")
        };
        let four: Vec<_> = ["5", "4", "4", "2"].into_iter().map(response).collect();
        assert_eq!(summarise(&survey, &four), None);
        let mut five = four.clone();
        five.push(response("5"));
        let results = summarise(&survey, &five).expect("results");
        assert_eq!(results[0], QuestionSummary::Scale([0, 1, 0, 2, 2]));
        assert_eq!(results[2], QuestionSummary::Choice(vec![0, 5]));
        assert!(
            read_survey_answers(&survey, |_| None).is_err(),
            "an empty response is refused"
        );
    }

    #[test]
    fn external_training_needs_a_provider_a_past_date_and_hours() {
        let today = time::macros::date!(2026 - 01 - 10);
        let ok = read_recorded_training("Norsk brannvernforening", "2025-12-01", "7,5", today)
            .expect("valid");
        assert_eq!(ok.tenths_of_hours, 75);
        let bad = read_recorded_training("", "2026-02-01", "0", today).expect_err("invalid");
        let codes: Vec<_> = bad.0.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["required", "in_the_future", "invalid_hours"]);
    }

    #[test]
    fn activity_inputs_validate_per_kind_and_round_trip() {
        let input = ActivityInput {
            kind: "quiz".into(),
            title: "Test".into(),
            required: "on".into(),
            questions: QUIZ.into(),
            pass_mark: "80".into(),
            ..Default::default()
        };
        let draft = input.validate().expect("valid");
        assert!(draft.required);
        assert_eq!(draft.settings.quiz_points(), Some(3));
        assert_eq!(draft.to_input("").validate().expect("again"), draft);
        let event = ActivityInput {
            kind: "event".into(),
            title: "Kurs".into(),
            starts_at: "2026-03-01T15:00".into(),
            ends_at: "2026-03-01T09:00".into(),
            registration_fields: "name,shoe_size".into(),
            ..Default::default()
        };
        let codes: Vec<_> = event
            .validate()
            .expect_err("invalid")
            .0
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            ["ends_before_start", "place_or_link", "invalid_choice"]
        );
    }
}
