//! Security schemes → secrets and the request clauses that send them. OpenAPI 3's
//! `components.securitySchemes` and Swagger 2.0's `securityDefinitions` say the same things in
//! two shapes; both become one [`Scheme`] each: a bearer token (HTTP bearer, OAuth 2 and OpenID
//! Connect all send `Authorization: Bearer`), HTTP basic credentials, or an API key in a
//! header, query parameter or cookie. Each becomes a secret read from the environment, declared
//! only when an operation uses it.

use crate::names::{Scope, snake};
use crate::values::quote;
use serde_json::Value;
use std::collections::BTreeSet;

/// How one scheme sends its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scheme {
    Bearer,
    Basic,
    Header { name: String, secret: String },
    Query { name: String, secret: String },
    Cookie { name: String, secret: String },
}

/// The schemes of a document and the secrets they use.
#[derive(Debug)]
pub(crate) struct Security {
    schemes: Vec<(String, Result<Scheme, String>)>,
    bearer: String,
    user: String,
    password: String,
    /// The secrets used by at least one operation, by name: `(name, environment variable)`.
    used: BTreeSet<(String, String)>,
}

impl Security {
    /// The schemes under `schemes` (an object of scheme objects), their secrets' names claimed
    /// in `globals`.
    pub(crate) fn read(schemes: Option<&Value>, globals: &mut Scope) -> Self {
        let bearer = globals.claim("token");
        let user = globals.claim("api_user");
        let password = globals.claim("api_password");
        let mut read = Vec::new();
        for (id, scheme) in schemes.and_then(Value::as_object).into_iter().flatten() {
            let kind = scheme
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let http = scheme
                .get("scheme")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_ascii_lowercase();
            let key_name = scheme
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let mut key_secret = || globals.claim(&snake(id, "api_key"));
            let parsed = match (kind, http.as_str()) {
                ("http", "bearer") | ("oauth2" | "openIdConnect", _) => Ok(Scheme::Bearer),
                ("http", "basic") | ("basic", _) => Ok(Scheme::Basic),
                ("apiKey", _) if !key_name.is_empty() => {
                    let name = key_name.to_string();
                    match scheme.get("in").and_then(Value::as_str) {
                        Some("header") => Ok(Scheme::Header {
                            name,
                            secret: key_secret(),
                        }),
                        Some("query") => Ok(Scheme::Query {
                            name,
                            secret: key_secret(),
                        }),
                        Some("cookie") => Ok(Scheme::Cookie {
                            name,
                            secret: key_secret(),
                        }),
                        _ => Err(format!("the API key `{id}` is sent in no known place")),
                    }
                }
                _ => Err(format!(
                    "the security scheme `{id}` ({kind} {http}) has no Intent clause"
                )),
            };
            read.push((id.clone(), parsed));
        }
        Security {
            schemes: read,
            bearer,
            user,
            password,
            used: BTreeSet::new(),
        }
    }

    /// The request clauses for an operation's security requirements (`requirements`: the
    /// operation's `security`, else the document's): the first alternative whose schemes all
    /// have a clause. Notes say what could not be sent.
    pub(crate) fn clauses(
        &mut self,
        requirements: Option<&Value>,
        notes: &mut Vec<String>,
    ) -> Vec<String> {
        let Some(alternatives) = requirements.and_then(Value::as_array) else {
            return Vec::new();
        };
        let mut reasons = Vec::new();
        for alternative in alternatives {
            let Some(ids) = alternative.as_object() else {
                continue;
            };
            let schemes: Result<Vec<Scheme>, String> = ids
                .keys()
                .map(
                    |id| match self.schemes.iter().find(|(known, _)| known == id) {
                        Some((_, scheme)) => scheme.clone(),
                        None => Err(format!("the security scheme `{id}` is not declared")),
                    },
                )
                .collect();
            match schemes {
                Ok(schemes) => return self.send(&schemes, notes),
                Err(why) => reasons.push(why),
            }
        }
        notes.extend(reasons);
        Vec::new()
    }

    fn send(&mut self, schemes: &[Scheme], notes: &mut Vec<String>) -> Vec<String> {
        let mut clauses = Vec::new();
        let mut auth = false;
        for scheme in schemes {
            let clause = match scheme {
                Scheme::Bearer | Scheme::Basic if auth => {
                    notes.push("a request sends one `auth`; the second scheme is left out".into());
                    continue;
                }
                Scheme::Bearer => {
                    auth = true;
                    self.used.insert((self.bearer.clone(), "API_TOKEN".into()));
                    format!("auth bearer {}", self.bearer)
                }
                Scheme::Basic => {
                    auth = true;
                    self.used.insert((self.user.clone(), "API_USER".into()));
                    self.used
                        .insert((self.password.clone(), "API_PASSWORD".into()));
                    format!("auth basic {}, {}", self.user, self.password)
                }
                Scheme::Header { name, secret } => {
                    self.use_key(secret);
                    format!("header {} = {secret}", quote(name))
                }
                Scheme::Query { name, secret } => {
                    self.use_key(secret);
                    format!("query {} = {secret}", quote(name))
                }
                Scheme::Cookie { name, secret } => {
                    self.use_key(secret);
                    let name = quote(name);
                    let name = &name[1..name.len() - 1];
                    format!("header \"Cookie\" = \"{name}={{{secret}}}\"")
                }
            };
            clauses.push(clause);
        }
        clauses
    }

    fn use_key(&mut self, secret: &str) {
        self.used
            .insert((secret.to_string(), secret.to_ascii_uppercase()));
    }

    /// The names of every secret the schemes may use, for locals to stay clear of.
    pub(crate) fn names(&self) -> Vec<String> {
        let mut names = vec![
            self.bearer.clone(),
            self.user.clone(),
            self.password.clone(),
        ];
        for (_, scheme) in &self.schemes {
            if let Ok(
                Scheme::Header { secret, .. }
                | Scheme::Query { secret, .. }
                | Scheme::Cookie { secret, .. },
            ) = scheme
            {
                names.push(secret.clone());
            }
        }
        names
    }

    /// The `secret` items of the schemes some operation used.
    pub(crate) fn declarations(&self) -> String {
        self.used
            .iter()
            .map(|(name, variable)| format!("secret {name} = env({})\n", quote(variable)))
            .collect()
    }
}
