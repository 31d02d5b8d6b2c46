//! `lumiku new app <id>`: writes a new app crate under `apps/<id>/` and registers it with the
//! binary, ready to build and test.
//!
//! The crate is an app the platform would accept as it stands: a manifest with one metered
//! action (`createItem`) and free reads, migrations for both backends with row-level security,
//! routes answering `Charged<T>`, a dashboard page, and the seed's per-app checklist as tests on
//! SQLite and PostgreSQL. Registering it is three edits: a workspace dependency in the root
//! `Cargo.toml`, a dependency of the binary in `crates/lumiku/Cargo.toml`, and an entry in
//! `crates/lumiku/src/apps.rs` (the workspace's `apps/*` members glob already covers the crate;
//! without it, the crate is added to `members`).
//!
//! Every check runs before anything is written, and nothing is half-written: the crate is made
//! in a hidden directory beside `apps/` and moved into place by one rename, each edited file is
//! replaced by a rename, and a failure part-way puts back every file already changed.

use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};
use lumiku_plugin::{Manifest, manifest::COLORS};

/// The flags of `lumiku new app`; what is missing is asked for in a terminal, or defaulted.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct NewApp {
    /// The app's id: kebab-case (a-z, 0-9, single dashes), at most 40 characters. It names the
    /// crate, the URLs (/api/apps/<id>, /apps/<id>) and, with `_` for `-`, the table prefix.
    pub id: String,
    /// Display name (default: the id in title case).
    #[arg(long)]
    pub name: Option<String>,
    /// One line on what it does.
    #[arg(long)]
    pub description: Option<String>,
    /// Lucide icon, one of those the dashboard embeds (default: box).
    #[arg(long)]
    pub icon: Option<String>,
    /// Card colour (default: blue).
    #[arg(long)]
    pub color: Option<String>,
    /// Position on the dashboard (default: after the apps compiled in).
    #[arg(long)]
    pub order: Option<i32>,
    /// The Lumiku workspace (default: the one containing the current directory).
    #[arg(long)]
    pub workspace: Option<PathBuf>,
}

/// A file of the new crate: its path in the crate, and its template (`templates/new-app/<path>.tmpl`).
macro_rules! template {
    ($path:literal) => {
        (
            $path,
            include_str!(concat!("../templates/new-app/", $path, ".tmpl")),
        )
    };
}

/// The app's files: each path in the crate with its template.
const TEMPLATES: &[(&str, &str)] = &[
    template!("Cargo.toml"),
    template!("README.md"),
    template!("src/lib.rs"),
    template!("src/routes.rs"),
    template!("src/store.rs"),
    template!("src/pages.rs"),
    template!("templates/items.html"),
    template!("migrations/sqlite/0001_items.sql"),
    template!("migrations/postgres/0001_items.sql"),
    template!("tests/api/main.rs"),
    template!("tests/api/checklist.rs"),
    template!("tests/api/pages.rs"),
];

/// Rust keywords and the crates every crate sees: a crate cannot be named after them.
const RESERVED_CRATE_NAMES: &[&str] = &[
    "as",
    "async",
    "await",
    "break",
    "const",
    "continue",
    "crate",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "pub",
    "ref",
    "return",
    "self",
    "static",
    "struct",
    "super",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
    "abstract",
    "become",
    "box",
    "do",
    "final",
    "gen",
    "macro",
    "override",
    "priv",
    "try",
    "typeof",
    "unsized",
    "virtual",
    "yield",
    "std",
    "core",
    "alloc",
    "proc_macro",
    "test",
];

/// Names the generated `lib.rs` already uses: the app's type (its id in CamelCase) cannot be one.
const TAKEN_TYPE_NAMES: &[&str] = &[
    "Access",
    "Arc",
    "CreateItem",
    "Dashboard",
    "Features",
    "Install",
    "Manifest",
    "Migration",
    "OpenApiRouter",
    "Plugin",
    "Role",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "Err",
    "None",
    "Ok",
    "Option",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "Vec",
];

/// The binary's crate and its list of apps, relative to the workspace.
const BINARY_MANIFEST: &str = "crates/lumiku/Cargo.toml";
const APPS_RS: &str = "crates/lumiku/src/apps.rs";

