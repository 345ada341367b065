//! `liuhen redact` — detect and mask personal information before disclosure (issue 4, D10-d, P9).
//!
//! `liuhen redact [FILE] [--policy portal|open-data|party|internal] [--party NAME]… [--json]`
//! prints the masked text of FILE (standard input when FILE is absent or `-`), or with `--json`
//! the masked text and every finding. `liuhen redact --check FILE` is the publish gate: it exits
//! 1 and lists every identity number and mobile number still in the clear (D10-d).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use liuhen_redact::policy::{Channel, Policy};
use liuhen_redact::{Finding, KnownEntities, MaskState, Role, leak_check, redact, scan};
use serde_json::json;

/// Policy names on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum PolicyArg {
    /// Government portal / service network (D10-d masks, names per P9).
    Portal,
    /// Open-data export (identifiers fully masked).
    OpenData,
    /// Copy for the party (nothing masked).
    Party,
    /// Internal use (nothing masked).
    Internal,
}

impl From<PolicyArg> for Channel {
    fn from(arg: PolicyArg) -> Channel {
        match arg {
            PolicyArg::Portal => Channel::Portal,
            PolicyArg::OpenData => Channel::OpenData,
            PolicyArg::Party => Channel::Party,
            PolicyArg::Internal => Channel::Internal,
        }
    }
}

/// `liuhen redact`
#[derive(Debug, clap::Args)]
pub struct RedactArgs {
    /// Text file to mask (UTF-8); standard input when absent or `-`.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// Channel whose default policy applies.
    #[arg(long, value_enum, default_value = "portal")]
    policy: PolicyArg,
    /// TOML policy file (`channel = "portal"` plus `[rules]`); replaces --policy.
    #[arg(long, value_name = "TOML")]
    policy_file: Option<PathBuf>,
    /// Natural person who is a party (当事人); every occurrence is masked. Repeatable.
    #[arg(long = "party", value_name = "NAME")]
    parties: Vec<String>,
    /// Legal representative (法定代表人) of an organisation party. Repeatable.
    #[arg(long = "legal-rep", value_name = "NAME")]
    legal_representatives: Vec<String>,
    /// Witness (证人). Repeatable.
    #[arg(long = "witness", value_name = "NAME")]
    witnesses: Vec<String>,
    /// Organisation whose name stays in full (D8). Repeatable.
    #[arg(long = "org", value_name = "NAME")]
    organisations: Vec<String>,
    /// Print JSON (masked text and findings) instead of the masked text.
    #[arg(long)]
    json: bool,
    /// Publish gate: check FILE for unmasked identity and mobile numbers (D10-d); exit 1 listing
    /// them.
    #[arg(long, value_name = "FILE", conflicts_with = "file")]
    check: Option<PathBuf>,
}

pub fn run(args: RedactArgs) -> anyhow::Result<ExitCode> {
    let known = known_entities(&args)?;
    if let Some(path) = &args.check {
        let text = read_input(Some(path))?;
        return check(&text, &known, args.json);
    }
    let text = read_input(args.file.as_deref())?;
    let policy = match &args.policy_file {
        Some(path) => {
            let toml_text = std::fs::read_to_string(path)
                .with_context(|| format!("无法读取脱敏策略文件 {}", path.display()))?;
            Policy::from_toml(&toml_text)
                .with_context(|| format!("脱敏策略文件 {}", path.display()))?
        }
        None => Policy::for_channel(args.policy.into()),
    };
    let redacted = redact(&text, &policy, &known);
    if args.json {
        let out = json!({
            "channel": policy.channel(),
            "text": redacted.text,
            "findings": redacted.findings,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print!("{}", redacted.text);
    }
    Ok(ExitCode::SUCCESS)
}

fn known_entities(args: &RedactArgs) -> anyhow::Result<KnownEntities> {
    let mut known = KnownEntities::new();
    let roles = [
        (&args.parties, Role::Party),
        (&args.legal_representatives, Role::LegalRepresentative),
        (&args.witnesses, Role::Witness),
    ];
    for (names, role) in roles {
        for name in names {
            known.add_person(name, role)?;
        }
    }
    for org in &args.organisations {
        known.add_organisation(org)?;
    }
    Ok(known)
}

fn read_input(path: Option<&Path>) -> anyhow::Result<String> {
    match path {
        Some(path) if path != Path::new("-") => std::fs::read_to_string(path)
            .with_context(|| format!("无法读取 {}（须为 UTF-8 文本）", path.display())),
        _ => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("无法读取标准输入（须为 UTF-8 文本）")?;
            Ok(text)
        }
    }
}

/// 1-based line and column (in chars) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let head = text.get(..offset).unwrap_or(text);
    let line = head.matches('\n').count() + 1;
    let line_start = head.rfind('\n').map_or(0, |idx| idx + 1);
    (line, head[line_start..].chars().count() + 1)
}

fn check(text: &str, known: &KnownEntities, as_json: bool) -> anyhow::Result<ExitCode> {
    let leaks = match leak_check(text, known) {
        Ok(()) => Vec::new(),
        Err(liuhen_redact::error::LeakError::UnmaskedPersonalData { leaks }) => leaks,
    };
    let bad_masks: Vec<Finding> = scan(text, known)
        .into_iter()
        .filter(|f| f.state == MaskState::BadMask)
        .collect();
    if as_json {
        let out = json!({ "ok": leaks.is_empty(), "leaks": leaks, "bad_masks": bad_masks });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for finding in &leaks {
            let (line, col) = line_col(text, finding.bytes.start);
            println!(
                "第{line}行第{col}列：未脱敏的{}「{}」（{}）",
                finding.kind.label_zh(),
                finding.text,
                finding.rule
            );
        }
        for finding in &bad_masks {
            let (line, col) = line_col(text, finding.bytes.start);
            let note = finding.note.as_deref().unwrap_or("掩码长度不符");
            println!(
                "第{line}行第{col}列：提示 {}「{}」：{note}",
                finding.kind.label_zh(),
                finding.text
            );
        }
        if leaks.is_empty() {
            println!("未发现未脱敏的身份证号或手机号（D10-d）");
        } else {
            println!("共 {} 处未脱敏信息，不得公示（D10-d）", leaks.len());
        }
    }
    Ok(if leaks.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
