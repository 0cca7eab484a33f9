//! Alibaba's published API metadata (the api-docs JSON of its OpenAPI
//! portal, as in ../shared/reference/alb-2020-06-16/operations/*.json) and
//! the RAM facts (ram.json), read into plain structs. Unknown keys are
//! ignored: the format grows.

use serde_json::Value;

/// One operation's metadata.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    pub title: String,
    pub summary: String,
    /// Chinese prose; says whether the call is asynchronous (异步).
    pub description: String,
    pub deprecated: bool,
    /// `systemTags.operationType`: create / update / delete / get / list / none.
    pub operation_type: Option<String>,
    pub parameters: Vec<MetaMember>,
    pub response: Vec<MetaMember>,
    /// (HTTP status, code, message), in the metadata's order.
    pub errors: Vec<(u16, String, String)>,
}

/// A parameter, field or list item.
#[derive(Debug, Clone, Default)]
pub struct MetaMember {
    pub name: String,
    /// `string`, `integer`, `boolean`, `array`, `object` (anything else as is).
    pub ty: String,
    pub format: Option<String>,
    /// The schema's `required`, overruled by `docRequired: false` (the
    /// documentation does not ask for it: be as permissive as the docs).
    pub required: bool,
    pub description: String,
    pub title: String,
    pub example: Option<String>,
    pub default: Option<String>,
    pub min_items: Option<u32>,
    pub max_items: Option<u32>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// `flat` or `repeatList` (both `Name.1...` on the wire).
    pub style: Option<String>,
    pub items: Option<Box<MetaMember>>,
    pub fields: Vec<MetaMember>,
}

/// The RAM facts of one operation (ram.json's `ops.<Name>`).
#[derive(Debug, Clone, Default)]
pub struct RamFacts {
    pub action: Option<String>,
    pub access_level: Option<String>,
    /// (type, ARN, required: None when printed as null).
    pub resources: Vec<(String, Option<String>, Option<bool>)>,
    pub condition_keys: Vec<String>,
    /// `200/60s` as (200, 60).
    pub rate_limit: Option<(u32, u32)>,
    pub status: Option<String>,
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn int<T: std::str::FromStr>(v: Option<&Value>) -> Option<T> {
    v.and_then(text).and_then(|s| s.trim().parse().ok())
}

fn member(name: &str, schema: &Value, style: Option<String>) -> MetaMember {
    let required = schema
        .get("required")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let doc_required = schema.get("docRequired").and_then(Value::as_bool);
    let items = schema.get("items").map(|i| Box::new(member("", i, None)));
    let mut fields: Vec<MetaMember> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| props.iter().map(|(k, v)| member(k, v, None)).collect())
        .unwrap_or_default();
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    MetaMember {
        name: name.to_string(),
        ty: schema
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("string")
            .to_string(),
        format: schema
            .get("format")
            .and_then(Value::as_str)
            .map(str::to_string),
        required: required && doc_required != Some(false),
        description: schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        title: schema
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        example: schema
            .get("example")
            .and_then(text)
            .filter(|s| !s.is_empty()),
        default: schema
            .get("default")
            .and_then(text)
            .filter(|s| !s.is_empty()),
        min_items: int(schema.get("minItems")),
        max_items: int(schema.get("maxItems")),
        minimum: int(schema.get("minimum")),
        maximum: int(schema.get("maximum")),
        style,
        items,
        fields,
    }
}

impl Metadata {
    /// Reads one operation's api-docs JSON.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        if !v.is_object() {
            return Err("not an operation's metadata (a JSON object)".into());
        }
        let parameters = v
            .get("parameters")
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| {
                        let name = p.get("name")?.as_str()?;
                        let schema = p.get("schema")?;
                        let style = p.get("style").and_then(Value::as_str).map(str::to_string);
                        Some(member(name, schema, style))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let response = v
            .pointer("/responses/200/schema/properties")
            .and_then(Value::as_object)
            .map(|props| {
                let mut fields: Vec<MetaMember> =
                    props.iter().map(|(k, s)| member(k, s, None)).collect();
                fields.sort_by(|a, b| a.name.cmp(&b.name));
                fields
            })
            .unwrap_or_default();
        let mut errors = Vec::new();
        if let Some(codes) = v.get("errorCodes").and_then(Value::as_object) {
            for (status, list) in codes {
                let status: u16 = status.parse().unwrap_or(400);
                for e in list.as_array().into_iter().flatten() {
                    if let Some(code) = e.get("errorCode").and_then(Value::as_str) {
                        let message = e
                            .get("errorMessage")
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        errors.push((status, code.to_string(), message.to_string()));
                    }
                }
            }
        }
        let s = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Ok(Metadata {
            title: s("title"),
            summary: s("summary"),
            description: s("description"),
            deprecated: v
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            operation_type: v
                .pointer("/systemTags/operationType")
                .and_then(Value::as_str)
                .map(str::to_string),
            parameters,
            response,
            errors,
        })
    }

    /// The documentation calls the operation asynchronous ("an
    /// asynchronous interface": the answer comes before the work is done).
    pub fn is_async(&self) -> bool {
        self.description.contains("异步接口") || self.summary.contains("异步接口")
    }
}

impl RamFacts {
    /// The facts of `operation` in a ram.json document.
    pub fn from_json(text: &str, operation: &str) -> Result<Option<Self>, String> {
        let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let Some(op) = v.pointer(&format!("/ops/{operation}")) else {
            return Ok(None);
        };
        let resources = op
            .get("resources")
            .and_then(Value::as_array)
            .map(|rs| {
                rs.iter()
                    .map(|r| {
                        (
                            r.get("type")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string(),
                            r.get("arn").and_then(Value::as_str).map(str::to_string),
                            r.get("required").and_then(Value::as_bool),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let rate_limit = op.get("rate_limit").and_then(Value::as_str).and_then(|r| {
            let (n, rest) = r.split_once('/')?;
            let secs = rest.trim_end_matches('s');
            Some((n.trim().parse().ok()?, secs.trim().parse().ok()?))
        });
        Ok(Some(RamFacts {
            action: op.get("action").and_then(Value::as_str).map(str::to_string),
            access_level: op
                .get("access_level")
                .and_then(Value::as_str)
                .map(str::to_string),
            resources,
            condition_keys: op
                .get("condition_keys")
                .and_then(Value::as_array)
                .map(|k| {
                    k.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            rate_limit,
            status: op.get("status").and_then(Value::as_str).map(str::to_string),
        }))
    }
}

/// The access level a metadata `operationType` or a RAM table's wording
/// stands for.
pub fn access_level(word: &str) -> Option<&'static str> {
    Some(match word.trim().to_ascii_lowercase().as_str() {
        "create" => "Create",
        "get" | "read" => "Read",
        "list" => "List",
        "update" | "write" => "Update",
        "delete" => "Delete",
        _ => return None,
    })
}
