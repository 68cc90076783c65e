//! Target URLs and their precedence. A target's URL comes, first found, from the command line
//! (`--target NAME=URL`), from the environment chosen with `--env NAME` in `intent.toml`, from
//! the target's `url` in `intent.toml`, and else from the spec's own expression (often
//! `env("SHOP_URL", "http://…")`), which the runner evaluates.

use crate::Project;
use std::collections::BTreeMap;
use thiserror::Error;

/// The URLs that replace the specs' own, by target name.
pub type TargetUrls = BTreeMap<String, String>;

/// Why the target URLs asked for cannot be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum TargetError {
    /// `--target NAME=URL` names a target the specs do not define.
    #[error("`--target {name}=…`: the specs have no target `{name}` (targets: {known})")]
    UnknownTarget { name: String, known: String },
    /// `--env NAME` without an `intent.toml` to define environments.
    #[error("`--env {environment}` needs an intent.toml that defines environments")]
    NoProjectFile { environment: String },
    /// `--env NAME` names an environment a target does not define.
    #[error("target `{target}` has no environment `{environment}` in intent.toml (known: {known})")]
    UnknownEnvironment {
        target: String,
        environment: String,
        known: String,
    },
}

impl Project {
    /// The URL of each of `targets` (the specs' target names) that is set outside the specs,
    /// by precedence: `overrides` (the command line), then `environment`, then `intent.toml`.
    pub fn target_urls(
        &self,
        targets: &[&str],
        overrides: &TargetUrls,
        environment: Option<&str>,
    ) -> Result<TargetUrls, TargetError> {
        for name in overrides.keys() {
            if !targets.contains(&name.as_str()) {
                return Err(TargetError::UnknownTarget {
                    name: name.clone(),
                    known: targets.join(", "),
                });
            }
        }
        let mut urls = overrides.clone();
        let Some(config) = &self.config else {
            return match environment {
                Some(environment) => Err(TargetError::NoProjectFile {
                    environment: environment.to_string(),
                }),
                None => Ok(urls),
            };
        };
        for &target in targets {
            if urls.contains_key(target) {
                continue;
            }
            let configured = config.targets.get(target);
            let url = match environment {
                Some(environment) => {
                    let known = configured.map(|c| &c.environments);
                    match known.and_then(|e| e.get(environment)) {
                        Some(url) => Some(url.clone()),
                        None => {
                            return Err(TargetError::UnknownEnvironment {
                                target: target.to_string(),
                                environment: environment.to_string(),
                                known: known
                                    .map(|e| {
                                        e.keys()
                                            .map(|k| format!("`{k}`"))
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    })
                                    .filter(|k| !k.is_empty())
                                    .unwrap_or_else(|| "none".to_string()),
                            });
                        }
                    }
                }
                None => configured.and_then(|c| c.url.clone()),
            };
            if let Some(url) = url {
                urls.insert(target.to_string(), url);
            }
        }
        Ok(urls)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;

    fn project(text: &str) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(crate::FILE_NAME);
        std::fs::write(&path, text).expect("write intent.toml");
        let config: Config = crate::config::load(&path).expect("a valid intent.toml");
        let project = Project::new(config.root.clone(), Some(config), false);
        (dir, project)
    }

    const FILE: &str = r#"
[targets.shop]
url = "http://127.0.0.1:8080"
environments = { staging = "https://staging.example.com", prod = "https://shop.example.com" }

[targets.search]
url = "http://127.0.0.1:9090"
"#;

    #[test]
    fn the_command_line_wins_then_the_environment_then_intent_toml() {
        let (_dir, project) = project(FILE);
        let targets = ["shop", "search", "other"];
        let none = TargetUrls::new();
        let urls = project.target_urls(&targets, &none, None).expect("urls");
        assert_eq!(
            urls.get("shop").map(String::as_str),
            Some("http://127.0.0.1:8080")
        );
        // Not configured: the spec's own URL is used.
        assert_eq!(urls.get("other"), None);
        let overrides = TargetUrls::from([("shop".to_string(), "http://127.0.0.1:1".to_string())]);
        let urls = project
            .target_urls(&["shop"], &overrides, Some("staging"))
            .expect("urls");
        assert_eq!(
            urls.get("shop").map(String::as_str),
            Some("http://127.0.0.1:1")
        );
        let urls = project
            .target_urls(&["shop"], &none, Some("staging"))
            .expect("urls");
        assert_eq!(
            urls.get("shop").map(String::as_str),
            Some("https://staging.example.com")
        );
    }

    #[test]
    fn unknown_targets_and_environments_are_named() {
        let (_dir, project) = project(FILE);
        let none = TargetUrls::new();
        let err = project
            .target_urls(&["shop"], &none, Some("qa"))
            .expect_err("no qa");
        assert_eq!(
            err.to_string(),
            "target `shop` has no environment `qa` in intent.toml (known: `prod`, `staging`)"
        );
        let err = project
            .target_urls(&["search"], &none, Some("staging"))
            .expect_err("none");
        assert!(err.to_string().ends_with("(known: none)"), "{err}");
        let overrides = TargetUrls::from([("shp".to_string(), "http://x".to_string())]);
        let err = project
            .target_urls(&["shop"], &overrides, None)
            .expect_err("typo");
        assert_eq!(
            err.to_string(),
            "`--target shp=…`: the specs have no target `shp` (targets: shop)"
        );
        let bare = Project::new(std::env::temp_dir(), None, false);
        assert_eq!(
            bare.target_urls(&["shop"], &none, Some("staging")),
            Err(TargetError::NoProjectFile {
                environment: "staging".into()
            })
        );
    }
}
