//! Compressed bodies: what a standard client accepts and decodes. The runner decodes them
//! itself rather than letting the HTTP client do it, so that the `content-encoding` header
//! stays visible to checks, the verbose log can say what was decoded, and the size cap holds
//! for the decoded body as well (a small compressed body cannot expand without bound).

use std::io::Read;
use zstd::zstd_safe;

/// The `accept-encoding` sent when a request does not set its own, as browsers and curl's
/// `--compressed` do.
pub const ACCEPT_ENCODING: &str = "gzip, deflate, br, zstd";

/// What was decoded, for the verbose log: `gzip, 312 → 1024 bytes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub encodings: String,
    pub from: usize,
    pub to: usize,
}

impl std::fmt::Display for Decoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "decoded {}: {} → {} bytes",
            self.encodings, self.from, self.to
        )
    }
}

/// Why a body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The body is not valid in the encoding its header names.
    Corrupt { encoding: String, cause: String },
    /// Decoded, it would be larger than the cap.
    TooLarge { limit: usize },
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Corrupt { encoding, cause } => {
                write!(f, "the body is not valid {encoding} ({cause})")
            }
            DecodeError::TooLarge { limit } => write!(
                f,
                "the decoded response body is larger than the limit of {limit} bytes"
            ),
        }
    }
}

/// Decodes `body` by its `content-encoding` header (`gzip`, `deflate`, `br`, `zstd`, or a
/// list of them in the order they were applied), reading at most `limit` decoded bytes.
/// `Ok(None)` when there is nothing to decode: no header, `identity`, or an encoding this
/// runner does not know (the body is then read as it came).
pub fn decode(
    header: Option<&str>,
    body: &[u8],
    limit: usize,
) -> Result<Option<(Vec<u8>, Decoded)>, DecodeError> {
    let Some(header) = header else {
        return Ok(None);
    };
    let encodings: Vec<&str> = header
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.eq_ignore_ascii_case("identity"))
        .collect();
    if encodings.is_empty() || encodings.iter().any(|e| codec(e).is_none()) {
        return Ok(None);
    }
    // The last encoding listed was applied last, so it is undone first.
    let mut current: Option<Vec<u8>> = None;
    for encoding in encodings.iter().rev() {
        let input = current.as_deref().unwrap_or(body);
        current = Some(undo(encoding, input, limit)?);
    }
    let decoded = current.unwrap_or_default();
    let how = Decoded {
        encodings: encodings.join(", ").to_ascii_lowercase(),
        from: body.len(),
        to: decoded.len(),
    };
    Ok(Some((decoded, how)))
}

#[derive(Clone, Copy)]
enum Codec {
    Gzip,
    Deflate,
    Brotli,
    Zstd,
}

/// The codec an encoding names, in any case (`GZIP` is `gzip`).
fn codec(name: &str) -> Option<Codec> {
    let named = |known: &str| name.eq_ignore_ascii_case(known);
    Some(if named("gzip") || named("x-gzip") {
        Codec::Gzip
    } else if named("deflate") {
        Codec::Deflate
    } else if named("br") {
        Codec::Brotli
    } else if named("zstd") {
        Codec::Zstd
    } else {
        return None;
    })
}

thread_local! {
    /// Each worker thread's zstd context, reused for every zstd body (its session is reset
    /// each time). Making one asks the CPU what it supports, which in a virtual machine costs
    /// more than decoding a small body: a context per response took 11 % of a run's time.
    static ZSTD_CONTEXT: std::cell::RefCell<Option<zstd_safe::DCtx<'static>>> =
        const { std::cell::RefCell::new(None) };
}

fn undo(encoding: &str, body: &[u8], limit: usize) -> Result<Vec<u8>, DecodeError> {
    let corrupt = |cause: std::io::Error| DecodeError::Corrupt {
        encoding: encoding.to_ascii_lowercase(),
        cause: cause.to_string(),
    };
    match codec(encoding) {
        Some(Codec::Gzip) => read_capped(flate2::read::MultiGzDecoder::new(body), limit),
        // HTTP's `deflate` is zlib-wrapped (RFC 9110), but some servers send the raw stream.
        Some(Codec::Deflate) => {
            read_capped(flate2::read::ZlibDecoder::new(body), limit).or_else(|zlib| match zlib {
                DecodeError::Corrupt { .. } => {
                    read_capped(flate2::read::DeflateDecoder::new(body), limit).map_err(|_| zlib)
                }
                too_large => Err(too_large),
            })
        }
        Some(Codec::Brotli) => read_capped(brotli::Decompressor::new(body, 8192), limit),
        Some(Codec::Zstd) => ZSTD_CONTEXT.with(|slot| {
            let mut slot = slot.borrow_mut();
            let context = match &mut *slot {
                Some(context) => context,
                None => slot.insert(zstd_safe::DCtx::try_create().ok_or_else(|| {
                    corrupt(std::io::Error::other("zstd could not make a context"))
                })?),
            };
            unzstd(context, body, limit)
        }),
        None => Ok(body.to_vec()),
    }
    .map_err(|e| match e {
        DecodeError::Corrupt { cause, .. } => DecodeError::Corrupt {
            encoding: encoding.to_ascii_lowercase(),
            cause,
        },
        other => other,
    })
}

