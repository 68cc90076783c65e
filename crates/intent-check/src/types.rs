//! Types: lowering written types to plan types, and the relations the checker needs between
//! them (units, comparability, field lookup).

use crate::context::Context;
use intent_conform::compile_regex;
use intent_ir::{CompareOp, FieldType, Literal, Refinement, Type};
use intent_source::{FileId, code, did_you_mean};
use intent_syntax::ast::{self, NumberLit, RefinementKind, SignedNumber, TypeKind, Unit};
use std::collections::{BTreeMap, HashSet};

/// What a value is, for checking operators: numbers and each unit are separate families.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Family {
    Bool,
    Number,
    Duration,
    Percent,
    Size,
    Rate,
    Text,
    Null,
    List,
    Record,
    Regex,
    Detector,
    Response,
    /// Known only at run time (json, any, or a union of different families).
    Dynamic,
}

impl Family {
    pub fn is_quantity(self) -> bool {
        matches!(
            self,
            Family::Duration | Family::Percent | Family::Size | Family::Rate
        )
    }

    pub fn is_ordered(self) -> bool {
        matches!(self, Family::Number | Family::Text | Family::Dynamic) || self.is_quantity()
    }

    pub fn noun(self) -> &'static str {
        match self {
            Family::Bool => "a boolean",
            Family::Number => "a number",
            Family::Duration => "a duration",
            Family::Percent => "a percentage",
            Family::Size => "a size",
            Family::Rate => "a rate",
            Family::Text => "a string",
            Family::Null => "null",
            Family::List => "a list",
            Family::Record => "a record",
            Family::Regex => "a regex",
            Family::Detector => "a detector",
            Family::Response => "a response",
            Family::Dynamic => "a value",
        }
    }
}

/// The type of what is not known statically.
static ANY: Type = Type::Any;

/// Named types, resolved through the definitions lowered so far.
#[derive(Clone, Copy)]
pub(crate) struct TypeTable<'t> {
    pub named: &'t BTreeMap<String, Type>,
}

impl intent_conform::TypeLookup for TypeTable<'_> {
    fn lookup(&self, name: &str) -> Option<&Type> {
        self.named.get(name)
    }
}

impl<'t> TypeTable<'t> {
    /// Follows names and refinements to the structural type (`any` for unknown names and
    /// for definitions that only name each other).
    pub fn resolve<'x>(&self, ty: &'x Type) -> &'x Type
    where
        't: 'x,
    {
        let mut current = ty;
        for _ in 0..64 {
            match current {
                Type::Named { name } => match self.named.get(name) {
                    Some(t) => current = t,
                    None => return &ANY,
                },
                Type::Refined { base, .. } => current = base,
                _ => return current,
            }
        }
        &ANY
    }

    pub fn family(&self, ty: &Type) -> Family {
        match self.resolve(ty) {
            Type::Bool => Family::Bool,
            Type::Int | Type::Decimal => Family::Number,
            Type::Duration => Family::Duration,
            Type::Percent => Family::Percent,
            Type::Size => Family::Size,
            Type::Rate => Family::Rate,
            Type::String | Type::Uuid | Type::Date | Type::Datetime | Type::Email | Type::Url => {
                Family::Text
            }
            Type::Null => Family::Null,
            Type::List { .. } => Family::List,
            Type::Record { .. } => Family::Record,
            Type::Regex => Family::Regex,
            Type::Detector => Family::Detector,
            Type::Response { .. } => Family::Response,
            Type::Literal { value } => literal_family(value),
            Type::Union { options } => {
                let mut families = options
                    .iter()
                    .map(|o| self.family(o))
                    .filter(|f| *f != Family::Null);
                match families.next() {
                    None => Family::Null,
                    Some(first) if families.all(|f| f == first) => first,
                    Some(_) => Family::Dynamic,
                }
            }
            Type::Any | Type::Json | Type::Named { .. } | Type::Refined { .. } => Family::Dynamic,
        }
    }

    /// Whether the type admits `null` (a union with null, json or any).
    pub fn nullable(&self, ty: &Type) -> bool {
        match self.resolve(ty) {
            Type::Null | Type::Any | Type::Json => true,
            Type::Literal {
                value: Literal::Null,
            } => true,
            Type::Union { options } => options.iter().any(|o| self.nullable(o)),
            _ => false,
        }
    }

    /// The element type of a list-like type.
    pub fn element(&self, ty: &Type) -> Option<Type> {
        match self.resolve(ty) {
            Type::List { item } => Some((**item).clone()),
            Type::Any | Type::Json => Some(Type::Json),
            Type::Union { options } => {
                let lists: Vec<Type> = options.iter().filter_map(|o| self.element(o)).collect();
                (lists.len() == 1).then(|| lists[0].clone())
            }
            _ => None,
        }
    }

    /// The record fields reachable through names, refinements and `| null`.
    pub fn record_fields<'x>(&self, ty: &'x Type) -> Option<&'x [FieldType]>
    where
        't: 'x,
    {
        match self.resolve(ty) {
            Type::Record { fields, .. } => Some(fields),
            Type::Union { options } => {
                let mut records = options.iter().filter_map(|o| self.record_fields(o));
                let first = records.next()?;
                records.next().is_none().then_some(first)
            }
            _ => None,
        }
    }

    /// The strings a type admits when it admits no other string: `"pending" | "paid"`,
    /// possibly with `null`. `None` when any string could fit.
    pub fn string_literals(&self, ty: &Type) -> Option<Vec<String>> {
        match self.resolve(ty) {
            Type::Literal {
                value: Literal::String(s),
            } => Some(vec![s.clone()]),
            Type::Union { options } => {
                let mut all = Vec::new();
                for option in options {
                    match self.resolve(option) {
                        Type::Null
                        | Type::Literal {
                            value: Literal::Null,
                        } => {}
                        _ => all.extend(self.string_literals(option)?),
                    }
                }
                (!all.is_empty()).then_some(all)
            }
            _ => None,
        }
    }

    /// Whether a value of `from` may be used where `to` is declared (statically; `json`
    /// defers to run time).
    pub fn assignable(&self, from: &Type, to: &Type) -> bool {
        let (f, t) = (self.family(from), self.family(to));
        if f == Family::Dynamic || t == Family::Dynamic {
            return true;
        }
        if f == Family::Null {
            return self.nullable(to);
        }
        if f != t {
            return false;
        }
        match (self.resolve(from), self.resolve(to)) {
            (Type::Decimal, Type::Int) => false,
            (
                Type::Literal {
                    value: Literal::Decimal(_),
                },
                Type::Int,
            ) => false,
            (Type::List { item: a }, Type::List { item: b }) => self.assignable(a, b),
            (Type::Literal { value: a }, Type::Literal { value: b }) => a == b,
            (_, Type::Union { options })
                if options.iter().all(|o| matches!(o, Type::Literal { .. })) =>
            {
                match self.resolve(from) {
                    Type::Literal { .. } => options.iter().any(|o| self.assignable(from, o)),
                    // A plain string may hold one of the literals; checked at run time.
                    _ => true,
                }
            }
            _ => true,
        }
    }
}

