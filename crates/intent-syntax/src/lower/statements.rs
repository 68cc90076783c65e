//! Blocks, statements and request clauses.

use super::{Lower, Nodes};
use crate::ast::*;
use crate::grammar::Rule;
use intent_source::{Span, code, did_you_mean};
use pest::iterators::{Pair, Pairs};

/// The kinds of block, which differ in the statements they allow.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum BlockKind {
    Intent,
    Step,
    Evaluate,
    Load,
    Policy,
    Monitor,
}

impl BlockKind {
    fn name(self) -> &'static str {
        match self {
            BlockKind::Intent => "an `intent`",
            BlockKind::Step => "a `step`",
            BlockKind::Evaluate => "an `evaluate` block",
            BlockKind::Load => "a `load` block",
            BlockKind::Policy => "a `policy`",
            BlockKind::Monitor => "a `monitor`",
        }
    }
}

/// Where each statement may appear. One table, so the rule and its message never disagree.
fn allowed_in(statement: &Statement) -> &'static [BlockKind] {
    use BlockKind::*;
    match statement {
        Statement::Because(_) => &[Intent, Evaluate, Load, Policy, Monitor],
        Statement::Given(_) | Statement::When(_) => &[Intent, Step, Evaluate, Load],
        Statement::Check(_) => &[Intent, Step, Evaluate, Load, Policy],
        Statement::Examples(_) => &[Intent],
        Statement::Yield(_) => &[Step],
        Statement::Score(_) | Statement::Classify(_) => &[Evaluate],
        Statement::Arrive(_) | Statement::Users(_) => &[Load],
        Statement::WithoutAuth(_) => &[Policy],
        Statement::Run(_) | Statement::Alert(_) => &[Monitor],
    }
}

impl Lower {
    pub(crate) fn block(&self, pair: Pair<'_, Rule>, kind: BlockKind) -> Block {
        let span = self.span(&pair);
        let mut statements: Vec<Statement> = pair
            .into_inner()
            .map(|s| self.statement(s))
            .filter(|s| self.placed_well(s, kind))
            .collect();
        // A collected filter starts at room for four: most blocks are shorter, and a large
        // spec holds hundreds of thousands of them.
        statements.shrink_to_fit();
        Block { statements, span }
    }

    fn placed_well(&self, statement: &Statement, kind: BlockKind) -> bool {
        let allowed = allowed_in(statement);
        if allowed.contains(&kind) {
            return true;
        }
        let places: Vec<&str> = allowed.iter().map(|k| k.name()).collect();
        self.error(
            code::MISPLACED_STATEMENT,
            format!(
                "`{}` is not allowed in {}",
                statement.keyword(),
                kind.name()
            ),
            statement.span(),
        )
        .label("not allowed here")
        .help(format!(
            "`{}` belongs in {}",
            statement.keyword(),
            places.join(" or ")
        ));
        false
    }