/// What was made, for the report.
#[derive(Debug)]
pub struct Created {
    /// The crate's directory.
    pub dir: PathBuf,
    /// Its files, relative to it.
    pub files: Vec<&'static str>,
    /// The workspace files changed, relative to it.
    pub edited: Vec<&'static str>,
    /// Whether rustfmt formatted the new code.
    pub formatted: bool,
}

/// The app's fields once asked for or defaulted, checked.
#[derive(Debug, Clone)]
struct Answers {
    id: String,
    name: String,
    description: String,
    icon: String,
    color: String,
    order: i32,
}

/// The workspace being added to, as read before any change.
struct Workspace {
    root: PathBuf,
    root_manifest: String,
    binary_manifest: String,
    apps_rs: String,
    /// Crate names (`-` as `_`) of the workspace's dependencies and packages.
    crate_names: BTreeSet<String>,
    /// The workspace dependencies that are apps (a path under `apps/`).
    app_crates: Vec<String>,
    /// Whether `members` already covers `apps/<id>`.
    members_cover_apps: bool,
}

/// Runs `lumiku new app` with the apps compiled into this binary (for their ids and order).
pub fn run(options: &NewApp, compiled: &[&'static Manifest]) -> anyhow::Result<Created> {
    let start = match &options.workspace {
        Some(path) => path.clone(),
        None => std::env::current_dir().context("reading the current directory")?,
    };
    let workspace = Workspace::find(&start)?;
    check_id(&options.id, &workspace, compiled)?;
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut stdin = std::io::stdin().lock();
    let prompts: Option<&mut dyn BufRead> = if interactive { Some(&mut stdin) } else { None };
    let answers = answers(options, compiled, prompts)?;
    write(&workspace, &answers)
}

/// The kebab-case id as a crate name (`task_board`) and as a type name (`TaskBoard`).
fn snake(id: &str) -> String {
    id.replace('-', "_")
}

fn camel(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// The id in title case: `task-board` is "Task Board".
fn title(id: &str) -> String {
    id.split('-').map(camel).collect::<Vec<_>>().join(" ")
}

fn check_id(id: &str, workspace: &Workspace, compiled: &[&'static Manifest]) -> anyhow::Result<()> {
    let kebab = !id.is_empty()
        && id.len() <= 40
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if !kebab {
        bail!(
            "'{id}' is not a valid app id: use kebab-case (a-z, 0-9, single dashes, starting with \
             a letter), at most 40 characters, such as task-board"
        );
    }
    let crate_name = snake(id);
    if RESERVED_CRATE_NAMES.contains(&crate_name.as_str()) {
        bail!(
            "'{id}' cannot name a Rust crate (it is a keyword or a built-in crate); choose another id"
        );
    }
    if TAKEN_TYPE_NAMES.contains(&camel(id).as_str()) {
        bail!(
            "'{id}' would name the app's type {}, which its code already uses; choose another id",
            camel(id)
        );
    }
    let dir = workspace.root.join("apps").join(id);
    if dir.exists() {
        bail!("{} already exists: app '{id}' is taken", dir.display());
    }
    if compiled.iter().any(|m| m.app_id == id) {
        bail!("app '{id}' already exists in this binary");
    }
    if workspace.crate_names.contains(&crate_name) {
        bail!("the workspace already has a crate or dependency named '{id}'; choose another id");
    }
    let others: Vec<&str> = compiled
        .iter()
        .map(|m| m.app_id)
        .chain(workspace.app_crates.iter().map(String::as_str))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let clashes = lumiku_kernel::registry::prefix_clashes(id, &others);
    if !clashes.is_empty() {
        bail!(
            "app '{id}': {}; the platform would refuse it, so choose another id",
            clashes.join("; ")
        );
    }
    Ok(())
}

/// Fills what the flags left out: asked for on `prompts` (a terminal), else defaulted. Every
/// answer is checked by the manifest's own rules before anything is written.
fn answers(
    options: &NewApp,
    compiled: &[&'static Manifest],
    mut prompts: Option<&mut dyn BufRead>,
) -> anyhow::Result<Answers> {
    let default_order = compiled
        .iter()
        .map(|m| m.dashboard.order)
        .max()
        .map_or(1, |o| o.saturating_add(1));
    let mut ask = |prompt: &str, given: &Option<String>, default: &str, choices: &[&str]| match (
        given,
        prompts.as_deref_mut(),
    ) {
        (Some(given), _) => Ok(given.clone()),
        (None, None) => Ok(default.to_owned()),
        (None, Some(input)) => {
            if !choices.is_empty() {
                eprintln!("{prompt}s: {}", choices.join(", "));
            }
            eprint!("{prompt} [{default}]: ");
            std::io::stderr().flush()?;
            let mut line = String::new();
            input.read_line(&mut line).context("reading an answer")?;
            let line = line.trim();
            anyhow::Ok(if line.is_empty() {
                default.to_owned()
            } else {
                line.to_owned()
            })
        }
    };
    let name = ask("Name", &options.name, &title(&options.id), &[])?;
    let description = ask(
        "Description (one line)",
        &options.description,
        &format!("{name}: items per tenant, one credit each"),
        &[],
    )?;
    let icon = ask("Icon", &options.icon, "box", lumiku_server::icons::NAMES)?;
    let color = ask("Colour", &options.color, "blue", COLORS)?;
    let order = ask(
        "Dashboard order",
        &options.order.map(|o| o.to_string()),
        &default_order.to_string(),
        &[],
    )?;
    let answers = Answers {
        id: options.id.clone(),
        name: name.trim().to_owned(),
        description: description.trim().to_owned(),
        icon,
        color,
        order: order
            .parse()
            .with_context(|| format!("dashboard order '{order}' is not a whole number"))?,
    };
    check_answers(&answers)?;
    Ok(answers)
}

/// Every fault of the answers in one error: the manifest's rules (the manifest the crate will
/// hold, checked here), one line for the texts, and an icon the dashboard can draw.
fn check_answers(answers: &Answers) -> anyhow::Result<()> {
    let mut faults = Vec::new();
    for (field, text) in [
        ("name", &answers.name),
        ("description", &answers.description),
    ] {
        if text.chars().any(char::is_control) {
            faults.push(format!(
                "{field}: must be one line, without control characters"
            ));
        }
    }
    if !lumiku_server::icons::NAMES.contains(&answers.icon.as_str()) {
        faults.push(format!(
            "icon: '{}' is not one of the dashboard's icons: {}",
            answers.icon,
            lumiku_server::icons::NAMES.join(", ")
        ));
    }
    // The manifest the crate will hold, checked by the rules the server applies at start.
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let route_prefix = leak(&format!("/api/apps/{}", answers.id));
    let manifest = Manifest {
        name: leak(&answers.name),
        description: leak(&answers.description),
        icon: leak(&answers.icon),
        version: "0.1.0",
        credits: &[("createItem", 1)],
        dashboard: lumiku_plugin::Dashboard {
            order: answers.order,
            color: leak(&answers.color),
            stats_endpoint: None,
        },
        // The access, features and install the template writes are the platform's defaults.
        ..Manifest::defaults(leak(&answers.id), route_prefix)
    };
    for fault in manifest.problems() {
        faults.push(format!("{}: {}", fault.field, fault.message));
    }
    if faults.is_empty() {
        Ok(())
    } else {
        bail!(
            "cannot make app '{}':\n  {}",
            answers.id,
            faults.join("\n  ")
        )
    }
}

/// A Rust string literal of `text`.
fn rust_string(text: &str) -> String {
    format!("{text:?}")
}

/// The template with the app's values in place of its markers.
fn render(template: &str, answers: &Answers) -> String {
    let toml_string = toml::Value::String(format!("Lumiku app: {}", answers.description));
    let markdown = |text: &str| text.replace('<', "&lt;");
    let pairs = [
        ("__APP_ID__", answers.id.clone()),
        ("__APP_SNAKE__", snake(&answers.id)),
        ("__APP_TYPE__", camel(&answers.id)),
        ("__APP_NAME_RS__", rust_string(&answers.name)),
        ("__APP_DESCRIPTION_RS__", rust_string(&answers.description)),
        ("__APP_NAME_DOC__", answers.name.clone()),
        ("__APP_DESCRIPTION_DOC__", answers.description.clone()),
        ("__APP_NAME_MD__", markdown(&answers.name)),
        ("__APP_DESCRIPTION_MD__", markdown(&answers.description)),
        ("__APP_DESCRIPTION_TOML__", toml_string.to_string()),
        ("__APP_ICON__", answers.icon.clone()),
        ("__APP_COLOR__", answers.color.clone()),
        ("__APP_ORDER__", answers.order.to_string()),
    ];
    // One pass, so a value that happens to contain a marker is left as it is.
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(at) = rest.find("__APP_") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match pairs.iter().find(|(marker, _)| rest.starts_with(marker)) {
            Some((marker, value)) => {
                out.push_str(value);
                rest = &rest[marker.len()..];
            }
            None => {
                out.push_str("__APP_");
                rest = &rest["__APP_".len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

impl Workspace {
    /// The Lumiku workspace at or above `start`.
    fn find(start: &Path) -> anyhow::Result<Self> {
        let start = start
            .canonicalize()
            .with_context(|| format!("{} does not exist", start.display()))?;
        let root = start
            .ancestors()
            .find(|dir| dir.join(APPS_RS).is_file() && dir.join("Cargo.toml").is_file())
            .with_context(|| {
                format!(
                    "{} is not inside a Lumiku workspace (no {APPS_RS} here or above); run it from \
                     a checkout of Lumiku, or pass --workspace",
                    start.display()
                )
            })?
            .to_path_buf();
        let read = |relative: &str| {
            std::fs::read_to_string(root.join(relative))
                .with_context(|| format!("reading {}", root.join(relative).display()))
        };
        let root_manifest = read("Cargo.toml")?;
        let parsed: toml::Table = root_manifest
            .parse()
            .with_context(|| format!("parsing {}", root.join("Cargo.toml").display()))?;
        let workspace = parsed
            .get("workspace")
            .and_then(toml::Value::as_table)
            .context("the root Cargo.toml has no [workspace]")?;
        let dependencies = workspace
            .get("dependencies")
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default();
        let mut crate_names: BTreeSet<String> = dependencies.keys().map(|k| snake(k)).collect();
        let app_crates = dependencies
            .iter()
            .filter(|(_, spec)| {
                spec.get("path")
                    .and_then(toml::Value::as_str)
                    .is_some_and(|p| p.starts_with("apps/"))
            })
            .map(|(name, _)| name.clone())
            .collect();
        for dir in ["crates", "apps"] {
            for entry in std::fs::read_dir(root.join(dir)).into_iter().flatten() {
                let Ok(entry) = entry else { continue };
                let Ok(text) = std::fs::read_to_string(entry.path().join("Cargo.toml")) else {
                    continue;
                };
                let name = text
                    .parse::<toml::Table>()
                    .ok()
                    .and_then(|t| t.get("package")?.get("name")?.as_str().map(str::to_owned));
                if let Some(name) = name {
                    crate_names.insert(snake(&name));
                }
            }
        }
        let members_cover_apps = workspace
            .get("members")
            .and_then(toml::Value::as_array)
            .is_some_and(|members| members.iter().any(|m| m.as_str() == Some("apps/*")));
        Ok(Self {
            root_manifest,
            binary_manifest: read(BINARY_MANIFEST)?,
            apps_rs: read(APPS_RS)?,
            crate_names,
            app_crates,
            members_cover_apps,
            root,
        })
    }
}

/// The root `Cargo.toml` with the app as a workspace dependency (after the other apps), and as a
/// member when `apps/*` does not already cover it.
fn edit_root_manifest(text: &str, id: &str, members_cover_apps: bool) -> anyhow::Result<String> {
    let line = format!("{id} = {{ path = \"apps/{id}\" }}");
    let mut out = insert_in_section(text, "[workspace.dependencies]", &line, |l| {
        l.contains("path = \"apps/")
    })
    .context("the root Cargo.toml has no [workspace.dependencies] section")?;
    if !members_cover_apps {
        let start = out
            .find("members")
            .context("the root Cargo.toml has no workspace members")?;
        let close = out[start..]
            .find(']')
            .map(|at| start + at)
            .context("the workspace members list is not closed")?;
        let before = out[..close].trim_end();
        let separator = if before.ends_with('[') || before.ends_with(',') {
            " "
        } else {
            ", "
        };
        out.insert_str(before.len(), &format!("{separator}\"apps/{id}\""));
    }
    check_toml(&out, "Cargo.toml")?;
    Ok(out)
}

/// The binary's `Cargo.toml` with the app as a dependency, after the other apps.
fn edit_binary_manifest(text: &str, id: &str, app_crates: &[String]) -> anyhow::Result<String> {
    let line = format!("{id}.workspace = true");
    let out = insert_in_section(text, "[dependencies]", &line, |l| {
        app_crates
            .iter()
            .any(|app| l.starts_with(&format!("{app}.")) || l.starts_with(&format!("{app} ")))
    })
    .with_context(|| format!("{BINARY_MANIFEST} has no [dependencies] section"))?;
    check_toml(&out, BINARY_MANIFEST)?;
    Ok(out)
}

/// `text` with `line` added to the section headed `header`: after the last line that `after`
/// picks, else at the end of the section's entries.
fn insert_in_section(
    text: &str,
    header: &str,
    line: &str,
    after: impl Fn(&str) -> bool,
) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.trim() == header)?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.trim_start().starts_with('['))
        .map_or(lines.len(), |at| start + 1 + at);
    let last_entry = (start + 1..end)
        .rev()
        .find(|&i| !lines[i].trim().is_empty())
        .unwrap_or(start);
    let at = (start + 1..end)
        .rev()
        .find(|&i| after(lines[i].trim()))
        .unwrap_or(last_entry);
    let mut out: Vec<&str> = lines[..=at].to_vec();
    out.push(line);
    out.extend_from_slice(&lines[at + 1..]);
    Some(out.join("\n") + "\n")
}

fn check_toml(text: &str, file: &str) -> anyhow::Result<()> {
    text.parse::<toml::Table>()
        .map(drop)
        .with_context(|| format!("{file} would not parse after the edit; it was left unchanged"))
}

/// `apps.rs` with the app in the list `apps()` returns.
fn edit_apps_rs(text: &str, id: &str) -> anyhow::Result<String> {
    let open = text
        .find("vec![")
        .with_context(|| format!("{APPS_RS} has no `vec![…]` of apps to add to"))?
        + "vec![".len();
    let close = text[open..]
        .find(']')
        .map(|at| open + at)
        .with_context(|| format!("{APPS_RS}: the list of apps is not closed"))?;
    let mut entries: Vec<String> = text[open..close]
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
        .collect();
    entries.push(format!("{}::app()", snake(id)));
    Ok(format!(
        "{}{}{}",
        &text[..open],
        entries.join(", "),
        &text[close..]
    ))
}

/// Formats Rust files in place with rustfmt, if it is installed; whether it ran. A file rustfmt
/// cannot parse is an error.
fn rustfmt(files: &[PathBuf]) -> anyhow::Result<bool> {
    let program = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let output = match Command::new(&program)
        .args(["--edition", "2024"])
        .args(files)
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e).context("running rustfmt"),
    };
    if !output.status.success() {
        bail!(
            "rustfmt refused the generated code: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(true)
}

/// Writes `text` to `path` through a sibling file and a rename.
fn replace_file(path: &Path, text: &str) -> anyhow::Result<()> {
    let staged = staging_path(path);
    std::fs::write(&staged, text).with_context(|| format!("writing {}", staged.display()))?;
    std::fs::rename(&staged, path).with_context(|| format!("replacing {}", path.display()))
}

fn staging_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.lumiku-new-{}", std::process::id()))
}

/// One workspace file's change: its path, its text as read, its text to be.
struct Edit {
    file: &'static str,
    before: String,
    after: String,
}

/// Makes the crate and registers it, or changes nothing.
fn write(workspace: &Workspace, answers: &Answers) -> anyhow::Result<Created> {
    let id = &answers.id;
    let root = &workspace.root;
    // Every edit is computed before anything is written.
    let mut edits = [
        Edit {
            file: "Cargo.toml",
            after: edit_root_manifest(&workspace.root_manifest, id, workspace.members_cover_apps)?,
            before: workspace.root_manifest.clone(),
        },
        Edit {
            file: BINARY_MANIFEST,
            after: edit_binary_manifest(&workspace.binary_manifest, id, &workspace.app_crates)?,
            before: workspace.binary_manifest.clone(),
        },
        Edit {
            file: APPS_RS,
            after: edit_apps_rs(&workspace.apps_rs, id)?,
            before: workspace.apps_rs.clone(),
        },
    ];
    let staged = root.join(format!(".lumiku-new-app-{id}-{}", std::process::id()));
    let dir = root.join("apps").join(id);
    let result = stage(&staged, answers, &mut edits[2].after)
        .and_then(|formatted| apply(root, &edits, &staged, &dir).map(|()| formatted));
    let formatted = result.inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&staged);
    })?;
    Ok(Created {
        dir,
        files: TEMPLATES.iter().map(|(path, _)| *path).collect(),
        edited: edits.iter().map(|e| e.file).collect(),
        formatted,
    })
}

/// Writes the crate into `staged` and formats it, with the new `apps.rs`, by rustfmt; whether
/// rustfmt ran.
fn stage(staged: &Path, answers: &Answers, apps_rs: &mut String) -> anyhow::Result<bool> {
    let mut rust_files = Vec::new();
    for (relative, template) in TEMPLATES {
        let path = staged.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, render(template, answers))
            .with_context(|| format!("writing {}", path.display()))?;
        if relative.ends_with(".rs") {
            rust_files.push(path);
        }
    }
    let staged_apps_rs = staged.join("apps.rs");
    std::fs::write(&staged_apps_rs, &apps_rs)
        .with_context(|| format!("writing {}", staged_apps_rs.display()))?;
    rust_files.push(staged_apps_rs.clone());
    let formatted = rustfmt(&rust_files)?;
    *apps_rs = std::fs::read_to_string(&staged_apps_rs)?;
    std::fs::remove_file(&staged_apps_rs)?;
    Ok(formatted)
}