impl Context<'_> {
    /// Lowers a written type in `file`, reporting unknown names and invalid refinements.
    pub fn lower_type(&mut self, file: FileId, ty: &ast::TypeExpr) -> Type {
        match &ty.kind {
            TypeKind::Named(ident) => {
                if let Some(t) = Type::primitive(&ident.name) {
                    return t;
                }
                match self.globals.types.get(&ident.name) {
                    Some(def) if self.globals.sees(file, def.file) => Type::Named {
                        name: ident.name.clone(),
                    },
                    Some(def) => {
                        let where_ = self.loaded.sources.get(def.file).display_path();
                        let d = self
                            .error(
                                code::UNKNOWN_TYPE,
                                format!("the type `{}` is not imported here", ident.name),
                                file,
                                ident.span,
                            )
                            .with_label("not visible in this file")
                            .with_help(format!(
                                "it is defined in `{where_}`; add `use \"…\"` for that file"
                            ));
                        self.report(d);
                        Type::Any
                    }
                    None => {
                        let candidates: Vec<String> = Type::PRIMITIVE_NAMES
                            .iter()
                            .map(|s| s.to_string())
                            .chain(self.globals.visible_types(file).map(str::to_string))
                            .collect();
                        let mut d = self
                            .error(
                                code::UNKNOWN_TYPE,
                                format!("unknown type `{}`", ident.name),
                                file,
                                ident.span,
                            )
                            .with_label("not a type");
                        d = match did_you_mean(&ident.name, candidates.iter().map(String::as_str)) {
                            Some(s) => d.with_help(format!("did you mean `{s}`?")),
                            None => d.with_help("define it with `type NAME = ...`, or use a built-in type such as `string` or `int`"),
                        };
                        self.report(d);
                        Type::Any
                    }
                }
            }
            TypeKind::List(item) => Type::list(self.lower_type(file, item)),
            TypeKind::Record { exact, fields } => Type::Record {
                fields: self.lower_fields(file, fields),
                exact: *exact,
            },
            TypeKind::Literal(lit) => Type::Literal {
                value: match lit {
                    ast::LiteralType::String(s) => Literal::String(s.clone()),
                    ast::LiteralType::Number(n) => signed_literal(n),
                    ast::LiteralType::Bool(b) => Literal::Bool(*b),
                    ast::LiteralType::Null => Literal::Null,
                },
            },
            TypeKind::Union(options) => Type::Union {
                options: options.iter().map(|o| self.lower_type(file, o)).collect(),
            },
            TypeKind::Refined { base, refinements } => {
                let base_ty = self.lower_type(file, base);
                let mut lowered: Vec<(&ast::Refinement, Refinement)> = refinements
                    .iter()
                    .filter_map(|r| Some((r, self.lower_refinement(file, &base_ty, r)?)))
                    .collect();
                // Like a refinement that does not fit, one that leaves no value is reported
                // once and left out, so no value checked against the type is refused again.
                if let Some(at) = self.check_admissible(file, (base, &base_ty), &lowered) {
                    lowered.remove(at);
                }
                Type::Refined {
                    base: Box::new(base_ty),
                    refinements: lowered.into_iter().map(|(_, r)| r).collect(),
                }
            }
        }
    }

    pub fn lower_fields(&mut self, file: FileId, fields: &[ast::Field]) -> Vec<FieldType> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut out = Vec::new();
        for field in fields {
            if !seen.insert(field.name.name.as_str()) {
                let first = fields
                    .iter()
                    .find(|f| f.name.name == field.name.name)
                    .map(|f| f.name.span);
                let mut d = self
                    .error(
                        code::DUPLICATE_DEFINITION,
                        format!("the field `{}` is declared twice", field.name.name),
                        file,
                        field.name.span,
                    )
                    .with_label("declared again here")
                    .with_help("remove one of the two declarations");
                if let Some(first) = first {
                    d = d.with_secondary(file, first, "first declared here");
                }
                self.report(d);
                continue;
            }
            out.push(FieldType {
                name: field.name.name.clone(),
                ty: self.lower_type(file, &field.ty),
                optional: field.optional,
            });
        }
        out
    }

    fn lower_refinement(
        &mut self,
        file: FileId,
        base: &Type,
        refinement: &ast::Refinement,
    ) -> Option<Refinement> {
        let family = self.type_table().family(base);
        let invalid = |cx: &mut Self, what: &str| {
            let d = cx
                .error(
                    code::INVALID_REFINEMENT,
                    format!("`{what}` cannot refine {}", family.noun()),
                    file,
                    refinement.span,
                )
                .with_label(format!("the base type is {}", family.noun()))
                .with_help(match what {
                    "matching" => "`matching /re/` refines strings",
                    "nonempty" => "`nonempty` refines strings and lists",
                    _ => "ranges and comparisons refine numbers and quantities such as durations",
                });
            cx.report(d);
            None
        };
        match &refinement.kind {
            RefinementKind::Range { min, max } => {
                if !(family == Family::Number || family.is_quantity() || family == Family::Dynamic)
                {
                    return invalid(self, "in a..b");
                }
                let min = self.bound(file, family, min)?;
                let max = self.bound(file, family, max)?;
                Some(Refinement::Range { min, max })
            }
            RefinementKind::Compare { op, value } => {
                if !(family == Family::Number || family.is_quantity() || family == Family::Dynamic)
                {
                    return invalid(self, "a comparison");
                }
                let value = self.bound(file, family, value)?;
                let op = match op {
                    ast::CompareOp::Lt => CompareOp::Lt,
                    ast::CompareOp::Le => CompareOp::Le,
                    ast::CompareOp::Gt => CompareOp::Gt,
                    ast::CompareOp::Ge => CompareOp::Ge,
                    ast::CompareOp::Ne => CompareOp::Ne,
                };
                Some(Refinement::Compare { op, value })
            }
            RefinementKind::Matching(regex) => {
                if !matches!(family, Family::Text | Family::Dynamic) {
                    return invalid(self, "matching");
                }
                // Reported at the regex itself, after the word `matching`.
                let text = self.text(file, refinement.span);
                let at = text.find('/').map_or(refinement.span, |i| {
                    intent_source::Span::new(
                        refinement.span.start as usize + i,
                        refinement.span.end as usize,
                    )
                });
                self.check_regex(file, at, &regex.pattern, &regex.flags);
                Some(Refinement::Matching {
                    pattern: regex.pattern.clone(),
                    flags: regex.flags.clone(),
                })
            }
            RefinementKind::NonEmpty => {
                if !matches!(
                    family,
                    Family::Text | Family::List | Family::Dynamic | Family::Record
                ) {
                    return invalid(self, "nonempty");
                }
                Some(Refinement::Nonempty)
            }
        }
    }

    /// A refinement bound, whose unit must match the refined type.
    fn bound(&mut self, file: FileId, family: Family, n: &SignedNumber) -> Option<Literal> {
        let literal = signed_literal(n);
        let bound_family = literal_family(&literal);
        if family == Family::Dynamic || bound_family == family {
            return Some(literal);
        }
        let mut d = self
            .error(
                code::UNIT_MISMATCH,
                format!(
                    "this bound is {} but the type is {}",
                    bound_family.noun(),
                    family.noun()
                ),
                file,
                n.span,
            )
            .with_label("wrong unit");
        if let Some(unit) = family
            .dimension()
            .filter(|d| *d != intent_ir::units::Dimension::Number)
            .map(intent_ir::units::example_unit)
        {
            d = d.with_help(format!(
                "write the bound with a unit, for example `{}{unit}`",
                n.number.digits
            ));
        } else {
            d = d.with_help(format!(
                "write a plain number such as `{}`",
                n.number.digits
            ));
        }
        self.report(d);
        None
    }

    /// Compiles a regex at check time, so a bad one is an error at its span.
    pub fn check_regex(
        &mut self,
        file: FileId,
        span: intent_source::Span,
        pattern: &str,
        flags: &str,
    ) {
        if let Err(e) = compile_regex(pattern, flags) {
            let reason = e.to_string();
            let last = reason
                .lines()
                .last()
                .unwrap_or("invalid regex")
                .trim()
                .to_string();
            let d = self
                .error(code::INVALID_REGEX, format!("this regex does not compile: {last}"), file, span)
                .with_label("invalid regex")
                .with_help("regexes use Rust regex syntax; escape `/` as `\\/` and special characters with `\\`");
            self.report(d);
        }
    }

    /// The lookup of named types as lowered so far.
    pub fn type_table(&self) -> TypeTable<'_> {
        TypeTable {
            named: &self.named_types,
        }
    }
}