    fn statement(&self, pair: Pair<'_, Rule>) -> Statement {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut nodes = Nodes::of(pair);
        match rule {
            Rule::because_stmt => Statement::Because(Because {
                reason: self.string(nodes.next()),
                span,
            }),
            Rule::given_stmt => {
                let inner = nodes.next();
                let (name, value) = if inner.as_rule() == Rule::binding {
                    let mut parts = Nodes::of(inner);
                    let name = self.ident(parts.next());
                    (Some(name), self.given_value(parts.next()))
                } else {
                    (None, self.given_value(inner))
                };
                Statement::Given(Given { name, value, span })
            }
            Rule::when_stmt => {
                let inner = nodes.next();
                let action = if inner.as_rule() == Rule::request {
                    WhenAction::Request(self.request(inner))
                } else {
                    WhenAction::Call(self.step_call(inner))
                };
                Statement::When(When { action, span })
            }
            Rule::check_stmt => Statement::Check(self.check(span, nodes)),
            Rule::examples_stmt => Statement::Examples(self.examples(span, nodes)),
            Rule::yield_stmt => Statement::Yield(Yield {
                value: self.expr(nodes.next()),
                span,
            }),
            Rule::score_stmt => Statement::Score(Score {
                name: self.ident(nodes.next()),
                value: self.expr(nodes.next()),
                span,
            }),
            Rule::classify_stmt => Statement::Classify(Classify {
                predicted: self.expr(nodes.next()),
                expected: self.expr(nodes.next()),
                span,
            }),
            Rule::arrive_stmt => Statement::Arrive(Arrival {
                rate: self.expr(nodes.next()),
                duration: self.expr(nodes.next()),
                span,
            }),
            Rule::users_stmt => Statement::Users(Users {
                count: self.expr(nodes.next()),
                duration: self.expr(nodes.next()),
                span,
            }),
            Rule::without_stmt => {
                let check = nodes.next();
                let check_span = self.span(&check);
                Statement::WithoutAuth(WithoutAuth {
                    check: self.check(check_span, Nodes::of(check)),
                    span,
                })
            }
            Rule::run_stmt => {
                let selector = nodes.next();
                let selector = match Nodes::of(selector.clone()).rest().next() {
                    None => RunSelector::All,
                    Some(p) if p.as_rule() == Rule::tag_expr => {
                        RunSelector::Tagged(self.tag_expr(p))
                    }
                    Some(p) => RunSelector::Title(self.string(p)),
                };
                Statement::Run(Run { selector, span })
            }
            Rule::alert_stmt => Statement::Alert(Alert {
                channel: self.ident(nodes.next()),
                destination: self.expr(nodes.next()),
                after: nodes.rest().next().map(|e| self.expr(e)),
                span,
            }),
            other => unreachable!("statement rule {other:?}"),
        }
    }

    fn given_value(&self, pair: Pair<'_, Rule>) -> GivenValue {
        if pair.as_rule() == Rule::step_call {
            GivenValue::Call(self.step_call(pair))
        } else {
            GivenValue::Expr(self.expr(pair))
        }
    }

    fn check(&self, span: Span, mut nodes: Nodes<'_>) -> Check {
        let keyword = match nodes.next().as_str() {
            "then" => CheckKeyword::Then,
            "and" => CheckKeyword::And,
            _ => CheckKeyword::Expect,
        };
        let expr = self.expr(nodes.next());
        let confidence = nodes
            .take(Rule::confidence)
            .map(|c| self.expr(Nodes::of(c).next()));
        Check {
            keyword,
            expr,
            confidence,
            span,
        }
    }

    fn step_call(&self, pair: Pair<'_, Rule>) -> StepCall {
        let span = self.span(&pair);
        let parts = pair
            .into_inner()
            .map(|part| {
                if part.as_rule() == Rule::step_word {
                    CallPart::Word {
                        text: part.as_str().to_string(),
                        span: self.span(&part),
                    }
                } else {
                    CallPart::Arg(self.primary(part))
                }
            })
            .collect();
        StepCall { parts, span }
    }

    fn request(&self, pair: Pair<'_, Rule>) -> Request {
        let span = self.span(&pair);
        let mut nodes = Nodes::of(pair);
        let method_pair = nodes.next();
        let method_span = self.span(&method_pair);
        let method = self.method(method_pair.as_str(), method_span);
        let target = self.ident(nodes.next());
        let (path, link) = self.path(nodes.next());
        let mut name: Option<Ident> = None;
        let mut returns: Option<TypeExpr> = None;
        let mut clauses = Vec::new();
        for part in nodes.rest() {
            match part.as_rule() {
                Rule::response_name => {
                    let ident = self.ident(Nodes::of(part).next());
                    if let Some(first) = &name {
                        self.duplicate_option("as", first.span, ident.span);
                    } else {
                        name = Some(ident);
                    }
                }
                Rule::returns => {
                    let ty = self.returns(part);
                    if let Some(first) = &returns {
                        self.duplicate_option("->", first.span, ty.span);
                    } else {
                        returns = Some(ty);
                    }
                }
                _ => clauses.push(self.clause(part)),
            }
        }
        self.check_clauses(&clauses);
        Request {
            method: Spanned {
                value: method,
                span: method_span,
            },
            target,
            path,
            link,
            name,
            returns,
            clauses,
            span,
        }
    }

    fn duplicate_option(&self, option: &str, first: Span, again: Span) {
        self.error(
            code::DUPLICATE_RESPONSE_OPTION,
            format!("`{option}` is given twice for one request"),
            again,
        )
        .label("given again here")
        .secondary(first, "first given here")
        .help(format!("keep one `{option}`"));
    }

