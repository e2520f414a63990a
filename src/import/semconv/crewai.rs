//! CrewAI's keys as `openinference-instrumentation-crewai` 1.1.21 writes them (crewai 1.15.30,
//! the real export in `tests/fixtures/realdata/openinference-crewai/`): a crew's kickoff is an
//! OpenInference `CHAIN` with no `input.value`, each task an `AGENT` span.
//!
//! | key | becomes |
//! |---|---|
//! | `crew_inputs` (when not empty), else `crew_tasks` | input of a crew's kickoff |
//! | `crew_tasks`, `crew_agents` (JSON text) | kept as attributes, read as JSON |
//! | `crew_key`, `crew_id`, `task_key`, `task_id` | kept as attributes |

use super::found::{Found, Input, Source};
use super::span::Span;

pub(super) fn read(s: &Span, f: &mut Found) {
    if s.find("crew_key").is_none() && s.find("crew_id").is_none() {
        return;
    }
    let inputs = s.find("crew_inputs").filter(|&i| s.text_at(i).is_some());
    f.input.offer(Input::CrewAi as usize, inputs.or_else(|| s.find("crew_tasks")).map(Source::Attr));
    for key in ["crew_tasks", "crew_agents"] {
        if let Some(i) = s.find(key) {
            f.json_attributes.push(i);
        }
    }
}
