//! Renders the [`Document`] in the formats one run asks for, each format once however many of
//! stdout, `-o` files and the job summary want it.

use super::notify::{self, Chat};
use super::{Document, annotations, junit, markdown, text};
use crate::cli::CheckFormat;
use crate::failure::Problem;
use crate::resolve::{ChatTemplates, Template};

/// Each format rendered once.
pub struct Renders<'a> {
    doc: &'a Document,
    template: Option<&'a Template>,
    annotation_path: &'a dyn Fn(&str) -> String,
    chat_templates: Option<&'a ChatTemplates>,
    done: Vec<((CheckFormat, bool), String)>,
}

impl<'a> Renders<'a> {
    /// Renders `doc`, Markdown through `template` when given; `annotation_path` turns the goal
    /// file's name into the path an annotation names.
    pub fn new(
        doc: &'a Document,
        template: Option<&'a Template>,
        annotation_path: &'a dyn Fn(&str) -> String,
    ) -> Self {
        Renders {
            doc,
            template,
            annotation_path,
            chat_templates: None,
            done: Vec::new(),
        }
    }

    /// The same renders, with the user's Slack and Teams templates.
    #[must_use]
    pub fn with_chat_templates(mut self, templates: &'a ChatTemplates) -> Self {
        self.chat_templates = Some(templates);
        self
    }

    /// `format` rendered (`color` applies to text only).
    ///
    /// # Errors
    /// The template failed, or the document could not be serialized.
    pub fn get(&mut self, format: CheckFormat, color: bool) -> Result<String, Problem> {
        let key = (format, color && format == CheckFormat::Text);
        if let Some((_, text)) = self.done.iter().find(|(k, _)| *k == key) {
            return Ok(text.clone());
        }
        let text = self.render(format, key.1)?;
        self.done.push((key, text.clone()));
        Ok(text)
    }

    fn render(&self, format: CheckFormat, color: bool) -> Result<String, Problem> {
        let doc = self.doc;
        Ok(match format {
            CheckFormat::Text => text::render(doc, color),
            CheckFormat::Json => {
                let mut s =
                    serde_json::to_string_pretty(doc).map_err(|e| Problem::new(e.to_string()))?;
                s.push('\n');
                s
            }
            CheckFormat::Markdown => {
                let template = self.template.map(|t| (t.name.as_str(), t.text.as_str()));
                markdown::render(doc, template)
                    .map_err(|e| Problem::new(format!("the template failed: {e}")))?
            }
            CheckFormat::Junit => junit::render(doc),
            CheckFormat::Github => annotations::render(doc, self.annotation_path),
            CheckFormat::Slack | CheckFormat::Teams => {
                let templates = self.chat_templates;
                let (chat, name, template) = match format {
                    CheckFormat::Slack => (
                        "Slack",
                        Chat::Slack,
                        templates.and_then(|t| t.slack.as_ref()),
                    ),
                    _ => (
                        "Teams",
                        Chat::Teams,
                        templates.and_then(|t| t.teams.as_ref()),
                    ),
                };
                let template = template.map(|t| (t.name.as_str(), t.text.as_str()));
                notify::render(doc, name, template)
                    .map_err(|e| Problem::new(format!("the {chat} template failed: {e}")))?
            }
        })
    }
}