    fn method(&self, text: &str, span: Span) -> Method {
        if let Some((_, m)) = Method::ALL.iter().find(|(s, _)| *s == text) {
            return *m;
        }
        let names = Method::ALL.iter().map(|(s, _)| *s);
        let mut builder = self
            .error(
                code::UNKNOWN_METHOD,
                format!("unknown HTTP method `{text}`"),
                span,
            )
            .label("not a method");
        builder = match did_you_mean(text, names) {
            Some(s) => builder.help(format!("did you mean `{s}`?")),
            None => builder.help("methods are GET, POST, PUT, PATCH, DELETE, HEAD and OPTIONS"),
        };
        drop(builder);
        Method::Get
    }

    /// The path of a request: a template, or the expression of a link `(EXPR)`. A quoted path
    /// must start with `/` like a bare one, since it is appended to the target's URL.
    fn path(&self, pair: Pair<'_, Rule>) -> (Template, Option<Box<Expr>>) {
        let span = self.span(&pair);
        let text = pair.as_str();
        if text.starts_with('(') {
            let link = Nodes::of(pair).next();
            let expr = self.expr(Nodes::of(link).next());
            return (
                Template {
                    parts: Vec::new(),
                    span,
                },
                Some(Box::new(expr)),
            );
        }
        let slash = text.starts_with('/');
        let quoted_without_slash = text.starts_with('"') && !text[1..].starts_with('/');
        let mut parts = self.template_parts(pair);
        if slash {
            match parts.first_mut() {
                Some(TemplatePart::Text(t)) => t.insert(0, '/'),
                _ => parts.insert(0, TemplatePart::Text("/".to_string())),
            }
        }
        if quoted_without_slash {
            let help = if text.starts_with("\"{") {
                // `{…}` encodes its value as one segment, so `/` in it would become `%2F`.
                format!(
                    "a value in `{{…}}` is sent as one path segment, its `/` encoded; to send a \
                     computed path as it is, write it in parentheses: `({text})`"
                )
            } else {
                let shown: String = text.chars().skip(1).take(40).collect();
                format!(
                    "the path is appended to the target's URL: write \"/{}\"; to follow a path \
                     or URL computed at run time, write it in parentheses: \
                     `(order.headers[\"Location\"])`",
                    shown.trim_end_matches('"')
                )
            };
            self.error(
                code::INVALID_PATH,
                "a request path must start with `/`",
                span,
            )
            .label("does not start with `/`")
            .help(help);
        }
        (Template { parts, span }, None)
    }

    pub(crate) fn clauses(&self, pairs: Pairs<'_, Rule>) -> Vec<RequestClause> {
        let clauses: Vec<RequestClause> = pairs.map(|c| self.clause(c)).collect();
        self.check_clauses(&clauses);
        clauses
    }

    /// A request has at most one body, one auth, one timeout and one retry.
    fn check_clauses(&self, clauses: &[RequestClause]) {
        let single = |c: &ClauseKind| match c {
            ClauseKind::Json(_)
            | ClauseKind::Form(_)
            | ClauseKind::Multipart(_)
            | ClauseKind::Body(_) => Some("body"),
            ClauseKind::Auth(_) => Some("auth clause"),
            ClauseKind::Timeout(_) => Some("timeout"),
            ClauseKind::Retry { .. } => Some("retry"),
            ClauseKind::Header { .. } | ClauseKind::Query { .. } => None,
        };
        for (i, clause) in clauses.iter().enumerate() {
            let Some(what) = single(&clause.kind) else {
                continue;
            };
            if let Some(first) = clauses[..i].iter().find(|c| single(&c.kind) == Some(what)) {
                self.error(
                    code::CONFLICTING_CLAUSES,
                    format!(
                        "a request has only one {what}, but `{}` gives another",
                        clause.kind.keyword()
                    ),
                    clause.span,
                )
                .label("second one")
                .secondary(first.span, format!("first `{}` here", first.kind.keyword()))
                .help("keep one of them");
            }
        }
    }

