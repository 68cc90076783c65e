//! The stack of open brackets the scan keeps, small enough for a flood of brackets.

/// An open bracket. A flood of brackets puts millions of frames on the stack, so offsets that
/// are only compared or handed back, never used to slice the text, are stored as `u32` (a file
/// is far below 4 GiB), which keeps a frame at 24 bytes.
#[derive(Clone, Copy, Debug)]
pub(super) struct Frame {
    pub(super) bracket: Bracket,
    /// Where it opens.
    pub(super) at: usize,
    /// The start of the line it opens on.
    pub(super) line: u32,
}

const _: () = assert!(std::mem::size_of::<Frame>() <= 24);

#[derive(Clone, Copy, Debug)]
pub(super) enum Bracket {
    /// `(`, `[` or `{`.
    Open(u8),
    /// `{` of a string interpolation, in the string that starts at the offset.
    Interpolation(u32),
}

/// An offset as kept in a [`Frame`] or a [`Problem`].
pub(super) fn small(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl Frame {
    pub(super) fn opener(self) -> char {
        match self.bracket {
            Bracket::Open(b) => b as char,
            Bracket::Interpolation(_) => '{',
        }
    }

    pub(super) fn closer(self) -> char {
        closer_of(self.opener())
    }

    pub(super) fn kind(self) -> usize {
        kind_of(self.opener())
    }
}

/// 0 for `(`, 1 for `[`, 2 for `{`, whether it opens a block, an object or a value in a string:
/// `}` closes each alike.
pub(super) fn kind_of(opener: char) -> usize {
    match opener {
        '(' => 0,
        '[' => 1,
        _ => 2,
    }
}

/// The open brackets, innermost last, with how many of each kind are open: a closing bracket
/// that matches none is known at once, without a walk down a stack thousands deep.
#[derive(Debug, Default)]
pub(super) struct Stack {
    pub(super) frames: Vec<Frame>,
    pub(super) open: [usize; 3],
}

impl Stack {
    pub(super) fn push(&mut self, frame: Frame) {
        self.open[frame.kind()] += 1;
        self.frames.push(frame);
    }

    pub(super) fn pop(&mut self) -> Option<Frame> {
        let frame = self.frames.pop()?;
        self.open[frame.kind()] -= 1;
        Some(frame)
    }

    pub(super) fn truncate(&mut self, len: usize) {
        while self.frames.len() > len {
            self.pop();
        }
    }

    pub(super) fn clear(&mut self) {
        self.truncate(0);
    }

    /// The position of the innermost open bracket that `closer` closes. The walk passes only
    /// brackets that the closer leaves unclosed, which are then dropped, so each bracket is
    /// passed once.
    pub(super) fn opener(&self, closer: u8) -> Option<usize> {
        let kind = kind_of(opener_of(closer) as char);
        if self.open[kind] == 0 {
            return None;
        }
        self.frames.iter().rposition(|f| f.kind() == kind)
    }
}

impl std::ops::Deref for Stack {
    type Target = [Frame];

    fn deref(&self) -> &[Frame] {
        &self.frames
    }
}

pub(super) fn closer_of(opener: char) -> char {
    match opener {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

pub(super) fn opener_of(closer: u8) -> u8 {
    match closer {
        b')' => b'(',
        b']' => b'[',
        _ => b'{',
    }
}
