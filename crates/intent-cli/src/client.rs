//! The HTTP client settings of a run, from the command line (`--cacert`, `--no-proxy`) and
//! from intent.toml (a target's `ca`, `cert` and `key`, `http2_prior_knowledge`). The files are
//! read and parsed here, before anything is started or sent, so a missing or malformed
//! certificate is an invalid command (exit 2) naming the file, not a failed run.

use crate::cli::SystemArgs;
use intent_project::{ClientIdentity, Config};
use intent_runner::{ClientOptions, TargetClient};
use std::path::Path;

/// The client options for the targets named `targets` (the plan's), or why they cannot be had.
pub fn options(
    reach: &SystemArgs,
    config: Option<&Config>,
    targets: &[&str],
) -> Result<ClientOptions, String> {
    let mut roots = Vec::new();
    for path in &reach.cacert {
        roots.extend(certificates(path, "--cacert")?);
    }
    let mut options = ClientOptions {
        no_proxy: reach.no_proxy,
        roots,
        targets: Default::default(),
    };
    let Some(config) = config else {
        return Ok(options);
    };
    for &name in targets {
        let Some(target) = config.targets.get(name) else {
            continue;
        };
        if target.ca.is_none() && target.identity.is_none() && !target.http2_prior_knowledge {
            continue;
        }
        let roots = match &target.ca {
            Some(path) => certificates(path, &format!("`ca` of target `{name}`"))?,
            None => Vec::new(),
        };
        let identity = match &target.identity {
            Some(identity) => Some(client_identity(identity, name)?),
            None => None,
        };
        options.targets.insert(
            name.to_string(),
            TargetClient {
                roots,
                identity,
                http2_prior_knowledge: target.http2_prior_knowledge,
            },
        );
    }
    Ok(options)
}

/// The certificates of a PEM file (a bundle may hold several); `what` names the setting.
fn certificates(path: &Path, what: &str) -> Result<Vec<reqwest::Certificate>, String> {
    let pem = read(path, what)?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| format!("{what}: {} is not a PEM certificate: {e}", path.display()))?;
    if certificates.is_empty() {
        return Err(format!(
            "{what}: {} holds no certificate (expected `-----BEGIN CERTIFICATE-----`)",
            path.display()
        ));
    }
    Ok(certificates)
}

/// A client certificate and its key, read from their two PEM files.
fn client_identity(identity: &ClientIdentity, target: &str) -> Result<reqwest::Identity, String> {
    let mut pem = read(&identity.cert, &format!("`cert` of target `{target}`"))?;
    pem.push(b'\n');
    pem.extend(read(&identity.key, &format!("`key` of target `{target}`"))?);
    reqwest::Identity::from_pem(&pem).map_err(|e| {
        format!(
            "target `{target}`: {} and {} are not a PEM certificate and its private key: {e}",
            identity.cert.display(),
            identity.key.display()
        )
    })
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    intent_project::read_pem(path)
        .map_err(|problem| format!("{what}: cannot read {}: {problem}", path.display()))
}
