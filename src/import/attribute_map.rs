//! A single span's attributes as a flat JSON object (`{"llm.model_name": …, "gen_ai.usage…": …}`),
//! as instrumentation tests and "copy attributes" buttons produce: opened as a one-observation trace.

use super::semconv;
use super::{shape_error, Format, ImportError};
use crate::model::{AttrValue, Attribute, Kind, Observation, Trace, TraceSet, Warning, WarningKind};
use serde_json::{Map, Value};

pub fn import(file: &str, body: &str, format: Format) -> Result<TraceSet, ImportError> {
    // one span's attributes: a small object, parsed as such (never a whole trace file)
    let map: Map<String, Value> = serde_json::from_str(body).map_err(|e| shape_error(format, &e))?;
    let mut o = Observation::new("span", Kind::Span, "", 0);
    o.attributes = map
        .into_iter()
        .map(|(key, v)| Attribute {
            key: key.into(),
            value: match v {
                Value::String(s) => AttrValue::Str(s),
                Value::Bool(b) => AttrValue::Bool(b),
                Value::Number(n) if n.is_f64() => AttrValue::Float(n.as_f64().unwrap_or(f64::NAN)),
                Value::Number(n) => AttrValue::Int(n.to_string()),
                other => AttrValue::Json(crate::model::Payload::from_value(&other)),
            },
        })
        .collect();
    let ids = semconv::apply(&mut o);
    o.name = o.model.clone().map(|m| format!("{} {m}", o.kind.label())).unwrap_or_else(|| o.kind.label().to_string());
    let mut set = TraceSet::default();
    set.warnings.push(Warning::new(file, WarningKind::AttributeMap));
    let mut t = Trace::build(file.to_string(), vec![o], file, &mut set.warnings);
    t.session_id = ids.session_id;
    t.user_id = ids.user_id;
    t.tags = ids.tags;
    set.traces.push(t);
    Ok(set)
}
