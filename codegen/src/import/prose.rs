//! Facts that the metadata states only in its (Chinese) prose: lengths,
//! ranges, name rules, tag rules and listed values. Each finding is a
//! proposal the importer writes down and a person confirms.

/// What a description says about its value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// The tag rule: not starting with `aliyun`/`acs:`, not containing
    /// `http://`/`https://`.
    pub tag_rule: bool,
    /// "starts with a letter or a Chinese character".
    pub starts_with_letter_or_cjk: bool,
    /// Further characters the text allows (digits, `.`, `_`, `-`, ...).
    pub allowed_extra: Option<String>,
    /// Values listed as `**Value**` after 取值 (valid values).
    pub values: Vec<String>,
}

/// The numbers of `a~b` (also `a\~b`, `a ~ b`, `**a**~**b**`), after `from`.
fn range_after(text: &str, from: usize) -> Option<(i64, i64)> {
    let rest = &text[from..];
    let cleaned: String = rest
        .chars()
        .take(40)
        .filter(|c| !matches!(c, '*' | '\\' | ' '))
        .collect();
    let (a, b) = cleaned.split_once('~')?;
    let num = |s: &str, from_end: bool| -> Option<i64> {
        let digits: String = if from_end {
            let t: String = s
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit() || *c == '-')
                .collect();
            t.chars().rev().collect()
        } else {
            s.chars()
                .enumerate()
                .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '-'))
                .map(|(_, c)| c)
                .collect()
        };
        digits.parse().ok()
    };
    Some((num(a, true)?, num(b, false)?))
}