/// The family of a literal's unit.
pub(crate) fn literal_family(literal: &Literal) -> Family {
    match literal {
        Literal::Null => Family::Null,
        Literal::Bool(_) => Family::Bool,
        Literal::Int(_) | Literal::Decimal(_) => Family::Number,
        Literal::String(_) => Family::Text,
        Literal::Duration(_) => Family::Duration,
        Literal::Percent(_) => Family::Percent,
        Literal::Size(_) => Family::Size,
        Literal::Rate(_) => Family::Rate,
    }
}

pub(crate) fn signed_literal(n: &SignedNumber) -> Literal {
    let literal = number_literal(&n.number);
    if !n.negative {
        return literal;
    }
    match literal {
        Literal::Int(i) => Literal::Int(-i),
        Literal::Decimal(d) => Literal::Decimal(-d),
        Literal::Duration(d) => Literal::Duration(-d),
        Literal::Percent(d) => Literal::Percent(-d),
        Literal::Size(d) => Literal::Size(-d),
        Literal::Rate(d) => Literal::Rate(-d),
        other => other,
    }
}

/// A number with its unit folded into the canonical quantity (ms, %, bytes, per second),
/// converted in decimal so that `1.1s` is exactly 1100 ms.
pub(crate) fn number_literal(n: &NumberLit) -> Literal {
    let scaled = |times: u64, divided_by: u64| {
        intent_ir::number::scaled_literal(&n.digits, times, divided_by).unwrap_or_else(|| {
            n.digits.parse::<f64>().unwrap_or(f64::MAX) * times as f64 / divided_by as f64
        })
    };
    match n.unit {
        None if n.is_integer() => n
            .digits
            .parse()
            .map_or_else(|_| Literal::Decimal(scaled(1, 1)), Literal::Int),
        None => Literal::Decimal(scaled(1, 1)),
        Some(Unit::Milliseconds) => Literal::Duration(scaled(1, 1)),
        Some(Unit::Seconds) => Literal::Duration(scaled(1000, 1)),
        Some(Unit::Minutes) => Literal::Duration(scaled(60_000, 1)),
        Some(Unit::Hours) => Literal::Duration(scaled(3_600_000, 1)),
        Some(Unit::Percent) => Literal::Percent(scaled(1, 1)),
        Some(Unit::Bytes) => Literal::Size(scaled(1, 1)),
        Some(Unit::Kilobytes) => Literal::Size(scaled(1024, 1)),
        Some(Unit::Megabytes) => Literal::Size(scaled(1024 * 1024, 1)),
        Some(Unit::Gigabytes) => Literal::Size(scaled(1024 * 1024 * 1024, 1)),
        Some(Unit::PerSecond) => Literal::Rate(scaled(1, 1)),
        Some(Unit::PerMinute) => Literal::Rate(scaled(1, 60)),
        Some(Unit::PerHour) => Literal::Rate(scaled(1, 3600)),
    }
}
