//! Alerts sent beside the schedule: one queue and one task per destination, so a webhook that
//! never answers delays only the alerts that go to it, never a run of any monitor nor the
//! alerts to other destinations. Alerts to one destination are sent in the order they were
//! raised (a `failing` before its `recovered`). The watch files each [`Receipt`] in the
//! history when it comes back.

use crate::alert::{self, Attempts, Delivery, State};
use std::collections::HashMap;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

/// An alert to deliver, with what the history needs to know of it.
#[derive(Debug)]
pub struct Letter {
    /// The run that raised it.
    pub run_id: i64,
    /// The monitor, and the rule of its alert lines, as indices into what is watched.
    pub monitor: usize,
    pub rule: usize,
    pub state: State,
    pub destination: String,
    /// The destination as outputs show it (redacted when it comes from a secret).
    pub shown: String,
    pub message: serde_json::Value,
}

/// What became of a [`Letter`].
#[derive(Debug)]
pub struct Receipt {
    pub run_id: i64,
    pub monitor: usize,
    pub rule: usize,
    pub state: State,
    pub delivered: bool,
    /// `answered STATUS`, or why it was not delivered; the destination is shown as outputs
    /// show it.
    pub detail: String,
}

#[derive(Debug)]
pub struct Outbox {
    client: reqwest::Client,
    delivery: Delivery,
    queues: HashMap<String, mpsc::UnboundedSender<Letter>>,
    couriers: JoinSet<()>,
    receipts_to: mpsc::UnboundedSender<Receipt>,
    receipts: mpsc::UnboundedReceiver<Receipt>,
    cancel: watch::Sender<bool>,
    pending: usize,
}

impl Outbox {
    pub fn new(client: reqwest::Client, delivery: Delivery) -> Outbox {
        let (receipts_to, receipts) = mpsc::unbounded_channel();
        Outbox {
            client,
            delivery,
            queues: HashMap::new(),
            couriers: JoinSet::new(),
            receipts_to,
            receipts,
            cancel: watch::Sender::new(false),
            pending: 0,
        }
    }

    /// Queues an alert for its destination; it is sent as soon as the alerts before it to the
    /// same destination are settled.
    pub fn post(&mut self, letter: Letter) {
        self.pending += 1;
        let queue = self
            .queues
            .entry(letter.destination.clone())
            .or_insert_with(|| {
                let (queue, letters) = mpsc::unbounded_channel();
                self.couriers.spawn(courier(
                    self.client.clone(),
                    self.delivery,
                    letters,
                    self.receipts_to.clone(),
                    self.cancel.subscribe(),
                ));
                queue
            });
        if let Err(refused) = queue.send(letter) {
            // Only a courier that died drops its queue; the alert is settled here instead.
            let letter = refused.0;
            let failed = receipt(&letter, Err("the alert could not be queued".into()));
            let _ = self.receipts_to.send(failed);
        }
    }

    /// How many alerts have no receipt yet.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// The next receipt; waits forever when none is pending (use it in `select!` guarded by
    /// [`Outbox::pending`]).
    pub async fn receipt(&mut self) -> Receipt {
        match self.receipts.recv().await {
            Some(receipt) => {
                self.pending -= 1;
                receipt
            }
            // The outbox holds a sender itself, so the channel never closes.
            None => std::future::pending().await,
        }
    }

    /// Cuts every delivery short: alerts in flight and queued come back as not delivered.
    pub fn cancel(&self) {
        self.cancel.send_replace(true);
    }
}

/// Delivers the letters of one destination in turn, until the outbox is dropped.
async fn courier(
    client: reqwest::Client,
    delivery: Delivery,
    mut letters: mpsc::UnboundedReceiver<Letter>,
    receipts: mpsc::UnboundedSender<Receipt>,
    mut cancel: watch::Receiver<bool>,
) {
    while let Some(letter) = letters.recv().await {
        let mut attempts = Attempts::default();
        let outcome = if *cancel.borrow() {
            None
        } else {
            let delivering = alert::deliver(
                &client,
                &letter.destination,
                &letter.message,
                delivery,
                &mut attempts,
            );
            tokio::select! {
                outcome = delivering => Some(outcome),
                _ = cancel.wait_for(|cancelled| *cancelled) => None,
            }
        };
        let outcome = outcome.unwrap_or_else(|| Err(interrupted(&attempts)));
        if receipts.send(receipt(&letter, outcome)).is_err() {
            return;
        }
    }
}

/// Why an alert cut short by an interrupt was not delivered.
fn interrupted(attempts: &Attempts) -> String {
    match (attempts.made, &attempts.last_failure) {
        (0, _) => "interrupted before it was sent".into(),
        (_, None) => "interrupted while the webhook had not answered".into(),
        (made, Some(failure)) => format!(
            "interrupted before it was delivered ({made} attempts begun; the last failure: {failure})"
        ),
    }
}

fn receipt(letter: &Letter, outcome: Result<String, String>) -> Receipt {
    let delivered = outcome.is_ok();
    let detail = outcome.unwrap_or_else(|cause| cause);
    Receipt {
        run_id: letter.run_id,
        monitor: letter.monitor,
        rule: letter.rule,
        state: letter.state,
        delivered,
        // A delivery error may quote the URL, which may come from a secret.
        detail: detail.replace(&letter.destination, &letter.shown),
    }
}
