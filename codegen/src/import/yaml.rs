//! A small YAML writer for drafts: keys in the order given, long text as
//! folded block scalars, short lists of scalars in flow style, quotes only
//! where YAML needs them. What it writes reads back as the same values.

/// A YAML value with ordered mappings.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Map(Vec<(String, Node)>),
    List(Vec<Node>),
    Str(String),
    Int(i64),
    Bool(bool),
}

impl Node {
    pub fn map() -> Self {
        Node::Map(Vec::new())
    }

    /// Adds `key: value` to a mapping (anything else is left as it is).
    pub fn set(&mut self, key: &str, value: Node) {
        if let Node::Map(entries) = self {
            entries.push((key.to_string(), value));
        }
    }

    pub fn with(mut self, key: &str, value: Node) -> Self {
        self.set(key, value);
        self
    }

    pub fn str(s: impl Into<String>) -> Node {
        Node::Str(s.into())
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

const WIDTH: usize = 76;

/// The document, with `header` comment lines first.
pub fn write(node: &Node, header: &str) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    let mut lines = Vec::new();
    block(node, 0, &mut lines);
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

fn is_scalar(n: &Node) -> bool {
    !matches!(n, Node::Map(_) | Node::List(_))
}

fn is_long(n: &Node) -> bool {
    matches!(n, Node::Str(s) if s.len() > 60 || s.contains('\n'))
}

/// A scalar in plain or double-quoted style.
pub fn scalar(n: &Node) -> String {
    match n {
        Node::Bool(b) => b.to_string(),
        Node::Int(i) => i.to_string(),
        Node::Str(s) => {
            let plain = !s.is_empty()
                && s.chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                && s.chars()
                    .all(|c| c.is_alphanumeric() || " _-./()+*,".contains(c))
                && !s.ends_with(' ')
                && !matches!(
                    s.to_ascii_lowercase().as_str(),
                    "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
                );
            if plain && !s.contains(", ") {
                s.clone()
            } else {
                quoted(s)
            }
        }
        _ => String::new(),
    }
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Folded (`>-`) text: paragraphs wrapped at the width. Text that folding
/// would change (leading spaces, several spaces, tabs) is quoted instead.
fn folded(key_line: String, s: &str, indent: usize, lines: &mut Vec<String>) {
    let awkward = s
        .lines()
        .any(|l| l.starts_with(' ') || l.ends_with(' ') || l.contains("  ") || l.contains('\t'))
        || s.starts_with('\n')
        || s.ends_with('\n');
    if awkward {
        lines.push(format!("{key_line} {}", quoted(s)));
        return;
    }
    lines.push(format!("{key_line} >-"));
    let pad = " ".repeat(indent);
    // A folded scalar reads a line break followed by N blank lines as N
    // newlines: one blank line per newline of the text.
    for (i, segment) in s.split('\n').enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        if segment.is_empty() {
            continue;
        }
        let mut line = String::new();
        for w in segment.split(' ') {
            if !line.is_empty()
                && line.chars().count() + 1 + w.chars().count() > WIDTH.saturating_sub(indent)
            {
                lines.push(format!("{pad}{line}"));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(w);
        }
        lines.push(format!("{pad}{line}"));
    }
}

fn flow_list(items: &[Node]) -> Option<String> {
    if !items.iter().all(|i| is_scalar(i) && !is_long(i)) {
        return None;
    }
    let text = format!(
        "[{}]",
        items.iter().map(scalar).collect::<Vec<_>>().join(", ")
    );
    (text.len() < 70).then_some(text)
}

fn block(node: &Node, indent: usize, lines: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    match node {
        Node::Map(entries) => {
            for (k, v) in entries {
                entry(&format!("{pad}{k}:"), v, indent, lines);
            }
        }
        Node::List(items) => {
            for item in items {
                match item {
                    Node::Map(_) => {
                        let mut sub = Vec::new();
                        block(item, indent + 2, &mut sub);
                        if let Some(first) = sub.first_mut() {
                            *first = format!("{pad}- {}", &first[indent + 2..]);
                        }
                        lines.extend(sub);
                    }
                    Node::Str(s) if is_long(item) => {
                        folded(format!("{pad}-"), s, indent + 2, lines)
                    }
                    _ => lines.push(format!("{pad}- {}", scalar(item))),
                }
            }
        }
        scalar_node => lines.push(format!("{pad}{}", scalar(scalar_node))),
    }
}

fn entry(key_line: &str, v: &Node, indent: usize, lines: &mut Vec<String>) {
    match v {
        Node::Map(entries) if entries.is_empty() => lines.push(format!("{key_line} {{}}")),
        Node::Map(_) => {
            lines.push(key_line.to_string());
            block(v, indent + 2, lines);
        }
        Node::List(items) if items.is_empty() => lines.push(format!("{key_line} []")),
        Node::List(items) => match flow_list(items) {
            Some(flow) => lines.push(format!("{key_line} {flow}")),
            None => {
                lines.push(key_line.to_string());
                block(v, indent + 2, lines);
            }
        },
        Node::Str(s) if is_long(v) => folded(key_line.to_string(), s, indent + 2, lines),
        _ => lines.push(format!("{key_line} {}", scalar(v))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_it_writes_reads_back() {
        let long = "A description long enough to be folded over more than one line of the output, with `code` and: colons.\n\nA second paragraph.";
        let doc = Node::map()
            .with("name", Node::str("CreateAcl"))
            .with("title", Node::str("yes"))
            .with("description", Node::str(long))
            .with("example", Node::str("123e4567-e89b"))
            .with("odd", Node::str("  spaced\tand \"quoted\" 中文"))
            .with("n", Node::Int(-3))
            .with("flag", Node::Bool(true))
            .with(
                "values",
                Node::List(vec![Node::str("HTTP"), Node::str("acs:"), Node::str("1")]),
            )
            .with("empty", Node::List(vec![]))
            .with(
                "parameters",
                Node::List(vec![Node::map()
                    .with("name", Node::str("Tag"))
                    .with("items", Node::map().with("shape", Node::str("Tag")))
                    .with("notes", Node::List(vec![Node::str(long)]))]),
            );
        let text = write(&doc, "A header.");
        let back: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back["description"].as_str(), Some(long), "{text}");
        assert_eq!(back["title"].as_str(), Some("yes"));
        assert_eq!(back["odd"].as_str(), Some("  spaced\tand \"quoted\" 中文"));
        assert_eq!(back["example"].as_str(), Some("123e4567-e89b"));
        assert_eq!(back["n"].as_i64(), Some(-3));
        assert_eq!(back["values"][2].as_str(), Some("1"));
        assert_eq!(
            back["parameters"][0]["items"]["shape"].as_str(),
            Some("Tag")
        );
        assert_eq!(back["parameters"][0]["notes"][0].as_str(), Some(long));
        assert!(text.starts_with("# A header.\nname: CreateAcl\n"), "{text}");
    }
}
