//! The document's styles (which are headings, in English and Chinese names, or by outline
//! level; which are quotes) and list numbering (which lists are bullets).

use std::collections::{HashMap, HashSet};

use super::xml::{attr, walk, Ev};

/// The paragraph styles: name, parent, outline level.
#[derive(Default)]
pub(super) struct Styles(HashMap<String, Style>);

#[derive(Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
}

pub(super) fn styles(xml: &str) -> Result<Styles, String> {
    let mut all = HashMap::new();
    let mut cur: Option<(String, Style)> = None;
    walk(xml, &mut |ev| match ev {
        Ev::Start(n, a) if n == "style" => {
            cur = Some((attr(&a, "styleId").into(), Style::default()))
        }
        Ev::Start(n, a) => {
            if let Some((_, s)) = cur.as_mut() {
                match n.as_str() {
                    "name" => s.name = attr(&a, "val").into(),
                    "basedOn" => s.based_on = Some(attr(&a, "val").into()),
                    "outlineLvl" => s.outline = attr(&a, "val").parse().ok(),
                    _ => {}
                }
            }
        }
        Ev::End(n) if n == "style" => {
            if let Some((id, s)) = cur.take() {
                all.insert(id, s);
            }
        }
        _ => {}
    })?;
    Ok(Styles(all))
}

/// "Heading 2", "heading 2", "标题 2" → 2.
fn heading_name(name: &str) -> Option<u8> {
    let n = name.to_lowercase();
    let rest = n
        .strip_prefix("heading")
        .or_else(|| n.strip_prefix("标题"))?;
    let level: u8 = rest.trim().parse().ok()?;
    (1..=9).contains(&level).then_some(level)
}

impl Styles {
    /// Whether a paragraph style is a quotation ("Quote", "Block Text", "引用"), or based on one.
    pub(super) fn is_quote(&self, id: &str) -> bool {
        let mut id = id;
        for _ in 0..16 {
            let name = self
                .0
                .get(id)
                .map_or(id, |s| s.name.as_str())
                .to_lowercase();
            if name.contains("quote")
                || name.replace(' ', "") == "blocktext"
                || name.contains("引用")
            {
                return true;
            }
            match self.0.get(id).and_then(|s| s.based_on.as_deref()) {
                Some(parent) => id = parent,
                None => return false,
            }
        }
        false
    }

    /// The heading level of a paragraph style: its outline level or its name, or its parent's.
    pub(super) fn heading_level(&self, id: &str) -> Option<u8> {
        let mut id = id;
        for _ in 0..16 {
            let Some(s) = self.0.get(id) else {
                return heading_name(id);
            };
            if let Some(l) = s.outline {
                return (l < 9).then_some(l + 1);
            }
            if let Some(l) = heading_name(&s.name) {
                return Some(l);
            }
            id = s.based_on.as_deref()?;
        }
        None
    }
}

/// Which list levels are bullets (the others are numbered).
#[derive(Default)]
pub(super) struct Numbering {
    abstract_of: HashMap<String, String>,
    bullets: HashSet<(String, String)>,
}

pub(super) fn numbering(xml: &str) -> Result<Numbering, String> {
    let mut n = Numbering::default();
    let (mut abs, mut lvl, mut num) = (String::new(), String::new(), None::<String>);
    walk(xml, &mut |ev| match ev {
        Ev::Start(e, a) => match e.as_str() {
            "abstractNum" => abs = attr(&a, "abstractNumId").into(),
            "lvl" => lvl = attr(&a, "ilvl").into(),
            "numFmt" if attr(&a, "val") == "bullet" => {
                n.bullets.insert((abs.clone(), lvl.clone()));
            }
            "num" => num = Some(attr(&a, "numId").into()),
            "abstractNumId" => {
                if let Some(id) = num.clone() {
                    n.abstract_of.insert(id, attr(&a, "val").into());
                }
            }
            _ => {}
        },
        Ev::End(e) if e == "num" => num = None,
        _ => {}
    })?;
    Ok(n)
}

impl Numbering {
    pub(super) fn is_bullet(&self, num: &str, level: &str) -> bool {
        self.abstract_of
            .get(num)
            .is_some_and(|a| self.bullets.contains(&(a.clone(), level.to_string())))
    }
}
