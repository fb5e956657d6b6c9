//! The web sign-in: login tickets shown as QR codes and "scanned" by tests.
//!
//! The service's web page (docs/protocol.md §2.5) shows a WeChat QR code that expires after
//! about two minutes; once the member scans it with WeChat, the page learns so and the service
//! sets the httpOnly `zsxq_access_token` cookie. The simulator's page (`GET /login`,
//! `routes/login.rs`) works the same way from the outside: each visit shows a new [`Ticket`]'s
//! code and polls for it; `POST /__sim/scan` stands for the phone and scans the newest
//! ticket still waiting, which issues a fresh token; the page's next poll carries the cookie.
//!
//! Invented (nothing public describes the service's own polling): the ticket ids, the
//! `/login/status` poll and its JSON, and everything under `/__sim/`.

use std::time::Duration;

use serde_json::Value;

/// How long a QR code can be scanned, like the service's (about two minutes).
pub(crate) const TICKET_LIFETIME: Duration = Duration::from_secs(120);

/// One QR code shown on a login page.
#[derive(Debug)]
struct Ticket {
    id: String,
    shown_at: Duration,
    /// The token issued when it was scanned.
    token: Option<String>,
}

/// Where a ticket stands, as the page's poll sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TicketState {
    Waiting,
    /// Scanned: the page's poll sets this token as the cookie.
    SignedIn(String),
    /// Unknown, or shown longer than [`TICKET_LIFETIME`] ago without a scan.
    Expired,
}

/// The login pages' tickets and what hostile-page probes reported.
#[derive(Debug, Default)]
pub(crate) struct Logins {
    tickets: Vec<Ticket>,
    probes: Vec<Value>,
}

impl Logins {
    /// A new ticket for a page shown at `now` (the simulator's clock).
    pub(crate) fn show(&mut self, id: String, now: Duration) -> String {
        // A page left open for days would otherwise grow the list without end.
        self.tickets
            .retain(|t| t.token.is_some() || now.saturating_sub(t.shown_at) < TICKET_LIFETIME);
        self.tickets.push(Ticket {
            id: id.clone(),
            shown_at: now,
            token: None,
        });
        id
    }

    pub(crate) fn state(&self, id: &str, now: Duration) -> TicketState {
        match self.tickets.iter().find(|t| t.id == id) {
            Some(Ticket {
                token: Some(token), ..
            }) => TicketState::SignedIn(token.clone()),
            Some(t) if now.saturating_sub(t.shown_at) < TICKET_LIFETIME => TicketState::Waiting,
            _ => TicketState::Expired,
        }
    }

    /// The newest ticket still waiting at `now`, if a page shows one: the one a phone scans.
    pub(crate) fn waiting(&self, now: Duration) -> Option<String> {
        self.tickets
            .iter()
            .rev()
            .find(|t| t.token.is_none() && now.saturating_sub(t.shown_at) < TICKET_LIFETIME)
            .map(|t| t.id.clone())
    }

    /// Records that `id` was scanned and signed in with `token`.
    pub(crate) fn scanned(&mut self, id: &str, token: String) {
        if let Some(ticket) = self.tickets.iter_mut().find(|t| t.id == id) {
            ticket.token = Some(token);
        }
    }

    pub(crate) fn probe(&mut self, report: Value) {
        self.probes.push(report);
    }

    pub(crate) fn probes(&self) -> Vec<Value> {
        self.probes.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn a_code_waits_until_scanned_or_expired() {
        let mut logins = Logins::default();
        let first = logins.show("a".into(), SEC);
        let second = logins.show("b".into(), 2 * SEC);
        assert_eq!(logins.state(&first, 3 * SEC), TicketState::Waiting);
        assert_eq!(
            logins.waiting(3 * SEC).as_deref(),
            Some("b"),
            "the newest is scanned"
        );
        logins.scanned(&second, "TOKEN".into());
        assert_eq!(
            logins.state(&second, 3 * SEC),
            TicketState::SignedIn("TOKEN".into())
        );
        assert_eq!(logins.waiting(3 * SEC).as_deref(), Some("a"));
        let late = SEC + TICKET_LIFETIME;
        assert_eq!(logins.state(&first, late), TicketState::Expired);
        assert_eq!(logins.waiting(late), None);
        assert_eq!(logins.state("unknown", SEC), TicketState::Expired);
        // A scanned ticket keeps its answer: the page may poll once more after the scan.
        assert_eq!(
            logins.state(&second, late + TICKET_LIFETIME),
            TicketState::SignedIn("TOKEN".into())
        );
    }
}
