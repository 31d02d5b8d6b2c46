//! The kernel's modules stand in floors: each uses only modules below it, so none imports itself
//! back through another. This test reads the sources, draws the graph of which module names
//! which (`crate::a::b`, `super::x`, a parent's `x::` of its child), and fails on any circle,
//! printing it. Test code (after `#[cfg(test)]`) and comments are not counted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("the kernel's sources") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file defines: `billing::store` for `src/billing/store.rs`, `billing` for its
/// `mod.rs`, `crate` for `lib.rs`.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("a file under src");
    let mut parts: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts == ["lib"] {
        return "crate".into();
    }
    parts.join("::")
}

/// The code that counts: before the tests, without comments.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Paths written in `code` after `prefix` (`crate::`, `super::`), each as its segments, with
/// `use prefix{a, b::c}` groups expanded.
fn paths_after(code: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                out.push(segments(item.trim()));
            }
        } else {
            out.push(segments(rest));
        }
    }
    out
}

fn segments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        out.push(rest[..end].to_owned());
        match rest[end..].strip_prefix("::") {
            Some(next) => rest = next,
            None => break,
        }
    }
    out
}

/// The longest known module that `base::segments` starts with, or `base` itself.
fn resolve(modules: &BTreeSet<String>, base: &str, segments: &[String]) -> String {
    let mut best = base.to_owned();
    let mut path = base.to_owned();
    for segment in segments {
        path = if path == "crate" {
            segment.clone()
        } else {
            format!("{path}::{segment}")
        };
        if modules.contains(&path) {
            best = path.clone();
        } else {
            break;
        }
    }
    best
}

fn parent(module: &str) -> String {
    module
        .rsplit_once("::")
        .map_or_else(|| "crate".to_owned(), |(p, _)| p.to_owned())
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let texts: BTreeMap<String, String> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).expect("a source file");
            (module_of(&src, f), code(&text))
        })
        .collect();
    let modules: BTreeSet<String> = texts.keys().cloned().collect();
    let mut edges = BTreeMap::new();
    for (module, code) in &texts {
        let mut to = BTreeSet::new();
        for path in paths_after(code, "crate::") {
            to.insert(resolve(&modules, "crate", &path));
        }
        for path in paths_after(code, "super::") {
            to.insert(resolve(&modules, &parent(module), &path));
        }
        // A parent naming its children (`pub use store::...`, `choose::gateway(...)`).
        for child in modules.iter().filter(|m| parent(m) == *module) {
            let name = child.rsplit("::").next().unwrap_or(child);
            if !paths_after(code, &format!("{name}::")).is_empty() {
                to.insert(child.clone());
            }
        }
        to.remove(module);
        edges.insert(module.clone(), to);
    }
    edges
}

/// A circle through `start`, if there is one.
fn circle(edges: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        edges: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in edges.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(edges, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_owned()];
    walk(edges, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn no_kernel_module_imports_itself_back_through_another() {
    let edges = graph();
    assert!(edges.contains_key("metering") && edges.contains_key("billing::store"));
    assert!(
        edges["metering"].contains("credits"),
        "the reader sees imports"
    );
    let circles: Vec<String> = edges
        .keys()
        .filter_map(|m| circle(&edges, m))
        .map(|c| c.join(" -> "))
        .collect();
    assert!(
        circles.is_empty(),
        "module circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_ground_floor_stands_on_nothing_but_the_error() {
    let edges = graph();
    for module in ["error", "context"] {
        let above: Vec<_> = edges[module].iter().filter(|m| *m != "error").collect();
        assert!(above.is_empty(), "{module} uses {above:?}");
    }
}
