//! `liuhen serve`: the HTTP API over a data folder (SQLite) or PostgreSQL, until Ctrl-C/SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use liuhen_web::serve::ServeConfig;

/// Arguments shared by the commands that open a data folder.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Configuration file (TOML; see `liuhen_web::serve`). Command-line options override it.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Data folder (SQLite database, rules/*.toml overrides, keys/).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:8080, loopback only).
    #[arg(long)]
    pub listen: Option<SocketAddr>,
    /// PostgreSQL URL instead of the SQLite file in the data folder.
    #[arg(long)]
    pub database_url: Option<String>,
}

impl ServeArgs {
    /// The configuration: file (if any), then command-line overrides.
    pub fn config(&self, default_data_dir: &str) -> anyhow::Result<ServeConfig> {
        let fallback = self
            .data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(default_data_dir));
        let mut config = match &self.config {
            Some(path) => ServeConfig::from_toml_file(path, &fallback)
                .with_context(|| format!("配置文件 {}", path.display()))?,
            None => ServeConfig::new(&fallback),
        };
        if let Some(dir) = &self.data_dir {
            if config.data_dir != *dir {
                config.signer_key_file = dir.join(liuhen_web::serve::DEFAULT_SIGNER_KEY_FILE);
            }
            config.data_dir = dir.clone();
        }
        if let Some(listen) = self.listen {
            config.listen = listen;
        }
        if self.database_url.is_some() {
            config.database_url = self.database_url.clone();
        }
        Ok(config)
    }
}

/// Runs `liuhen serve`.
pub fn run(args: ServeArgs) -> anyhow::Result<std::process::ExitCode> {
    let config = args.config("./liuhen-data")?;
    let runtime = tokio::runtime::Runtime::new().context("tokio runtime")?;
    runtime.block_on(async move {
        println!(
            "留痕 liuhen 正在 http://{}/api/v1 提供服务（数据目录 {}），Ctrl-C 停止",
            config.listen,
            config.data_dir.display()
        );
        liuhen_web::serve::serve(config).await
    })?;
    Ok(std::process::ExitCode::SUCCESS)
}