    /// One part of a `multipart` clause: a text field or a file.
    fn part(&self, pair: Pair<'_, Rule>) -> Part {
        let span = self.span(&pair);
        let mut nodes = Nodes::of(pair);
        let name = self.key(nodes.next());
        let value = nodes.next();
        let value = if value.as_rule() == Rule::file_part {
            let span = self.span(&value);
            let mut strings = Nodes::of(value);
            PartValue::File {
                path: self.string(strings.next()),
                content_type: strings.rest().next().map(|s| self.string(s)),
                span,
            }
        } else {
            PartValue::Text(self.expr(value))
        };
        Part { name, value, span }
    }

    fn clause(&self, pair: Pair<'_, Rule>) -> RequestClause {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut nodes = Nodes::of(pair);
        let kind = match rule {
            Rule::header_clause => ClauseKind::Header {
                name: self.string(nodes.next()),
                value: self.expr(nodes.next()),
            },
            Rule::query_clause => {
                let name = self.key(nodes.next());
                ClauseKind::Query {
                    name,
                    value: self.expr(nodes.next()),
                }
            }
            Rule::json_clause => ClauseKind::Json(self.expr(nodes.next())),
            Rule::form_clause => ClauseKind::Form(self.expr(nodes.next())),
            Rule::multipart_clause => {
                ClauseKind::Multipart(nodes.rest().map(|part| self.part(part)).collect())
            }
            Rule::body_clause => ClauseKind::Body(self.expr(nodes.next())),
            Rule::auth_clause => {
                let auth = nodes.next();
                let bearer = auth.as_rule() == Rule::bearer_auth;
                let mut parts = Nodes::of(auth);
                ClauseKind::Auth(if bearer {
                    Auth::Bearer(self.expr(parts.next()))
                } else {
                    Auth::Basic {
                        user: self.expr(parts.next()),
                        password: self.expr(parts.next()),
                    }
                })
            }
            Rule::timeout_clause => ClauseKind::Timeout(self.expr(nodes.next())),
            Rule::retry_clause => {
                let times = self.expr(nodes.next());
                let mut rest: Vec<Expr> = nodes.rest().map(|e| self.expr(e)).collect();
                let until = rest.pop().expect("retry has an until expression");
                ClauseKind::Retry {
                    times,
                    every: rest.pop(),
                    until,
                }
            }
            other => unreachable!("clause rule {other:?}"),
        };
        RequestClause { kind, span }
    }

    fn examples(&self, span: Span, nodes: Nodes<'_>) -> Examples {
        let mut rows = nodes.rest().map(|row| {
            let row_span = self.span(&row);
            let cells: Vec<(Span, Option<Expr>)> = row
                .into_inner()
                .map(|cell| {
                    let cell_span = self.span(&cell);
                    (cell_span, cell.into_inner().next().map(|e| self.expr(e)))
                })
                .collect();
            (row_span, cells)
        });
        let (_, heading) = rows.next().expect("an examples table has a heading row");
        let width = heading.len();
        let columns: Vec<Ident> = heading
            .into_iter()
            .filter_map(|(cell_span, cell)| match cell {
                Some(Expr {
                    kind: ExprKind::Name(name),
                    span,
                }) => Some(Ident { name, span }),
                _ => {
                    self.error(
                        code::TABLE_HEADER_NOT_NAME,
                        "the heading row of an examples table must hold column names",
                        cell_span,
                    )
                    .label("not a name")
                    .help("write a name such as `code`; the rows below hold the values");
                    None
                }
            })
            .collect();
        let rows = rows
            .filter_map(|(row_span, cells)| {
                if cells.len() != width {
                    self.error(
                        code::RAGGED_TABLE,
                        format!(
                            "this row has {} cells but the heading has {width}",
                            cells.len()
                        ),
                        row_span,
                    )
                    .label(format!("{} cells", cells.len()))
                    .help("give every row one cell per column");
                    return None;
                }
                let cells = cells
                    .into_iter()
                    .map(|(cell_span, cell)| {
                        cell.unwrap_or_else(|| {
                            self.error(code::EXPECTED_EXPRESSION, "this cell is empty", cell_span)
                                .label("empty cell")
                                .help("write a value, or `null` for no value");
                            Expr {
                                kind: ExprKind::Null,
                                span: cell_span,
                            }
                        })
                    })
                    .collect();
                Some(ExampleRow {
                    cells,
                    span: row_span,
                })
            })
            .collect();
        Examples {
            columns,
            rows,
            span,
        }
    }
}