/// Replaces each edited file, then moves the staged crate into place; on a failure puts back
/// every file already replaced.
fn apply(root: &Path, edits: &[Edit], staged: &Path, dir: &Path) -> anyhow::Result<()> {
    let mut done: Vec<&Edit> = Vec::new();
    let result = (|| {
        for edit in edits {
            let path = root.join(edit.file);
            let now = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            if now != edit.before {
                bail!("{} changed while the app was being made", edit.file);
            }
            replace_file(&path, &edit.after)?;
            done.push(edit);
        }
        std::fs::create_dir_all(root.join("apps"))?;
        std::fs::rename(staged, dir).with_context(|| {
            format!(
                "moving the new crate to {} (does it exist now?)",
                dir.display()
            )
        })
    })();
    if result.is_err() {
        for edit in done.iter().rev() {
            let _ = replace_file(&root.join(edit.file), &edit.before);
        }
    }
    result.context("nothing was changed")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(id: &str) -> Answers {
        Answers {
            id: id.into(),
            name: "Task \"Board\"".into(),
            description: "Tasks, on a board \\ with columns".into(),
            icon: "calendar".into(),
            color: "green".into(),
            order: 4,
        }
    }

    #[test]
    fn missing_answers_are_asked_for_or_defaulted() {
        let options = NewApp {
            id: "team-notes".into(),
            icon: Some("notebook".into()),
            ..NewApp::default()
        };
        let mut typed = std::io::Cursor::new("  Team Notes  \n\nteal\n7\n");
        let asked = super::answers(&options, &[], Some(&mut typed)).unwrap();
        assert_eq!(
            (
                asked.name.as_str(),
                asked.icon.as_str(),
                asked.color.as_str(),
                asked.order
            ),
            ("Team Notes", "notebook", "teal", 7)
        );
        assert_eq!(
            asked.description,
            "Team Notes: items per tenant, one credit each"
        );
        let defaulted =
            super::answers(&options, &[crate::apps::apps()[0].manifest()], None).unwrap();
        assert_eq!(defaulted.name, "Team Notes");
        assert_eq!((defaulted.color.as_str(), defaulted.order), ("blue", 2));
        let mut bad = std::io::Cursor::new("\n\n\nsoon\n");
        let error = super::answers(&options, &[], Some(&mut bad)).unwrap_err();
        assert!(error.to_string().contains("'soon' is not a whole number"));
    }

    #[test]
    fn names_follow_the_id() {
        assert_eq!(snake("task-board-2"), "task_board_2");
        assert_eq!(camel("task-board-2"), "TaskBoard2");
        assert_eq!(title("task-board"), "Task Board");
    }

    #[test]
    fn every_marker_is_replaced_and_texts_are_escaped() {
        let answers = sample("task-board");
        for (path, template) in TEMPLATES {
            let text = render(template, &answers);
            assert!(!text.contains("__APP_"), "{path} keeps a marker");
        }
        let lib = render(TEMPLATES[2].1, &answers);
        assert!(lib.contains(r#"name: "Task \"Board\"","#), "{lib}");
        assert!(lib.contains(r#"description: "Tasks, on a board \\ with columns","#));
        assert!(lib.contains("pub struct TaskBoard;"));
        let cargo = render(TEMPLATES[0].1, &answers);
        let parsed: toml::Table = cargo.parse().unwrap();
        assert_eq!(
            parsed["package"]["description"].as_str(),
            Some("Lumiku app: Tasks, on a board \\ with columns")
        );
        // A value holding a marker is not expanded again.
        let tricky = Answers {
            name: "__APP_ID__".into(),
            ..answers
        };
        assert!(render("__APP_NAME_DOC__", &tricky) == "__APP_ID__");
    }

    #[test]
    fn the_generated_manifest_passes_the_servers_rules_and_bad_answers_are_named() {
        check_answers(&sample("task-board")).unwrap();
        let bad = Answers {
            icon: "rocket".into(),
            color: "mauve".into(),
            name: "two\nlines".into(),
            ..sample("task-board")
        };
        let error = check_answers(&bad).unwrap_err().to_string();
        for expected in [
            "icon: 'rocket'",
            "dashboard.color",
            "name: must be one line",
        ] {
            assert!(error.contains(expected), "{expected} missing from: {error}");
        }
    }

    #[test]
    fn the_registration_edits_land_after_the_other_apps() {
        let root = "[workspace]\nmembers = [\"crates/*\", \"apps/*\"]\n\n[workspace.dependencies]\n\
                    lumiku-plugin = { path = \"crates/lumiku-plugin\" }\n\
                    project-manager = { path = \"apps/project-manager\" }\n\nanyhow = \"1\"\n";
        let edited = edit_root_manifest(root, "task-board", true).unwrap();
        assert!(edited.contains(
            "project-manager = { path = \"apps/project-manager\" }\ntask-board = { path = \"apps/task-board\" }\n\nanyhow"
        ), "{edited}");
        let narrow = root.replace("\"apps/*\"", "\"apps/project-manager\"");
        let edited = edit_root_manifest(&narrow, "task-board", false).unwrap();
        let parsed: toml::Table = edited.parse().unwrap();
        let members = parsed["workspace"]["members"].as_array().unwrap();
        assert_eq!(members.last().unwrap().as_str(), Some("apps/task-board"));

        let binary = "[package]\nname = \"lumiku\"\n\n[dependencies]\nlumiku-kernel.workspace = true\n\
                      project-manager.workspace = true\nanyhow.workspace = true\n\n[dev-dependencies]\nuuid.workspace = true\n";
        let edited =
            edit_binary_manifest(binary, "task-board", &["project-manager".into()]).unwrap();
        assert!(
            edited
                .contains("project-manager.workspace = true\ntask-board.workspace = true\nanyhow")
        );
        let none = edit_binary_manifest(binary, "task-board", &[]).unwrap();
        assert!(none.contains(
            "anyhow.workspace = true\ntask-board.workspace = true\n\n[dev-dependencies]"
        ));

        let apps = "pub fn apps() -> Vec<Arc<dyn Plugin>> {\n    vec![project_manager::app()]\n}\n";
        assert!(
            edit_apps_rs(apps, "task-board")
                .unwrap()
                .contains("vec![project_manager::app(), task_board::app()]")
        );
        let empty = "pub fn apps() -> Vec<Arc<dyn Plugin>> {\n    vec![]\n}\n";
        assert!(edit_apps_rs(empty, "x").unwrap().contains("vec![x::app()]"));
    }
}