/// Decodes a zstd body (one frame, or several one after another) with `context`, refusing
/// more than `limit` bytes. Written against zstd's streaming call rather than through
/// `std::io::Read`, which reads a small body to its end in several calls into the decoder and
/// growing copies: 3,800 instructions a small answer against 2,200 this way.
fn unzstd(
    context: &mut zstd_safe::DCtx<'static>,
    body: &[u8],
    limit: usize,
) -> Result<Vec<u8>, DecodeError> {
    let corrupt = |cause: &str| DecodeError::Corrupt {
        encoding: String::new(),
        cause: cause.to_string(),
    };
    let failed = |code: usize| corrupt(zstd_safe::get_error_name(code));
    let incomplete = || corrupt("incomplete frame");
    context
        .reset(zstd_safe::ResetDirective::SessionOnly)
        .map_err(failed)?;
    let cap = limit.saturating_add(1);
    let mut out = Vec::with_capacity(body.len().saturating_mul(4).clamp(64, 64 << 10).min(cap));
    let mut input = zstd_safe::InBuffer::around(body);
    loop {
        if out.len() == out.capacity() {
            if out.len() >= cap {
                return Err(DecodeError::TooLarge { limit });
            }
            out.reserve_exact(out.capacity().max(64).min(cap - out.len()));
        }
        let (read, written) = (input.pos(), out.len());
        let hint = {
            let mut output = zstd_safe::OutBuffer::around_pos(&mut out, written);
            context
                .decompress_stream(&mut output, &mut input)
                .map_err(failed)?
        };
        if out.len() > limit {
            return Err(DecodeError::TooLarge { limit });
        }
        let everything_read = input.pos() == body.len();
        let room_left = out.len() < out.capacity();
        if hint == 0 {
            // A frame ended, all of it written out: the body ends here, or another frame
            // follows.
            if everything_read {
                return Ok(out);
            }
            context
                .reset(zstd_safe::ResetDirective::SessionOnly)
                .map_err(failed)?;
        } else if room_left && (everything_read || (input.pos() == read && out.len() == written)) {
            // zstd wants more of a frame than the body holds.
            return Err(incomplete());
        }
    }
}