/// The number right after `from` (skipping `*` and spaces).
fn number_after(text: &str, from: usize) -> Option<u32> {
    let digits: String = text[from..]
        .chars()
        .skip_while(|c| matches!(c, '*' | ' '))
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

pub fn read(description: &str, is_string: bool, is_integer: bool) -> Findings {
    let mut f = Findings::default();
    let d = description;
    if is_string {
        for marker in ["长度为", "长度限制为", "限制长度为", "长度范围为"] {
            if let Some(i) = d.find(marker) {
                if let Some((a, b)) = range_after(d, i + marker.len()) {
                    if a >= 0 && b >= a {
                        f.min_length = Some(a as u32);
                        f.max_length = Some(b as u32);
                        break;
                    }
                }
            }
        }
        if f.max_length.is_none() {
            for marker in ["最多支持", "最大长度限制为", "最长"] {
                if let Some(i) = d.find(marker) {
                    let after = &d[i + marker.len()..];
                    if let Some(n) = number_after(d, i + marker.len()) {
                        let unit = after.trim_start_matches(|c: char| {
                            c.is_ascii_digit() || c == '*' || c == ' '
                        });
                        if unit.starts_with("个字符") || unit.starts_with("字符") {
                            f.max_length = Some(n);
                            break;
                        }
                    }
                }
            }
        }
        let no_quotes: String = d.chars().filter(|c| *c != '`').collect();
        f.tag_rule = no_quotes.contains("不能以aliyun") && no_quotes.contains("http://");
        f.starts_with_letter_or_cjk = [
            "以大小写字母或中文开头",
            "以大小字母或中文开头",
            "以大小写英文字母或中文开头",
            "以字母或中文开头",
            "以英文字母或中文开头",
        ]
        .iter()
        .any(|m| d.contains(m));
        if f.starts_with_letter_or_cjk {
            let mut extra = String::new();
            for (word, c) in [
                ("半角句号", '.'),
                ("下划线", '_'),
                ("短划线", '-'),
                ("半角逗号", ','),
                ("半角分号", ';'),
                ("正斜线", '/'),
                ("at（@）", '@'),
                ("半角冒号", ':'),
                ("空格", ' '),
            ] {
                if d.contains(word) {
                    extra.push(c);
                }
            }
            f.allowed_extra = Some(extra);
        }
    }
    if is_integer {
        for marker in ["取值范围：", "取值范围:", "取值范围为", "取值范围是"] {
            if let Some(i) = d.find(marker) {
                if let Some((a, b)) = range_after(d, i + marker.len()) {
                    if b >= a {
                        f.minimum = Some(a);
                        f.maximum = Some(b);
                        break;
                    }
                }
            }
        }
    }
    if is_string {
        if let Some(i) = d.find("取值") {
            if !d[i..].starts_with("取值范围") {
                f.values = listed_values(&d[i..]);
            }
        }
    }
    f
}

/// The values after 取值: the bold word heading each list item when the
/// text is a list (`- **Running**：...`), else the bold words of the first
/// sentence (`**HTTP**、**HTTPS**或**QUIC**。`). A bold word inside a
/// sentence of a list item ("如果**NextToken**为空") is not a value.
fn listed_values(text: &str) -> Vec<String> {
    let plausible = |v: &str| {
        !v.is_empty()
            && v.len() <= 64
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.:/".contains(c))
    };
    let mut values: Vec<String> = Vec::new();
    let mut push = |v: &str| {
        if plausible(v) && !values.iter().any(|x| x == v) {
            values.push(v.to_string());
        }
    };
    let items: Vec<&str> = text
        .lines()
        .map(str::trim_start)
        .filter_map(|l| l.strip_prefix("- ").or_else(|| l.strip_prefix("* ")))
        .collect();
    if !items.is_empty() {
        for item in items {
            if let Some(rest) = item.trim_start().strip_prefix("**") {
                if let Some(end) = rest.find("**") {
                    push(&rest[..end]);
                }
            }
        }
    } else {
        let sentence = text.split('。').next().unwrap_or_default();
        let mut rest = sentence;
        while let Some(start) = rest.find("**") {
            let after = &rest[start + 2..];
            let Some(end) = after.find("**") else { break };
            push(&after[..end]);
            rest = &after[end + 2..];
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_usual_phrasings() {
        let f = read("ACL的名称。必须以大小写字母或中文开头，可包含数字，半角句号（.），下划线（_）和短划线（-），限制长度为2~128个字符。", true, false);
        assert_eq!((f.min_length, f.max_length), (Some(2), Some(128)));
        assert!(f.starts_with_letter_or_cjk);
        assert_eq!(f.allowed_extra.as_deref(), Some("._-"));

        let f = read("标签键。最多支持128个字符，不能以`aliyun`或`acs:`开头，不能包含`http://`或`https://`。", true, false);
        assert_eq!(f.max_length, Some(128));
        assert!(f.tag_rule);

        let f = read(
            "分批次查询时每次显示的条目数。取值范围：**1**~**100**，默认值：**20**。",
            false,
            true,
        );
        assert_eq!((f.minimum, f.maximum), (Some(1), Some(100)));
        let f = read("权重，取值范围：**-1 ~ 100**。", false, true);
        assert_eq!((f.minimum, f.maximum), (Some(-1), Some(100)));
        let f = read("长度为2\\~256个字符。", true, false);
        assert_eq!(f.max_length, Some(256));

        let f = read(
            "监听协议。取值：**HTTP**、**HTTPS**或**QUIC**。",
            true,
            false,
        );
        assert_eq!(f.values, ["HTTP", "HTTPS", "QUIC"]);
        let f = read(
            "当前监听的状态。取值：\n\n- **Provisioning**：创建中。\n\n- **Running**：运行中。",
            true,
            false,
        );
        assert_eq!(f.values, ["Provisioning", "Running"]);
        assert_eq!(read("任务ID。", true, false), Findings::default());
        // A bold word inside a list item's sentence is not a value.
        let f = read(
            "是否拥有下一次查询的令牌。取值：\n- 如果**NextToken**为空表示没有下一次查询。\n- 如果**NextToken**有返回值，该取值表示下一次查询开始的令牌。",
            true,
            false,
        );
        assert!(f.values.is_empty(), "{:?}", f.values);
    }
}
