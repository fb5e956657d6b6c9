//! Keyboard shortcuts: which key does what, decided without touching the DOM so it is tested.

/// What a key press asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `/` or Ctrl/Cmd+K.
    Search,
    /// `j` or ↓.
    Next,
    /// `k` or ↑.
    Previous,
    /// Enter, or `o` (the brief's).
    Open,
    /// `e`: the brief's "done" (read, off the list).
    Done,
    /// `s`: save for later, or take off the saved list.
    Save,
    /// `m`: mute the author.
    Mute,
    /// `f`: follow the author.
    Follow,
    /// `u`: undo the last of these.
    Undo,
    /// `x`: pick the selected topic of a timeline for an export (again: unpick it).
    Pick,
    /// Esc.
    Back,
    /// Ctrl/Cmd+W: the window closes (to the tray while notifications are on).
    Close,
}

/// A key press as the browser reports it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Press<'a> {
    /// `KeyboardEvent.key`.
    pub key: &'a str,
    pub ctrl: bool,
    pub meta: bool,
    pub alt: bool,
    /// Focus is in a text field, where letters and `/` are typing, not commands.
    pub typing: bool,
    /// An input method is composing (Chinese pinyin): every key belongs to it.
    pub composing: bool,
    /// Focus is on an element Enter works itself (a disclosure's `<summary>`, such as the
    /// reader's earlier versions): Enter is its, not the list's.
    pub activates: bool,
}

/// The action of `press`, if any.
pub fn action(press: Press<'_>) -> Option<Action> {
    if press.composing || press.alt {
        return None;
    }
    let command = press.ctrl || press.meta;
    match press.key {
        "k" | "K" if command => Some(Action::Search),
        "w" | "W" if command => Some(Action::Close),
        "Escape" => Some(Action::Back),
        _ if command => None,
        "ArrowDown" => Some(Action::Next),
        "ArrowUp" => Some(Action::Previous),
        "Enter" if !press.typing && !press.activates => Some(Action::Open),
        _ if press.typing => None,
        "/" => Some(Action::Search),
        "j" => Some(Action::Next),
        "k" => Some(Action::Previous),
        "o" => Some(Action::Open),
        "e" => Some(Action::Done),
        "s" => Some(Action::Save),
        "m" => Some(Action::Mute),
        "f" => Some(Action::Follow),
        "u" => Some(Action::Undo),
        "x" => Some(Action::Pick),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(key: &str) -> Press<'_> {
        Press {
            key,
            ..Press::default()
        }
    }

    #[test]
    fn list_keys_outside_text_fields() {
        assert_eq!(action(key("j")), Some(Action::Next));
        assert_eq!(action(key("ArrowDown")), Some(Action::Next));
        assert_eq!(action(key("k")), Some(Action::Previous));
        assert_eq!(action(key("ArrowUp")), Some(Action::Previous));
        assert_eq!(action(key("Enter")), Some(Action::Open));
        assert_eq!(action(key("Escape")), Some(Action::Back));
        assert_eq!(action(key("/")), Some(Action::Search));
        assert_eq!(action(key("q")), None);
    }

    /// The brief's triage letters, which stay typing in a field and are the input method's
    /// while it composes.
    #[test]
    fn triage_letters_outside_text_fields() {
        for (k, expected) in [
            ("o", Action::Open),
            ("e", Action::Done),
            ("s", Action::Save),
            ("m", Action::Mute),
            ("f", Action::Follow),
            ("u", Action::Undo),
            ("x", Action::Pick),
        ] {
            assert_eq!(action(key(k)), Some(expected), "{k}");
            let typing = Press {
                typing: true,
                ..key(k)
            };
            assert_eq!(action(typing), None, "{k} while typing");
            let composing = Press {
                composing: true,
                ..key(k)
            };
            assert_eq!(action(composing), None, "{k} while composing");
            let ctrl = Press {
                ctrl: true,
                ..key(k)
            };
            assert_eq!(action(ctrl), None, "Ctrl+{k} is the system's");
        }
        // Capitals are not shortcuts (Shift+S is not "save").
        assert_eq!(action(key("E")), None);
    }

    #[test]
    fn typing_keeps_letters_but_not_escape_arrows_or_the_palette_shortcut() {
        let typing = |k| Press {
            typing: true,
            ..key(k)
        };
        assert_eq!(action(typing("j")), None);
        assert_eq!(action(typing("/")), None);
        assert_eq!(action(typing("Enter")), None);
        assert_eq!(action(typing("Escape")), Some(Action::Back));
        assert_eq!(action(typing("ArrowDown")), Some(Action::Next));
        let ctrl_k = Press {
            ctrl: true,
            ..typing("k")
        };
        assert_eq!(action(ctrl_k), Some(Action::Search));
        let cmd_k = Press {
            meta: true,
            ..key("k")
        };
        assert_eq!(action(cmd_k), Some(Action::Search));
        // Ctrl/Cmd+W closes the window even while typing; a plain `w` is typing or nothing.
        let ctrl_w = Press {
            ctrl: true,
            ..typing("w")
        };
        assert_eq!(action(ctrl_w), Some(Action::Close));
        assert_eq!(action(key("w")), None);
    }

    /// Enter on the reader's "earlier versions" once opened the timeline's selection and
    /// kept the disclosure shut; the other keys still move the list.
    #[test]
    fn enter_on_a_disclosure_is_the_disclosures() {
        let on_summary = |k| Press {
            activates: true,
            ..key(k)
        };
        assert_eq!(action(on_summary("Enter")), None);
        assert_eq!(action(on_summary("j")), Some(Action::Next));
        assert_eq!(action(on_summary("Escape")), Some(Action::Back));
    }

    #[test]
    fn an_input_method_owns_every_key_while_composing() {
        for k in ["Enter", "Escape", "j", "ArrowDown", "/"] {
            let press = Press {
                composing: true,
                ..key(k)
            };
            assert_eq!(action(press), None, "{k}");
        }
        // Ctrl+J and Alt+K are the system's, not ours.
        assert_eq!(
            action(Press {
                ctrl: true,
                ..key("j")
            }),
            None
        );
        assert_eq!(
            action(Press {
                alt: true,
                ..key("k")
            }),
            None
        );
    }
}