/// Reads a decoder to its end, refusing more than `limit` bytes.
fn read_capped(decoder: impl Read, limit: usize) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    decoder
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|e| DecodeError::Corrupt {
            encoding: String::new(),
            cause: e.to_string(),
        })?;
    if out.len() > limit {
        return Err(DecodeError::TooLarge { limit });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).expect("compress");
        e.finish().expect("finish")
    }

    #[test]
    fn each_encoding_is_decoded() {
        let text = br#"{"ok":true}"#.repeat(20);
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        zlib.write_all(&text).expect("compress");
        let zlib = zlib.finish().expect("finish");
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        raw.write_all(&text).expect("compress");
        let raw = raw.finish().expect("finish");
        let mut br = Vec::new();
        brotli::CompressorWriter::new(&mut br, 4096, 5, 22)
            .write_all(&text)
            .expect("compress");
        let zstd = zstd::encode_all(&text[..], 3).expect("compress");
        for (header, body) in [
            ("gzip", gzip(&text)),
            ("deflate", zlib),
            ("deflate", raw),
            ("br", br),
            ("zstd", zstd),
        ] {
            let (decoded, how) = decode(Some(header), &body, 1 << 20)
                .expect(header)
                .expect("decoded");
            assert_eq!(decoded, text, "{header}");
            assert!(how.encodings == header && how.to == text.len() && how.from == body.len());
        }
    }

    #[test]
    fn stacked_encodings_are_undone_last_first() {
        let text = b"hello hello hello".to_vec();
        let twice = zstd::encode_all(&gzip(&text)[..], 3).expect("compress");
        let (decoded, how) = decode(Some("gzip, zstd"), &twice, 1024)
            .expect("decode")
            .expect("decoded");
        assert_eq!(decoded, text);
        assert_eq!(how.encodings, "gzip, zstd");
        // Encodings are named in any case, and said in lower case.
        let (decoded, how) = decode(Some(" GZip , ZSTD"), &twice, 1024)
            .expect("decode")
            .expect("decoded");
        assert_eq!(decoded, text);
        assert_eq!(how.encodings, "gzip, zstd");
        let corrupt = decode(Some("X-GZIP"), b"not gzip", 1024);
        assert!(
            matches!(&corrupt, Err(DecodeError::Corrupt { encoding, .. }) if encoding == "x-gzip"),
            "{corrupt:?}"
        );
    }

    /// The thread's zstd context is reused: a body cut off mid-frame, or one refused for its
    /// size, leaves nothing behind for the next body decoded on the same thread.
    #[test]
    fn a_zstd_body_decodes_the_same_after_a_broken_one() {
        let text = br#"{"sku":"AB-0001"}"#.repeat(200);
        let whole = zstd::encode_all(&text[..], 3).expect("compress");
        let cut = &whole[..whole.len() / 2];
        assert!(matches!(
            decode(Some("zstd"), cut, 1 << 20),
            Err(DecodeError::Corrupt { .. })
        ));
        assert_eq!(
            decode(Some("zstd"), &whole, 100),
            Err(DecodeError::TooLarge { limit: 100 })
        );
        for _ in 0..2 {
            let (decoded, _) = decode(Some("zstd"), &whole, 1 << 20)
                .expect("decodes")
                .expect("decoded");
            assert_eq!(decoded, text);
        }
    }

    /// Frames one after another, a body cut short, an empty body, trailing bytes and the size
    /// cap at its exact edge, as zstd's own reader sees them.
    #[test]
    fn zstd_bodies_decode_as_the_zstd_reader_decodes_them() {
        let text = br#"{"sku":"AB-0001","name":"Tea"}"#.repeat(300);
        let one = zstd::encode_all(&text[..], 1).expect("compress");
        let two = [
            one.clone(),
            zstd::encode_all(&b"!"[..], 1).expect("compress"),
        ]
        .concat();
        let mut both = text.clone();
        both.push(b'!');
        let decoded = |body: &[u8], limit| decode(Some("zstd"), body, limit);
        assert_eq!(
            decoded(&two, 1 << 20).expect("decodes").expect("decoded").0,
            both
        );
        assert_eq!(zstd::decode_all(&two[..]).expect("zstd reads it"), both);
        let limit = text.len();
        assert_eq!(
            decoded(&one, limit).expect("fits").expect("decoded").0,
            text
        );
        assert_eq!(
            decoded(&one, limit - 1),
            Err(DecodeError::TooLarge { limit: limit - 1 })
        );
        let incomplete = DecodeError::Corrupt {
            encoding: "zstd".into(),
            cause: "incomplete frame".into(),
        };
        for cut in [&[][..], &one[..one.len() - 1], &one[..5]] {
            assert_eq!(
                decoded(cut, 1 << 20),
                Err(incomplete.clone()),
                "{} bytes",
                cut.len()
            );
            assert!(zstd::decode_all(cut).is_err());
        }
        // A body that fills the room given to it exactly, at each size it grows through.
        for n in 0..1100 {
            let text = vec![b'a'; n];
            let body = zstd::encode_all(&text[..], 1).expect("compress");
            let (decoded, _) = decoded(&body, 1 << 20).expect("decodes").expect("decoded");
            assert_eq!(decoded.len(), n);
        }
        let trailing = [&one[..], b"garbage"].concat();
        assert!(matches!(
            decoded(&trailing, 1 << 20),
            Err(DecodeError::Corrupt { .. })
        ));
        assert!(zstd::decode_all(&trailing[..]).is_err());
    }

    /// Random bodies, whole and with a byte changed, cut or added: decoded here exactly when
    /// zstd's own reader decodes them, to the same bytes.
    #[test]
    fn zstd_bodies_agree_with_the_zstd_reader_on_random_damage() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for case in 0..400 {
            let len = (next() % 5000) as usize;
            let alphabet = 1 + next() % 40;
            let text: Vec<u8> = (0..len).map(|_| b' ' + (next() % alphabet) as u8).collect();
            let mut body = zstd::encode_all(&text[..], case % 5 + 1).expect("compress");
            let at = (next() as usize) % (body.len() + 1);
            match case % 4 {
                0 => {}
                1 if at < body.len() => body[at] ^= 1 << (next() % 8),
                2 => body.truncate(at),
                _ => body.insert(at, next() as u8),
            }
            let ours = decode(Some("zstd"), &body, 1 << 20).map(|d| d.map(|(bytes, _)| bytes));
            match zstd::decode_all(&body[..]) {
                Ok(theirs) => assert_eq!(ours, Ok(Some(theirs)), "case {case}"),
                Err(_) => assert!(
                    matches!(ours, Err(DecodeError::Corrupt { .. })),
                    "case {case}: {ours:?}"
                ),
            }
        }
    }

    #[test]
    fn identity_and_unknown_encodings_are_left_alone() {
        for header in [
            None,
            Some("identity"),
            Some("compress"),
            Some("gzip, x-custom"),
        ] {
            assert_eq!(decode(header, b"plain", 1024), Ok(None));
        }
    }

    #[test]
    fn a_corrupt_body_or_a_bomb_is_refused() {
        assert!(matches!(
            decode(Some("gzip"), b"not gzip", 1024),
            Err(DecodeError::Corrupt { encoding, .. }) if encoding == "gzip"
        ));
        // A megabyte of zeros compresses to about a kilobyte.
        let bomb = gzip(&vec![0u8; 1 << 20]);
        assert!(bomb.len() < 4096);
        assert_eq!(
            decode(Some("gzip"), &bomb, 64 * 1024),
            Err(DecodeError::TooLarge { limit: 64 * 1024 })
        );
    }
}
