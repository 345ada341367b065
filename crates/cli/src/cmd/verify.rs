//! `liuhen verify FILE.zip [--key VKEY…]`: offline verification of a case-file package (issue 6
//! item 6). Prints the four properties (档案 四性) in Chinese and English, naming every failing
//! file or record; exits 1 on any failure. The package is read in place, never extracted.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use liuhen_casefile::verify::{Limits, TrustedKeys, verify_package};
use liuhen_ledger::signer::key_from_file_contents;

/// Arguments of `liuhen verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The package (`liuhen case export` output).
    file: PathBuf,
    /// A trusted verifier key (`name+keyid+base64`) or a file holding one (e.g. the published
    /// `checkpoint.vkey`). Repeatable.
    #[arg(long = "key")]
    keys: Vec<String>,
    /// Also trust the keys shipped in the package's `keys/` (reported as a warning: a shipped
    /// key proves nothing about who signed).
    #[arg(long)]
    trust_package_keys: bool,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `liuhen verify`.
pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let mut keys = Vec::new();
    for key in &args.keys {
        let path = std::path::Path::new(key);
        if path.is_file() {
            let contents = std::fs::read_to_string(path)
                .with_context(|| format!("读取公钥文件 {}", path.display()))?;
            let key = key_from_file_contents(&contents)
                .with_context(|| format!("公钥文件 {}", path.display()))?;
            keys.push(key.to_owned());
        } else {
            keys.push(key.clone());
        }
    }
    let trust = TrustedKeys {
        keys,
        use_package_keys: args.trust_package_keys,
    };
    let file =
        std::fs::File::open(&args.file).with_context(|| format!("打开 {}", args.file.display()))?;
    let report = verify_package(std::io::BufReader::new(file), &trust, &Limits::default());
    if args.json {
        let out = serde_json::json!({
            "ok": report.ok(),
            "properties": report.properties(),
            "report": report,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print!("{}", report.render_text());
    }
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
