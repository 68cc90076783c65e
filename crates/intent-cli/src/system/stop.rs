//! Stopping a system under test: the whole process group, `SIGTERM` then `SIGKILL`, every
//! process reaped (its orphans included, through the child subreaper), every wait bounded.

use super::{DRAIN_WAIT, GRACE_PERIOD, KILL_WAIT, RunningSystem, STOP_POLL};
use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use std::time::Duration;
use tokio::time::Instant;

impl RunningSystem {
    /// Stops the whole process group: `SIGTERM`, then `SIGKILL` if anything is still alive
    /// after [`GRACE_PERIOD`]; reaps the processes. Bounded: returns within a few seconds.
    pub async fn stop(mut self) {
        self.shutdown().await;
    }

    pub(super) async fn shutdown(&mut self) {
        if self.stopped {
            return;
        }
        let _ = killpg(self.pgid, Signal::SIGTERM);
        if !self.wait_group_gone(GRACE_PERIOD).await {
            let _ = killpg(self.pgid, Signal::SIGKILL);
            let _ = self.child.start_kill();
            self.wait_group_gone(KILL_WAIT).await;
        }
        self.stopped = true;
        // The pipes close when the last process holding them is gone.
        let deadline = Instant::now() + DRAIN_WAIT;
        for drain in &mut self.drains {
            if tokio::time::timeout_at(deadline, &mut *drain)
                .await
                .is_err()
            {
                drain.abort();
            }
        }
    }

    /// Reaps the child and the group's orphans until no process of the group is left (true) or
    /// `limit` has passed (false).
    async fn wait_group_gone(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            // Reap the leader first, then (only then, so as not to steal its status from tokio)
            // the orphans of the group that were re-parented to this process.
            let leader_reaped = !matches!(self.child.try_wait(), Ok(None));
            if leader_reaped {
                reap_orphans(self.pgid);
            }
            if leader_reaped && killpg(self.pgid, None) == Err(Errno::ESRCH) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(STOP_POLL).await;
        }
    }
}

impl Drop for RunningSystem {
    /// Best effort, synchronous: `SIGKILL` to the whole group, no grace period. When a tokio
    /// runtime is still there (the future owning the system was cancelled), a task reaps the
    /// killed processes; the child itself is reaped by tokio (`kill_on_drop`).
    fn drop(&mut self) {
        for drain in &self.drains {
            drain.abort();
        }
        if self.stopped {
            return;
        }
        self.stopped = true;
        let _ = killpg(self.pgid, Signal::SIGKILL);
        let _ = self.child.start_kill();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let pgid = self.pgid;
            runtime.spawn(async move {
                let deadline = Instant::now() + KILL_WAIT;
                // Reaping the leader here as well is harmless: tokio forgets a child that
                // another waiter reaped.
                while Instant::now() < deadline {
                    reap_orphans(pgid);
                    if killpg(pgid, None) == Err(Errno::ESRCH) {
                        break;
                    }
                    tokio::time::sleep(STOP_POLL).await;
                }
            });
        }
    }
}

/// Reaps, without blocking, every exited child of this process in group `pgid`.
fn reap_orphans(pgid: Pid) {
    let group = Pid::from_raw(-pgid.as_raw());
    // Bounded: each iteration reaps one process, and a group has finitely many.
    for _ in 0..10_000 {
        match waitpid(group, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Makes this process the reaper of its orphaned descendants (Linux), so the children a system
/// leaves behind are reaped by [`RunningSystem::stop`] rather than left as zombies.
pub(super) fn become_subreaper() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            let _ = nix::sys::prctl::set_child_subreaper(true);
        });
    }
}
